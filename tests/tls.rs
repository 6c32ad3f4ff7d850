//! https endpoints with a private CA: the in-process server behind a real TLS
//! front on 127.0.0.1, with certificates made here by rcgen.

mod common;

use common::{TestServer, read};
use image::ImageFormat;
use picbucket::core::Config;
use picbucket::storage::{S3Store, StorageError, TlsProblem, UploadProgress, UploadRequest};
use picbucket::test_support::write_image;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_util::sync::CancellationToken;

/// What the server's certificate looks like.
enum ServerCert {
    /// For 127.0.0.1, valid now.
    Good,
    /// For another host name only.
    OtherHost,
    /// For 127.0.0.1, expired yesterday.
    Expired,
    /// The CA certificate itself, for 127.0.0.1 (what `openssl req -x509` makes by default).
    CaItself,
}

/// The test server behind TLS, and the CA's PEM file.
struct TlsServer {
    server: TestServer,
    endpoint: String,
    ca_file: PathBuf,
}

impl TlsServer {
    fn start(kind: ServerCert) -> Self {
        let server = TestServer::start();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "picbucket test CA");
        if let ServerCert::CaItself = kind {
            ca_params.subject_alt_names = vec![rcgen::SanType::IpAddress([127, 0, 0, 1].into())];
        }
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
        let name = match kind {
            ServerCert::OtherHost => "storage.example.org",
            _ => "127.0.0.1",
        };
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec![name.to_owned()]).unwrap();
        if let ServerCert::Expired = kind {
            params.not_before = time::OffsetDateTime::now_utc() - time::Duration::days(30);
            params.not_after = time::OffsetDateTime::now_utc() - time::Duration::days(1);
        }
        let (cert, key) = match kind {
            ServerCert::CaItself => {
                let itself: &rcgen::Certificate = ca.as_ref();
                (itself.clone(), KeyPair::from_pem(&ca.key().serialize_pem()).unwrap())
            }
            _ => (params.signed_by(&key, &ca).unwrap(), key),
        };
        let ca_file = server.data.path().join("ca.pem");
        std::fs::write(&ca_file, ca.pem()).unwrap();

        let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone(), CertificateDer::from(ca.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let upstream = server.store.endpoint().trim_start_matches("http://").to_owned();
        let listener = server.runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let endpoint = format!("https://{}", listener.local_addr().unwrap());
        server.runtime.spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    // A refused handshake just ends this connection, as on a real server.
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return;
                    };
                    let Ok(mut plain) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        Self {
            server,
            endpoint,
            ca_file,
        }
    }

    fn config(&self, trust_ca: bool) -> Config {
        let mut config = self.server.config();
        config.storage.endpoint = self.endpoint.clone();
        config.storage.ca_file = trust_ca.then(|| self.ca_file.clone());
        config
    }

    fn test_connection(&self, trust_ca: bool) -> Result<String, StorageError> {
        let store = self.server.client(&self.config(trust_ca));
        self.server
            .runtime
            .block_on(store.test_connection())
            .map(|report| report.to_string())
    }
}

fn tls_problem(result: Result<String, StorageError>) -> (TlsProblem, String) {
    match result {
        Err(error @ StorageError::Tls { problem, .. }) => (problem, error.to_string()),
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[test]
fn without_the_ca_the_certificate_has_an_unknown_issuer_and_ca_file_is_named() {
    let tls = TlsServer::start(ServerCert::Good);
    let (problem, text) = tls_problem(tls.test_connection(false));
    assert_eq!(problem, TlsProblem::UnknownIssuer);
    assert!(text.contains("unknown issuer") && text.contains("`ca_file`"), "{text}");
}

#[test]
fn with_ca_file_test_connection_and_an_upload_succeed() {
    let tls = TlsServer::start(ServerCert::Good);
    let report = tls.test_connection(true).unwrap();
    assert!(report.contains(&tls.endpoint), "{report}");
    let path = write_image(tls.server.data.path(), "cat.png", ImageFormat::Png, 16, 16);
    let store = tls.server.client(&tls.config(true));
    let request = UploadRequest {
        path: &path,
        key: "cat.png",
        content_type: "image/png",
        size_bytes: std::fs::metadata(&path).unwrap().len(),
        multipart_threshold_bytes: u64::MAX,
        max_attempts: 5,
        prepared: None,
    };
    tls.server
        .runtime
        .block_on(store.upload_file(request, &UploadProgress::new(), &CancellationToken::new()))
        .unwrap();
    assert_eq!(tls.server.get("cat.png"), read(&path));
}

#[test]
fn a_certificate_for_another_host_is_a_wrong_host_name() {
    let tls = TlsServer::start(ServerCert::OtherHost);
    let (problem, text) = tls_problem(tls.test_connection(true));
    assert_eq!(problem, TlsProblem::WrongHost);
    assert!(text.contains("wrong host name"), "{text}");
}

#[test]
fn an_expired_certificate_is_reported_as_expired() {
    let tls = TlsServer::start(ServerCert::Expired);
    let (problem, text) = tls_problem(tls.test_connection(true));
    assert_eq!(problem, TlsProblem::Expired);
    assert!(text.contains("expired"), "{text}");
}

#[test]
fn a_ca_file_that_is_missing_or_not_pem_is_a_settings_error_naming_it() {
    let data = tempfile::tempdir().unwrap();
    let not_pem = data.path().join("ca.pem");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for path in [not_pem.clone(), data.path().join("missing.pem")] {
        let mut config = Config::default();
        config.storage.endpoint = "https://127.0.0.1:9".into();
        config.storage.ca_file = Some(path.clone());
        let err = runtime.block_on(S3Store::new(&config.storage)).unwrap_err();
        assert!(matches!(err, StorageError::Config { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains(&path.display().to_string()) && text.contains("ca_file"),
            "{text}"
        );
    }
}

#[test]
fn a_ca_named_by_aws_ca_bundle_or_ssl_cert_file_is_trusted_by_the_cli() {
    let tls = TlsServer::start(ServerCert::Good);
    let config = tls.server.write_config(&tls.config(false));
    let run = |variable: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_picbucket"));
        command
            .arg("--config")
            .arg(&config)
            .arg("test-connection")
            .env_remove("PICBUCKET_CONFIG")
            .env_remove("AWS_CA_BUNDLE")
            .env_remove("SSL_CERT_FILE");
        if let Some(variable) = variable {
            command.env(variable, &tls.ca_file);
        }
        command.output().unwrap()
    };
    let refused = run(None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown issuer"));
    for variable in ["AWS_CA_BUNDLE", "SSL_CERT_FILE"] {
        let out = run(Some(variable));
        assert!(
            out.status.success(),
            "{variable}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("Connected to bucket `photos`"));
    }
}

#[test]
fn a_ca_certificate_served_as_the_server_certificate_is_explained() {
    let tls = TlsServer::start(ServerCert::CaItself);
    let (problem, text) = tls_problem(tls.test_connection(true));
    assert_eq!(problem, TlsProblem::CaAsServerCertificate);
    assert!(text.contains("CA certificate as its own"), "{text}");
}

#[test]
fn https_proxy_tunnels_an_https_upload_with_connect() {
    let tls = TlsServer::start(ServerCert::Good);
    let proxy = common::forward_proxy::ForwardProxy::start(&tls.server.runtime);
    let mut settings = tls.config(true);
    settings.storage.proxy = picbucket::core::ProxySetting::default();
    let config = tls.server.write_config(&settings);
    let photo = write_image(tls.server.data.path(), "tunnelled.png", ImageFormat::Png, 12, 12);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_picbucket"));
    command
        .arg("--config")
        .arg(&config)
        .args(["upload", "--json"])
        .arg(&photo)
        .env_remove("PICBUCKET_CONFIG")
        .env("PICBUCKET_DATA_DIR", tls.server.data.path());
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "https_proxy",
    ] {
        command.env_remove(name);
    }
    let out = command.env("HTTPS_PROXY", proxy.url()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let row: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tls.server.get(row["key"].as_str().unwrap()), read(&photo));
    let tunnel = format!("CONNECT {}", tls.endpoint.trim_start_matches("https://"));
    let requests = proxy.requests();
    assert!(
        !requests.is_empty() && requests.iter().all(|r| *r == tunnel),
        "{requests:?}"
    );
}
