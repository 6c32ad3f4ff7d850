//! Pasted screenshots are files the worker saved itself: once uploaded (or
//! removed from the queue) they are deleted, while a failed one is kept for
//! its retry. Against the in-process S3 server.

mod common;

use common::TestServer;
use common::harness::Harness;
use picbucket::worker::{Command, Event, JobId, LibraryLocation, WorkerOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A 3×2 picture with distinct pixels, as egui hands it over.
fn pixels() -> Vec<u8> {
    (0..6u8).flat_map(|i| [i * 40, 255 - i * 40, i, 255]).collect()
}

fn paste(harness: &Harness) {
    harness.worker.send(Command::AddPixels {
        name: "clipboard-2026-11-26.png".into(),
        width: 3,
        height: 2,
        rgba: pixels(),
    });
}

fn options(dir: &Path, auto_upload: bool) -> WorkerOptions {
    WorkerOptions {
        auto_upload,
        library: LibraryLocation::File(dir.join("library.sqlite3")),
        ..WorkerOptions::default()
    }
}

fn added(events: &[Event]) -> (JobId, PathBuf) {
    events
        .iter()
        .find_map(|e| match e {
            Event::Added { id, path, .. } => Some((*id, path.clone())),
            _ => None,
        })
        .expect("the paste was added")
}

/// The worker removes files on its own tasks: wait a little for it.
fn gone_soon(path: &Path) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if !path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn an_uploaded_paste_is_stored_and_its_file_removed() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = Harness::new(server.config(), options(dir.path(), true));
    paste(&harness);
    let events = harness.until(|e| matches!(e, Event::Uploaded { .. } | Event::Failed { .. }));
    let (_, path) = added(&events);
    assert_eq!(
        path.parent(),
        Some(dir.path().join("pasted").as_path()),
        "saved beside the library: {events:?}"
    );
    let key = events
        .iter()
        .find_map(|e| match e {
            Event::Uploaded { key, .. } => Some(key.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("not uploaded: {events:?}"));
    let stored = image::load_from_memory(&server.get(&key)).unwrap().to_rgba8();
    assert_eq!(stored.dimensions(), (3, 2));
    assert_eq!(stored.into_raw(), pixels(), "the stored object holds the pasted pixels");
    assert!(gone_soon(&path), "{} is still there after its upload", path.display());
    assert_eq!(std::fs::read_dir(dir.path().join("pasted")).unwrap().count(), 0);
}

#[test]
fn a_failed_paste_keeps_its_file_for_a_retry_until_its_row_is_removed() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.bucket = "nowhere".into();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = Harness::new(config, options(dir.path(), true));
    paste(&harness);
    let events = harness.until(|e| matches!(e, Event::Uploaded { .. } | Event::Failed { .. }));
    assert!(events.iter().any(|e| matches!(e, Event::Failed { .. })), "{events:?}");
    let (id, path) = added(&events);
    // Let any (wrong) removal run before looking.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        path.exists(),
        "a failed paste lost its file; Retry would have nothing to send"
    );

    harness.worker.send(Command::Remove(id));
    assert!(
        gone_soon(&path),
        "{} is still there after its row was removed",
        path.display()
    );
    assert_eq!(server.object_count(), 0);
}

#[test]
fn a_paste_never_uploaded_is_removed_when_the_worker_quits() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut harness = Harness::new(server.config(), options(dir.path(), false));
    paste(&harness);
    let events = harness.until(|e| matches!(e, Event::Validated { .. } | Event::Rejected { .. }));
    let (_, path) = added(&events);
    assert!(path.exists(), "waiting for Upload, the paste keeps its file");
    drop(harness);
    assert!(
        !path.exists(),
        "{} outlived the worker with nothing to resume it",
        path.display()
    );
}
