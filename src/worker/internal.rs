//! What the worker's own tasks report back to its loop.

use crate::core::thumbnail::Thumbnail;
use crate::library::{RecordId, UploadRecord};
use crate::storage::S3Store;
use crate::worker::command::JobId;
use crate::worker::destinations::StoreChoice;
use crate::worker::job::ReadyImage;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc;

pub type InternalSender = mpsc::UnboundedSender<Internal>;

pub enum Internal {
    Job(JobId, JobUpdate),
    /// Files found in a dropped folder, in batches as the scan goes.
    FolderFiles(Vec<PathBuf>),
    /// A pasted image saved as a file.
    PastedSaved(PathBuf),
    /// The store for the settings applied as generation `u64`.
    StoreResolved(u64, StoreChoice),
    /// Unfinished jobs claimed for resuming.
    Claimed(Vec<UploadRecord>),
}

/// What a job tells the loop about itself, for the job table.
pub enum JobUpdate {
    /// Checked; waits for "Upload" (automatic upload is off).
    WaitingForStart(ReadyImage),
    /// On its way to the bucket.
    Started,
    /// The library holds it as this record.
    Recorded(RecordId),
    Thumbnail(Thumbnail),
    Done {
        key: String,
        store: Arc<S3Store>,
    },
    Stopped,
}
