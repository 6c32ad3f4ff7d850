//! Every uploaded byte verified by the server, and a bad network survived:
//! uploads through a fault-injecting proxy in front of the real in-process
//! s3s-fs server.

mod common;

use common::proxy::{Fault, FaultProxy, RequestHead, socket_addr};
use common::{TestServer, read};
use image::ImageFormat;
use picbucket::core::{ChecksumSetting, Config, Secret};
use picbucket::storage::{S3Store, StorageError, UploadProgress, UploadRequest};
use picbucket::test_support::write_image;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const MIB: u64 = 1024 * 1024;

fn start(plan: impl Fn(&RequestHead) -> Fault + Send + Sync + 'static) -> (TestServer, FaultProxy) {
    let server = TestServer::start();
    let proxy = FaultProxy::start(&server.runtime, socket_addr(&server.store.endpoint()), plan);
    (server, proxy)
}

/// Settings that reach the server through the proxy.
fn via(server: &TestServer, proxy: &FaultProxy) -> Config {
    let mut config = server.config();
    config.storage.endpoint = proxy.endpoint();
    config
}

/// A client whose `auto` fallback memory lives in the test's temp dir.
fn client(server: &TestServer, config: &Config) -> S3Store {
    let memory = server.data.path().join("checksum-fallbacks.toml");
    server
        .client(config)
        .with_checksum_memory(Some(memory))
        .with_read_timeout(Duration::from_secs(2))
}

fn upload_with(
    server: &TestServer,
    store: &S3Store,
    path: &Path,
    key: &str,
    max_attempts: u32,
) -> Result<UploadProgress, StorageError> {
    let progress = UploadProgress::new();
    let request = UploadRequest {
        path,
        key,
        content_type: "image/jpeg",
        size_bytes: std::fs::metadata(path).unwrap().len(),
        multipart_threshold_bytes: 5 * MIB,
        max_attempts,
        prepared: None,
    };
    server
        .runtime
        .block_on(store.upload_file(request, &progress, &CancellationToken::new()))
        .map(|()| progress)
}

/// Non-repeating bytes, so a flipped byte or a cut changes the content.
fn noise_file(dir: &Path, name: &str, len: u64) -> PathBuf {
    let bytes: Vec<u8> = (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn nth_body(n: usize, fault: Fault) -> impl Fn(&RequestHead) -> Fault + Send + Sync + 'static {
    move |head| if head.body_index == Some(n) { fault } else { Fault::Pass }
}

#[test]
fn twelve_images_through_a_proxy_corrupting_every_third_body_all_arrive_byte_identical() {
    let (server, proxy) = start(|head| match head.body_index {
        Some(n) if n % 3 == 0 => Fault::FlipByte,
        _ => Fault::Pass,
    });
    let store = client(&server, &via(&server, &proxy));
    for i in 0..12 {
        let name = format!("photo-{i:02}.jpg");
        let path = write_image(server.data.path(), &name, ImageFormat::Jpeg, 120 + i * 7, 90);
        let progress = upload_with(&server, &store, &path, &name, 5).expect("upload succeeds after retries");
        assert_eq!(progress.sent_bytes(), read(&path).len() as u64, "{name}: progress");
        assert_eq!(server.get(&name), read(&path), "{name} differs from the file");
    }
    assert!(proxy.count(Fault::FlipByte) >= 4, "the proxy corrupted bodies");
    // Every PUT carried the default checksum, and no upload needed a HEAD:
    // s3s-fs echoes the checksum it verified.
    // Streamed bodies go unsigned: the checksum is what protects them.
    for (head, _) in proxy.puts() {
        assert!(head.header("x-amz-checksum-crc32c").is_some(), "{head:?}");
        assert_eq!(head.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    }
    let heads = proxy.requests().iter().filter(|(h, _)| h.method == "HEAD").count();
    assert_eq!(heads, 1, "only the bucket check, once per client");
}

#[test]
fn without_retries_a_corrupted_upload_fails_instead_of_succeeding() {
    // The promise in the README: with checksums off, this PUT would be
    // accepted (the size is right) and the damaged file reported as uploaded.
    let (server, proxy) = start(nth_body(1, Fault::FlipByte));
    let store = client(&server, &via(&server, &proxy));
    let path = write_image(server.data.path(), "once.jpg", ImageFormat::Jpeg, 200, 150);
    let error = upload_with(&server, &store, &path, "once.jpg", 1).unwrap_err();
    assert!(matches!(error, StorageError::ChecksumMismatch { .. }), "{error}");
    assert_eq!(proxy.puts().len(), 1);
}

#[test]
fn the_built_in_store_keeps_no_object_after_a_refused_checksum() {
    let (server, proxy) = start(|head| if head.is_put() { Fault::FlipByte } else { Fault::Pass });
    // An older, good version under the same key must not be replaced by a bad one either.
    let good = write_image(server.data.path(), "keep.jpg", ImageFormat::Jpeg, 64, 64);
    let direct = client(&server, &server.config());
    upload_with(&server, &direct, &good, "keep.jpg", 1).unwrap();

    let store = client(&server, &via(&server, &proxy));
    let path = write_image(server.data.path(), "bad.jpg", ImageFormat::Jpeg, 80, 60);
    let error = upload_with(&server, &store, &path, "bad.jpg", 1).unwrap_err();
    assert!(matches!(error, StorageError::ChecksumMismatch { .. }), "{error}");
    let other = write_image(server.data.path(), "other.jpg", ImageFormat::Jpeg, 90, 60);
    upload_with(&server, &store, &other, "keep.jpg", 1).unwrap_err();

    assert_eq!(server.object_count(), 1, "only the good object is stored");
    let missing = server.runtime.block_on(direct.get_bytes("bad.jpg")).unwrap_err();
    assert!(
        matches!(missing, StorageError::Server { status: Some(404), .. }),
        "{missing}"
    );
    assert_eq!(server.get("keep.jpg"), read(&good));
}

#[test]
fn a_connection_reset_mid_body_is_retried_and_the_bytes_are_exact() {
    let (server, proxy) = start(nth_body(1, Fault::ResetMidBody));
    let store = client(&server, &via(&server, &proxy));
    let path = noise_file(server.data.path(), "reset.bin", 3 * MIB);
    let progress = upload_with(&server, &store, &path, "reset.bin", 5).expect("retried after the reset");
    assert_eq!(progress.sent_bytes(), 3 * MIB, "progress restarted honestly");
    assert_eq!(server.get("reset.bin"), read(&path));
    assert_eq!(proxy.puts().len(), 2);
}

#[test]
fn slow_down_twice_then_ok_succeeds_with_exact_bytes() {
    let (server, proxy) = start(|head| match head.body_index {
        Some(1 | 2) => Fault::SlowDown,
        _ => Fault::Pass,
    });
    let store = client(&server, &via(&server, &proxy));
    let path = write_image(server.data.path(), "busy.png", ImageFormat::Png, 100, 80);
    upload_with(&server, &store, &path, "busy.png", 5).expect("third try succeeds");
    assert_eq!(server.get("busy.png"), read(&path));
    assert_eq!(proxy.puts().len(), 3);
}

#[test]
fn slow_down_beyond_max_attempts_is_reported_as_the_server_error() {
    let (server, proxy) = start(|head| if head.is_put() { Fault::SlowDown } else { Fault::Pass });
    let store = client(&server, &via(&server, &proxy));
    let path = write_image(server.data.path(), "busy.png", ImageFormat::Png, 100, 80);
    let error = upload_with(&server, &store, &path, "busy.png", 3).unwrap_err();
    assert!(
        matches!(&error, StorageError::Server { status: Some(503), code, .. } if code == "SlowDown"),
        "{error}"
    );
    assert_eq!(proxy.puts().len(), 3, "exactly max_attempts tries");
    assert_eq!(server.object_count(), 0);
}

#[test]
fn a_stalled_request_times_out_and_is_retried_never_leaving_a_bad_object() {
    let (server, proxy) = start(nth_body(1, Fault::Stall));
    let store = client(&server, &via(&server, &proxy));
    let path = noise_file(server.data.path(), "stall.bin", 600_000);
    upload_with(&server, &store, &path, "stall.bin", 5).expect("retried after the stall");
    assert_eq!(server.get("stall.bin"), read(&path));
    assert_eq!(proxy.puts().len(), 2);
}

#[test]
fn a_wrong_secret_key_fails_after_exactly_one_attempt() {
    let (server, proxy) = start(|_| Fault::Pass);
    let mut config = via(&server, &proxy);
    config.storage.secret_key = Secret::new("not-the-secret".to_owned());
    let store = client(&server, &config);
    let path = write_image(server.data.path(), "denied.jpg", ImageFormat::Jpeg, 40, 40);
    let error = upload_with(&server, &store, &path, "denied.jpg", 5).unwrap_err();
    assert!(matches!(error, StorageError::BadCredentials { .. }), "{error}");
    assert_eq!(proxy.puts().len(), 1, "a permanent failure is not retried");
    assert_eq!(server.object_count(), 0);
}

#[test]
fn a_multipart_upload_with_one_corrupted_part_ends_byte_identical() {
    // 12 MB over a 5 MiB threshold: parts of 8 MiB and 3.4 MiB, sent at
    // once; whichever body arrives second is damaged.
    let (server, proxy) = start(nth_body(2, Fault::FlipByte));
    let store = client(&server, &via(&server, &proxy));
    let path = noise_file(server.data.path(), "big.bin", 12_000_000);
    let progress = upload_with(&server, &store, &path, "big.bin", 5).expect("the part is sent again");
    assert_eq!(progress.sent_bytes(), 12_000_000);
    assert!(
        server.get("big.bin") == read(&path),
        "multipart object differs from the file"
    );
    let part_of = |target: &str| {
        let number = target.split("partNumber=").nth(1).unwrap_or_default();
        number.split('&').next().unwrap_or_default().to_owned()
    };
    let puts: Vec<_> = proxy
        .puts()
        .into_iter()
        .map(|(head, fault)| (part_of(&head.target), fault))
        .collect();
    assert_eq!(puts.len(), 3, "two parts and the damaged one again: {puts:?}");
    let damaged = &puts[1].0;
    assert_eq!(puts[1].1, Fault::FlipByte);
    assert_eq!(
        puts[2],
        (damaged.clone(), Fault::Pass),
        "the damaged part is sent again"
    );
    let mut numbers: Vec<_> = puts.iter().map(|(number, _)| number.as_str()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers, ["1", "2"]);
}

#[test]
fn auto_falls_back_to_content_md5_when_checksum_headers_are_refused_and_remembers_it() {
    let (server, proxy) = start(|head| {
        if head.checksum_header().is_some() {
            Fault::RefuseChecksum
        } else {
            Fault::Pass
        }
    });
    let config = via(&server, &proxy);
    let path = write_image(server.data.path(), "r2.jpg", ImageFormat::Jpeg, 64, 48);
    upload_with(&server, &client(&server, &config), &path, "r2.jpg", 1).expect("sent again with Content-MD5");
    assert_eq!(server.get("r2.jpg"), read(&path));
    let puts = proxy.puts();
    assert_eq!(puts.len(), 2);
    assert_eq!(puts[0].1, Fault::RefuseChecksum);
    assert!(puts[1].0.header("content-md5").is_some() && puts[1].0.checksum_header().is_none());

    // A new client (a new run) starts with Content-MD5 for this destination.
    let big = noise_file(server.data.path(), "big.bin", 6 * MIB);
    upload_with(&server, &client(&server, &config), &big, "big.bin", 1).expect("multipart with Content-MD5");
    assert!(server.get("big.bin") == read(&big));
    assert_eq!(proxy.count(Fault::RefuseChecksum), 1, "the refusal was learned once");
    let memory = std::fs::read_to_string(server.data.path().join("checksum-fallbacks.toml")).unwrap();
    assert!(memory.contains(&format!("{} photos", proxy.endpoint())), "{memory}");
}

#[test]
fn a_refused_checksum_is_reported_when_the_setting_names_the_algorithm() {
    let (server, proxy) = start(|head| {
        if head.checksum_header().is_some() {
            Fault::RefuseChecksum
        } else {
            Fault::Pass
        }
    });
    let mut config = via(&server, &proxy);
    config.storage.checksum = ChecksumSetting::Crc64nvme;
    let path = write_image(server.data.path(), "r2.jpg", ImageFormat::Jpeg, 64, 48);
    let error = upload_with(&server, &client(&server, &config), &path, "r2.jpg", 5).unwrap_err();
    assert_eq!(
        error,
        StorageError::ChecksumRefused {
            header: "x-amz-checksum-crc64nvme".into(),
            code: "NotImplemented".into(),
        }
    );
    assert_eq!(proxy.puts().len(), 1);
}

#[test]
fn each_checksum_setting_sends_its_header_and_survives_corruption() {
    for (setting, header) in [
        (ChecksumSetting::Crc64nvme, "x-amz-checksum-crc64nvme"),
        (ChecksumSetting::Crc32c, "x-amz-checksum-crc32c"),
        (ChecksumSetting::Md5, "content-md5"),
    ] {
        let (server, proxy) = start(nth_body(1, Fault::FlipByte));
        let mut config = via(&server, &proxy);
        config.storage.checksum = setting;
        let path = write_image(server.data.path(), "s.jpg", ImageFormat::Jpeg, 70, 50);
        upload_with(&server, &client(&server, &config), &path, "s.jpg", 3).expect("retried");
        assert_eq!(server.get("s.jpg"), read(&path), "{setting:?}");
        let puts = proxy.puts();
        assert_eq!(puts.len(), 2, "{setting:?}");
        assert!(
            puts.iter().all(|(head, _)| head.header(header).is_some()),
            "{setting:?}"
        );
    }
}

#[test]
fn a_file_that_changes_during_the_upload_fails_at_once_with_its_sentence() {
    let server = TestServer::start();
    let path = noise_file(server.data.path(), "moving.bin", 400_000);
    let target = path.clone();
    // The first body is damaged on the way, and meanwhile the file is rewritten.
    let plan = move |head: &RequestHead| {
        if head.body_index == Some(1) {
            std::fs::write(&target, vec![7u8; 400_000]).unwrap();
            Fault::FlipByte
        } else {
            Fault::Pass
        }
    };
    let proxy = FaultProxy::start(&server.runtime, socket_addr(&server.store.endpoint()), plan);
    let store = client(&server, &via(&server, &proxy));
    let error = upload_with(&server, &store, &path, "moving.bin", 5).unwrap_err();
    assert_eq!(
        error.to_string(),
        "The file could not be read during upload: the file changed on disk during the upload; add it again"
    );
    assert_eq!(proxy.puts().len(), 1, "not retried");
    assert_eq!(server.object_count(), 0);
}

#[test]
fn auto_switches_to_content_md5_when_a_server_accepts_but_does_not_echo_the_checksum() {
    let (server, proxy) = start(|head| {
        if head.is_put() {
            Fault::HideChecksumEcho
        } else {
            Fault::Pass
        }
    });
    let config = via(&server, &proxy);
    let store = client(&server, &config);
    let first = write_image(server.data.path(), "a.jpg", ImageFormat::Jpeg, 64, 48);
    let progress = upload_with(&server, &store, &first, "a.jpg", 1).expect("sent again with Content-MD5");
    assert_eq!(progress.sent_bytes(), read(&first).len() as u64, "the file counts once");
    let second = write_image(server.data.path(), "b.jpg", ImageFormat::Jpeg, 80, 48);
    upload_with(&server, &store, &second, "b.jpg", 1).expect("Content-MD5 from the start");
    assert_eq!(server.get("a.jpg"), read(&first));
    assert_eq!(server.get("b.jpg"), read(&second));
    let sent: Vec<bool> = proxy
        .puts()
        .iter()
        .map(|(head, _)| head.header("content-md5").is_some())
        .collect();
    assert_eq!(sent, [false, true, true], "CRC32C once, then Content-MD5");
    // The MD5 ETag proved the bytes, so no HEAD beyond the bucket check.
    let heads = proxy.requests().iter().filter(|(h, _)| h.method == "HEAD").count();
    assert_eq!(heads, 1);
}

#[test]
fn a_multipart_upload_refused_at_create_restarts_with_content_md5() {
    // B2 refuses `x-amz-checksum-algorithm` on CreateMultipartUpload.
    let (server, proxy) = start(|head| {
        if head.checksum_header().is_some() {
            Fault::RefuseChecksum
        } else {
            Fault::Pass
        }
    });
    let store = client(&server, &via(&server, &proxy));
    let path = noise_file(server.data.path(), "big.bin", 9 * MIB);
    let progress = upload_with(&server, &store, &path, "big.bin", 1).expect("restarted with Content-MD5");
    assert_eq!(progress.sent_bytes(), 9 * MIB);
    assert!(
        server.get("big.bin") == read(&path),
        "multipart object differs from the file"
    );
    let requests = proxy.requests();
    let creates: Vec<_> = requests
        .iter()
        .filter(|(h, _)| h.target.ends_with("?uploads"))
        .collect();
    assert_eq!(creates.len(), 2);
    assert_eq!(creates[0].1, Fault::RefuseChecksum);
    let parts = proxy.puts();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|(h, _)| h.header("content-md5").is_some()));
}

#[test]
fn small_puts_with_keys_from_settings_skip_the_sdk_pipeline_and_stay_verified() {
    // Signed directly (direct_put.rs): no SDK user-agent header, the body
    // unsigned and covered by the checksum the server verifies and echoes.
    let (server, proxy) = start(|_| Fault::Pass);
    let store = client(&server, &via(&server, &proxy));
    for name in ["a.jpg", "with space+plus.jpg", "dir/ünï.jpg"] {
        let path = write_image(server.data.path(), "source.jpg", ImageFormat::Jpeg, 64, 48);
        upload_with(&server, &store, &path, name, 1).expect("stored");
        assert_eq!(server.get(name), read(&path), "{name}");
    }
    let puts = proxy.puts();
    assert_eq!(puts.len(), 3);
    for (head, _) in puts {
        assert!(head.header("x-amz-user-agent").is_none(), "sent by the SDK: {head:?}");
        assert!(
            head.header("authorization")
                .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 "))
        );
        assert!(head.header("x-amz-checksum-crc32c").is_some(), "{head:?}");
        assert_eq!(head.header("x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));
    }
    let heads = proxy.requests().iter().filter(|(h, _)| h.method == "HEAD").count();
    assert_eq!(
        heads, 1,
        "the echoed checksum confirmed every PUT; only the bucket check"
    );
}
