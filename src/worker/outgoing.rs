//! What an upload sends: the checked file as it is, or the file without its
//! private metadata; with the size and SHA-256 of those bytes.
//!
//! A small file uploaded right after its check is read once: the bytes the
//! check made and hashed are kept ([`Held`]) and sent, in room the worker
//! bounds (see `HELD_BUDGET_KIB`). Otherwise (a file waiting for Start,
//! or one too large to keep):
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
use crate::core::validate::{validate_before_strip_kept_open, validate_kept_open};
use crate::core::{ImageKind, Rejection, ValidatedImage, ValidationRules};
use crate::storage::{HELD_BUDGET_KIB, HELD_MIN_KIB, IN_MEMORY_MAX_BYTES, StorageError, buffers, kib_within};
use crate::worker::large_strip::strip_large;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

/// The bytes an upload sends.
#[derive(Clone, Debug)]
pub struct Outgoing {
    original: PathBuf,
    made: Made,
    pub size_bytes: u64,
    pub sha256_hex: String,
    pub stripped: Option<StripReport>,
}

/// Where the bytes to send come from.
#[derive(Clone, Debug)]
enum Made {
    /// The checked file, as it is.
    Original,
    /// A stripped copy of a large file, deleted when the last clone is dropped.
    Copy(Arc<tempfile::TempPath>),
    /// A small file whose stripped bytes differ from the file: how they are
    /// made in memory just before sending.
    Remake(Remake),
    /// The bytes to send, made by the check and kept for the upload.
    Held(Arc<Held>),
}

impl Outgoing {
    /// The file the upload reads (the original, or the stripped copy).
    pub fn path(&self) -> &Path {
        match &self.made {
            Made::Copy(copy) => copy,
            _ => &self.original,
        }
    }

    /// The bytes to send when the check kept them (no file is read to send them).
    pub fn held_bytes(&self) -> Option<&Bytes> {
        match &self.made {
            Made::Held(held) => Some(&held.bytes),
            _ => None,
        }
    }

    /// True when [`bytes_to_send`] makes the bytes (a small file stripped in memory).
    pub fn strips_on_send(&self) -> bool {
        matches!(self.made, Made::Remake(_))
    }

    /// Bytes [`bytes_to_send`] holds in memory for a file of `checked_size`.
    pub fn memory_to_send(&self, checked_size: u64) -> u64 {
        match self.made {
            Made::Remake(Remake::Splice(_)) => self.size_bytes,
            Made::Remake(Remake::Walk(_)) => checked_size.saturating_add(self.size_bytes),
            Made::Original | Made::Copy(_) | Made::Held(_) => 0,
        }
    }
}

/// Bytes kept from the check, with their room in the worker's budget (given
/// back when the last clone is dropped, after the upload).
#[derive(Debug)]
struct Held {
    bytes: Bytes,
    _room: OwnedSemaphorePermit,
}

/// Room in `budget` to keep a checked file of `size_bytes` for its upload:
/// at once when there is some, else when uploads have given enough back.
/// `None` for a file too large to keep, or when `cancel` or `quitting` fires
/// first. Called on a blocking thread (a check's), which it may park.
pub fn room_to_hold(
    budget: &Arc<Semaphore>,
    size_bytes: u64,
    cancel: &CancellationToken,
    quitting: &CancellationToken,
) -> Option<OwnedSemaphorePermit> {
    if size_bytes > IN_MEMORY_MAX_BYTES {
        return None;
    }
    let kib = kib_within(size_bytes, HELD_BUDGET_KIB).max(HELD_MIN_KIB);
    if let Ok(room) = budget.clone().try_acquire_many_owned(kib) {
        return Some(room);
    }
    let (budget, cancel, quitting) = (budget.clone(), cancel.clone(), quitting.clone());
    tokio::runtime::Handle::try_current().ok()?.block_on(async move {
        tokio::select! {
            room = budget.acquire_many_owned(kib) => room.ok(),
            () = cancel.cancelled() => None,
            () = quitting.cancelled() => None,
        }
    })
}

/// How a small file's stripped bytes are made at send time.
#[derive(Clone, Debug)]
enum Remake {
    /// Read from the ranges of the file the check recorded.
    Splice(Arc<Splice>),
    /// The file walked again in memory: its recipe had too many pieces.
    Walk(ImageKind),
}

/// Checks `path` and makes what its upload sends from the one file opened:
/// the image, the bytes to send and the file's modification time when it
/// was opened (a change made later shows at send time). `room` is asked for
/// once the file is checked, with its size, and may wait for it.
pub fn check_for_sending(
    path: &Path,
    rules: &ValidationRules,
    strip: bool,
    room: impl FnOnce(u64) -> Option<OwnedSemaphorePermit>,
) -> Result<(ValidatedImage, Outgoing, Option<i64>), Rejection> {
    // Stripping walks the whole file and finds a truncated one itself.
    let mut checked = if strip {
        validate_before_strip_kept_open(path, rules)?
    } else {
        validate_kept_open(path, rules)?
    };
    let mtime_ms = modified_ms_of(&checked.metadata);
    let room = room(checked.image.size_bytes);
    let outgoing = prepare_outgoing(&checked.image, Some(&mut checked.file), strip, room)?;
    Ok((checked.image, outgoing, mtime_ms))
}

/// Reads the checked file once more: walking it through the metadata
/// stripper (into a temporary copy for large files that change), or hashing
/// it as it is. With `room` (see [`room_to_hold`]) the bytes to send are kept.
/// Otherwise reads go through fixed buffers, so memory stays small for any file size.
/// A small file is read from `checked`, the file the check read and kept
/// open, when given: the bytes sent are those of the file checked, whatever
/// its path names by now.
pub fn prepare_outgoing(
    image: &ValidatedImage,
    checked: Option<&mut File>,
    strip: bool,
    room: Option<OwnedSemaphorePermit>,
) -> Result<Outgoing, Rejection> {
    let unreadable = |e: std::io::Error| Rejection::Unreadable(e.to_string());
    let mut outgoing = Outgoing {
        original: image.path.clone(),
        made: Made::Original,
        size_bytes: image.size_bytes,
        sha256_hex: String::new(),
        stripped: None,
    };
    if let Some(room) = room.filter(|_| image.size_bytes <= IN_MEMORY_MAX_BYTES) {
        return hold(image, checked, strip, room, outgoing);
    }
    if !strip {
        outgoing.sha256_hex = sha256_file(&image.path).map_err(unreadable)?;
        return Ok(outgoing);
    }
    let report = if image.size_bytes <= IN_MEMORY_MAX_BYTES {
        // Read once (at most a few files at a time are checked) and walked in
        // memory, recording which of the file's bytes the walk writes: when
        // that is all of them, the file itself is sent and nothing is made
        // again at send time.
        let original = read_small_file(image, checked)?;
        let mut recorder = SpliceRecorder::new(&original);
        let report = strip_bytes(&original, image.kind, &mut recorder).map_err(strip_rejection)?;
        let splice = recorder.finish();
        let whole_file = original.len() as u64 == image.size_bytes
            && splice
                .as_ref()
                .is_some_and(|splice| splice.is_whole_file(image.size_bytes));
        if !whole_file {
            let remake = splice.map_or(Remake::Walk(image.kind), |splice| Remake::Splice(Arc::new(splice)));
            outgoing.made = Made::Remake(remake);
        }
        buffers::give_back(original);
        report
    } else {
        let (report, copy) = strip_large(&image.path, image.kind).map_err(strip_rejection)?;
        if let Some(copy) = copy {
            outgoing.made = Made::Copy(Arc::new(copy));
        }
        report
    };
    outgoing.size_bytes = report.bytes_written;
    outgoing.sha256_hex = report.sha256_hex.clone();
    outgoing.stripped = Some(report);
    Ok(outgoing)
}

/// The bytes to send made from one read of the file, and kept.
fn hold(
    image: &ValidatedImage,
    checked: Option<&mut File>,
    strip: bool,
    room: OwnedSemaphorePermit,
    mut outgoing: Outgoing,
) -> Result<Outgoing, Rejection> {
    let mut original = read_small_file(image, checked)?;
    if original.len() as u64 != image.size_bytes {
        // Its size was checked against the limit; these bytes were not.
        return Err(Rejection::Unreadable("the file changed while it was checked".into()));
    }
    let bytes = if strip {
        let mut recorder = SpliceRecorder::new(&original);
        let report = strip_bytes(&original, image.kind, &mut recorder).map_err(strip_rejection)?;
        let splice = recorder.finish();
        let (kind, stripped_len) = (image.kind, report.bytes_written);
        outgoing.sha256_hex = report.sha256_hex.clone();
        outgoing.stripped = Some(report);
        // Made inside the buffer read: of a photo, only the bytes before the
        // picture move. Otherwise walked again into a buffer of its own.
        match splice.and_then(|splice| splice.assemble_in_place(&mut original)) {
            Some(range) => buffers::into_bytes(original).slice(range),
            None => {
                let mut stripped = buffers::take(usize::try_from(stripped_len).unwrap_or(0));
                strip_bytes_unhashed(&original, kind, &mut stripped).map_err(strip_rejection)?;
                buffers::give_back(original);
                buffers::into_bytes(stripped)
            }
        }
    } else {
        outgoing.sha256_hex = hex::encode(Sha256::digest(&original));
        buffers::into_bytes(original)
    };
    outgoing.size_bytes = bytes.len() as u64;
    outgoing.made = Made::Held(Arc::new(Held { bytes, _room: room }));
    Ok(outgoing)
}

/// A checked file up to [`IN_MEMORY_MAX_BYTES`] read into a pooled buffer;
/// one byte more is asked for, so a file grown past that shows.
fn read_small_file(image: &ValidatedImage, checked: Option<&mut File>) -> Result<Vec<u8>, Rejection> {
    let unreadable = |e: std::io::Error| Rejection::Unreadable(e.to_string());
    let mut original = buffers::take(usize::try_from(image.size_bytes).unwrap_or(0));
    let mut opened;
    let file = match checked {
        Some(file) => {
            file.seek(SeekFrom::Start(0)).map_err(unreadable)?;
            file
        }
        None => {
            opened = File::open(&image.path).map_err(unreadable)?;
            &mut opened
        }
    };
    file.take(IN_MEMORY_MAX_BYTES + 1)
        .read_to_end(&mut original)
        .map_err(unreadable)?;
    Ok(original)
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

/// The bytes to send: those the check kept, or, for a small file whose
/// stripped form differs from it, made now from the file; `None` when the
/// upload reads its file itself. A file read now must still have the size and
/// modification time it had when checked (`mtime_ms`), and the result the
/// size recorded then.
pub fn bytes_to_send(
    outgoing: &Outgoing,
    checked_size: u64,
    mtime_ms: Option<i64>,
) -> Result<Option<Bytes>, StorageError> {
    let remake = match &outgoing.made {
        Made::Held(held) => return Ok(Some(held.bytes.clone())),
        Made::Remake(remake) => remake,
        Made::Original | Made::Copy(_) => return Ok(None),
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
pub fn modified_ms_of(meta: &std::fs::Metadata) -> Option<i64> {
    let since = meta.modified().ok()?.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_millis()).ok()
}

#[cfg(test)]
#[path = "outgoing_tests.rs"]
mod tests;
