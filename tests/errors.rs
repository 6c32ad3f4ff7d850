//! What a new user meets when settings are wrong: a corrected region, and
//! errors that name the real cause, against the in-process server.

mod common;

use common::{TestServer, http_get, read};
use image::ImageFormat;
use picbucket::core::{Config, LinkExpiry, Secret};
use picbucket::storage::{LocalStore, LocalStoreOptions, NetProblem, StorageError, UploadProgress, UploadRequest};
use picbucket::test_support::write_image;
use picbucket::worker::{Command as WorkerCommand, Event, WorkerHandle, WorkerOptions};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// A server that, like Garage with `s3_region = "garage"`, refuses requests
/// signed for any other region with 400 AuthorizationHeaderMalformed.
fn garage_like_server() -> TestServer {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let options = LocalStoreOptions {
        root: data.path().join("server"),
        port: 0,
        bucket: "photos".into(),
    };
    let store = runtime
        .block_on(LocalStore::start_requiring_region(&options, "garage"))
        .unwrap();
    TestServer { runtime, store, data }
}

fn with_region(server: &TestServer, region: &str) -> Config {
    let mut config = server.config();
    config.storage.region = region.into();
    config
}

fn upload(server: &TestServer, config: &Config, path: &Path, key: &str) -> Result<(), StorageError> {
    let store = server.client(config);
    let request = UploadRequest {
        path,
        key,
        content_type: "image/png",
        size_bytes: std::fs::metadata(path).unwrap().len(),
        multipart_threshold_bytes: u64::MAX,
        max_attempts: 5,
        prepared: None,
    };
    server
        .runtime
        .block_on(store.upload_file(request, &UploadProgress::new(), &CancellationToken::new()))
}

#[test]
fn the_garage_like_server_refuses_the_default_region_and_names_its_own() {
    let server = garage_like_server();
    let store = server.client(&with_region(&server, "us-east-1"));
    // A request without the bucket check first cannot be corrected: the sentence names the region.
    let err = server.runtime.block_on(store.delete("x.png")).unwrap_err();
    assert_eq!(
        err,
        StorageError::WrongRegion {
            configured: "us-east-1".into(),
            expected: Some("garage".into())
        }
    );
    assert!(err.to_string().contains("set Region to `garage`"), "{err}");
}

#[test]
fn an_upload_signed_for_us_east_1_is_corrected_to_garage_and_its_link_works() {
    let server = garage_like_server();
    let path = write_image(server.data.path(), "cat.png", ImageFormat::Png, 16, 16);
    let config = with_region(&server, "us-east-1");
    let store = server.client(&config);
    let request = UploadRequest {
        path: &path,
        key: "cat.png",
        content_type: "image/png",
        size_bytes: std::fs::metadata(&path).unwrap().len(),
        multipart_threshold_bytes: u64::MAX,
        max_attempts: 5,
        prepared: None,
    };
    server
        .runtime
        .block_on(store.upload_file(request, &UploadProgress::new(), &CancellationToken::new()))
        .expect("upload succeeds after the region is corrected");
    assert_eq!(store.region(), "garage");
    assert_eq!(store.configured_region(), "us-east-1");
    assert_eq!(store.corrected_region(), Some("garage"));
    // The link is signed for garage too: the server refuses any other scope.
    let url = server
        .runtime
        .block_on(store.presign_get("cat.png", LinkExpiry::MAX))
        .unwrap();
    assert!(url.contains("%2Fgarage%2Fs3%2Faws4_request"), "{url}");
    assert_eq!(http_get(&url), Ok(read(&path)));
}

#[test]
fn an_empty_region_is_corrected_like_a_wrong_one() {
    let server = garage_like_server();
    let store = server.client(&with_region(&server, ""));
    let report = server.runtime.block_on(store.test_connection()).unwrap();
    assert_eq!(report.region, "garage");
    assert_eq!(report.region_corrected_from.as_deref(), Some("us-east-1"));
    assert!(
        report
            .to_string()
            .contains("Region corrected from `us-east-1` to `garage`"),
        "{report}"
    );
    let path = write_image(server.data.path(), "a.png", ImageFormat::Png, 8, 8);
    upload(&server, &with_region(&server, ""), &path, "a.png").expect("upload with an empty region");
    assert_eq!(server.get_signed_for("garage", "a.png"), read(&path));
}

#[test]
fn the_right_region_is_not_reported_as_corrected() {
    let server = garage_like_server();
    let store = server.client(&with_region(&server, "garage"));
    let report = server.runtime.block_on(store.test_connection()).unwrap();
    assert_eq!(report.region_corrected_from, None);
    assert_eq!(store.corrected_region(), None);
}

trait SignedGet {
    fn get_signed_for(&self, region: &str, key: &str) -> Vec<u8>;
}

impl SignedGet for TestServer {
    fn get_signed_for(&self, region: &str, key: &str) -> Vec<u8> {
        let store = self.client(&with_region(self, region));
        self.runtime.block_on(store.get_bytes(key)).unwrap()
    }
}

fn picbucket_without_aws_settings(config: &Path, home: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_picbucket"));
    command.arg("--config").arg(config).arg("test-connection");
    for name in [
        "PICBUCKET_CONFIG",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ] {
        command.env_remove(name);
    }
    // No instance-metadata lookups: tests talk to 127.0.0.1 only.
    command
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

#[test]
fn test_connection_without_any_keys_says_no_credentials_were_found_and_where_it_looked() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.access_key = String::new();
    config.storage.secret_key = Secret::default();
    let path = server.write_config(&config);
    let home = tempfile::tempdir().unwrap();
    let out = picbucket_without_aws_settings(&path, home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No access key was found"), "{stderr}");
    assert!(
        stderr.contains("AWS_ACCESS_KEY_ID") && stderr.contains("~/.aws"),
        "{stderr}"
    );
    assert!(!stderr.contains("Cannot reach") && !stderr.contains('}'), "{stderr}");
}

#[test]
fn test_connection_to_a_closed_port_says_connection_refused_in_plain_words() {
    let server = TestServer::start();
    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = server.config();
    config.storage.endpoint = format!("http://127.0.0.1:{free_port}");
    let path = server.write_config(&config);
    let home = tempfile::tempdir().unwrap();
    let out = picbucket_without_aws_settings(&path, home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim(),
        format!(
            "picbucket: {}",
            StorageError::Unreachable {
                endpoint: format!("http://127.0.0.1:{free_port}"),
                reason: NetProblem::Refused
            }
        )
    );
}

#[test]
fn test_connection_with_a_wrong_region_prints_the_correction() {
    let server = garage_like_server();
    let path = server.write_config(&with_region(&server, "us-east-1"));
    let home = tempfile::tempdir().unwrap();
    let out = picbucket_without_aws_settings(&path, home.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("Region corrected from `us-east-1` to `garage`"),
        "{stdout}"
    );
    assert!(stdout.contains("region = \"garage\""), "{stdout}");
}

/// Events from `worker` until one matches, polling for at most 30 s.
fn wait_for(worker: &mut WorkerHandle, mut wanted: impl FnMut(&Event) -> bool) -> Event {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        while let Some(event) = worker.try_recv() {
            if wanted(&event) {
                return event;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("no matching event in 30 s");
}

#[test]
fn test_connection_on_the_built_in_store_checks_the_drafts_bucket() {
    let data = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.storage.endpoint = String::new();
    config.storage.bucket = "photos".into();
    config.local.data_dir = Some(data.path().join("local"));
    let mut worker = WorkerHandle::spawn(config.clone(), WorkerOptions::default(), Arc::new(|| {})).unwrap();
    wait_for(&mut worker, |e| matches!(e, Event::StoreReady(_)));

    let mut draft = config.clone();
    draft.storage.bucket = "albums".into();
    worker.send(WorkerCommand::TestConnection(Box::new(draft)));
    let Event::ConnectionTested(result) = wait_for(&mut worker, |e| matches!(e, Event::ConnectionTested(_))) else {
        unreachable!()
    };
    let missing = StorageError::BucketMissing {
        bucket: "albums".into(),
        endpoint: String::new(),
    }
    .to_string();
    let missing = missing.split(" on ").next().unwrap_or_default().to_owned();
    match result {
        Err(failure) => assert!(failure.message.starts_with(&missing), "{failure}"),
        other => panic!("expected the draft's bucket to be missing, got {other:?}"),
    }

    worker.send(WorkerCommand::TestConnection(Box::new(config)));
    let Event::ConnectionTested(result) = wait_for(&mut worker, |e| matches!(e, Event::ConnectionTested(_))) else {
        unreachable!()
    };
    assert_eq!(result.unwrap().bucket, "photos");
}

#[test]
fn an_upload_whose_region_the_server_corrected_reports_it_for_the_settings() {
    let server = garage_like_server();
    let files = tempfile::tempdir().unwrap();
    let photo = write_image(files.path(), "a.png", ImageFormat::Png, 8, 8);
    let config = with_region(&server, "us-east-1");
    let mut worker = WorkerHandle::spawn(config, WorkerOptions::default(), Arc::new(|| {})).unwrap();
    worker.send(WorkerCommand::AddFiles {
        paths: vec![photo],
        folders: picbucket::worker::FolderMode::Flat,
    });
    let mut corrected = None;
    wait_for(&mut worker, |event| match event {
        Event::RegionCorrected { profile, region } => {
            corrected = Some((profile.clone(), region.clone()));
            false
        }
        Event::Failed { error, .. } => panic!("{error}"),
        event => matches!(event, Event::Uploaded { .. }),
    });
    assert_eq!(corrected, Some(("default".to_owned(), "garage".to_owned())));
}
