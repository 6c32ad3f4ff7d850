//! One file in the queue and where it is on its way up.

use crate::core::ImageKind;
use crate::worker::{JobId, SignedLink};
use std::path::PathBuf;

/// Where one file is on its way up.
#[derive(Clone, Debug, PartialEq)]
pub enum RowStatus {
    /// The worker is checking the file.
    Validating,
    /// Checked; starts as soon as an upload slot is free.
    Waiting,
    /// Checked; waits for the Upload button (automatic upload is off).
    Ready,
    Uploading {
        sent_bytes: u64,
        total_bytes: u64,
    },
    Done {
        key: String,
        link: SignedLink,
    },
    Failed(String),
    /// Refused before any byte was sent; `may_retry` when checking again can
    /// pass (the file may come back, the size limit may be raised).
    Rejected {
        reason: String,
        may_retry: bool,
    },
    Cancelled,
}

impl RowStatus {
    /// Still moving: not done, failed, rejected or cancelled.
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Self::Validating | Self::Waiting | Self::Ready | Self::Uploading { .. }
        )
    }

    pub fn can_cancel(&self) -> bool {
        self.is_active()
    }

    pub fn can_retry(&self) -> bool {
        matches!(
            self,
            Self::Failed(_) | Self::Rejected { may_retry: true, .. } | Self::Cancelled
        )
    }

    /// What "Clear finished" removes (failed rows stay, to be retried).
    pub fn is_clearable(&self) -> bool {
        matches!(self, Self::Done { .. } | Self::Rejected { .. } | Self::Cancelled)
    }
}

/// One file in the queue.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub id: JobId,
    pub name: String,
    pub path: PathBuf,
    pub size_bytes: Option<u64>,
    pub dimensions: Option<(u32, u32)>,
    pub kind: Option<ImageKind>,
    /// The file carried a GPS position, which was removed before upload.
    pub location_removed: bool,
    pub status: RowStatus,
    pub selected: bool,
    /// Cancel was pressed; the worker has not confirmed yet.
    pub cancel_requested: bool,
    /// Order in which rows finished (0 while active): the oldest lose their thumbnails first.
    pub(super) finished_seq: u64,
}

impl Row {
    pub(super) fn new(id: JobId, path: PathBuf, name: String) -> Self {
        Self {
            id,
            name,
            path,
            size_bytes: None,
            dimensions: None,
            location_removed: false,
            kind: None,
            status: RowStatus::Validating,
            selected: false,
            cancel_requested: false,
            finished_seq: 0,
        }
    }

    pub fn link(&self) -> Option<&SignedLink> {
        match &self.status {
            RowStatus::Done { link, .. } => Some(link),
            _ => None,
        }
    }
}
