//! The database layout as an ordered list of migrations.
//!
//! `PRAGMA user_version` is the number of steps applied. Opening a database
//! applies the missing steps in one IMMEDIATE transaction, so two processes
//! opening a new file at once cannot both migrate it. A database with more
//! steps than this build knows was written by a newer picbucket and is refused.
//! Never edit a released step: append a new one.

use rusqlite::{Connection, TransactionBehavior};

/// Step N (1-based) brings a database from version N-1 to N.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: jobs and history in one table; parts of multipart uploads for resume.
    "CREATE TABLE uploads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        profile TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        bucket TEXT NOT NULL,
        region TEXT NOT NULL,
        object_key TEXT NOT NULL,
        file_name TEXT NOT NULL,
        source_path TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        sha256 TEXT,
        source_mtime INTEGER,
        created_at INTEGER NOT NULL,
        uploaded_at INTEGER,
        state_changed_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'uploading', 'done', 'failed', 'cancelled', 'deleted')),
        last_error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        multipart_upload_id TEXT,
        thumbnail TEXT,
        owner TEXT,
        lease_until INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE upload_parts (
        upload_id INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
        part_number INTEGER NOT NULL,
        etag TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        PRIMARY KEY (upload_id, part_number)
    ) WITHOUT ROWID;",
    // 2: indexes for history paging, the job queue, lookups by key and search.
    // (state, id) serves `WHERE state = 'done' ORDER BY id DESC` and the
    // unfinished-jobs scan; (profile, state, id) the per-destination history.
    // File-name search is a substring LIKE, which no index can seek: the
    // NOCASE index only makes that scan read a narrow index instead of rows.
    "CREATE INDEX uploads_state_id ON uploads(state, id);
    CREATE INDEX uploads_profile_state_id ON uploads(profile, state, id);
    CREATE INDEX uploads_object_key ON uploads(object_key);
    CREATE INDEX uploads_file_name ON uploads(file_name COLLATE NOCASE);",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Why a database could not be brought up to date.
#[derive(Debug)]
pub(crate) enum MigrateError {
    TooNew { found: i64 },
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sql(error)
    }
}

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Applies the steps after the database's version, up to `target`.
/// Returns the version before migrating.
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<i64, MigrateError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    if found > SCHEMA_VERSION {
        return Err(MigrateError::TooNew { found });
    }
    for (index, step) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= found || version > target {
            continue;
        }
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version)?;
        tracing::info!(version, "library schema upgraded");
    }
    tx.commit()?;
    Ok(found)
}
