//! From settings to a usable store: the one place that decides between the
//! built-in local store and a remote server.

use crate::core::Config;
use crate::storage::{LocalStore, LocalStoreOptions, S3Store, StorageError};

/// Builds the store the settings describe, starting (or attaching to) the
/// built-in local store when no endpoint is set.
pub async fn connect(config: &Config) -> Result<(S3Store, Option<LocalStore>), StorageError> {
    if let Some(invalid) = config.field_errors().into_iter().next() {
        return Err(StorageError::Config {
            detail: invalid.problem,
        });
    }
    if config.storage.uses_local_store() {
        let local = LocalStore::attach_or_start(&LocalStoreOptions::from_config(config)?).await?;
        let store = S3Store::new(&local.storage_config()).await?;
        Ok((store, Some(local)))
    } else {
        Ok((S3Store::new(&config.storage).await?, None))
    }
}
