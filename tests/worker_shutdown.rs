//! Closing the window stops the worker: with no upload running that must be
//! quick (the window waits for it) and lose nothing (jobs recorded, leases
//! released). Against the in-process S3 server.

mod common;

use common::TestServer;
use common::harness::Harness;
use image::ImageFormat;
use picbucket::library::{HistoryQuery, Library, UploadState};
use picbucket::test_support::write_image;
use picbucket::worker::{Command, Event, FolderMode, LibraryLocation, WorkerOptions};
use std::time::{Duration, Instant};

#[test]
fn an_idle_worker_stops_within_half_a_second_with_its_uploads_recorded() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let files = [
        write_image(dir.path(), "one.png", ImageFormat::Png, 64, 48),
        write_image(dir.path(), "two.jpg", ImageFormat::Jpeg, 80, 60),
    ];
    let library = dir.path().join("library.sqlite3");
    // As the window runs it: thumbnails, the library, unfinished jobs offered.
    let options = WorkerOptions {
        thumbnails: true,
        library: LibraryLocation::File(library.clone()),
        offer_unfinished: true,
        ..WorkerOptions::default()
    };
    let mut harness = Harness::new(server.config(), options);
    harness.worker.send(Command::AddFiles {
        paths: files.to_vec(),
        folders: FolderMode::Flat,
    });
    let mut uploaded = 0;
    harness.until(|e| {
        uploaded += usize::from(matches!(e, Event::Uploaded { .. }));
        matches!(e, Event::Failed { .. }) || uploaded == 2
    });
    assert_eq!(uploaded, 2);
    // Thumbnails and history writes settle; then the worker is idle.
    std::thread::sleep(Duration::from_millis(300));

    let started = Instant::now();
    drop(harness);
    let took = started.elapsed();
    assert!(took < Duration::from_millis(500), "stopping took {took:?}");

    let library = Library::open(&library).unwrap();
    let records = library
        .history(&HistoryQuery {
            limit: 10,
            ..HistoryQuery::default()
        })
        .unwrap();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.state == UploadState::Done), "{records:?}");
    assert!(library.unfinished(i64::MAX).unwrap().is_empty());
}
