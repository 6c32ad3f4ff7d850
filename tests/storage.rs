//! The storage layer against a real S3-protocol server on 127.0.0.1.

mod common;

use common::{TestServer, http_get, read};
use image::ImageFormat;
use picbucket::core::{LinkExpiry, Secret};
use picbucket::storage::{NetProblem, StorageError, TlsProblem, UploadProgress, UploadRequest};
use picbucket::test_support::write_image;
use tokio_util::sync::CancellationToken;

fn upload(
    server: &TestServer,
    path: &std::path::Path,
    key: &str,
    content_type: &str,
    threshold: u64,
) -> UploadProgress {
    let store = server.client(&server.config());
    let size_bytes = std::fs::metadata(path).unwrap().len();
    let progress = UploadProgress::new();
    let request = UploadRequest {
        path,
        key,
        content_type,
        size_bytes,
        multipart_threshold_bytes: threshold,
        max_attempts: 5,
        prepared: None,
    };
    server
        .runtime
        .block_on(store.upload_file(request, &progress, &CancellationToken::new()))
        .expect("upload succeeds");
    progress
}

#[test]
fn an_uploaded_file_is_stored_byte_for_byte_with_its_content_type() {
    let server = TestServer::start();
    let path = write_image(server.data.path(), "cat.png", ImageFormat::Png, 64, 48);
    let progress = upload(&server, &path, "k/cat.png", "image/png", u64::MAX);
    assert_eq!(server.get("k/cat.png"), read(&path));
    assert_eq!(progress.sent_bytes(), read(&path).len() as u64);
    let store = server.client(&server.config());
    let (size, content_type) = server.runtime.block_on(store.head("k/cat.png")).unwrap();
    assert_eq!(size, read(&path).len() as u64);
    assert_eq!(content_type.as_deref(), Some("image/png"));
}

#[test]
fn a_large_file_goes_up_in_parts_and_arrives_whole() {
    let server = TestServer::start();
    let path = server.data.path().join("big.bin");
    // 11 MiB of non-repeating bytes: two full 8 MiB... parts of 8 and 3 MiB.
    let bytes: Vec<u8> = (0..11 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    let progress = upload(&server, &path, "big.bin", "image/jpeg", 5 * 1024 * 1024);
    assert_eq!(progress.sent_bytes(), bytes.len() as u64);
    assert!(server.get("big.bin") == bytes, "multipart object differs from the file");
}

#[test]
fn a_presigned_link_downloads_the_bytes_over_plain_http() {
    let server = TestServer::start();
    let path = write_image(server.data.path(), "dog.jpg", ImageFormat::Jpeg, 32, 32);
    upload(&server, &path, "dog.jpg", "image/jpeg", u64::MAX);
    let store = server.client(&server.config());
    let url = server
        .runtime
        .block_on(store.presign_get("dog.jpg", LinkExpiry::MAX))
        .unwrap();
    assert!(url.starts_with(&server.store.endpoint()), "{url}");
    assert!(url.contains("X-Amz-Expires=604800"), "{url}");
    assert_eq!(http_get(&url), Ok(read(&path)));
}

#[test]
fn keys_with_spaces_symbols_cjk_and_emoji_round_trip_through_a_link() {
    let server = TestServer::start();
    let path = write_image(server.data.path(), "x.gif", ImageFormat::Gif, 8, 8);
    let key = "0b7e_猫 photo + 1 #2 100% 🐱.gif";
    upload(&server, &path, key, "image/gif", u64::MAX);
    let store = server.client(&server.config());
    let url = server
        .runtime
        .block_on(store.presign_get(key, LinkExpiry::MAX))
        .unwrap();
    assert_eq!(http_get(&url), Ok(read(&path)));
}

#[test]
fn a_tampered_link_is_refused() {
    let server = TestServer::start();
    let path = write_image(server.data.path(), "a.png", ImageFormat::Png, 8, 8);
    upload(&server, &path, "a.png", "image/png", u64::MAX);
    let store = server.client(&server.config());
    let url = server
        .runtime
        .block_on(store.presign_get("a.png", LinkExpiry::MAX))
        .unwrap();
    let longer = url.replace("X-Amz-Expires=604800", "X-Amz-Expires=604799");
    let other_key = url.replace("/a.png?", "/b.png?");
    for tampered in [longer, other_key] {
        assert_ne!(tampered, url);
        let status = http_get(&tampered).expect_err("tampered link must fail");
        assert!(matches!(status, 400 | 403 | 404), "status {status}");
    }
}

#[test]
fn an_expired_link_is_refused() {
    let server = TestServer::start();
    let path = write_image(server.data.path(), "a.png", ImageFormat::Png, 8, 8);
    upload(&server, &path, "a.png", "image/png", u64::MAX);
    let store = server.client(&server.config());
    let url = server
        .runtime
        .block_on(store.presign_get("a.png", LinkExpiry::from_secs(1).unwrap()))
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let status = http_get(&url).expect_err("expired link must fail");
    assert!(matches!(status, 400 | 403), "status {status}");
}

#[test]
fn a_wrong_secret_key_gives_the_bad_credentials_error() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.secret_key = Secret::new("not-the-secret");
    let store = server.client(&config);
    let err = server.runtime.block_on(store.test_connection()).unwrap_err();
    assert_eq!(
        err,
        StorageError::BadCredentials {
            code: "SignatureDoesNotMatch".into()
        }
    );
    assert!(err.to_string().contains("secret key"), "{err}");
}

#[test]
fn an_unknown_access_key_gives_the_bad_credentials_error() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.access_key = "nobody".into();
    let err = server
        .runtime
        .block_on(server.client(&config).test_connection())
        .unwrap_err();
    assert!(matches!(err, StorageError::BadCredentials { .. }), "{err:?}");
}

#[test]
fn a_missing_bucket_gives_its_own_error() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.bucket = "no-such-bucket".into();
    let store = server.client(&config);
    let err = server.runtime.block_on(store.test_connection()).unwrap_err();
    assert!(matches!(err, StorageError::BucketMissing { .. }), "{err:?}");
    assert!(err.to_string().contains("no-such-bucket"), "{err}");
    let err = server.runtime.block_on(store.head_bucket()).unwrap_err();
    assert!(matches!(err, StorageError::BucketMissing { .. }), "{err:?}");
}

#[test]
fn an_endpoint_with_nothing_listening_is_unreachable() {
    let server = TestServer::start();
    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = server.config();
    config.storage.endpoint = format!("http://127.0.0.1:{free_port}");
    let err = server
        .runtime
        .block_on(server.client(&config).test_connection())
        .unwrap_err();
    assert!(
        matches!(
            err,
            StorageError::Unreachable {
                reason: NetProblem::Refused,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("connection refused"), "{err}");
}

#[test]
fn test_connection_succeeds_and_leaves_nothing_behind() {
    let server = TestServer::start();
    let report = server
        .runtime
        .block_on(server.client(&server.config()).test_connection())
        .unwrap();
    assert_eq!(report.bucket, "photos");
    assert_eq!(server.object_count(), 0);
}

#[test]
fn delete_removes_the_object() {
    let server = TestServer::start();
    let path = write_image(server.data.path(), "a.webp", ImageFormat::WebP, 8, 8);
    upload(&server, &path, "a.webp", "image/webp", u64::MAX);
    assert_eq!(server.object_count(), 1);
    let store = server.client(&server.config());
    server.runtime.block_on(store.delete("a.webp")).unwrap();
    assert_eq!(server.object_count(), 0);
}

#[test]
fn https_to_a_plain_http_server_is_reported_as_a_tls_failure() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.endpoint = server.store.endpoint().replace("http://", "https://");
    let err = server
        .runtime
        .block_on(server.client(&config).test_connection())
        .unwrap_err();
    assert!(
        matches!(
            err,
            StorageError::Tls {
                problem: TlsProblem::NotTls,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("does not speak TLS"), "{err}");
}
