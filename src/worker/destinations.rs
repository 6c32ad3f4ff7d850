//! The stores uploads go to: one S3 client per destination's settings, and
//! the built-in local store, started once and kept for the worker's life.
//!
//! Changing Settings therefore never restarts the local store (its port, and
//! with it every link already shared, stays the same) and never drops a store
//! under uploads that still use it: each job holds the `Arc`s it was queued with.

use crate::core::{Config, StorageConfig};
use crate::storage::{LocalStore, LocalStoreOptions, S3Store, StorageError};
use std::sync::Arc;

/// A store ready for uploads, and the local server behind it (if any), which
/// must stay up while the store is used.
#[derive(Clone, Debug)]
pub struct Destination {
    pub store: Arc<S3Store>,
    pub local: Option<Arc<LocalStore>>,
}

impl Destination {
    pub fn is_local(&self) -> bool {
        self.local.is_some()
    }
}

/// The store chosen for a set of settings, or why there is none.
#[derive(Clone)]
pub enum StoreChoice {
    Ready(Destination),
    Failed(StorageError),
}

/// The store for the settings a job was queued with, which may still be
/// resolving (connecting, starting the built-in store) when the job is
/// queued: the job waits for it, so a file added right after a Settings
/// change goes where the new settings say.
#[derive(Clone)]
pub struct PendingStore(tokio::sync::watch::Receiver<Option<StoreChoice>>);

impl PendingStore {
    /// A store still being resolved, and the sender that delivers it.
    pub fn new() -> (tokio::sync::watch::Sender<Option<StoreChoice>>, Self) {
        let (tx, rx) = tokio::sync::watch::channel(None);
        (tx, Self(rx))
    }

    /// A store known already.
    pub fn ready(slot: StoreChoice) -> Self {
        Self(tokio::sync::watch::channel(Some(slot)).1)
    }

    /// Waits until the store is resolved.
    pub async fn get(&self) -> StoreChoice {
        let mut rx = self.0.clone();
        match rx.wait_for(Option::is_some).await {
            Ok(slot) => slot
                .clone()
                .unwrap_or_else(|| StoreChoice::Failed(StorageError::Cancelled)),
            // The resolving task ended without an answer: the worker is quitting.
            Err(_) => StoreChoice::Failed(StorageError::Cancelled),
        }
    }
}

#[derive(Default)]
pub struct Destinations {
    local: Option<(LocalStoreOptions, Arc<LocalStore>)>,
    clients: Vec<(StorageConfig, Destination)>,
}

impl Destinations {
    /// The store for `config`'s active destination, reusing what was built
    /// before for the same settings.
    pub async fn resolve(&mut self, config: &Config) -> Result<Destination, StorageError> {
        if let Some(invalid) = config.field_errors().into_iter().next() {
            // The problem names the Settings dialog's labels; the window and
            // the command line both show it as it is.
            return Err(StorageError::Config {
                detail: invalid.problem,
            });
        }
        if let Some((_, found)) = self.clients.iter().find(|(settings, _)| *settings == config.storage) {
            return Ok(found.clone());
        }
        let destination = if config.storage.uses_local_store() {
            let local = self.local_store(config).await?;
            let bucket = config.storage.bucket.trim();
            local.create_bucket(bucket)?;
            Destination {
                store: Arc::new(S3Store::new(&local.storage_config_for(bucket)).await?),
                local: Some(local),
            }
        } else {
            Destination {
                store: Arc::new(S3Store::new(&config.storage).await?),
                local: None,
            }
        };
        self.clients.push((config.storage.clone(), destination.clone()));
        Ok(destination)
    }

    /// A store for checking `config` (Test connection): nothing is cached, and
    /// on the built-in store a bucket that does not exist is not created, so
    /// the check reports it missing.
    pub async fn probe(&mut self, config: &Config) -> Result<Destination, StorageError> {
        if let Some(invalid) = config.field_errors().into_iter().next() {
            // The problem names the Settings dialog's labels; the window and
            // the command line both show it as it is.
            return Err(StorageError::Config {
                detail: invalid.problem,
            });
        }
        if !config.storage.uses_local_store() {
            return Ok(Destination {
                store: Arc::new(S3Store::new(&config.storage).await?),
                local: None,
            });
        }
        let local = self.local_store(config).await?;
        Ok(Destination {
            store: Arc::new(S3Store::new(&local.storage_config_for(config.storage.bucket.trim())).await?),
            local: Some(local),
        })
    }

    /// The running local store, started on first use; started again only when
    /// its own settings (port, data folder) change.
    async fn local_store(&mut self, config: &Config) -> Result<Arc<LocalStore>, StorageError> {
        let mut wanted = LocalStoreOptions::from_config(config)?;
        if let Some((options, running)) = &self.local {
            wanted.bucket.clone_from(&options.bucket);
            if options.root == wanted.root && (wanted.port == 0 || wanted.port == running.port()) {
                return Ok(running.clone());
            }
            // Clients built for the old server must not be handed out again.
            self.clients.retain(|(_, destination)| !destination.is_local());
        }
        let started = Arc::new(LocalStore::attach_or_start(&wanted).await?);
        self.local = Some((wanted, started.clone()));
        Ok(started)
    }
}
