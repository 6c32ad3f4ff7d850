//! Finding the history record a user names on the command line (`link`,
//! `delete`), and the store it lives in.

use crate::core::Config;
use crate::library::{self, Library, UploadRecord, UploadState};
use crate::worker::{Destination, Destinations, destination_for};
use anyhow::Context;

/// The library and the record `id_or_key` names (its id, or its object key),
/// or the sentence to print when there is none.
pub(super) fn find(id_or_key: &str) -> anyhow::Result<Result<(Library, UploadRecord), String>> {
    let path = library::default_path().context("no data directory found; set PICBUCKET_DATA_DIR to a folder")?;
    let found = if path.exists() {
        let library = Library::open(&path)?;
        library.find(id_or_key)?.map(|record| (library, record))
    } else {
        None
    };
    Ok(
        found
            .ok_or_else(|| format!("No upload with id or key `{id_or_key}` in the history (see `picbucket history`).")),
    )
}

/// Why a record has no object to act on, or `None` when it is stored.
pub(super) fn not_stored(record: &UploadRecord) -> Option<String> {
    let name = &record.file_name;
    let (key, bucket) = (&record.object_key, &record.bucket);
    match record.state {
        UploadState::Done => None,
        UploadState::Deleted => Some(format!(
            "{name} ({key}) was deleted from bucket {bucket}; upload it again to share it."
        )),
        UploadState::Pending | UploadState::Uploading => Some(format!(
            "{name} is not uploaded yet; `picbucket resume` finishes uploads that were interrupted."
        )),
        UploadState::Failed | UploadState::Cancelled => Some(format!(
            "{name} was never stored (its upload {}); upload it again.",
            if record.state == UploadState::Failed {
                "failed"
            } else {
                "was cancelled"
            }
        )),
    }
}

/// The store `record` was uploaded to, with `config`'s current settings for
/// its destination.
pub(super) async fn destination(config: &Config, record: &UploadRecord) -> Result<Destination, String> {
    let destinations = tokio::sync::Mutex::new(Destinations::default());
    destination_for(&destinations, config, record)
        .await
        .map_err(|error| format!("The bucket of {} cannot be reached: {error}", record.file_name))
}
