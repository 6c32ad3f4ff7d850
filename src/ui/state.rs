//! The queue as the window shows it: one row per file, folded from worker
//! events. Pure (no egui, no I/O), so it is unit-tested without a window.

use crate::core::thumbnail::Thumbnail;
use crate::worker::{Event, JobId, StoreInfo};
use std::collections::{HashMap, HashSet};

pub use crate::ui::batch::BatchSummary;
pub use crate::ui::row::{Row, RowStatus};

/// Where uploads go, as far as the window knows.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreStatus {
    Connecting,
    Ready(StoreInfo),
    Failed(String),
}

/// What the app still has to do after an event was folded in (things that
/// need the egui context, the clipboard or the worker).
#[derive(Debug)]
pub enum QueueFollowup {
    /// Make a texture for this row.
    Thumbnail {
        id: JobId,
        thumbnail: Thumbnail,
    },
    /// A file passed its checks.
    /// A file is up; `only_file_in_batch` when it was added alone.
    Uploaded {
        id: JobId,
        only_file_in_batch: bool,
    },
    LinkRefreshed(JobId),
}

/// How many rows are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub done: usize,
    pub rejected: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub ready: usize,
}

/// All rows, in the order they were added.
#[derive(Debug)]
pub struct QueueState {
    rows: Vec<Row>,
    /// Where each row is in `rows`: events find their row in O(1), which
    /// matters when thousands of rows get progress events.
    index: HashMap<JobId, usize>,
    /// The newest row the list has not scrolled to yet.
    scroll_target: Option<JobId>,
    /// A batch that ended and was not reported yet.
    finished_batch: Option<BatchSummary>,
    store: StoreStatus,
    /// Files added since the queue was last idle.
    batch: Vec<JobId>,
    finished_counter: u64,
    /// Checked files start by themselves (no Upload button needed).
    starts_automatically: bool,
}

impl QueueState {
    pub fn new(starts_automatically: bool) -> Self {
        Self {
            rows: Vec::new(),
            index: HashMap::new(),
            scroll_target: None,
            finished_batch: None,
            store: StoreStatus::Connecting,
            batch: Vec::new(),
            finished_counter: 0,
            starts_automatically,
        }
    }

    pub fn set_starts_automatically(&mut self, starts_automatically: bool) {
        self.starts_automatically = starts_automatically;
    }

    pub fn starts_automatically(&self) -> bool {
        self.starts_automatically
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Where row `id` is in the list.
    pub fn position(&self, id: JobId) -> Option<usize> {
        self.index.get(&id).copied()
    }

    pub fn row(&self, id: JobId) -> Option<&Row> {
        self.index.get(&id).and_then(|&i| self.rows.get(i))
    }

    fn row_mut(&mut self, id: JobId) -> Option<&mut Row> {
        self.index.get(&id).and_then(|&i| self.rows.get_mut(i))
    }

    /// The batch that just ended, once (for a notification).
    pub fn take_finished_batch(&mut self) -> Option<BatchSummary> {
        self.finished_batch.take()
    }

    /// The row the list should bring into view (the newest added), once.
    pub fn take_scroll_target(&mut self) -> Option<JobId> {
        self.scroll_target.take()
    }

    pub fn store(&self) -> &StoreStatus {
        &self.store
    }

    /// New settings were sent; the worker answers with `StoreReady` or `StoreFailed`.
    pub fn set_connecting(&mut self) {
        self.store = StoreStatus::Connecting;
    }

    /// Folds one worker event in. Events about rows that were removed are ignored.
    pub fn apply(&mut self, event: Event) -> Option<QueueFollowup> {
        match event {
            Event::StoreReady(info) => self.store = StoreStatus::Ready(info),
            Event::StoreFailed(error) => self.store = StoreStatus::Failed(error.to_string()),
            Event::Added { id, path, name } => {
                if !self.rows.iter().any(|row| row.status.is_active()) {
                    self.batch.clear();
                }
                self.batch.push(id);
                self.index.insert(id, self.rows.len());
                self.rows.push(Row::new(id, path, name));
                self.scroll_target = Some(id);
            }
            Event::Validated { id, image } => {
                let next = if self.starts_automatically {
                    RowStatus::Waiting
                } else {
                    RowStatus::Ready
                };
                let row = self.row_mut(id)?;
                row.size_bytes = Some(image.size_bytes);
                row.dimensions = Some((image.width, image.height));
                row.kind = Some(image.kind);
                if row.status == RowStatus::Validating {
                    row.status = next;
                }
            }
            Event::Rejected { id, reason } => {
                let status = RowStatus::Rejected {
                    reason: capitalize(&reason.to_string()),
                    may_retry: reason.may_pass_on_retry(),
                };
                self.finish(id, status);
            }
            Event::Thumbnail { id, thumbnail } => {
                return self
                    .row(id)
                    .is_some()
                    .then_some(QueueFollowup::Thumbnail { id, thumbnail });
            }
            Event::ThumbnailFailed { id, reason } => tracing::debug!(%id, reason, "no thumbnail"),
            Event::UploadStarted { id, total_bytes } => {
                let row = self.row_mut(id)?;
                row.status = RowStatus::Uploading {
                    sent_bytes: 0,
                    total_bytes,
                };
            }
            Event::Progress {
                id,
                sent_bytes,
                total_bytes,
            } => {
                let row = self.row_mut(id)?;
                if matches!(row.status, RowStatus::Uploading { .. } | RowStatus::Waiting) {
                    row.status = RowStatus::Uploading {
                        sent_bytes,
                        total_bytes,
                    };
                }
            }
            Event::Uploaded { id, key, link } => {
                self.row(id)?;
                self.finish(id, RowStatus::Done { key, link });
                let only_file_in_batch = self.batch == [id];
                return Some(QueueFollowup::Uploaded { id, only_file_in_batch });
            }
            Event::Failed { id, error } => self.finish(id, RowStatus::Failed(error.to_string())),
            Event::Cancelled { id } => self.finish(id, RowStatus::Cancelled),
            Event::LinkRefreshed { id, link } => {
                let row = self.row_mut(id)?;
                if let RowStatus::Done { link: old, .. } = &mut row.status {
                    *old = link;
                    return Some(QueueFollowup::LinkRefreshed(id));
                }
            }
            // The app shows these itself; they change no row.
            // Handled by the app and its views, not the queue.
            Event::MetadataRemoved { id, had_gps, .. } => {
                self.row_mut(id)?.location_removed = had_gps;
            }
            Event::FolderScanned { .. }
            | Event::ConnectionTested(_)
            | Event::RegionCorrected { .. }
            | Event::Warning(_)
            | Event::UnfinishedFound(_)
            | Event::ResumeClaimed { .. }
            | Event::HistoryChanged
            | Event::HistoryPage { .. }
            | Event::RecordLink { .. }
            | Event::RecordDeleted { .. }
            | Event::RecordThumbnail { .. } => {}
        }
        None
    }

    fn finish(&mut self, id: JobId, status: RowStatus) {
        self.finished_counter += 1;
        let seq = self.finished_counter;
        if let Some(row) = self.row_mut(id) {
            row.status = status;
            row.cancel_requested = false;
            row.finished_seq = seq;
        }
        if !self.rows.iter().any(|row| row.status.is_active())
            && let Some(ended) = self.batch_summary()
        {
            // Two batches that end before anyone looked count as one.
            self.finished_batch = Some(match self.finished_batch.take() {
                Some(earlier) => earlier.merged(ended),
                None => ended,
            });
        }
    }

    /// How the rows of the current batch ended; `None` for an empty batch.
    fn batch_summary(&self) -> Option<BatchSummary> {
        let rows = self.batch.iter().filter_map(|&id| self.row(id));
        BatchSummary::of(rows, self.batch.len() == 1)
    }

    pub fn counts(&self) -> Counts {
        let mut counts = Counts {
            total: self.rows.len(),
            ..Counts::default()
        };
        for row in &self.rows {
            match row.status {
                RowStatus::Done { .. } => counts.done += 1,
                RowStatus::Rejected { .. } => counts.rejected += 1,
                RowStatus::Failed(_) => counts.failed += 1,
                RowStatus::Cancelled => counts.cancelled += 1,
                RowStatus::Ready => counts.ready += 1,
                _ => {}
            }
        }
        counts
    }

    /// "3 of 5 uploaded, 1 rejected"; empty for an empty queue.
    pub fn summary(&self) -> String {
        let counts = self.counts();
        if counts.total == 0 {
            return String::new();
        }
        let mut text = format!("{} of {} uploaded", counts.done, counts.total);
        for (n, what) in [
            (counts.rejected, "rejected"),
            (counts.failed, "failed"),
            (counts.cancelled, "cancelled"),
        ] {
            if n > 0 {
                text.push_str(&format!(", {n} {what}"));
            }
        }
        text
    }

    /// 0..=1: how much of what is meant to go up really went up. Uploaded
    /// rows count whole and running uploads by their bytes; failed rows count
    /// nothing, and rejected or cancelled rows are not meant to go up at all.
    pub fn overall_fraction(&self) -> f32 {
        let mut meant = 0usize;
        let mut sum = 0.0f64;
        for row in &self.rows {
            match row.status {
                RowStatus::Rejected { .. } | RowStatus::Cancelled => continue,
                RowStatus::Done { .. } => sum += 1.0,
                RowStatus::Uploading {
                    sent_bytes,
                    total_bytes,
                } if total_bytes > 0 => sum += sent_bytes as f64 / total_bytes as f64,
                _ => {}
            }
            meant += 1;
        }
        if meant == 0 {
            return 0.0;
        }
        (sum / meant as f64) as f32
    }

    /// Selects `id`; with `extend` toggles it and keeps the others.
    pub fn select(&mut self, id: JobId, extend: bool) {
        for row in &mut self.rows {
            if row.id == id {
                row.selected = !(extend && row.selected);
            } else if !extend {
                row.selected = false;
            }
        }
    }

    pub fn selected_ids(&self) -> Vec<JobId> {
        self.rows.iter().filter(|row| row.selected).map(|row| row.id).collect()
    }

    pub fn clearable_ids(&self) -> Vec<JobId> {
        self.rows
            .iter()
            .filter(|row| row.status.is_clearable())
            .map(|row| row.id)
            .collect()
    }

    /// Rows with a link, in queue order.
    pub fn done_ids(&self) -> Vec<JobId> {
        self.rows
            .iter()
            .filter(|row| row.link().is_some())
            .map(|row| row.id)
            .collect()
    }

    /// Finished rows, the longest finished first.
    pub fn finished_oldest_first(&self) -> Vec<JobId> {
        let mut finished: Vec<&Row> = self.rows.iter().filter(|row| row.finished_seq > 0).collect();
        finished.sort_by_key(|row| row.finished_seq);
        finished.into_iter().map(|row| row.id).collect()
    }

    pub fn remove(&mut self, ids: &[JobId]) {
        let removed: HashSet<JobId> = ids.iter().copied().collect();
        self.rows.retain(|row| !removed.contains(&row.id));
        self.batch.retain(|id| !removed.contains(id));
        self.index = self.rows.iter().enumerate().map(|(i, row)| (row.id, i)).collect();
    }

    pub fn mark_cancel_requested(&mut self, id: JobId) {
        if let Some(row) = self.row_mut(id)
            && row.status.can_cancel()
        {
            row.cancel_requested = true;
        }
    }

    /// The worker checks a retried file again from the start.
    pub fn mark_retrying(&mut self, id: JobId) {
        if let Some(row) = self.row_mut(id)
            && row.status.can_retry()
        {
            row.status = RowStatus::Validating;
            row.cancel_requested = false;
            row.finished_seq = 0;
        }
    }

    /// After "Upload": every ready row now waits for a slot. Returns whether any did.
    pub fn mark_started_all(&mut self) -> bool {
        let mut any = false;
        for row in &mut self.rows {
            if row.status == RowStatus::Ready {
                row.status = RowStatus::Waiting;
                any = true;
            }
        }
        any
    }
}

/// Rejection reasons are written to follow "because"; a row shows them alone.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
