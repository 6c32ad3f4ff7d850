use super::testing::{job, sent, temp_library};
use super::*;
use std::collections::HashSet;
use std::sync::Barrier;

fn part_rows(library: &Library) -> i64 {
    library
        .conn
        .query_row("SELECT COUNT(*) FROM upload_parts", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn a_job_is_recorded_before_sending_with_its_final_key_and_lease() {
    let (_dir, _path, mut library) = temp_library();
    let id = library.add_job(&job("cat.png"), "proc-a", 1_000).unwrap();
    let record = library.get(id).unwrap().unwrap();
    assert_eq!(record.state, UploadState::Pending);
    assert_eq!(record.object_key, "2026/11/cat.png");
    assert_eq!(record.source_path, PathBuf::from("/home/me/Pictures/cat.png"));
    assert_eq!((record.width, record.height, record.size_bytes), (640, 480, 1234));
    assert_eq!(record.source_mtime, Some(1_700_000_000_000));
    assert_eq!((record.created_at, record.state_changed_at), (1_000, 1_000));
    assert_eq!(record.owner.as_deref(), Some("proc-a"));
    assert_eq!(record.lease_until, 1_000 + LEASE_MS);
    assert_eq!(
        (record.attempts, record.uploaded_at, record.sha256.clone()),
        (0, None, None)
    );
    // Not history yet.
    assert!(library.history(&HistoryQuery::default()).unwrap().is_empty());
}

#[test]
fn a_multipart_job_keeps_its_parts_until_done() {
    let (_dir, _path, mut library) = temp_library();
    let id = library.add_job(&job("big.jpg"), "proc-a", 0).unwrap();
    library.set_uploading(id, Some("upload-1"), 10).unwrap();
    library.add_part(id, 2, "\"etag-2\"", 5 << 20).unwrap();
    library.add_part(id, 1, "\"etag-1\"", 5 << 20).unwrap();
    library.add_part(id, 2, "\"etag-2b\"", 5 << 20).unwrap();
    let parts = library.parts(id).unwrap();
    assert_eq!(
        parts,
        [
            PartRecord {
                part_number: 1,
                etag: "\"etag-1\"".into(),
                size_bytes: 5 << 20
            },
            PartRecord {
                part_number: 2,
                etag: "\"etag-2b\"".into(),
                size_bytes: 5 << 20
            },
        ]
    );
    let record = library.get(id).unwrap().unwrap();
    assert_eq!(record.state, UploadState::Uploading);
    assert_eq!(record.multipart_upload_id.as_deref(), Some("upload-1"));
    assert_eq!((record.attempts, record.lease_until), (1, 10 + LEASE_MS));

    // Resuming the same upload keeps the parts; a new upload id drops them.
    library.set_uploading(id, Some("upload-1"), 20).unwrap();
    assert_eq!(library.parts(id).unwrap().len(), 2);
    assert_eq!(library.get(id).unwrap().unwrap().attempts, 2);
    library.set_uploading(id, Some("upload-2"), 30).unwrap();
    assert!(library.parts(id).unwrap().is_empty());
    library.add_part(id, 1, "e", 7).unwrap();

    library.set_done(id, &sent(12_345), 40).unwrap();
    let done = library.get(id).unwrap().unwrap();
    assert_eq!(done.state, UploadState::Done);
    assert_eq!((done.uploaded_at, done.size_bytes), (Some(40), 12_345));
    assert_eq!(done.multipart_upload_id, None);
    assert_eq!(part_rows(&library), 0);
}

#[test]
fn removing_a_record_removes_its_parts() {
    let (_dir, _path, mut library) = temp_library();
    let id = library.add_job(&job("big.jpg"), "proc-a", 0).unwrap();
    library.set_uploading(id, Some("u"), 0).unwrap();
    library.add_part(id, 1, "e1", 5).unwrap();
    assert_eq!(part_rows(&library), 1);
    let removed = library.remove(id).unwrap().unwrap();
    assert_eq!(removed.id, id);
    assert_eq!(part_rows(&library), 0);
    assert_eq!(library.get(id).unwrap(), None);
    assert_eq!(library.remove(id).unwrap(), None);
}

#[test]
fn failed_and_cancelled_jobs_keep_their_reason_and_leave_the_queue() {
    let (_dir, _path, mut library) = temp_library();
    let failed = library.add_job(&job("a.png"), "p", 0).unwrap();
    library.set_uploading(failed, None, 1).unwrap();
    library.set_failed(failed, "The bucket does not exist.", 2).unwrap();
    let record = library.get(failed).unwrap().unwrap();
    assert_eq!(record.state, UploadState::Failed);
    assert_eq!(record.last_error.as_deref(), Some("The bucket does not exist."));
    assert_eq!(record.state_changed_at, 2);

    let cancelled = library.add_job(&job("b.png"), "p", 0).unwrap();
    library.set_cancelled(cancelled, 3).unwrap();
    assert_eq!(library.get(cancelled).unwrap().unwrap().state, UploadState::Cancelled);
    // A cancelled job cannot start again.
    assert!(matches!(
        library.set_uploading(cancelled, None, 4),
        Err(LibraryError::WrongState {
            state: UploadState::Cancelled,
            ..
        })
    ));
    assert!(library.unfinished(i64::MAX).unwrap().is_empty());
}

#[test]
fn a_job_is_held_until_its_lease_ends_then_unfinished() {
    let (_dir, _path, mut library) = temp_library();
    let late = library.add_job(&job("late.png"), "a", 5_000).unwrap();
    let early = library.add_job(&job("early.png"), "b", 0).unwrap();
    let done = library.add_job(&job("done.png"), "a", 0).unwrap();
    library.set_done(done, &sent(1), 0).unwrap();
    let held: Vec<_> = library.held(LEASE_MS - 1).unwrap().iter().map(|r| r.id).collect();
    assert_eq!(held, [early, late], "soonest lease end first, done jobs never held");
    let held: Vec<_> = library.held(LEASE_MS).unwrap().iter().map(|r| r.id).collect();
    assert_eq!(held, [late]);
    assert!(library.held(5_000 + LEASE_MS).unwrap().is_empty());
    assert_eq!(library.unfinished(5_000 + LEASE_MS).unwrap().len(), 2);
}

#[test]
fn a_dead_owners_job_is_unfinished_only_once_its_lease_expired() {
    let (_dir, _path, mut library) = temp_library();
    let id = library.add_job(&job("a.png"), "dead", 0).unwrap();
    let done = library.add_job(&job("b.png"), "dead", 0).unwrap();
    library.set_done(done, &sent(1), 0).unwrap();
    assert!(library.unfinished(LEASE_MS - 1).unwrap().is_empty());
    let ids: Vec<_> = library.unfinished(LEASE_MS).unwrap().iter().map(|r| r.id).collect();
    assert_eq!(ids, [id]);

    // A living owner renews and keeps it.
    assert_eq!(library.renew_leases("dead", 20_000).unwrap(), 1);
    assert!(library.unfinished(LEASE_MS).unwrap().is_empty());
    assert_eq!(library.unfinished(20_000 + LEASE_MS).unwrap().len(), 1);
    assert_eq!(library.renew_leases("someone-else", 20_000).unwrap(), 0);

    // A clean quit hands it back at once.
    assert_eq!(library.release("dead").unwrap(), 1);
    assert_eq!(library.unfinished(20_001).unwrap().len(), 1);
}

#[test]
fn claim_takes_only_expired_jobs_and_gives_them_a_new_lease() {
    let (_dir, _path, mut library) = temp_library();
    let expired = library.add_job(&job("old.png"), "dead", 0).unwrap();
    let live = library.add_job(&job("new.png"), "alive", 50_000).unwrap();
    let now = 60_000;
    let taken = library.claim(&[expired, live, 12_345], "me", now).unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].id, expired);
    assert_eq!(taken[0].owner.as_deref(), Some("me"));
    assert_eq!(taken[0].lease_until, now + LEASE_MS);
    assert!(library.unfinished(now).unwrap().is_empty());
    assert_eq!(library.get(live).unwrap().unwrap().owner.as_deref(), Some("alive"));
}

/// Opens its own handle, waits for the other thread, then claims `ids` two at
/// a time so the two threads interleave.
fn claim_all(
    path: &Path,
    barrier: &Barrier,
    ids: impl Iterator<Item = RecordId>,
    owner: &str,
    now: i64,
) -> Vec<UploadRecord> {
    let mut library = Library::open(path).unwrap();
    let ids: Vec<RecordId> = ids.collect();
    barrier.wait();
    let mut taken = Vec::new();
    for pair in ids.chunks(2) {
        taken.extend(library.claim(pair, owner, now).unwrap());
        // Let the other thread in: the split between the two varies, but each
        // job must end up with exactly one of them.
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    taken
}

#[test]
fn two_handles_claiming_at_once_get_each_job_exactly_once() {
    let (_dir, path, mut library) = temp_library();
    let ids: Vec<RecordId> = (0..200)
        .map(|i| library.add_job(&job(&format!("{i}.png")), "dead", 0).unwrap())
        .collect();
    let now = LEASE_MS + 1;
    let barrier = Barrier::new(2);
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| claim_all(&path, &barrier, ids.iter().copied(), "a", now));
        let b = scope.spawn(|| claim_all(&path, &barrier, ids.iter().rev().copied(), "b", now));
        (a.join().unwrap(), b.join().unwrap())
    });
    let a_ids: HashSet<RecordId> = a.iter().map(|r| r.id).collect();
    let b_ids: HashSet<RecordId> = b.iter().map(|r| r.id).collect();
    assert!(
        a_ids.is_disjoint(&b_ids),
        "{:?}",
        a_ids.intersection(&b_ids).collect::<Vec<_>>()
    );
    assert_eq!(a_ids.len() + b_ids.len(), ids.len());
    for record in library.unfinished(now + LEASE_MS).unwrap() {
        let expected = if a_ids.contains(&record.id) { "a" } else { "b" };
        assert_eq!(record.owner.as_deref(), Some(expected));
    }
}

#[test]
fn discard_cancels_only_unfinished_jobs_and_returns_them() {
    let (_dir, _path, mut library) = temp_library();
    let stale = library.add_job(&job("stale.png"), "dead", 0).unwrap();
    library.set_uploading(stale, Some("mpu-7"), 0).unwrap();
    let live = library.add_job(&job("live.png"), "alive", 100_000).unwrap();
    let discarded = library.discard(&[stale, live], 100_000).unwrap();
    assert_eq!(discarded.len(), 1);
    assert_eq!(discarded[0].multipart_upload_id.as_deref(), Some("mpu-7"));
    assert_eq!(library.get(stale).unwrap().unwrap().state, UploadState::Cancelled);
    assert_eq!(library.get(live).unwrap().unwrap().state, UploadState::Pending);
}

#[test]
fn two_processes_recording_at_once_lose_nothing() {
    let (_dir, path, library) = temp_library();
    let barrier = Barrier::new(2);
    std::thread::scope(|scope| {
        let handles: Vec<_> = ["left", "right"]
            .into_iter()
            .map(|owner| {
                let (path, barrier) = (&path, &barrier);
                scope.spawn(move || {
                    let mut library = Library::open(path).unwrap();
                    barrier.wait();
                    for i in 0..500 {
                        let id = library.add_job(&job(&format!("{owner}-{i}.png")), owner, i).unwrap();
                        if i % 2 == 0 {
                            library.set_done(id, &sent(10), i).unwrap();
                        }
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
    });
    let total: i64 = library
        .conn
        .query_row("SELECT COUNT(*) FROM uploads", [], |row| row.get(0))
        .unwrap();
    assert_eq!(total, 1000);
    assert_eq!(library.history_count(&HistoryQuery::default()).unwrap(), 500);
    for owner in ["left", "right"] {
        let names: HashSet<String> = (0..500).map(|i| format!("{owner}-{i}.png")).collect();
        let mut stmt = library
            .conn
            .prepare("SELECT file_name FROM uploads WHERE owner = ?1")
            .unwrap();
        let found: HashSet<String> = stmt
            .query_map([owner], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(found, names);
    }
}

#[cfg(unix)]
#[test]
fn a_source_path_that_is_not_utf8_comes_back_unchanged() {
    use std::os::unix::ffi::OsStrExt;
    let (_dir, _path, mut library) = temp_library();
    let mut odd = job("odd.png");
    odd.source_path = PathBuf::from(std::ffi::OsStr::from_bytes(b"/tmp/caf\xe9.png"));
    let id = library.add_job(&odd, "p", 0).unwrap();
    assert_eq!(library.get(id).unwrap().unwrap().source_path, odd.source_path);
}

#[test]
fn writes_in_one_transaction_commit_together_and_a_refused_one_leaves_the_others() {
    let (_dir, path, mut library) = temp_library();
    let done = library.add_job(&job("done.png"), "proc-a", 0).unwrap();
    library.set_uploading(done, None, 1).unwrap();
    library.set_done(done, &sent(1234), 2).unwrap();
    let (added, refused) = library
        .in_one_transaction(|lib| {
            let added = lib.add_job(&job("new.png"), "proc-a", 10).unwrap();
            lib.set_uploading(added, None, 11).unwrap();
            // Not committed yet: another connection does not see the new job.
            let other = rusqlite::Connection::open(&path).unwrap();
            let seen: i64 = other
                .query_row("SELECT COUNT(*) FROM uploads WHERE id = ?1", [added], |row| row.get(0))
                .unwrap();
            assert_eq!(seen, 0);
            // A finished job cannot fail: refused, and only this write is undone.
            (added, lib.set_failed(done, "too late", 12))
        })
        .unwrap();
    assert!(matches!(refused, Err(LibraryError::WrongState { .. })), "{refused:?}");
    let other = Library::open(&path).unwrap();
    let record = other.get(added).unwrap().unwrap();
    assert_eq!((record.state, record.attempts), (UploadState::Uploading, 1));
    assert_eq!(other.get(done).unwrap().unwrap().state, UploadState::Done);
    // Back to one transaction per write.
    assert!(library.conn.is_autocommit());
}

#[test]
fn a_batch_that_panicked_is_undone_by_the_next_one() {
    let (_dir, _path, mut library) = temp_library();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        library.in_one_transaction(|lib| {
            lib.add_job(&job("lost.png"), "proc-a", 0).unwrap();
            panic!("a write panicked");
        })
    }));
    assert!(panicked.is_err());
    let kept = library
        .in_one_transaction(|lib| lib.add_job(&job("kept.png"), "proc-a", 1).unwrap())
        .unwrap();
    let names: Vec<String> = library
        .unfinished(LEASE_MS + 10)
        .unwrap()
        .into_iter()
        .map(|record| record.file_name)
        .collect();
    assert_eq!(names, ["kept.png"]);
    assert_eq!(library.get(kept).unwrap().unwrap().file_name, "kept.png");
}
