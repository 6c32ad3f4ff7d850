//! The rows of the library as Rust types, and how they map to SQL columns.

use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use std::path::{Path, PathBuf};

/// The id of a row in `uploads`; also the number users type (`picbucket history`).
pub type RecordId = i64;

/// Where a job is. `pending` and `uploading` are live jobs (owned through a
/// lease); the others are final, `done` rows form the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UploadState {
    Pending,
    Uploading,
    Done,
    Failed,
    Cancelled,
    /// The object was deleted from the storage; the row stays as a record.
    Deleted,
}

impl UploadState {
    pub const ALL: [UploadState; 6] = [
        Self::Pending,
        Self::Uploading,
        Self::Done,
        Self::Failed,
        Self::Cancelled,
        Self::Deleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Uploading => "uploading",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Pending or uploading: owned by a process through its lease.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Pending | Self::Uploading)
    }
}

impl std::fmt::Display for UploadState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToSql for UploadState {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for UploadState {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Self::parse(text).ok_or_else(|| FromSqlError::Other(format!("unknown upload state `{text}`").into()))
    }
}

/// A job as the worker knows it before the first byte is sent. The object key
/// is final: a resumed job uploads to the same key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewJob {
    /// The destination's name (settings profile).
    pub profile: String,
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub object_key: String,
    /// The original file name, as shown to the user and searched.
    pub file_name: String,
    pub source_path: PathBuf,
    pub size_bytes: u64,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    /// Hex SHA-256 of what will be sent, when already known.
    pub sha256: Option<String>,
    /// Modification time of the source file when queued (unix ms), to notice a
    /// changed file before resuming.
    pub source_mtime: Option<i64>,
}

/// What was actually stored, recorded when a job is done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentInfo {
    pub size_bytes: u64,
    /// Hex SHA-256 of the bytes sent.
    pub sha256: String,
}

/// One finished part of a multipart upload, kept to resume it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartRecord {
    pub part_number: i32,
    pub etag: String,
    pub size_bytes: u64,
}

/// A row of `uploads`: a job, or once done, a history entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRecord {
    pub id: RecordId,
    pub profile: String,
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub object_key: String,
    pub file_name: String,
    pub source_path: PathBuf,
    pub size_bytes: u64,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub sha256: Option<String>,
    pub source_mtime: Option<i64>,
    /// Unix ms when the job was queued.
    pub created_at: i64,
    /// Unix ms when the upload was confirmed.
    pub uploaded_at: Option<i64>,
    /// Unix ms of the last change of `state`.
    pub state_changed_at: i64,
    pub state: UploadState,
    pub last_error: Option<String>,
    pub attempts: u32,
    pub multipart_upload_id: Option<String>,
    /// File name of the cached thumbnail in the library's thumbnail folder.
    pub thumbnail: Option<String>,
    /// The id of the process that runs (or last ran) the job.
    pub owner: Option<String>,
    /// Unix ms until which `owner` holds the job.
    pub lease_until: i64,
}

/// The columns [`UploadRecord::from_row`] reads, in order.
pub(crate) const COLUMNS: &str = "id, profile, endpoint, bucket, region, object_key, file_name, source_path, \
     size_bytes, content_type, width, height, sha256, source_mtime, created_at, uploaded_at, state_changed_at, \
     state, last_error, attempts, multipart_upload_id, thumbnail, owner, lease_until";

impl UploadRecord {
    pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            profile: row.get(1)?,
            endpoint: row.get(2)?,
            bucket: row.get(3)?,
            region: row.get(4)?,
            object_key: row.get(5)?,
            file_name: row.get(6)?,
            source_path: row.get::<_, SqlPath>(7)?.0,
            size_bytes: unsigned(row, 8)?,
            content_type: row.get(9)?,
            width: row.get(10)?,
            height: row.get(11)?,
            sha256: row.get(12)?,
            source_mtime: row.get(13)?,
            created_at: row.get(14)?,
            uploaded_at: row.get(15)?,
            state_changed_at: row.get(16)?,
            state: row.get(17)?,
            last_error: row.get(18)?,
            attempts: row.get(19)?,
            multipart_upload_id: row.get(20)?,
            thumbnail: row.get(21)?,
            owner: row.get(22)?,
            lease_until: row.get(23)?,
        })
    }
}

/// Sizes are stored as SQLite's signed 64-bit integers.
pub(crate) fn to_sql_size(size: u64) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}

pub(crate) fn unsigned(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    let value: i64 = row.get(index)?;
    u64::try_from(value).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, value))
}

/// A path as TEXT when it is UTF-8, otherwise as a BLOB of its raw bytes (Unix
/// file names need not be UTF-8, and a resumed job must find the same file).
pub(crate) struct SqlPath(pub PathBuf);

impl SqlPath {
    pub(crate) fn to_value(path: &Path) -> rusqlite::types::Value {
        use rusqlite::types::Value;
        match path.to_str() {
            Some(text) => Value::Text(text.to_owned()),
            None => Value::Blob(path_bytes(path)),
        }
    }
}

impl FromSql for SqlPath {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(_) => Ok(Self(PathBuf::from(value.as_str()?))),
            ValueRef::Blob(bytes) => Ok(Self(path_from_bytes(bytes))),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// What [`Library::history`](super::Library::history) lists: done records
/// (and deleted ones if asked), newest first, filtered and paged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Case-insensitive (ASCII) substring of the original file name; `%` and
    /// `_` match themselves.
    pub search: Option<String>,
    /// Only this destination.
    pub profile: Option<String>,
    /// Also list records whose object was deleted.
    pub include_deleted: bool,
    /// At most this many records.
    pub limit: u32,
    /// Keyset paging: only records older than this id (the last id of the previous page).
    pub before_id: Option<RecordId>,
    /// Offset paging: skip this many records (after `before_id`, if both are set).
    pub offset: u64,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        Self {
            search: None,
            profile: None,
            include_deleted: false,
            limit: 50,
            before_id: None,
            offset: 0,
        }
    }
}
