//! The job queue: jobs are written before the first byte is sent and move
//! through `pending → uploading → done | failed | cancelled`.
//!
//! Ownership across processes: a live (pending or uploading) job carries its
//! process's `owner` id and a lease `lease_until = now + lease_ms()`, renewed by
//! the owner every [`RENEW_EVERY`](super::RENEW_EVERY). A live job whose lease
//! ran out is *unfinished*: its process crashed, was killed or quit. Any
//! process may then [`claim`](Library::claim) it; the claim re-checks the
//! lease inside an IMMEDIATE transaction, so each job goes to exactly one.

use super::lease_ms;
use super::record::{COLUMNS, SqlPath, to_sql_size, unsigned};
use super::{Fail, Library, LibraryError, NewJob, PartRecord, RecordId, SentInfo, UploadRecord, UploadState};
use rusqlite::{Connection, OptionalExtension, params};

impl Library {
    /// Records a job as pending, owned by `owner`. Returns its id.
    pub fn add_job(&mut self, job: &NewJob, owner: &str, now: i64) -> Result<RecordId, LibraryError> {
        self.write(|tx| Ok(insert_job(tx, job, owner, now)?))
    }

    /// Marks a job as sending (one more attempt) and renews its lease. A
    /// multipart upload id different from the stored one drops the stored parts,
    /// which belonged to the old upload.
    pub fn set_uploading(
        &mut self,
        id: RecordId,
        multipart_upload_id: Option<&str>,
        now: i64,
    ) -> Result<(), LibraryError> {
        self.write(|tx| {
            let current = require_state(
                tx,
                id,
                UploadState::Uploading,
                &[UploadState::Pending, UploadState::Uploading],
            )?;
            if current.multipart_upload_id.as_deref() != multipart_upload_id {
                execute_cached(tx, "DELETE FROM upload_parts WHERE upload_id = ?1", [id])?;
            }
            execute_cached(
                tx,
                "UPDATE uploads SET state = 'uploading', attempts = attempts + 1, multipart_upload_id = ?2,
                     last_error = NULL, lease_until = ?3,
                     state_changed_at = CASE WHEN state = 'uploading' THEN state_changed_at ELSE ?4 END
                 WHERE id = ?1",
                params![id, multipart_upload_id, now + lease_ms(), now],
            )?;
            Ok(())
        })
    }

    /// Remembers a finished part of the job's multipart upload (replacing an
    /// earlier record of the same part number).
    pub fn add_part(&mut self, id: RecordId, part_number: i32, etag: &str, size: u64) -> Result<(), LibraryError> {
        self.write(|tx| {
            exists(tx, id)?;
            tx.execute(
                "INSERT OR REPLACE INTO upload_parts (upload_id, part_number, etag, size_bytes) VALUES (?1, ?2, ?3, ?4)",
                params![id, part_number, etag, to_sql_size(size)],
            )?;
            Ok(())
        })
    }

    /// The recorded parts of a job's multipart upload, by part number.
    pub fn parts(&self, id: RecordId) -> Result<Vec<PartRecord>, LibraryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT part_number, etag, size_bytes FROM upload_parts WHERE upload_id = ?1 ORDER BY part_number",
            )?;
            let rows = stmt.query_map([id], |row| {
                Ok(PartRecord {
                    part_number: row.get(0)?,
                    etag: row.get(1)?,
                    size_bytes: unsigned(row, 2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The object is stored and confirmed: the job becomes history. Accepted
    /// from any state but `deleted`: whatever the queue thought, the object is
    /// there now.
    pub fn set_done(&mut self, id: RecordId, sent: &SentInfo, now: i64) -> Result<(), LibraryError> {
        use UploadState::*;
        self.write(|tx| {
            let current = require_state(tx, id, Done, &[Pending, Uploading, Done, Failed, Cancelled])?;
            // Parts are only ever recorded under a multipart upload id.
            if current.multipart_upload_id.is_some() {
                execute_cached(tx, "DELETE FROM upload_parts WHERE upload_id = ?1", [id])?;
            }
            execute_cached(
                tx,
                "UPDATE uploads SET state = 'done', uploaded_at = ?2, state_changed_at = ?2, size_bytes = ?3,
                     sha256 = ?4, last_error = NULL, multipart_upload_id = NULL, lease_until = 0
                 WHERE id = ?1",
                params![id, now, to_sql_size(sent.size_bytes), sent.sha256],
            )?;
            Ok(())
        })
    }

    /// The job stopped with `error` (a user-facing sentence). Only a live job
    /// can fail.
    pub fn set_failed(&mut self, id: RecordId, error: &str, now: i64) -> Result<(), LibraryError> {
        self.write(|tx| {
            require_state(
                tx,
                id,
                UploadState::Failed,
                &[UploadState::Pending, UploadState::Uploading],
            )?;
            tx.execute(
                "UPDATE uploads SET state = 'failed', last_error = ?2, state_changed_at = ?3, lease_until = 0
                 WHERE id = ?1",
                params![id, error, now],
            )?;
            Ok(())
        })
    }

    /// The user cancelled a live or failed job.
    pub fn set_cancelled(&mut self, id: RecordId, now: i64) -> Result<(), LibraryError> {
        use UploadState::*;
        self.write(|tx| {
            require_state(tx, id, Cancelled, &[Pending, Uploading, Failed, Cancelled])?;
            tx.execute(
                "UPDATE uploads SET state = 'cancelled', state_changed_at = ?2, lease_until = 0 WHERE id = ?1",
                params![id, now],
            )?;
            Ok(())
        })
    }

    /// Extends the leases of `owner`'s live jobs; call every
    /// [`RENEW_EVERY`](super::RENEW_EVERY). Returns how many were renewed.
    pub fn renew_leases(&mut self, owner: &str, now: i64) -> Result<usize, LibraryError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE uploads SET lease_until = ?2 WHERE owner = ?1 AND state IN ('pending', 'uploading')",
                params![owner, now + lease_ms()],
            )?)
        })
    }

    /// Gives up `owner`'s live jobs at once (a clean quit): they become
    /// unfinished, to be resumed or discarded later. Returns how many.
    pub fn release(&mut self, owner: &str) -> Result<usize, LibraryError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE uploads SET lease_until = 0 WHERE owner = ?1 AND state IN ('pending', 'uploading')",
                [owner],
            )?)
        })
    }

    /// Live jobs whose lease ran out by `now`, oldest first.
    pub fn unfinished(&self, now: i64) -> Result<Vec<UploadRecord>, LibraryError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM uploads WHERE state IN ('pending', 'uploading') AND lease_until <= ?1 ORDER BY id"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([now], UploadRecord::from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Live jobs whose lease still runs at `now`: held by a running process,
    /// or by one that stopped less than a lease ago. Soonest lease end first.
    pub fn held(&self, now: i64) -> Result<Vec<UploadRecord>, LibraryError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM uploads WHERE state IN ('pending', 'uploading') AND lease_until > ?1
                 ORDER BY lease_until, id"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([now], UploadRecord::from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Takes over those of `ids` that are still unfinished at `now`, for
    /// `owner`, in one transaction. Returns the jobs taken (already with the
    /// new owner and lease); the others were taken by someone else or ended.
    pub fn claim(&mut self, ids: &[RecordId], owner: &str, now: i64) -> Result<Vec<UploadRecord>, LibraryError> {
        self.write(|tx| {
            let mut taken = Vec::new();
            for &id in ids {
                let changed = tx.execute(
                    "UPDATE uploads SET owner = ?2, lease_until = ?3
                     WHERE id = ?1 AND state IN ('pending', 'uploading') AND lease_until <= ?4",
                    params![id, owner, now + lease_ms(), now],
                )?;
                if changed == 1 {
                    taken.push(select_one(tx, id)?.ok_or(Fail::NoSuchRecord(id))?);
                }
            }
            Ok(taken)
        })
    }

    /// Cancels those of `ids` that are still unfinished at `now` (the user chose
    /// not to resume them). Returns them as they were, so the caller can abort
    /// their multipart uploads on the storage.
    pub fn discard(&mut self, ids: &[RecordId], now: i64) -> Result<Vec<UploadRecord>, LibraryError> {
        self.write(|tx| {
            let mut discarded = Vec::new();
            for &id in ids {
                let Some(record) = select_one(tx, id)? else { continue };
                let changed = tx.execute(
                    "UPDATE uploads SET state = 'cancelled', state_changed_at = ?2
                     WHERE id = ?1 AND state IN ('pending', 'uploading') AND lease_until <= ?2",
                    params![id, now],
                )?;
                if changed == 1 {
                    discarded.push(record);
                }
            }
            Ok(discarded)
        })
    }
}

/// Inserts one pending job; shared with tests that fill a library in bulk.
pub(crate) fn insert_job(conn: &Connection, job: &NewJob, owner: &str, now: i64) -> rusqlite::Result<RecordId> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO uploads (profile, endpoint, bucket, region, object_key, file_name, source_path, size_bytes,
             content_type, width, height, sha256, source_mtime, created_at, state_changed_at, state, attempts,
             owner, lease_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, 'pending', 0, ?15, ?16)",
    )?;
    stmt.execute(params![
        job.profile,
        job.endpoint,
        job.bucket,
        job.region,
        job.object_key,
        job.file_name,
        SqlPath::to_value(&job.source_path),
        to_sql_size(job.size_bytes),
        job.content_type,
        job.width,
        job.height,
        job.sha256,
        job.source_mtime,
        now,
        owner,
        now + lease_ms(),
    ])?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn select_one(conn: &Connection, id: RecordId) -> rusqlite::Result<Option<UploadRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE id = ?1");
    conn.prepare_cached(&sql)?
        .query_row([id], UploadRecord::from_row)
        .optional()
}

/// Runs a statement kept prepared on the connection: the writes every upload
/// makes are parsed once, not once per file.
fn execute_cached(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

pub(crate) fn exists(conn: &Connection, id: RecordId) -> Result<(), Fail> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM uploads WHERE id = ?1", [id], |row| row.get(0))
        .optional()?;
    found.map(|_| ()).ok_or(Fail::NoSuchRecord(id))
}

/// What a state change needs to know of a job: its state and multipart upload.
struct Current {
    state: UploadState,
    multipart_upload_id: Option<String>,
}

/// The job's state and multipart upload id, if it is in one of `allowed`
/// states (to become `wanted`). Reads two columns, not the whole record: it
/// runs for every state change of every upload.
fn require_state(
    conn: &Connection,
    id: RecordId,
    wanted: UploadState,
    allowed: &[UploadState],
) -> Result<Current, Fail> {
    let current = conn
        .prepare_cached("SELECT state, multipart_upload_id FROM uploads WHERE id = ?1")?
        .query_row([id], |row| {
            Ok(Current {
                state: row.get(0)?,
                multipart_upload_id: row.get(1)?,
            })
        })
        .optional()?
        .ok_or(Fail::NoSuchRecord(id))?;
    if allowed.contains(&current.state) {
        Ok(current)
    } else {
        Err(Fail::WrongState {
            id,
            state: current.state,
            wanted,
        })
    }
}
