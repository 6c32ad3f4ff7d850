//! The library: one SQLite database in the data directory that remembers jobs
//! and history across restarts.
//!
//! The window and any number of CLI processes open it at once. WAL lets readers
//! run beside one writer; every write is an IMMEDIATE transaction so a writer
//! waits (up to [`BUSY_TIMEOUT`]) for the lock up front instead of failing
//! half-way. Jobs are written before the first byte is sent, with their final
//! object key; a live job is held by its process through a lease (see
//! [`jobs`]). Links are never stored: they are signed from keys when needed.
//!
//! Times are unix milliseconds passed in by the caller ([`now_ms`]), so tests
//! control the clock.

mod history;
mod jobs;
mod record;
mod schema;
pub mod thumbnails;

pub use record::{HistoryQuery, NewJob, PartRecord, RecordId, SentInfo, UploadRecord, UploadState};
pub use schema::SCHEMA_VERSION;
pub use thumbnails::{ThumbnailError, load_thumbnail, save_thumbnail};

use crate::core::paths;
use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use schema::MigrateError;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The database's file name in the data directory.
pub const LIBRARY_FILE: &str = "library.sqlite3";
/// How long a process holds a live job without renewing (ms). A job whose
/// lease ran out belongs to a process that crashed, was killed or quit.
/// [`lease_ms`] is the length in effect.
pub const LEASE_MS: i64 = 30_000;
/// How often an owner should call [`Library::renew_leases`]: well inside [`LEASE_MS`].
/// [`renew_every`] is the interval in effect.
pub const RENEW_EVERY: Duration = Duration::from_secs(10);
/// For tests only: a shorter lease (ms) for this process, so a test that
/// kills a process can resume its jobs without waiting [`LEASE_MS`].
pub const LEASE_ENV: &str = "PICBUCKET_LEASE_MS";
/// How long a write waits for another process's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A failure, as one sentence that names the database file.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("no data directory found for the library; set {} to a folder", paths::DATA_DIR_ENV)]
    NoDataDir,
    #[error("cannot create the folder {} for the library: {source}", dir.display())]
    CreateDir { dir: PathBuf, source: std::io::Error },
    #[error("cannot open the library {}: {source}; check that its folder is writable", path.display())]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error(
        "the library {} is not a picbucket database or is damaged; move it aside and picbucket will start a new one",
        path.display()
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "the library {} was written by a newer picbucket (schema version {found}, this one knows up to {known}); \
         update picbucket or move the file aside",
        path.display()
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("the library could not be reached: its task stopped unexpectedly; see the log")]
    Interrupted,
    #[error("cannot use the library {}: {source}; check that the disk is not full and try again", path.display())]
    Sql { path: PathBuf, source: rusqlite::Error },
    #[error("record {id} is not in the library {}; another picbucket process may have removed it", path.display())]
    NoSuchRecord { path: PathBuf, id: RecordId },
    #[error("record {id} in the library {} is {state}, so it cannot become {wanted}", path.display())]
    WrongState {
        path: PathBuf,
        id: RecordId,
        state: UploadState,
        wanted: UploadState,
    },
}

/// An error inside a query, before the file name is attached.
#[derive(Debug)]
pub(crate) enum Fail {
    Sql(rusqlite::Error),
    NoSuchRecord(RecordId),
    WrongState {
        id: RecordId,
        state: UploadState,
        wanted: UploadState,
    },
}

impl From<rusqlite::Error> for Fail {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sql(error)
    }
}

/// An open library database. Not `Sync`: give each thread its own handle.
#[derive(Debug)]
pub struct Library {
    conn: Connection,
    path: PathBuf,
}

impl Library {
    /// Opens (creating the file and its folders if needed) and upgrades the
    /// database at `path`.
    pub fn open(path: &Path) -> Result<Self, LibraryError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| LibraryError::CreateDir {
                dir: dir.to_owned(),
                source,
            })?;
        }
        let started = Instant::now();
        let opened = loop {
            let opened = Connection::open(path).and_then(|mut conn| {
                configure(&conn)?;
                Ok(schema::migrate_to(&mut conn, SCHEMA_VERSION).map(|_| conn))
            });
            // While another process creates the file and switches it to WAL,
            // SQLite can answer "locked" at once, without its busy handler.
            let busy = match &opened {
                Err(source) | Ok(Err(MigrateError::Sql(source))) => is_busy(source),
                _ => false,
            };
            if !busy || started.elapsed() >= BUSY_TIMEOUT {
                break opened;
            }
            std::thread::sleep(OPEN_RETRY_PAUSE);
        };
        let path = path.to_owned();
        match opened {
            Ok(Ok(conn)) => Ok(Self { conn, path }),
            Ok(Err(MigrateError::TooNew { found })) => Err(LibraryError::TooNew {
                path,
                found,
                known: SCHEMA_VERSION,
            }),
            Ok(Err(MigrateError::Sql(source))) | Err(source) => Err(open_error(path, source)),
        }
    }

    /// Opens `library.sqlite3` in the data directory (`PICBUCKET_DATA_DIR` or
    /// the user's data folder).
    pub fn open_in_data_dir() -> Result<Self, LibraryError> {
        Self::open(&default_path().ok_or(LibraryError::NoDataDir)?)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `body` in an IMMEDIATE transaction and commits it if it succeeds.
    /// Inside [`Library::in_one_transaction`] it runs in a savepoint instead,
    /// so a write that fails undoes only itself.
    fn write<T>(&mut self, body: impl FnOnce(&Connection) -> Result<T, Fail>) -> Result<T, LibraryError> {
        let result = if self.conn.is_autocommit() {
            self.conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(Fail::from)
                .and_then(|tx| {
                    let value = body(&tx)?;
                    tx.commit()?;
                    Ok(value)
                })
        } else {
            in_savepoint(&self.conn, body)
        };
        result.map_err(|fail| self.error(fail))
    }

    /// Runs `body` (any number of writes) in one IMMEDIATE transaction: one
    /// commit for all of them, where each write alone costs a commit. The
    /// writes' own results count only if this returns `Ok` (committed).
    pub fn in_one_transaction<T>(&mut self, body: impl FnOnce(&mut Self) -> T) -> Result<T, LibraryError> {
        if !self.conn.is_autocommit() {
            // A batch that panicked left its transaction open: undo it.
            self.conn.execute_batch("ROLLBACK").ok();
        }
        if let Err(source) = run_cached(&self.conn, "BEGIN IMMEDIATE") {
            return Err(self.error(Fail::Sql(source)));
        }
        let value = body(self);
        match run_cached(&self.conn, "COMMIT") {
            Ok(()) => Ok(value),
            Err(source) => {
                // Undone as a whole; a failed COMMIT may have ended the transaction already.
                if !self.conn.is_autocommit() {
                    self.conn.execute_batch("ROLLBACK").ok();
                }
                Err(self.error(Fail::Sql(source)))
            }
        }
    }

    /// Runs read-only `body` on the connection.
    fn read<T>(&self, body: impl FnOnce(&Connection) -> Result<T, Fail>) -> Result<T, LibraryError> {
        body(&self.conn).map_err(|fail| self.error(fail))
    }

    fn error(&self, fail: Fail) -> LibraryError {
        let path = self.path.clone();
        match fail {
            Fail::Sql(source) => LibraryError::Sql { path, source },
            Fail::NoSuchRecord(id) => LibraryError::NoSuchRecord { path, id },
            Fail::WrongState { id, state, wanted } => LibraryError::WrongState {
                path,
                id,
                state,
                wanted,
            },
        }
    }
}

/// `library.sqlite3` in the data directory, if there is one.
pub fn default_path() -> Option<PathBuf> {
    paths::default_data_dir().map(|dir| dir.join(LIBRARY_FILE))
}

/// The current time as unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The lease length in effect: [`LEASE_MS`], or [`LEASE_ENV`] when a test sets
/// it (read once per process).
pub fn lease_ms() -> i64 {
    static LEASE: OnceLock<i64> = OnceLock::new();
    *LEASE.get_or_init(|| {
        std::env::var(LEASE_ENV)
            .ok()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .filter(|&ms| ms > 0)
            .unwrap_or(LEASE_MS)
    })
}

/// How often an owner renews its leases: [`RENEW_EVERY`], or a third of a
/// shorter lease.
pub fn renew_every() -> Duration {
    let third = Duration::from_millis(u64::try_from(lease_ms() / 3).unwrap_or(1).max(1));
    RENEW_EVERY.min(third)
}

/// A fresh id for this process, to own its jobs.
pub fn new_owner_id() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple())
}

/// WAL (readers beside a writer; survives a kill), NORMAL sync (safe with
/// WAL, fast), a busy timeout for writers from other processes, and foreign
/// keys (parts are deleted with their upload).
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "the library could not switch to WAL mode");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// How long [`Library::open`] waits before trying a locked library again.
const OPEN_RETRY_PAUSE: Duration = Duration::from_millis(10);

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn open_error(path: PathBuf, source: rusqlite::Error) -> LibraryError {
    match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => LibraryError::NotADatabase { path },
        _ => LibraryError::Open { path, source },
    }
}

/// Runs `body` in a savepoint: a write that fails undoes only itself. The
/// statements are kept prepared (rusqlite's `savepoint()` parses its SQL
/// each time, which showed with thousands of writes per batch).
fn in_savepoint<T>(conn: &Connection, body: impl FnOnce(&Connection) -> Result<T, Fail>) -> Result<T, Fail> {
    run_cached(conn, "SAVEPOINT picbucket_write")?;
    let result = body(conn).and_then(|value| Ok(run_cached(conn, "RELEASE picbucket_write").map(|()| value)?));
    if result.is_err() {
        // Undo this write; the batch's transaction goes on.
        run_cached(conn, "ROLLBACK TO picbucket_write").ok();
        run_cached(conn, "RELEASE picbucket_write").ok();
    }
    result
}

/// Runs a statement without parameters or rows, kept prepared on the connection.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
#[path = "schema_tests.rs"]
mod schema_tests;

#[cfg(test)]
#[path = "jobs_tests.rs"]
mod jobs_tests;

#[cfg(test)]
#[path = "history_tests.rs"]
mod history_tests;
