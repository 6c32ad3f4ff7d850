use super::testing::{add_done, job, sent, temp_library};
use super::*;
use std::time::Instant;

fn ids(records: &[UploadRecord]) -> Vec<RecordId> {
    records.iter().map(|r| r.id).collect()
}

fn search(text: &str) -> HistoryQuery {
    HistoryQuery {
        search: Some(text.into()),
        ..HistoryQuery::default()
    }
}

/// Fills the library with `count` records in one transaction: every tenth
/// stays pending, the rest are done; profiles alternate.
fn fill(library: &mut Library, count: i64) {
    let tx = library
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    for i in 1..=count {
        let mut new = job(&format!("IMG_{i:05}.jpg"));
        new.profile = if i % 2 == 0 { "work" } else { "home" }.into();
        new.object_key = format!("2026/11/{i:05}-7f3a9c2e1b4d_IMG_{i:05}.jpg");
        let id = jobs::insert_job(&tx, &new, "bulk", i).unwrap();
        if i % 10 != 0 {
            tx.execute(
                "UPDATE uploads SET state = 'done', uploaded_at = ?2, sha256 = ?3 WHERE id = ?1",
                rusqlite::params![id, i, "cd".repeat(32)],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

#[test]
fn paging_10000_records_is_newest_first_complete_and_fast() {
    let (_dir, path, mut library) = temp_library();
    let started = Instant::now();
    fill(&mut library, 10_000);
    let insert_time = started.elapsed();

    let started = Instant::now();
    let first = library.history(&HistoryQuery::default()).unwrap();
    let first_page_time = started.elapsed();
    let expected: Vec<RecordId> = (1..=10_000).rev().filter(|i| i % 10 != 0).collect();
    assert_eq!(ids(&first), expected[..50]);

    // Keyset paging walks every done record exactly once, newest first.
    let mut walked = Vec::new();
    let mut query = HistoryQuery {
        limit: 333,
        ..HistoryQuery::default()
    };
    loop {
        let page = library.history(&query).unwrap();
        let Some(last) = page.last() else { break };
        query.before_id = Some(last.id);
        walked.extend(ids(&page));
    }
    assert_eq!(walked, expected);
    assert_eq!(library.history_count(&HistoryQuery::default()).unwrap(), 9_000);

    // Offset paging agrees with keyset paging.
    let third = library
        .history(&HistoryQuery {
            offset: 100,
            ..HistoryQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&third), expected[100..150]);

    let started = Instant::now();
    let found = library.history(&search("img_0420")).unwrap();
    let search_time = started.elapsed();
    assert_eq!(ids(&found), [4209, 4208, 4207, 4206, 4205, 4204, 4203, 4202, 4201]);

    let work = HistoryQuery {
        profile: Some("work".into()),
        limit: 3,
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&library.history(&work).unwrap()), [9998, 9996, 9994]);
    assert_eq!(library.history_count(&work).unwrap(), 4_000);

    library.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    let bytes = std::fs::metadata(&path).unwrap().len();
    eprintln!(
        "library figures: insert 10k in one transaction {insert_time:?}; first page of 50 {first_page_time:?}; \
         search {search_time:?}; file {bytes} bytes = {} bytes per 1,000 entries",
        bytes / 10
    );
    // Generous bounds for a loaded 2-core machine; typical figures are far lower.
    assert!(first_page_time.as_millis() < 100, "{first_page_time:?}");
    assert!(search_time.as_millis() < 500, "{search_time:?}");
    assert!(bytes < 10_000 * 2_000, "{bytes}");
}

#[test]
fn search_matches_percent_and_underscore_literally_and_ignores_case() {
    let (_dir, _path, mut library) = temp_library();
    let sale = add_done(&mut library, "50%_off.png", 1);
    add_done(&mut library, "50abcoff.png", 2);
    add_done(&mut library, "500_off.png", 3);
    let slash = add_done(&mut library, "back\\slash.png", 4);
    let upper = add_done(&mut library, "Holiday PHOTO.JPG", 5);

    assert_eq!(ids(&library.history(&search("50%_off")).unwrap()), [sale]);
    assert_eq!(ids(&library.history(&search("%")).unwrap()), [sale]);
    assert_eq!(library.history_count(&search("_off")).unwrap(), 2);
    assert_eq!(ids(&library.history(&search("k\\s")).unwrap()), [slash]);
    assert_eq!(ids(&library.history(&search("holiday photo")).unwrap()), [upper]);
    assert!(library.history(&search("nothing")).unwrap().is_empty());
    // An empty search lists everything.
    assert_eq!(library.history(&search("")).unwrap().len(), 5);
}

#[test]
fn deleted_records_are_listed_only_when_asked() {
    let (_dir, _path, mut library) = temp_library();
    let kept = add_done(&mut library, "kept.png", 1);
    let gone = add_done(&mut library, "gone.png", 2);
    library.add_job(&job("pending.png"), "p", 3).unwrap();
    library.set_deleted(gone, 4).unwrap();
    assert_eq!(ids(&library.history(&HistoryQuery::default()).unwrap()), [kept]);
    let all = HistoryQuery {
        include_deleted: true,
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&library.history(&all).unwrap()), [gone, kept]);
    let record = library.get(gone).unwrap().unwrap();
    assert_eq!((record.state, record.state_changed_at), (UploadState::Deleted, 4));
    assert_eq!(library.history_count(&all).unwrap(), 2);
}

#[test]
fn find_takes_an_id_or_an_object_key() {
    let (_dir, _path, mut library) = temp_library();
    let first = add_done(&mut library, "a.png", 1);
    let second = add_done(&mut library, "b.png", 2);
    assert_eq!(library.find(&second.to_string()).unwrap().unwrap().file_name, "b.png");
    assert_eq!(library.find(" 2026/11/a.png ").unwrap().unwrap().id, first);
    assert_eq!(library.find("2026/11/none.png").unwrap(), None);
    assert_eq!(library.find("999").unwrap(), None);
    // A key reused by a later failed job still finds the stored object.
    let retry = library.add_job(&job("a.png"), "p", 3).unwrap();
    library.set_failed(retry, "timed out", 4).unwrap();
    assert_eq!(library.find("2026/11/a.png").unwrap().unwrap().id, first);
}

#[test]
fn profiles_lists_each_destination_once() {
    let (_dir, _path, mut library) = temp_library();
    assert!(library.profiles().unwrap().is_empty());
    for (name, profile) in [("a.png", "work"), ("b.png", "home"), ("c.png", "work")] {
        let mut new = job(name);
        new.profile = profile.into();
        let id = library.add_job(&new, "p", 1).unwrap();
        library.set_done(id, &sent(1), 2).unwrap();
    }
    assert_eq!(library.profiles().unwrap(), ["home", "work"]);
}

#[test]
fn thumbnails_need_an_existing_record() {
    let (_dir, _path, mut library) = temp_library();
    let id = add_done(&mut library, "a.png", 1);
    library.set_thumbnail(id, "1.png").unwrap();
    assert_eq!(library.get(id).unwrap().unwrap().thumbnail.as_deref(), Some("1.png"));
    assert!(matches!(
        library.set_thumbnail(id + 1, "2.png"),
        Err(LibraryError::NoSuchRecord { .. })
    ));
}
