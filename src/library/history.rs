//! History: what was stored, newest first, with search, filters and paging;
//! plus lookups and the changes a user makes to records.

use super::jobs::select_one;
use super::record::COLUMNS;
use super::thumbnails::delete_thumbnail;
use super::{Fail, HistoryQuery, Library, LibraryError, RecordId, UploadRecord, UploadState};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};

impl Library {
    /// Done records (and deleted ones if asked), newest first, filtered and paged.
    pub fn history(&self, query: &HistoryQuery) -> Result<Vec<UploadRecord>, LibraryError> {
        let (filter, mut values) = where_clause(query, true);
        values.push(Value::Integer(i64::from(query.limit)));
        values.push(Value::Integer(i64::try_from(query.offset).unwrap_or(i64::MAX)));
        let sql = format!("SELECT {COLUMNS} FROM uploads WHERE {filter} ORDER BY id DESC LIMIT ? OFFSET ?");
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(values), UploadRecord::from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// How many records [`history`](Self::history) would list without limit,
    /// offset or cursor.
    pub fn history_count(&self, query: &HistoryQuery) -> Result<u64, LibraryError> {
        let (filter, values) = where_clause(query, false);
        let sql = format!("SELECT COUNT(*) FROM uploads WHERE {filter}");
        self.read(|conn| {
            let count: i64 = conn
                .prepare_cached(&sql)?
                .query_row(params_from_iter(values), |row| row.get(0))?;
            Ok(u64::try_from(count).unwrap_or(0))
        })
    }

    /// The record with this id, in any state.
    pub fn get(&self, id: RecordId) -> Result<Option<UploadRecord>, LibraryError> {
        self.read(|conn| Ok(select_one(conn, id)?))
    }

    /// A record by what a user types: its id (`42`) or its object key. For a key
    /// used more than once, the newest done record wins, then the newest of any state.
    pub fn find(&self, id_or_key: &str) -> Result<Option<UploadRecord>, LibraryError> {
        let text = id_or_key.trim();
        if let Ok(id) = text.parse::<RecordId>()
            && let Some(record) = self.get(id)?
        {
            return Ok(Some(record));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM uploads WHERE object_key = ?1 ORDER BY state = 'done' DESC, id DESC LIMIT 1"
        );
        self.read(|conn| {
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([text], UploadRecord::from_row)
                .optional()?)
        })
    }

    /// The object was deleted from the storage; the record stays, marked.
    pub fn set_deleted(&mut self, id: RecordId, now: i64) -> Result<(), LibraryError> {
        self.write(|tx| {
            let record = select_one(tx, id)?.ok_or(Fail::NoSuchRecord(id))?;
            if !matches!(record.state, UploadState::Done | UploadState::Deleted) {
                return Err(Fail::WrongState {
                    id,
                    state: record.state,
                    wanted: UploadState::Deleted,
                });
            }
            tx.execute(
                "UPDATE uploads SET state = 'deleted', state_changed_at = ?2 WHERE id = ?1 AND state = 'done'",
                params![id, now],
            )?;
            Ok(())
        })
    }

    /// Forgets a record locally, with its cached thumbnail (the object, if
    /// any, stays on the storage). Returns the removed record, or `None` if
    /// there was none.
    pub fn remove(&mut self, id: RecordId) -> Result<Option<UploadRecord>, LibraryError> {
        let removed = self.write(|tx| {
            let record = select_one(tx, id)?;
            tx.execute("DELETE FROM uploads WHERE id = ?1", [id])?;
            Ok(record)
        })?;
        if let Some(name) = removed.as_ref().and_then(|record| record.thumbnail.as_deref()) {
            delete_thumbnail(&self.thumbnail_dir(), name);
        }
        Ok(removed)
    }

    /// Records the file name of the record's cached thumbnail.
    pub fn set_thumbnail(&mut self, id: RecordId, file_name: &str) -> Result<(), LibraryError> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE uploads SET thumbnail = ?2 WHERE id = ?1",
                params![id, file_name],
            )?;
            if changed == 0 {
                return Err(Fail::NoSuchRecord(id));
            }
            Ok(())
        })
    }

    /// The destination names that appear in the library, sorted.
    pub fn profiles(&self) -> Result<Vec<String>, LibraryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached("SELECT DISTINCT profile FROM uploads ORDER BY profile")?;
            let rows = stmt.query_map([], |row| row.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

/// The WHERE clause of a history query and its values; `paged` adds the
/// keyset cursor (a count ignores it).
fn where_clause(query: &HistoryQuery, paged: bool) -> (String, Vec<Value>) {
    let mut parts = vec![
        if query.include_deleted {
            "state IN ('done', 'deleted')"
        } else {
            "state = 'done'"
        }
        .to_owned(),
    ];
    let mut values = Vec::new();
    if let Some(profile) = &query.profile {
        parts.push("profile = ?".to_owned());
        values.push(Value::Text(profile.clone()));
    }
    if let Some(search) = query.search.as_deref().filter(|text| !text.is_empty()) {
        parts.push("file_name LIKE ? ESCAPE '\\'".to_owned());
        values.push(Value::Text(format!("%{}%", escape_like(search))));
    }
    if paged && let Some(before) = query.before_id {
        parts.push("id < ?".to_owned());
        values.push(Value::Integer(before));
    }
    (parts.join(" AND "), values)
}

/// Makes `%`, `_` and `\` match themselves in a LIKE pattern with `ESCAPE '\'`.
pub(crate) fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
