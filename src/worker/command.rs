//! What the UI and CLI ask the worker to do (imperative).

use crate::core::{Config, LinkExpiry};
use crate::library::{HistoryQuery, RecordId};
use std::fmt;
use std::panic::Location;
use std::path::PathBuf;

/// Identifies one file in the queue for the life of the worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What to do with a folder among the added paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderMode {
    /// A folder is a rejected entry (the CLI: `upload DIR` is a mistake).
    Reject,
    /// Add the images directly inside it.
    Flat,
    /// Add the images in it and its subfolders.
    Recursive,
}

/// A request to the worker. `Debug` prints only the variant name, so settings
/// (and their secret key) never reach a log through a command.
pub enum Command {
    /// Queue files (and folders, per `folders`).
    AddFiles {
        paths: Vec<PathBuf>,
        folders: FolderMode,
    },
    /// Queue an image that exists only in memory (a pasted screenshot),
    /// given as RGBA8 pixels; the worker saves it as PNG under `name`.
    AddPixels {
        name: String,
        width: u32,
        height: u32,
        rgba: Vec<u8>,
    },
    /// Start every validated file that waits (when uploads are not automatic).
    StartAll,
    Cancel(JobId),
    /// Cancel every file not finished yet (Ctrl+C in the CLI).
    CancelAll,
    /// Run a failed or cancelled file again, from validation.
    Retry(JobId),
    /// Forget a file (cancelling it if it runs).
    Remove(JobId),
    /// Make a file's thumbnail again: the window dropped its texture while
    /// the row was off screen, and the row is back in view.
    ReloadThumbnail(JobId),
    /// Sign a fresh link for an uploaded file.
    Resign(JobId),
    /// Use new settings from now on; running uploads finish on the old ones.
    ApplySettings(Box<Config>),
    /// Check settings without applying them.
    TestConnection(Box<Config>),
    /// Finish unfinished jobs of earlier runs (all of them when empty).
    ResumeUnfinished(Vec<RecordId>),
    /// Give up unfinished jobs of earlier runs.
    DiscardUnfinished(Vec<RecordId>),
    /// A page of history; answered with `Event::HistoryPage` carrying `ticket`.
    QueryHistory {
        query: HistoryQuery,
        ticket: u64,
    },
    /// A link for a history record, signed now or taken from the cache
    /// (with the link expiry of Settings when `expiry` is `None`).
    SignRecordLink {
        record: RecordId,
        expiry: Option<LinkExpiry>,
    },
    /// Delete a record's object from its bucket, then mark the record deleted.
    DeleteRemote(RecordId),
    /// Forget a record (the object stays in its bucket).
    RemoveRecord(RecordId),
    /// The cached thumbnail of a record.
    LoadRecordThumbnail(RecordId),
    Shutdown,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Self::AddFiles { .. } => "AddFiles",
            Self::AddPixels { .. } => "AddPixels",
            Self::StartAll => "StartAll",
            Self::Cancel(_) => "Cancel",
            Self::CancelAll => "CancelAll",
            Self::Retry(_) => "Retry",
            Self::Remove(_) => "Remove",
            Self::ReloadThumbnail(_) => "ReloadThumbnail",
            Self::Resign(_) => "Resign",
            Self::ApplySettings(_) => "ApplySettings",
            Self::TestConnection(_) => "TestConnection",
            Self::ResumeUnfinished(_) => "ResumeUnfinished",
            Self::DiscardUnfinished(_) => "DiscardUnfinished",
            Self::QueryHistory { .. } => "QueryHistory",
            Self::SignRecordLink { .. } => "SignRecordLink",
            Self::DeleteRemote(_) => "DeleteRemote",
            Self::RemoveRecord(_) => "RemoveRecord",
            Self::LoadRecordThumbnail(_) => "LoadRecordThumbnail",
            Self::Shutdown => "Shutdown",
        }
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A command with the place in the code that sent it, for the log.
#[derive(Debug)]
pub struct Envelope {
    pub command: Command,
    pub sent_from: &'static Location<'static>,
}
