//! How big a job's task is while it waits: a drop of thousands of files
//! spawns a task for each at once, so each waiting task's size is paid
//! thousands of times over (in fresh pages, each a page fault).

use super::*;
use crate::core::ValidationRules;
use crate::core::validate::validate;
use crate::storage::StorageError;
use crate::test_support::write_image;
use crate::worker::destinations::{PendingStore, StoreChoice};
use crate::worker::outgoing::prepare_outgoing;
use crate::worker::sink::EventSink;
use image::ImageFormat;
use tokio::sync::mpsc;

/// What a job waiting for its upload slot may weigh: the sending state
/// (about 14 KB) is boxed and made only once it holds a slot.
const WAITING_FOR_SLOT_BYTES: usize = 4096;
/// What a dropped file waiting for its check may weigh: the upload's state
/// (about 2 KB while it waits for a slot) is made after the check.
const WAITING_FOR_CHECK_BYTES: usize = 1024;

fn context() -> JobContext {
    let (events, _) = mpsc::unbounded_channel();
    let (updates, _) = mpsc::unbounded_channel();
    JobContext {
        config: Arc::new(Config::default()),
        store: PendingStore::ready(StoreChoice::Failed(StorageError::Config {
            detail: "no store in this test".into(),
        })),
        sink: EventSink::new(events, Arc::new(|| {})),
        records: None,
        upload_slots: Arc::new(Semaphore::new(1)),
        validation_slots: Arc::new(Semaphore::new(1)),
        thumbnail_slots: Arc::new(Semaphore::new(1)),
        held_room: Arc::new(Semaphore::new(1)),
        lowered: None,
        thumbnails: false,
        quitting: CancellationToken::new(),
        updates,
    }
}

#[test]
fn a_dropped_file_waits_for_its_check_in_a_small_task() {
    let task = validate_then_maybe_upload(
        context(),
        JobId(1),
        PathBuf::from("/nowhere/a.png"),
        "a.png".into(),
        true,
        CancellationToken::new(),
    );
    let size = std::mem::size_of_val(&task);
    assert!(size <= WAITING_FOR_CHECK_BYTES, "a waiting job's task is {size} bytes");
}

#[test]
fn a_checked_file_waits_for_an_upload_slot_in_a_small_task() {
    // "Upload all" in the window spawns an upload task for every checked file at once.
    let dir = tempfile::tempdir().unwrap();
    let path = write_image(dir.path(), "a.png", ImageFormat::Png, 8, 8);
    let image = validate(&path, &ValidationRules::default()).unwrap();
    let outgoing = prepare_outgoing(&image, None, true, None).unwrap();
    let ready = ReadyImage {
        image,
        name: "a.png".into(),
        outgoing,
        mtime_ms: None,
    };
    let task = upload(context(), JobId(1), ready, CancellationToken::new(), None);
    let size = std::mem::size_of_val(&task);
    assert!(
        size <= WAITING_FOR_SLOT_BYTES,
        "a job waiting for its upload is {size} bytes"
    );
}
