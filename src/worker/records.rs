//! The worker's side of the library (the SQLite database of jobs and
//! history): each call runs on the blocking pool so the loop never waits on
//! the disk, and a library that fails never stops an upload — the failure is
//! logged and the upload goes on without a record.

use crate::library::{Library, LibraryError, now_ms};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Where the worker keeps its library.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum LibraryLocation {
    /// No library: nothing is remembered (tests that do not need it).
    #[default]
    Off,
    /// `library.sqlite3` in the data directory (the window and the CLI).
    DataDir,
    /// A given database file (tests).
    File(PathBuf),
}

/// A shared handle on the library for this process, with the id that owns
/// this process's jobs.
#[derive(Clone)]
pub struct Records {
    library: Arc<Mutex<Library>>,
    owner: Arc<str>,
}

impl Records {
    /// Opens the library; `Ok(None)` when `location` is `Off`.
    pub fn open(location: &LibraryLocation) -> Result<Option<Self>, LibraryError> {
        let library = match location {
            LibraryLocation::Off => return Ok(None),
            LibraryLocation::DataDir => Library::open_in_data_dir()?,
            LibraryLocation::File(path) => Library::open(path)?,
        };
        Ok(Some(Self {
            library: Arc::new(Mutex::new(library)),
            owner: crate::library::new_owner_id().into(),
        }))
    }

    /// Runs `work` on the library on the blocking pool, with this process's
    /// owner id and the current time.
    pub async fn run<T, F>(&self, work: F) -> Result<T, LibraryError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library, &str, i64) -> Result<T, LibraryError> + Send + 'static,
    {
        let library = self.library.clone();
        let owner = self.owner.clone();
        let joined = tokio::task::spawn_blocking(move || {
            // A panic while the lock was held leaves the connection usable: SQLite
            // rolled the transaction back, so the poisoned guard is taken as is.
            let mut guard = library.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            work(&mut guard, &owner, now_ms())
        })
        .await;
        joined.unwrap_or_else(|join_error| {
            tracing::error!(%join_error, "library task failed");
            Err(LibraryError::Interrupted)
        })
    }

    /// Like [`Records::run`], for writes whose failure must not stop the
    /// upload: the error is logged and `None` returned.
    pub async fn note<T, F>(&self, what: &'static str, work: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library, &str, i64) -> Result<T, LibraryError> + Send + 'static,
    {
        match self.run(work).await {
            Ok(value) => Some(value),
            Err(error) => {
                tracing::warn!(%error, what, "the library could not record this");
                None
            }
        }
    }
}
