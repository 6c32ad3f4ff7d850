//! Location and private metadata are removed from what is uploaded, by
//! default, in the real binary against the in-process server.

mod common;

use common::harness::Harness;
use common::{TestServer, http_get, picbucket};
use picbucket::test_support::jpeg_with_gps;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn an_upload_has_no_gps_by_default_with_the_same_pixels_and_records_what_was_sent() {
    let server = TestServer::start();
    let config = server.write_config(&server.config());
    let photo = server.data.path().join("phone.jpg");
    let original = jpeg_with_gps(64, 48);
    std::fs::write(&photo, &original).unwrap();
    assert!(contains(&original, b"Exif\0\0"));

    let out = picbucket(&config, &["upload", photo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let sent = http_get(&url).unwrap();
    assert!(
        !contains(&sent, b"Exif\0\0"),
        "the EXIF block (with its GPS IFD) was uploaded"
    );
    assert!(sent.len() < original.len());
    let before = image::load_from_memory(&original).unwrap().to_rgb8();
    let after = image::load_from_memory(&sent).unwrap().to_rgb8();
    assert!(before == after, "pixels changed");

    let history = picbucket(&config, &["history", "--json"]);
    let line = String::from_utf8_lossy(&history.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let record: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record["size"].as_u64(), Some(sent.len() as u64), "{line}");
    assert_eq!(record["sha256"].as_str(), Some(sha256_hex(&sent).as_str()), "{line}");
}

#[test]
fn keep_metadata_uploads_the_file_as_it_is() {
    let server = TestServer::start();
    let config = server.write_config(&server.config());
    let photo = server.data.path().join("phone.jpg");
    let original = jpeg_with_gps(32, 32);
    std::fs::write(&photo, &original).unwrap();
    let out = picbucket(&config, &["upload", "--keep-metadata", photo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(http_get(&url), Ok(original));
}

#[test]
fn the_worker_reports_that_a_location_was_removed() {
    let server = TestServer::start();
    let photo = server.data.path().join("phone.jpg");
    std::fs::write(&photo, jpeg_with_gps(16, 16)).unwrap();
    let plain = picbucket::test_support::write_image(server.data.path(), "plain.png", image::ImageFormat::Png, 8, 8);
    let mut harness = Harness::new(server.config(), picbucket::worker::WorkerOptions::default());
    harness.worker.send(picbucket::worker::Command::AddFiles {
        paths: vec![photo, plain],
        folders: picbucket::worker::FolderMode::Reject,
    });
    let mut uploaded = 0;
    let events = harness.until(|e| {
        uploaded += usize::from(matches!(e, picbucket::worker::Event::Uploaded { .. }));
        uploaded == 2
    });
    let gps: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            picbucket::worker::Event::MetadataRemoved { had_gps, .. } => Some(*had_gps),
            _ => None,
        })
        .collect();
    // The plain PNG has nothing to remove: only the phone photo reports, with GPS.
    assert_eq!(gps, [true], "{events:?}");
}
