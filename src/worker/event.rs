//! What the worker reports back (past tense).

use crate::core::strip::MetadataKind;
use crate::core::thumbnail::Thumbnail;
use crate::core::{Rejection, ValidatedImage};
use crate::library::{RecordId, UploadRecord};
use crate::storage::{ConnectionReport, StorageError};
use crate::worker::command::JobId;
use std::path::PathBuf;
use std::time::SystemTime;

/// Where uploads currently go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreInfo {
    pub endpoint: String,
    pub bucket: String,
    /// The built-in store on 127.0.0.1: links work on this computer only.
    pub is_local: bool,
    /// The destination's name in the config file.
    pub profile: String,
}

/// A failure as the user reads it: one sentence saying what happened and
/// what to do, and whether trying again as it is may help. The storage
/// layer's error types stay behind the worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    /// A network or server hiccup: Retry may succeed without changing anything.
    pub may_retry: bool,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<StorageError> for Failure {
    fn from(error: StorageError) -> Self {
        Self::from(&error)
    }
}

impl From<&StorageError> for Failure {
    fn from(error: &StorageError) -> Self {
        Self {
            message: error.to_string(),
            may_retry: error.is_transient(),
        }
    }
}

/// A job an earlier run did not finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnfinishedJob {
    pub record: RecordId,
    pub file_name: String,
    pub profile: String,
}

/// A pre-signed URL and when it stops working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedLink {
    pub url: String,
    pub expires_at: SystemTime,
    /// Signed with temporary credentials that end before the link's own
    /// expiry: `expires_at` is when the credentials end.
    pub ends_with_credentials: bool,
}

#[derive(Debug)]
pub enum Event {
    StoreReady(StoreInfo),
    /// Settings could not be used; uploads fail with this until fixed.
    StoreFailed(Failure),
    /// A file joined the queue.
    Added {
        id: JobId,
        path: PathBuf,
        name: String,
    },
    /// A folder was scanned: how many images it added and what it skipped.
    FolderScanned {
        path: PathBuf,
        added: usize,
        /// Files whose bytes are not an allowed image.
        not_images: usize,
        /// Subfolders not entered.
        subfolders_skipped: usize,
        /// The scan stopped at its file limit.
        hit_limit: bool,
        recursive: bool,
    },
    Validated {
        id: JobId,
        image: ValidatedImage,
    },
    Rejected {
        id: JobId,
        reason: Rejection,
    },
    /// Private metadata was removed from what will be sent.
    MetadataRemoved {
        id: JobId,
        /// The file carried a GPS position.
        had_gps: bool,
        kinds: Vec<MetadataKind>,
    },
    Thumbnail {
        id: JobId,
        thumbnail: Thumbnail,
    },
    /// No thumbnail could be made (the upload is not affected).
    ThumbnailFailed {
        id: JobId,
        reason: String,
    },
    UploadStarted {
        id: JobId,
        total_bytes: u64,
    },
    Progress {
        id: JobId,
        sent_bytes: u64,
        total_bytes: u64,
    },
    Uploaded {
        id: JobId,
        key: String,
        link: SignedLink,
    },
    Failed {
        id: JobId,
        error: Failure,
    },
    Cancelled {
        id: JobId,
    },
    LinkRefreshed {
        id: JobId,
        link: SignedLink,
    },
    ConnectionTested(Result<ConnectionReport, Failure>),
    /// The server named another region than the settings have, and uploads
    /// now use it: the window writes it into that destination's settings.
    RegionCorrected {
        profile: String,
        region: String,
    },
    /// A problem not tied to one file (a pasted image that could not be saved,
    /// a history that could not be read): one sentence, for the user.
    Warning(String),
    /// Earlier runs left these jobs unfinished (sent at start).
    UnfinishedFound(Vec<UnfinishedJob>),
    /// This many unfinished jobs were taken for resuming (0: none were left).
    ResumeClaimed {
        count: usize,
    },
    /// The history changed (an upload finished, a record was deleted or removed).
    HistoryChanged,
    HistoryPage {
        ticket: u64,
        total: u64,
        records: Vec<UploadRecord>,
    },
    /// A link for a history record, or why there is none.
    RecordLink {
        record: RecordId,
        link: Result<SignedLink, String>,
    },
    /// The object of a record was deleted from its bucket.
    RecordDeleted {
        record: RecordId,
        name: String,
    },
    RecordThumbnail {
        record: RecordId,
        thumbnail: Thumbnail,
    },
}
