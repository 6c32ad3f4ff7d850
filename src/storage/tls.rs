//! Which certificate authorities an https endpoint may use: the system's
//! store, plus PEM files named by the profile (`ca_file`), by `AWS_CA_BUNDLE`
//! (the AWS tools' convention) and by `SSL_CERT_FILE` (OpenSSL's); and the
//! proxy (see `proxy.rs`).

use crate::core::{ProxyChoice, ProxySetting};
use crate::storage::error::StorageError;
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, default_async_sleep};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, Connector, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::{HttpConnectorSettings, SharedHttpClient, SharedHttpConnector};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::Path;
use std::sync::OnceLock;

/// How requests reach the server: the trusted certificate authorities and
/// the proxy, read once per configuration.
#[derive(Clone)]
pub(crate) struct Transport {
    /// `None` when no request can need TLS ([`needs_tls`]).
    tls: Option<TlsContext>,
    proxy: ProxyConfig,
}

/// False only when no request can need TLS: a plain `http://` endpoint,
/// static keys (the AWS credential chain may call https services), and no
/// proxy reached over https. Then the system's certificate store is not
/// read at all: parsing it was a third of the CPU of a one-file upload.
pub(crate) fn needs_tls(endpoint: &str, static_keys: bool, proxy: &ProxySetting) -> bool {
    needs_tls_with_env(endpoint, static_keys, proxy, |name| std::env::var(name).ok())
}

fn needs_tls_with_env(
    endpoint: &str,
    static_keys: bool,
    proxy: &ProxySetting,
    env: impl Fn(&str) -> Option<String>,
) -> bool {
    let https = |url: &str| {
        url.trim()
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
    };
    let plain_endpoint = endpoint
        .trim()
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
    let tls_proxy = match proxy.choice() {
        ProxyChoice::Direct => false,
        ProxyChoice::Url(url) => https(url),
        ProxyChoice::FromEnvironment => [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ]
        .into_iter()
        .filter_map(env)
        .any(|url| https(&url)),
    };
    !(plain_endpoint && static_keys) || tls_proxy
}

impl Transport {
    /// Trusts the system's CAs and the extra ones named in the settings or the
    /// environment, and goes through the proxy the settings or the environment
    /// name. Fails if `ca_file` or `AWS_CA_BUNDLE` cannot be read or holds no
    /// usable certificate, or the proxy URL is unusable. Without `tls` (see
    /// [`needs_tls`]) connections are plain TCP; the named CA files are still
    /// checked, so a bad one is reported whatever the endpoint.
    pub(crate) fn new(ca_file: Option<&Path>, proxy: &ProxySetting, tls: bool) -> Result<Self, StorageError> {
        let proxy = crate::storage::proxy::proxy_config(proxy)?;
        let mut trust = TrustStore::empty().with_native_roots(tls && system_store_has_certificates());
        if let Some(path) = ca_file.filter(|p| !p.as_os_str().is_empty()) {
            trust = trust.with_pem_certificate(read_ca_file(path, "ca_file")?);
        }
        if let Some(path) = std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
            trust = trust.with_pem_certificate(read_ca_file(Path::new(&path), "AWS_CA_BUNDLE")?);
        }
        // SSL_CERT_FILE is shared with other programs: a bad one is logged, not fatal.
        if let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
            match read_ca_file(Path::new(&path), "SSL_CERT_FILE") {
                Ok(pem) => trust = trust.with_pem_certificate(pem),
                Err(error) => tracing::warn!(%error, "ignoring SSL_CERT_FILE"),
            }
        }
        if !tls {
            return Ok(Self { tls: None, proxy });
        }
        let tls = TlsContext::builder()
            .with_trust_store(trust)
            .build()
            .map_err(|e| StorageError::Config {
                detail: format!("the TLS settings cannot be used ({e})"),
            })?;
        Ok(Self { tls: Some(tls), proxy })
    }

    /// The SDK's HTTP client: as aws-smithy-runtime's default https client,
    /// with our trust store and proxy.
    pub(crate) fn http_client(&self) -> SharedHttpClient {
        let transport = self.clone();
        Builder::new().build_with_connector_fn(move |settings, components| {
            transport.connector(settings, components.and_then(|c| c.sleep_impl()))
        })
    }

    /// A connector with a connection pool of its own, for requests sent
    /// without the SDK's pipeline (`direct_put.rs`).
    pub(crate) fn direct_connector(&self, settings: &HttpConnectorSettings) -> SharedHttpConnector {
        SharedHttpConnector::new(self.connector(Some(settings), default_async_sleep()))
    }

    fn connector(&self, settings: Option<&HttpConnectorSettings>, sleep: Option<SharedAsyncSleep>) -> Connector {
        let mut connector = ConnectorBuilder::default();
        connector.set_connector_settings(settings.cloned());
        connector.set_sleep_impl(sleep);
        connector.set_proxy_config(Some(self.proxy.clone()));
        match &self.tls {
            Some(tls) => connector
                .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
                .tls_context(tls.clone())
                .build(),
            // aws-smithy-http-client's own plain connector (hidden from its
            // docs, used by its `Builder::build_http`): TCP, timeouts, proxy.
            None => connector.build_http(),
        }
    }
}

/// The system store (or `SSL_CERT_DIR`), loaded once. Telling the client to use
/// an empty one trips a debug assertion in aws-smithy-http-client.
fn system_store_has_certificates() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| !rustls_native_certs::load_native_certs().certs.is_empty())
}

/// The PEM certificates of `path`, checked here because the TLS layer panics
/// on a certificate it cannot parse.
fn read_ca_file(path: &Path, setting: &str) -> Result<Vec<u8>, StorageError> {
    let bad = |why: String| StorageError::Config {
        detail: format!("the CA file {} named by {setting} {why}", path.display()),
    };
    let pem = std::fs::read(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| bad("is not a valid PEM file".into()))?;
    if certificates.is_empty() {
        return Err(bad("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into()));
    }
    let mut roots = rustls::RootCertStore::empty();
    for certificate in certificates {
        roots
            .add(certificate)
            .map_err(|_| bad("holds a certificate that cannot be used as a CA".into()))?;
    }
    Ok(pem)
}

#[cfg(test)]
#[path = "tls_tests.rs"]
mod tests;
