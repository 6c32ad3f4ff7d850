//! Helpers shared by the library's unit tests.

use super::{Library, NewJob, RecordId, SentInfo};
use std::path::PathBuf;
use tempfile::TempDir;

/// A library in a fresh temporary folder (kept alive by the returned `TempDir`).
pub fn temp_library() -> (TempDir, PathBuf, Library) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("library.sqlite3");
    let library = Library::open(&path).unwrap();
    (dir, path, library)
}

/// A plausible job for `file_name`.
pub fn job(file_name: &str) -> NewJob {
    NewJob {
        profile: "default".into(),
        endpoint: "http://127.0.0.1:9000".into(),
        bucket: "photos".into(),
        region: "us-east-1".into(),
        object_key: format!("2026/11/{file_name}"),
        file_name: file_name.into(),
        source_path: PathBuf::from("/home/me/Pictures").join(file_name),
        size_bytes: 1234,
        content_type: "image/png".into(),
        width: 640,
        height: 480,
        sha256: None,
        source_mtime: Some(1_700_000_000_000),
    }
}

pub fn sent(size_bytes: u64) -> SentInfo {
    SentInfo {
        size_bytes,
        sha256: "ab".repeat(32),
    }
}

/// Adds a job for `file_name` and marks it done at `now`.
pub fn add_done(library: &mut Library, file_name: &str, now: i64) -> RecordId {
    let id = library.add_job(&job(file_name), "test-owner", now).unwrap();
    library.set_uploading(id, None, now).unwrap();
    library.set_done(id, &sent(1234), now).unwrap();
    id
}
