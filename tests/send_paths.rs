//! The faster ways a file goes up keep their guarantees: a small file
//! stripped in memory at send time, a clean file sent as it is, a truncated
//! JPEG refused by the strip walk alone, a file changed between its check and
//! a later Start never sent, and a file uploaded right after its check sent
//! as it was checked, from memory.

mod common;

use common::TestServer;
use common::harness::Harness;
use common::proxy::{Fault, FaultProxy, socket_addr};
use image::ImageFormat;
use picbucket::core::{ImageKind, Rejection};
use picbucket::test_support::{image_bytes, jpeg_with_gps};
use picbucket::worker::{Command, Event, FolderMode, WorkerOptions};
use std::path::PathBuf;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn finished(event: &Event) -> bool {
    matches!(
        event,
        Event::Uploaded { .. } | Event::Rejected { .. } | Event::Failed { .. } | Event::Cancelled { .. }
    )
}

fn add(harness: &mut Harness, path: PathBuf) {
    harness.worker.send(Command::AddFiles {
        paths: vec![path],
        folders: FolderMode::Reject,
    });
}

fn uploaded_key(events: &[Event]) -> String {
    events
        .iter()
        .find_map(|e| match e {
            Event::Uploaded { key, .. } => Some(key.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("not uploaded: {events:?}"))
}

#[test]
fn a_small_photo_is_stripped_in_memory_and_a_clean_one_is_sent_byte_for_byte() {
    let server = TestServer::start();
    let with_gps = jpeg_with_gps(64, 48);
    let clean = image_bytes(ImageFormat::Png, 40, 30, 3);
    let gps_path = server.data.path().join("phone.jpg");
    let clean_path = server.data.path().join("clean.png");
    std::fs::write(&gps_path, &with_gps).unwrap();
    std::fs::write(&clean_path, &clean).unwrap();
    let mut harness = Harness::new(server.config(), WorkerOptions::default());

    add(&mut harness, gps_path);
    let stored = server.get(&uploaded_key(&harness.until(finished)));
    assert!(!contains(&stored, b"Exif\0\0"), "the EXIF block was uploaded");
    assert!(stored.len() < with_gps.len());
    let before = image::load_from_memory(&with_gps).unwrap().to_rgb8();
    let after = image::load_from_memory(&stored).unwrap().to_rgb8();
    assert!(before == after, "pixels changed");

    add(&mut harness, clean_path);
    assert!(server.get(&uploaded_key(&harness.until(finished))) == clean);
}

#[test]
fn a_truncated_jpeg_is_refused_when_stripping_walks_it() {
    let server = TestServer::start();
    let mut jpeg = image_bytes(ImageFormat::Jpeg, 640, 480, 9);
    jpeg.truncate(jpeg.len() / 3);
    let path = server.data.path().join("third.jpg");
    std::fs::write(&path, &jpeg).unwrap();
    let mut harness = Harness::new(server.config(), WorkerOptions::default());
    add(&mut harness, path);
    let events = harness.until(finished);
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Rejected {
                reason: Rejection::Truncated { kind: ImageKind::Jpeg },
                ..
            }
        )),
        "{events:?}"
    );
}

#[test]
fn a_photo_changed_after_its_check_is_not_sent() {
    let server = TestServer::start();
    let path = server.data.path().join("phone.jpg");
    std::fs::write(&path, jpeg_with_gps(64, 48)).unwrap();
    let options = WorkerOptions {
        auto_upload: false,
        ..WorkerOptions::default()
    };
    let mut harness = Harness::new(server.config(), options);
    add(&mut harness, path.clone());
    harness.until(|e| matches!(e, Event::Validated { .. }));
    // Same name, other content and size: what was checked is gone.
    std::fs::write(&path, jpeg_with_gps(80, 60)).unwrap();
    harness.worker.send(Command::StartAll);
    let events = harness.until(finished);
    let failure = events
        .iter()
        .find_map(|e| match e {
            Event::Failed { error, .. } => Some(error.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("not failed: {events:?}"));
    assert!(failure.contains("changed after it was checked"), "{failure}");
    assert_eq!(server.object_count(), 0, "nothing may be stored");
}

#[test]
fn a_file_uploaded_right_after_its_check_is_sent_as_checked_from_memory() {
    let server = TestServer::start();
    // PUTs wait at the proxy: with one upload slot, one file's upload is
    // held there while the other, checked, waits for the slot and its file
    // is overwritten.
    let proxy = FaultProxy::start(&server.runtime, socket_addr(&server.store.endpoint()), |head| {
        if head.is_put() { Fault::Gated } else { Fault::Pass }
    });
    let mut config = server.config();
    config.storage.endpoint = proxy.endpoint();
    config.upload.concurrency = 1;
    let (a, b) = (jpeg_with_gps(64, 48), jpeg_with_gps(72, 40));
    let paths = [server.data.path().join("a.jpg"), server.data.path().join("b.jpg")];
    std::fs::write(&paths[0], &a).unwrap();
    std::fs::write(&paths[1], &b).unwrap();
    let mut harness = Harness::new(config, WorkerOptions::default());
    harness.worker.send(Command::AddFiles {
        paths: paths.to_vec(),
        folders: FolderMode::Reject,
    });
    let (mut checked, mut started) = (Vec::new(), None);
    harness.until(|e| {
        match e {
            Event::Validated { id, image } => checked.push((*id, image.path.clone())),
            Event::UploadStarted { id, .. } => started = Some(*id),
            _ => {}
        }
        checked.len() == 2 && started.is_some()
    });
    let (waiting_id, waiting_path) = checked.iter().find(|(id, _)| Some(*id) != started).cloned().unwrap();
    let original = if waiting_path == paths[0] { a } else { b };
    std::fs::write(&waiting_path, jpeg_with_gps(80, 60)).unwrap();
    proxy.open_gate();
    let mut waiting_key = None;
    let mut finished_jobs = 0;
    let events = harness.until(|e| {
        if let Event::Uploaded { id, key, .. } = e
            && *id == waiting_id
        {
            waiting_key = Some(key.clone());
        }
        finished_jobs += usize::from(finished(e));
        finished_jobs == 2
    });
    let key = waiting_key.unwrap_or_else(|| panic!("not uploaded: {events:?}"));
    let mut expected = Vec::new();
    picbucket::core::strip::strip_metadata(&mut std::io::Cursor::new(&original), ImageKind::Jpeg, &mut expected)
        .unwrap();
    assert!(
        server.get(&key) == expected,
        "what was stored is not the checked file, stripped"
    );
}
