//! The worker's side of the library (the SQLite database of jobs and
//! history): each call runs on the blocking pool so the loop never waits on
//! the disk, and a library that fails never stops an upload — the failure is
//! logged and the upload goes on without a record.
//!
//! The jobs' own writes ([`Records::note`]: new job, started, done…) go
//! through one queue and are committed together, in the order noted: while
//! one transaction runs, the writes of other uploads wait and then share the
//! next one. [`Records::note`] returns only once its write is committed, so
//! a job is in the library before its first byte is sent; with thousands of
//! small files this is one commit per batch instead of three per file. A
//! write nothing depends on ([`Records::note_in_background`]) is queued the
//! same way without being waited for.

use crate::library::{Library, LibraryError, now_ms};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Writes committed together at most (bounds how long the lock is held).
const WRITES_PER_COMMIT: usize = 256;

/// Times the committer yields to ready tasks before committing a batch.
const GATHER_ROUNDS: usize = 4;

/// A queued write: runs in the batch's transaction and returns what to do
/// once the batch is committed (`true`) or undone (`false`).
type QueuedWrite = Box<dyn FnOnce(&mut Library, &str) -> Box<dyn FnOnce(bool) + Send> + Send>;

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
    writes: mpsc::UnboundedSender<QueuedWrite>,
}

impl Records {
    /// Opens the library; `Ok(None)` when `location` is `Off`. Must be called
    /// inside the worker's runtime (it starts the task that commits writes).
    pub fn open(location: &LibraryLocation) -> Result<Option<Self>, LibraryError> {
        let library = match location {
            LibraryLocation::Off => return Ok(None),
            LibraryLocation::DataDir => Library::open_in_data_dir()?,
            LibraryLocation::File(path) => Library::open(path)?,
        };
        let library = Arc::new(Mutex::new(library));
        let owner: Arc<str> = crate::library::new_owner_id().into();
        let (writes, queue) = mpsc::unbounded_channel();
        tokio::spawn(commit_in_batches(library.clone(), owner.clone(), queue));
        Ok(Some(Self { library, owner, writes }))
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
    /// upload: the error is logged and `None` returned. Committed together
    /// with the other writes waiting at the time; returns once committed.
    pub async fn note<T, F>(&self, what: &'static str, work: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library, &str, i64) -> Result<T, LibraryError> + Send + 'static,
    {
        self.queue(what, work)?.await.ok().flatten()
    }

    /// Like [`Records::note`], without waiting for the commit: for a write
    /// nothing waits on. It is committed before any write queued after it
    /// (one queue, taken in order), so the job's later states still land
    /// over it. Each wait cost two thread wake-ups per file; with thousands
    /// of small uploads, one such wait was about 5% of the client's CPU.
    pub fn note_in_background<T, F>(&self, what: &'static str, work: F)
    where
        T: Send + 'static,
        F: FnOnce(&mut Library, &str, i64) -> Result<T, LibraryError> + Send + 'static,
    {
        self.queue(what, work);
    }

    /// Queues `work` for the next commit; the answer comes once it is
    /// committed (`None` from the answer if it failed or was undone).
    fn queue<T, F>(&self, what: &'static str, work: F) -> Option<oneshot::Receiver<Option<T>>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library, &str, i64) -> Result<T, LibraryError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let write: QueuedWrite = Box::new(move |library, owner| {
            let result = work(library, owner, now_ms());
            Box::new(move |committed| {
                let value = match result {
                    Ok(value) if committed => Some(value),
                    // The batch's failure is logged once, by the committing task.
                    Ok(_) => None,
                    Err(error) => {
                        tracing::warn!(%error, what, "the library could not record this");
                        None
                    }
                };
                // Nobody listens for a write noted in the background.
                reply.send(value).ok();
            })
        });
        if self.writes.send(write).is_err() {
            tracing::warn!(what, "the library could not record this: its task has stopped");
            return None;
        }
        Some(answer)
    }
}

/// Lets the tasks that are ready run before a small batch is committed, and
/// takes the writes they queue: with thousands of small uploads the writes
/// arrive one by one, and a commit per three writes cost more than the writes.
async fn gather_more(queue: &mut mpsc::UnboundedReceiver<QueuedWrite>, batch: &mut Vec<QueuedWrite>) {
    for _ in 0..GATHER_ROUNDS {
        if batch.len() >= WRITES_PER_COMMIT {
            return;
        }
        tokio::task::yield_now().await;
        while batch.len() < WRITES_PER_COMMIT {
            match queue.try_recv() {
                Ok(write) => batch.push(write),
                Err(_) => break,
            }
        }
    }
}

/// Takes the queued writes, as many as are waiting, and commits each batch
/// in one transaction on the blocking pool. Ends when every [`Records`] is gone.
async fn commit_in_batches(
    library: Arc<Mutex<Library>>,
    owner: Arc<str>,
    mut queue: mpsc::UnboundedReceiver<QueuedWrite>,
) {
    let mut batch = Vec::new();
    while queue.recv_many(&mut batch, WRITES_PER_COMMIT).await > 0 {
        gather_more(&mut queue, &mut batch).await;
        let writes = std::mem::take(&mut batch);
        let (library, owner) = (library.clone(), owner.clone());
        let committed = tokio::task::spawn_blocking(move || {
            let mut guard = library.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let count = writes.len();
            let mut replies = Vec::with_capacity(count);
            let committed = guard.in_one_transaction(|lib| {
                for write in writes {
                    replies.push(write(lib, &owner));
                }
            });
            let committed = match committed {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(%error, count, "the library could not record these writes");
                    false
                }
            };
            drop(guard);
            for reply in replies {
                reply(committed);
            }
        })
        .await;
        if let Err(join_error) = committed {
            tracing::error!(%join_error, "library task failed");
        }
    }
}

#[cfg(test)]
#[path = "records_tests.rs"]
mod tests;
