use super::*;
use crate::library::UploadState;
use std::path::PathBuf;

pub(crate) fn record(id: i64) -> UploadRecord {
    UploadRecord {
        id,
        profile: "default".into(),
        endpoint: "http://127.0.0.1:9".into(),
        bucket: "photos".into(),
        region: String::new(),
        object_key: format!("k{id}"),
        file_name: format!("{id}.png"),
        source_path: PathBuf::from(format!("/pictures/{id}.png")),
        size_bytes: 10,
        content_type: "image/png".into(),
        width: 1,
        height: 1,
        sha256: None,
        source_mtime: None,
        created_at: 0,
        uploaded_at: Some(0),
        state_changed_at: 0,
        state: UploadState::Done,
        last_error: None,
        attempts: 1,
        multipart_upload_id: None,
        thumbnail: None,
        owner: None,
        lease_until: 0,
    }
}

/// The page the worker would answer for `query` out of `total` records (ids count down).
fn answer(query: &HistoryQuery, total: u64) -> Vec<UploadRecord> {
    (query.offset..(query.offset + u64::from(query.limit)).min(total))
        .map(|n| record((total - n) as i64))
        .collect()
}

#[test]
fn at_first_only_the_first_page_is_asked_for_and_then_the_visible_ones() {
    let mut pages = HistoryPages::default();
    let requests = pages.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!((requests[0].1.offset, requests[0].1.limit), (0, 100));
    assert!(pages.requests().is_empty(), "an awaited page is not asked for twice");
    let (ticket, query) = &requests[0];
    assert!(pages.on_page(*ticket, 10_000, answer(query, 10_000)));
    assert_eq!(pages.total(), 10_000);
    assert_eq!(pages.record(0).unwrap().id, 10_000);
    assert!(pages.record(100).is_none());

    // Scrolled to rows 5 030..5 045 (page 50): that page, and page 49 whose
    // end is near enough to fetch ahead.
    pages.set_visible(5_030..5_045);
    let requests = pages.requests();
    let offsets: Vec<u64> = requests.iter().map(|(_, q)| q.offset).collect();
    assert_eq!(offsets, vec![4_900, 5_000]);
    assert_eq!(pages.held(), 0, "page 0 is far away and dropped");
    for (ticket, query) in &requests {
        pages.on_page(*ticket, 10_000, answer(query, 10_000));
    }
    assert_eq!(pages.record(5_030).unwrap().id, 10_000 - 5_030);
    assert_eq!(pages.record(4_999).unwrap().id, 10_000 - 4_999);
}

#[test]
fn rows_across_a_page_boundary_ask_for_both_pages() {
    let mut pages = HistoryPages::default();
    let (ticket, query) = pages.requests().remove(0);
    pages.on_page(ticket, 250, answer(&query, 250));
    pages.set_visible(95..110);
    let offsets: Vec<u64> = pages.requests().iter().map(|(_, q)| q.offset).collect();
    assert_eq!(offsets, vec![100]);
    // Past the end: never a page beyond the last.
    pages.set_visible(240..260);
    let offsets: Vec<u64> = pages.requests().iter().map(|(_, q)| q.offset).collect();
    assert_eq!(offsets, vec![200]);
}

#[test]
fn a_new_filter_replaces_what_is_held_with_its_first_answer_and_ignores_old_answers() {
    let mut pages = HistoryPages::default();
    let (ticket, query) = pages.requests().remove(0);
    pages.on_page(ticket, 250, answer(&query, 250));
    pages.set_visible(150..160);
    let (old_ticket, old_query) = pages.requests().remove(0);
    pages.set_filter(HistoryFilter {
        search: "  cat ".into(),
        profile: Some("work".into()),
        include_deleted: true,
    });
    assert!(
        !pages.on_page(old_ticket, 250, answer(&old_query, 250)),
        "a stale answer is dropped"
    );
    assert_eq!(
        pages.record(0).unwrap().id,
        250,
        "the old list stays until the new one comes"
    );
    let requests = pages.requests();
    assert_eq!(requests.len(), 1, "from the top: {requests:?}");
    let (ticket, query) = &requests[0];
    assert_eq!((query.offset, query.search.as_deref()), (0, Some("cat")));
    assert_eq!(query.profile.as_deref(), Some("work"));
    assert!(query.include_deleted);
    assert!(*ticket > old_ticket);
    assert!(pages.on_page(*ticket, 2, answer(query, 2)));
    assert_eq!(pages.total(), 2);
    assert_eq!(pages.held(), 2);
    assert_eq!(pages.record(0).unwrap().id, 2);
}

#[test]
fn a_refresh_keeps_showing_the_old_page_until_the_new_one_arrives() {
    let mut pages = HistoryPages::default();
    let (ticket, query) = pages.requests().remove(0);
    pages.on_page(ticket, 3, answer(&query, 3));
    pages.refresh();
    assert_eq!(pages.record(0).unwrap().id, 3, "still shown");
    let (fresh_ticket, query) = pages.requests().remove(0);
    assert!(
        !pages.on_page(ticket, 99, Vec::new()),
        "the old ticket is no longer awaited"
    );
    pages.on_page(fresh_ticket, 4, answer(&query, 4));
    assert_eq!(pages.record(0).unwrap().id, 4);
    assert_eq!(pages.total(), 4);
}

#[test]
fn a_shrunk_history_drops_pages_past_its_end() {
    let mut pages = HistoryPages::default();
    let (ticket, query) = pages.requests().remove(0);
    pages.on_page(ticket, 150, answer(&query, 150));
    pages.set_visible(90..110);
    let (ticket, query) = pages.requests().remove(0);
    pages.on_page(ticket, 150, answer(&query, 150));
    assert_eq!(pages.held(), 150);
    pages.refresh();
    let requests = pages.requests();
    assert_eq!(requests.len(), 2);
    let (ticket, query) = &requests[0];
    pages.on_page(*ticket, 80, answer(query, 80));
    assert_eq!(pages.held(), 80);
    assert!(pages.record(100).is_none());
}
