//! What an upload sends: the checked file as it is, or the file without its
//! private metadata; with the size and SHA-256 of those bytes.
//!
//! Small files (up to `IN_MEMORY_MAX_BYTES`) are only walked when checked,
//! to learn what stripping removes, the size and hash of the result, and
//! which ranges of the file make it up ([`Splice`]); the stripped bytes are
//! read from those ranges when the upload's turn comes ([`bytes_to_send`]),
//! so no temporary file is written, the image is not walked twice, and
//! memory stays bounded by the uploads running at once. Larger files that
//! the strip changes get a temporary stripped copy (`large_strip.rs`), read
//! through a fixed buffer.

use crate::core::splice::{Splice, SpliceRecorder};
use crate::core::strip::{StripError, StripReport, strip_bytes, strip_bytes_unhashed};
use crate::core::{ImageKind, Rejection, ValidatedImage};
use crate::storage::{IN_MEMORY_MAX_BYTES, StorageError, buffers};
use crate::worker::large_strip::strip_large;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// The bytes an upload sends.
#[derive(Clone, Debug)]
pub struct Outgoing {
    original: PathBuf,
    /// A stripped copy of a large file, deleted when the last clone is dropped.
    copy: Option<Arc<tempfile::TempPath>>,
    /// A small file whose stripped bytes differ from the file: how they are
    /// made in memory just before sending.
    remake: Option<Remake>,
    pub size_bytes: u64,
    pub sha256_hex: String,
    pub stripped: Option<StripReport>,
}

impl Outgoing {
    /// The file the upload reads (the original, or the stripped copy).
    pub fn path(&self) -> &Path {
        self.copy.as_deref().map_or(&self.original, |copy| copy.as_ref())
    }

    /// True when [`bytes_to_send`] makes the bytes (a small file stripped in memory).
    pub fn strips_on_send(&self) -> bool {
        self.remake.is_some()
    }

    /// Bytes [`bytes_to_send`] holds in memory for a file of `checked_size`.
    pub fn memory_to_send(&self, checked_size: u64) -> u64 {
        match self.remake {
            None => 0,
            Some(Remake::Splice(_)) => self.size_bytes,
            Some(Remake::Walk(_)) => checked_size.saturating_add(self.size_bytes),
        }
    }
}

/// How a small file's stripped bytes are made at send time.
#[derive(Clone, Debug)]
enum Remake {
    /// Read from the ranges of the file the check recorded.
    Splice(Arc<Splice>),
    /// The file walked again in memory: its recipe had too many pieces.
    Walk(ImageKind),
}

/// Reads the checked file once more: walking it through the metadata
/// stripper (into a temporary copy for large files that change), or hashing
/// it as it is.
/// Reads go through fixed buffers, so memory stays small for any file size.
pub fn prepare_outgoing(image: &ValidatedImage, strip: bool) -> Result<Outgoing, Rejection> {
    let unreadable = |e: std::io::Error| Rejection::Unreadable(e.to_string());
    let mut outgoing = Outgoing {
        original: image.path.clone(),
        copy: None,
        remake: None,
        size_bytes: image.size_bytes,
        sha256_hex: String::new(),
        stripped: None,
    };
    if !strip {
        outgoing.sha256_hex = sha256_file(&image.path).map_err(unreadable)?;
        return Ok(outgoing);
    }
    let report = if image.size_bytes <= IN_MEMORY_MAX_BYTES {
        // Read once (at most a few files at a time are checked) and walked in
        // memory, recording which of the file's bytes the walk writes: when
        // that is all of them, the file itself is sent and nothing is made
        // again at send time.
        let mut original = buffers::take(usize::try_from(image.size_bytes).unwrap_or(0));
        std::fs::File::open(&image.path)
            .map_err(unreadable)?
            .take(IN_MEMORY_MAX_BYTES + 1)
            .read_to_end(&mut original)
            .map_err(unreadable)?;
        let mut recorder = SpliceRecorder::new(&original);
        let report = strip_bytes(&original, image.kind, &mut recorder).map_err(strip_rejection)?;
        let splice = recorder.finish();
        let whole_file = original.len() as u64 == image.size_bytes
            && splice
                .as_ref()
                .is_some_and(|splice| splice.is_whole_file(image.size_bytes));
        if !whole_file {
            outgoing.remake = Some(splice.map_or(Remake::Walk(image.kind), |splice| Remake::Splice(Arc::new(splice))));
        }
        buffers::give_back(original);
        report
    } else {
        let (report, copy) = strip_large(&image.path, image.kind).map_err(strip_rejection)?;
        outgoing.copy = copy.map(Arc::new);
        report
    };
    outgoing.size_bytes = report.bytes_written;
    outgoing.sha256_hex = report.sha256_hex.clone();
    outgoing.stripped = Some(report);
    Ok(outgoing)
}

fn strip_rejection(error: StripError) -> Rejection {
    match error {
        StripError::Truncated { kind } => Rejection::Truncated { kind },
        StripError::Malformed { kind, detail } => Rejection::BadHeader {
            kind,
            detail: detail.to_owned(),
        },
        StripError::Io(io) => Rejection::Unreadable(io.to_string()),
    }
}

/// The bytes to send for a small file whose stripped form differs from it,
/// made now from the file; `None` when the upload reads its file itself. The
/// file must still have the size and modification time it had when checked
/// (`mtime_ms`), and the result the size recorded then.
pub fn bytes_to_send(
    outgoing: &Outgoing,
    checked_size: u64,
    mtime_ms: Option<i64>,
) -> Result<Option<Bytes>, StorageError> {
    let Some(remake) = &outgoing.remake else {
        return Ok(None);
    };
    let io = |e: std::io::Error| StorageError::File { detail: e.to_string() };
    let mut file = std::fs::File::open(&outgoing.original).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.len() != checked_size || modified_ms_of(&meta) != mtime_ms {
        return Err(changed_since_checked());
    }
    let mut body = buffers::take(usize::try_from(outgoing.size_bytes).unwrap_or(0));
    match remake {
        Remake::Splice(splice) => splice.read(&mut file, &mut body).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => changed_since_checked(),
            _ => io(e),
        })?,
        Remake::Walk(kind) => {
            let mut original = buffers::take(usize::try_from(checked_size).unwrap_or(0));
            file.take(checked_size.saturating_add(1))
                .read_to_end(&mut original)
                .map_err(io)?;
            // Same walk as when checked; the hash from then is kept, so none is made.
            strip_bytes_unhashed(&original, *kind, &mut body)
                .map_err(|e| StorageError::File { detail: e.to_string() })?;
            buffers::give_back(original);
        }
    }
    if body.len() as u64 != outgoing.size_bytes {
        return Err(changed_since_checked());
    }
    Ok(Some(buffers::into_bytes(body)))
}

fn changed_since_checked() -> StorageError {
    StorageError::File {
        detail: "the file changed after it was checked; add it again".into(),
    }
}

/// SHA-256 of a file, read through a buffer (never whole into memory).
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = std::fs::File::open(path)?;
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// Modification time as unix milliseconds, where the file system has one.
pub fn modified_ms(path: &Path) -> Option<i64> {
    modified_ms_of(&std::fs::metadata(path).ok()?)
}

fn modified_ms_of(meta: &std::fs::Metadata) -> Option<i64> {
    let since = meta.modified().ok()?.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_millis()).ok()
}

#[cfg(test)]
#[path = "outgoing_tests.rs"]
mod tests;
