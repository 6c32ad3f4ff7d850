//! Commands in, events out: the worker against the in-process S3 server.

mod common;

use common::harness::Harness;
use common::{TestServer, http_get, read};
use image::ImageFormat;
use picbucket::test_support::write_image;
use picbucket::worker::{Command, Event, FolderMode, JobId, LibraryLocation, WorkerOptions};
use std::path::PathBuf;

fn added_ids(events: &[Event]) -> Vec<JobId> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Added { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

#[test]
fn files_are_validated_uploaded_and_linked_while_rejects_never_reach_the_server() {
    let server = TestServer::start();
    let dir = server.data.path();
    let photo = write_image(dir, "photo.jpg", ImageFormat::Jpeg, 120, 80);
    let text = dir.join("notes.jpg");
    std::fs::write(&text, "not an image").unwrap();
    let mut harness = Harness::new(server.config(), WorkerOptions::default());
    harness.worker.send(Command::AddFiles {
        paths: vec![photo.clone(), text],
        folders: FolderMode::Reject,
    });
    let mut finished = 0;
    let events = harness.until(|e| {
        if matches!(
            e,
            Event::Uploaded { .. } | Event::Rejected { .. } | Event::Failed { .. }
        ) {
            finished += 1;
        }
        finished == 2
    });
    let ids = added_ids(&events);
    assert_eq!(ids.len(), 2);
    let (key, url) = events
        .iter()
        .find_map(|e| match e {
            Event::Uploaded { id, key, link } if *id == ids[0] => Some((key.clone(), link.url.clone())),
            _ => None,
        })
        .expect("photo uploaded");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Rejected { id, .. } if *id == ids[1]))
    );
    // Key = {uuid}_{filename}
    let (uuid, name) = key.split_once('_').unwrap();
    assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{key}");
    assert_eq!(name, "photo.jpg");
    assert_eq!(http_get(&url), Ok(read(&photo)));
    assert_eq!(server.object_count(), 1, "only the photo is stored");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Progress { sent_bytes, total_bytes, .. } if sent_bytes == total_bytes))
    );
}

#[test]
fn a_waiting_file_can_be_cancelled_and_retried() {
    let server = TestServer::start();
    let photo = write_image(server.data.path(), "wait.png", ImageFormat::Png, 16, 16);
    let options = WorkerOptions {
        auto_upload: false,
        ..WorkerOptions::default()
    };
    let mut harness = Harness::new(server.config(), options);
    harness.worker.send(Command::AddFiles {
        paths: vec![photo],
        folders: FolderMode::Reject,
    });
    let events = harness.until(|e| matches!(e, Event::Validated { .. }));
    let id = added_ids(&events)[0];
    harness.worker.send(Command::Cancel(id));
    harness.until(|e| matches!(e, Event::Cancelled { .. }));
    harness.worker.send(Command::StartAll);
    harness.worker.send(Command::Retry(id));
    harness.until(|e| matches!(e, Event::Validated { .. }));
    harness.worker.send(Command::StartAll);
    let events = harness.until(|e| matches!(e, Event::Uploaded { .. } | Event::Failed { .. }));
    assert!(matches!(events.last(), Some(Event::Uploaded { .. })), "{events:?}");
    assert_eq!(server.object_count(), 1);
}

#[test]
fn a_dropped_folder_adds_the_images_inside_it() {
    let server = TestServer::start();
    let folder = server.data.path().join("album");
    std::fs::create_dir(&folder).unwrap();
    write_image(&folder, "1.png", ImageFormat::Png, 8, 8);
    write_image(&folder, "2.gif", ImageFormat::Gif, 8, 8);
    std::fs::write(folder.join("readme.txt"), "hello").unwrap();
    let mut harness = Harness::new(server.config(), WorkerOptions::default());
    harness.worker.send(Command::AddFiles {
        paths: vec![folder],
        folders: FolderMode::Flat,
    });
    let mut uploaded = 0;
    let events = harness.until(|e| {
        uploaded += usize::from(matches!(e, Event::Uploaded { .. }));
        uploaded == 2
    });
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::FolderScanned { added: 2, .. }))
    );
    assert_eq!(server.object_count(), 2);
}

#[test]
fn a_link_can_be_signed_again() {
    let server = TestServer::start();
    let photo = write_image(server.data.path(), "again.webp", ImageFormat::WebP, 8, 8);
    let mut harness = Harness::new(server.config(), WorkerOptions::default());
    harness.worker.send(Command::AddFiles {
        paths: vec![photo.clone()],
        folders: FolderMode::Reject,
    });
    let events = harness.until(|e| matches!(e, Event::Uploaded { .. }));
    let id = added_ids(&events)[0];
    harness.worker.send(Command::Resign(id));
    let events = harness.until(|e| matches!(e, Event::LinkRefreshed { .. }));
    let Some(Event::LinkRefreshed { link, .. }) = events.last() else {
        unreachable!()
    };
    assert_eq!(http_get(&link.url), Ok(read(&photo)));
}

#[test]
fn settings_pointing_at_a_missing_bucket_fail_each_upload_with_that_reason() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.bucket = "nowhere".into();
    let photo: PathBuf = write_image(server.data.path(), "p.png", ImageFormat::Png, 8, 8);
    let mut harness = Harness::new(config.clone(), WorkerOptions::default());
    harness.worker.send(Command::TestConnection(Box::new(config)));
    let events = harness.until(|e| matches!(e, Event::ConnectionTested(_)));
    let Some(Event::ConnectionTested(Err(error))) = events.last() else {
        panic!("{events:?}")
    };
    assert!(error.to_string().contains("`nowhere` does not exist"), "{error}");
    harness.worker.send(Command::AddFiles {
        paths: vec![photo],
        folders: FolderMode::Reject,
    });
    let events = harness.until(|e| matches!(e, Event::Failed { .. } | Event::Uploaded { .. }));
    assert!(
        matches!(events.last(), Some(Event::Failed { error, .. }) if error.to_string().contains("nowhere")),
        "{events:?}"
    );
}

#[test]
fn cancelling_a_running_multipart_upload_aborts_it_and_stores_nothing() {
    let server = TestServer::start();
    let mut config = server.config();
    config.upload.max_size_mb = 100;
    config.upload.multipart_threshold_mb = 5;
    // The padded PNG below is no valid PNG past its header: sent as it is,
    // not walked by the metadata stripper (which would refuse it).
    config.upload.strip_metadata = false;
    // A valid PNG header followed by 64 MiB of padding: validation reads the
    // header only, and the upload takes long enough to be cancelled mid-way.
    let path = write_image(server.data.path(), "huge.png", ImageFormat::Png, 8, 8);
    let mut bytes = read(&path);
    let iend = bytes.split_off(bytes.len() - 12);
    bytes.resize(64 * 1024 * 1024, 0);
    bytes.extend_from_slice(&iend);
    std::fs::write(&path, &bytes).unwrap();

    let mut harness = Harness::new(config, WorkerOptions::default());
    harness.worker.send(Command::AddFiles {
        paths: vec![path],
        folders: FolderMode::Reject,
    });
    let events = harness.until(|e| matches!(e, Event::UploadStarted { .. } | Event::Rejected { .. }));
    let id = added_ids(&events)[0];
    assert!(matches!(events.last(), Some(Event::UploadStarted { .. })), "{events:?}");
    harness.worker.send(Command::Cancel(id));
    let events = harness.until(|e| {
        matches!(
            e,
            Event::Cancelled { .. } | Event::Uploaded { .. } | Event::Failed { .. }
        )
    });
    assert!(matches!(events.last(), Some(Event::Cancelled { .. })), "{events:?}");
    assert_eq!(server.object_count(), 0);
    let leftovers: Vec<_> = std::fs::read_dir(server.store.root().join("objects"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("upload"))
        .collect();
    assert!(leftovers.is_empty(), "parts left behind: {leftovers:?}");
}

#[test]
fn a_thumbnail_the_window_dropped_is_made_again_on_request() {
    let server = TestServer::start();
    let photo = write_image(server.data.path(), "photo.png", ImageFormat::Png, 300, 150);
    let options = WorkerOptions {
        thumbnails: true,
        ..WorkerOptions::default()
    };
    let mut harness = Harness::new(server.config(), options);
    harness.worker.send(Command::AddFiles {
        paths: vec![photo],
        folders: FolderMode::Reject,
    });
    let mut first = None;
    let events = harness.until(|e| {
        if let Event::Thumbnail { thumbnail, .. } = e {
            first = Some(thumbnail.clone());
        }
        first.is_some()
    });
    let id = added_ids(&events)[0];
    let first = first.unwrap();
    assert_eq!((first.width, first.height), (128, 64), "the window's thumbnail size");

    harness.worker.send(Command::ReloadThumbnail(id));
    let again = harness.until(|e| matches!(e, Event::Thumbnail { id: got, .. } if *got == id));
    match again.last() {
        Some(Event::Thumbnail { thumbnail, .. }) => assert_eq!(*thumbnail, first),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_uploaded_row_back_in_view_gets_the_thumbnail_the_library_kept() {
    let server = TestServer::start();
    let library = tempfile::tempdir().unwrap();
    let photo = write_image(server.data.path(), "photo.png", ImageFormat::Png, 300, 150);
    let options = WorkerOptions {
        thumbnails: true,
        library: LibraryLocation::File(library.path().join("library.sqlite3")),
        ..WorkerOptions::default()
    };
    let mut harness = Harness::new(server.config(), options);
    harness.worker.send(Command::AddFiles {
        paths: vec![photo.clone()],
        folders: FolderMode::Reject,
    });
    let mut first = None;
    let events = harness.until(|e| {
        if let Event::Thumbnail { thumbnail, .. } = e {
            first = Some(thumbnail.clone());
        }
        matches!(e, Event::Uploaded { .. })
    });
    let id = added_ids(&events)[0];
    let first = first.expect("a thumbnail before the upload ended");
    // The library keeps its copy once the job is recorded; wait until it is on disk.
    let thumbnails = library.path().join("thumbnails");
    for _ in 0..200 {
        if std::fs::read_dir(&thumbnails).is_ok_and(|mut d| d.next().is_some()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }

    // The file is no longer an image: only the kept copy can answer.
    std::fs::write(&photo, b"not an image any more").unwrap();
    harness.worker.send(Command::ReloadThumbnail(id));
    let again = harness.until(
        |e| matches!(e, Event::Thumbnail { id: got, .. } | Event::ThumbnailFailed { id: got, .. } if *got == id),
    );
    match again.last() {
        Some(Event::Thumbnail { thumbnail, .. }) => assert_eq!(*thumbnail, first),
        other => panic!("the kept thumbnail was not used: {other:?}"),
    }
}
