//! Writes queued to the library: waited for or not, they land in the order
//! they were noted, and one that fails leaves the others of its batch.

use super::{LibraryLocation, Records};
use crate::library::UploadState;
use crate::library::testing::{job, sent};

fn records_in(dir: &tempfile::TempDir) -> Records {
    let location = LibraryLocation::File(dir.path().join("library.sqlite3"));
    Records::open(&location).unwrap().expect("a library")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_noted_in_the_background_lands_before_the_writes_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let records = records_in(&dir);
    let id = records
        .note("new job", |lib, owner, now| lib.add_job(&job("a.png"), owner, now))
        .await
        .expect("recorded");
    records.note_in_background("started job", move |lib, _, now| lib.set_uploading(id, None, now));
    // Done is only allowed from pending or uploading: had the background
    // write come after it, it would have failed and left no attempt counted.
    let done = records
        .note("finished job", move |lib, _, now| lib.set_done(id, &sent(1234), now))
        .await;
    assert!(done.is_some());
    let record = records.run(move |lib, _, _| lib.get(id)).await.unwrap().unwrap();
    assert_eq!(record.state, UploadState::Done);
    assert_eq!(record.attempts, 1, "the background write was committed, before the end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_write_that_fails_leaves_the_rest_of_its_batch() {
    let dir = tempfile::tempdir().unwrap();
    let records = records_in(&dir);
    let missing = records
        .note("new job", |lib, owner, now| lib.add_job(&job("gone.png"), owner, now))
        .await
        .unwrap();
    records.run(move |lib, _, _| lib.remove(missing)).await.unwrap();
    records.note_in_background("started job", move |lib, _, now| lib.set_uploading(missing, None, now));
    let id = records
        .note("new job", |lib, owner, now| lib.add_job(&job("b.png"), owner, now))
        .await;
    let id = id.expect("the write after the failed one is recorded");
    let record = records.run(move |lib, _, _| lib.get(id)).await.unwrap().unwrap();
    assert_eq!(record.file_name, "b.png");
}
