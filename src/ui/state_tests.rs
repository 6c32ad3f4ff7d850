use super::*;
use crate::core::{ImageKind, Rejection, ValidatedImage};
use crate::storage::StorageError;
use crate::worker::SignedLink;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

fn added(queue: &mut QueueState, n: u64) -> JobId {
    let id = JobId(n);
    queue.apply(Event::Added {
        id,
        path: PathBuf::from(format!("/tmp/{n}.png")),
        name: format!("{n}.png"),
    });
    id
}

fn validated(queue: &mut QueueState, id: JobId) -> Option<QueueFollowup> {
    queue.apply(Event::Validated {
        id,
        image: ValidatedImage {
            path: PathBuf::from("/tmp/x.png"),
            size_bytes: 2048,
            kind: ImageKind::Png,
            width: 640,
            height: 480,
        },
    })
}

fn link(url: &str) -> SignedLink {
    SignedLink {
        url: url.into(),
        expires_at: SystemTime::now() + Duration::from_secs(3600),
        ends_with_credentials: false,
    }
}

fn uploaded(queue: &mut QueueState, id: JobId) -> Option<QueueFollowup> {
    queue.apply(Event::Uploaded {
        id,
        key: "k".into(),
        link: link("http://x/k"),
    })
}

#[test]
fn a_file_goes_from_validating_to_done_with_its_details_and_link() {
    let mut queue = QueueState::new(true);
    let id = added(&mut queue, 1);
    assert_eq!(queue.row(id).unwrap().status, RowStatus::Validating);
    assert!(validated(&mut queue, id).is_none());
    let row = queue.row(id).unwrap();
    assert_eq!(row.status, RowStatus::Waiting);
    assert_eq!(
        (row.size_bytes, row.dimensions, row.kind),
        (Some(2048), Some((640, 480)), Some(ImageKind::Png))
    );
    queue.apply(Event::UploadStarted { id, total_bytes: 2048 });
    queue.apply(Event::Progress {
        id,
        sent_bytes: 1024,
        total_bytes: 2048,
    });
    assert!((queue.overall_fraction() - 0.5).abs() < 1e-6);
    assert!(matches!(
        uploaded(&mut queue, id),
        Some(QueueFollowup::Uploaded {
            only_file_in_batch: true,
            ..
        })
    ));
    assert_eq!(queue.row(id).unwrap().link().unwrap().url, "http://x/k");
    assert_eq!(queue.summary(), "1 of 1 uploaded");
}

#[test]
fn without_automatic_upload_checked_files_wait_for_the_upload_button() {
    let mut queue = QueueState::new(false);
    let id = added(&mut queue, 1);
    validated(&mut queue, id);
    assert_eq!(queue.row(id).unwrap().status, RowStatus::Ready);
    assert_eq!(queue.counts().ready, 1);
    assert!(queue.mark_started_all());
    assert_eq!(queue.row(id).unwrap().status, RowStatus::Waiting);
}

#[test]
fn the_summary_counts_each_outcome() {
    let mut queue = QueueState::new(true);
    let ids: Vec<JobId> = (1..=5).map(|n| added(&mut queue, n)).collect();
    for &id in &ids[..3] {
        uploaded(&mut queue, id);
    }
    queue.apply(Event::Rejected {
        id: ids[3],
        reason: Rejection::NotAnImage,
    });
    assert_eq!(queue.summary(), "3 of 5 uploaded, 1 rejected");
    queue.apply(Event::Failed {
        id: ids[4],
        error: StorageError::Cancelled.into(),
    });
    assert_eq!(queue.summary(), "3 of 5 uploaded, 1 rejected, 1 failed");
    // 3 of the 4 meant to go up did; the rejected file was never meant to.
    assert!((queue.overall_fraction() - 0.75).abs() < 1e-6);
    let (reason, may_retry) = match &queue.row(ids[3]).unwrap().status {
        RowStatus::Rejected { reason, may_retry } => (reason.clone(), *may_retry),
        other => panic!("{other:?}"),
    };
    assert!(reason.starts_with("It is not an image"), "{reason}");
    assert!(!may_retry && !queue.row(ids[3]).unwrap().status.can_retry());
    assert!(
        queue.row(ids[4]).unwrap().status.can_retry(),
        "a failed upload can be retried"
    );
}

#[test]
fn a_file_added_while_others_run_joins_their_batch_and_is_not_copied_alone() {
    let mut queue = QueueState::new(true);
    let first = added(&mut queue, 1);
    let second = added(&mut queue, 2);
    assert!(matches!(
        uploaded(&mut queue, first),
        Some(QueueFollowup::Uploaded {
            only_file_in_batch: false,
            ..
        })
    ));
    uploaded(&mut queue, second);
    // The queue is idle again: the next file starts a new batch of one.
    let third = added(&mut queue, 3);
    assert!(matches!(
        uploaded(&mut queue, third),
        Some(QueueFollowup::Uploaded {
            only_file_in_batch: true,
            ..
        })
    ));
}

#[test]
fn selection_clearing_and_removal_work_on_ids() {
    let mut queue = QueueState::new(true);
    let ids: Vec<JobId> = (1..=3).map(|n| added(&mut queue, n)).collect();
    queue.select(ids[0], false);
    queue.select(ids[2], true);
    assert_eq!(queue.selected_ids(), vec![ids[0], ids[2]]);
    queue.select(ids[1], false);
    assert_eq!(queue.selected_ids(), vec![ids[1]]);
    uploaded(&mut queue, ids[0]);
    queue.apply(Event::Cancelled { id: ids[2] });
    assert_eq!(queue.clearable_ids(), vec![ids[0], ids[2]]);
    assert_eq!(queue.finished_oldest_first(), vec![ids[0], ids[2]]);
    queue.remove(&queue.clearable_ids());
    assert_eq!(queue.rows().len(), 1);
    // Events for removed rows change nothing.
    assert!(uploaded(&mut queue, ids[0]).is_none());
    assert_eq!(queue.rows().len(), 1);
}

#[test]
fn cancel_and_retry_update_the_row_until_the_worker_answers() {
    let mut queue = QueueState::new(false);
    let id = added(&mut queue, 1);
    validated(&mut queue, id);
    queue.mark_cancel_requested(id);
    assert!(queue.row(id).unwrap().cancel_requested);
    queue.apply(Event::Cancelled { id });
    let row = queue.row(id).unwrap();
    assert_eq!(row.status, RowStatus::Cancelled);
    assert!(!row.cancel_requested && row.status.can_retry());
    queue.mark_retrying(id);
    assert_eq!(queue.row(id).unwrap().status, RowStatus::Validating);
}

#[test]
fn a_refreshed_link_replaces_the_old_one() {
    let mut queue = QueueState::new(true);
    let id = added(&mut queue, 1);
    uploaded(&mut queue, id);
    let followup = queue.apply(Event::LinkRefreshed {
        id,
        link: link("http://x/new"),
    });
    assert!(matches!(followup, Some(QueueFollowup::LinkRefreshed(_))));
    assert_eq!(queue.row(id).unwrap().link().unwrap().url, "http://x/new");
}

#[test]
fn the_store_status_follows_the_worker() {
    let mut queue = QueueState::new(true);
    assert_eq!(*queue.store(), StoreStatus::Connecting);
    queue.apply(Event::StoreFailed(StorageError::Config { detail: "bad".into() }.into()));
    assert!(matches!(queue.store(), StoreStatus::Failed(text) if text.contains("bad")));
    let info = StoreInfo {
        endpoint: "http://127.0.0.1:1".into(),
        bucket: "photos".into(),
        is_local: true,
        profile: "default".into(),
    };
    queue.apply(Event::StoreReady(info.clone()));
    assert_eq!(*queue.store(), StoreStatus::Ready(info));
}

#[test]
fn a_row_says_location_removed_only_when_the_file_carried_gps() {
    let mut queue = QueueState::new(true);
    let with_gps = added(&mut queue, 1);
    let without = added(&mut queue, 2);
    validated(&mut queue, with_gps);
    validated(&mut queue, without);
    queue.apply(Event::MetadataRemoved {
        id: with_gps,
        had_gps: true,
        kinds: vec![crate::core::strip::MetadataKind::Exif],
    });
    queue.apply(Event::MetadataRemoved {
        id: without,
        had_gps: false,
        kinds: vec![crate::core::strip::MetadataKind::Comment],
    });
    let text = |id| crate::ui::text::details_text(queue.row(id).unwrap());
    assert!(text(with_gps).ends_with(" · location removed"), "{}", text(with_gps));
    assert!(!text(without).contains("location"), "{}", text(without));
}

#[test]
fn the_bar_counts_only_what_really_went_up() {
    let mut queue = QueueState::new(true);
    let rejected = added(&mut queue, 1);
    queue.apply(Event::Rejected {
        id: rejected,
        reason: Rejection::NotAnImage,
    });
    assert_eq!(queue.summary(), "0 of 1 uploaded, 1 rejected");
    assert_eq!(queue.overall_fraction(), 0.0, "nothing was uploaded");
    let cancelled = added(&mut queue, 2);
    queue.apply(Event::Cancelled { id: cancelled });
    assert_eq!(queue.overall_fraction(), 0.0, "a cancel uploads nothing");
    let done = added(&mut queue, 3);
    uploaded(&mut queue, done);
    assert!((queue.overall_fraction() - 1.0).abs() < 1e-6);
    let failed = added(&mut queue, 4);
    queue.apply(Event::Failed {
        id: failed,
        error: StorageError::Cancelled.into(),
    });
    assert!((queue.overall_fraction() - 0.5).abs() < 1e-6);
}

#[test]
fn a_too_large_file_can_be_retried_after_the_limit_is_raised() {
    let mut queue = QueueState::new(true);
    let id = added(&mut queue, 1);
    queue.apply(Event::Rejected {
        id,
        reason: Rejection::TooLarge { size: 10, max: 5 },
    });
    assert!(queue.row(id).unwrap().status.can_retry());
}

#[test]
fn rows_are_found_by_id_after_others_are_removed_and_new_rows_ask_to_be_shown() {
    let mut queue = QueueState::new(true);
    let ids: Vec<JobId> = (1..=5).map(|n| added(&mut queue, n)).collect();
    assert_eq!(queue.take_scroll_target(), Some(ids[4]));
    assert_eq!(queue.take_scroll_target(), None, "scrolled once");
    queue.remove(&[ids[0], ids[2]]);
    for (n, &id) in ids.iter().enumerate() {
        assert_eq!(queue.row(id).map(|row| row.id), [1, 3, 4].contains(&n).then_some(id));
    }
    uploaded(&mut queue, ids[4]);
    assert!(queue.row(ids[4]).unwrap().link().is_some());
    let newest = added(&mut queue, 9);
    assert_eq!(queue.row(newest).unwrap().name, "9.png");
    assert_eq!(queue.take_scroll_target(), Some(newest));
}

#[test]
fn a_batch_is_summed_up_once_when_its_last_file_ends() {
    let mut queue = QueueState::new(true);
    let ids: Vec<JobId> = (1..=3).map(|n| added(&mut queue, n)).collect();
    uploaded(&mut queue, ids[0]);
    queue.apply(Event::Rejected {
        id: ids[1],
        reason: Rejection::NotAnImage,
    });
    assert_eq!(queue.take_finished_batch(), None, "one file still runs");
    uploaded(&mut queue, ids[2]);
    let summary = queue.take_finished_batch().expect("the batch ended");
    assert_eq!((summary.uploaded, summary.rejected, summary.failed), (2, 1, 0));
    assert!(summary.first_problem.unwrap().starts_with("2.png: It is not an image"));
    assert!(!summary.single_file);
    assert_eq!(queue.take_finished_batch(), None, "reported once");

    // The next file starts a batch of its own.
    let next = added(&mut queue, 4);
    uploaded(&mut queue, next);
    let summary = queue.take_finished_batch().unwrap();
    assert_eq!((summary.uploaded, summary.single_file), (1, true));
}

#[test]
fn batches_that_end_before_anyone_looks_are_summed_up_together() {
    let mut queue = QueueState::new(true);
    let first = added(&mut queue, 1);
    uploaded(&mut queue, first);
    let second = added(&mut queue, 2);
    queue.apply(Event::Failed {
        id: second,
        error: StorageError::Cancelled.into(),
    });
    let summary = queue.take_finished_batch().unwrap();
    assert_eq!((summary.uploaded, summary.failed, summary.single_file), (1, 1, false));
    assert!(summary.first_problem.unwrap().starts_with("2.png: "));
}
