//! What one request sends: bytes read from disk once, with their checksum
//! computed over exactly those bytes in the same blocking task.
//!
//! Small files are held in memory while they are sent (bounded: at most
//! [`BODY_BUDGET_KIB`] for all uploads at once, however many slots there
//! are and whatever the file sizes). Sending from memory lets the payload go unsigned
//! (SigV4 would otherwise hash the body once more) while the checksum the
//! server verifies still covers every byte; a retry reads the file again.

use crate::storage::checksum::{Algorithm, Digest, digest_bytes, file_changed};
use crate::storage::error::StorageError;
use bytes::Bytes;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Files up to this size go up in one PUT from memory; larger ones below the
/// multipart threshold are streamed from disk.
pub const IN_MEMORY_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// KiB of file bodies read into memory by all uploads at once (64 MiB): an
/// upload waits for room before reading its file.
pub(crate) const BODY_BUDGET_KIB: u32 = 64 * 1024;

static BODY_BUDGET: Semaphore = Semaphore::const_new(BODY_BUDGET_KIB as usize);

/// Room for `len` bytes of body in memory, held until dropped (after the
/// send). A body larger than the whole budget takes all of it. (`None` only
/// if the semaphore were closed, which this static never is.)
pub(crate) async fn body_budget(len: u64) -> Option<SemaphorePermit<'static>> {
    BODY_BUDGET.acquire_many(kib_within(len, BODY_BUDGET_KIB)).await.ok()
}

/// KiB of checked files a worker keeps in memory for their uploads (24 MiB):
/// a file uploaded right after its check is read once, and the bytes the
/// check walked and hashed are the bytes sent. Checks wait for room, so they
/// run only this far ahead of the uploads. As much as the buffer pool keeps
/// (`buffers::POOL_MAX_BYTES`): once the first files are sent, every checked
/// file is read into pages already mapped. At 64 MiB the checks ran further
/// ahead into fresh pages: on 120 photos ×1.08 client CPU and 91 MB peak RSS
/// instead of 50, for no faster upload. Apart from the body budget on
/// purpose: an upload holding a slot may wait for body room, and a checked
/// file holding this room waits for a slot, so one budget for both could
/// leave each waiting for the other.
pub(crate) const HELD_BUDGET_KIB: u32 = 24 * 1024;

/// KiB each kept file takes at least, so that at most 128 small files wait
/// in memory (enough to keep 64 uploads at once busy).
pub(crate) const HELD_MIN_KIB: u32 = HELD_BUDGET_KIB / 128;

/// The KiB `len` bytes take of a budget of `budget_kib` (all of it at most).
pub(crate) fn kib_within(len: u64, budget_kib: u32) -> u32 {
    u32::try_from(len.div_ceil(1024)).unwrap_or(u32::MAX).min(budget_kib)
}

/// Size and modification time when the upload began: a file that changes
/// under a running upload fails it at once instead of being retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FileStamp {
    pub size: u64,
    pub modified: Option<SystemTime>,
}

impl FileStamp {
    pub(crate) fn of(meta: &std::fs::Metadata) -> Self {
        Self {
            size: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    pub(crate) async fn read(path: &Path) -> Result<Self, StorageError> {
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| StorageError::File { detail: e.to_string() })?;
        Ok(Self::of(&meta))
    }

    pub(crate) async fn check(&self, path: &Path) -> Result<(), StorageError> {
        if Self::read(path).await? == *self {
            Ok(())
        } else {
            Err(file_changed())
        }
    }
}

/// `length` bytes of the file at `offset` and their checksum, read on a
/// blocking thread after checking the file still has `stamp`.
pub(crate) async fn read_range(
    path: &Path,
    stamp: FileStamp,
    offset: u64,
    length: u64,
    algorithm: Algorithm,
) -> Result<(Bytes, Digest), StorageError> {
    let path: PathBuf = path.to_owned();
    let read = tokio::task::spawn_blocking(move || read_range_blocking(&path, stamp, offset, length, algorithm)).await;
    match read {
        Ok(result) => result,
        Err(join) => Err(StorageError::File {
            detail: format!("reading the file stopped: {join}"),
        }),
    }
}

fn read_range_blocking(
    path: &Path,
    stamp: FileStamp,
    offset: u64,
    length: u64,
    algorithm: Algorithm,
) -> Result<(Bytes, Digest), StorageError> {
    let io = |e: std::io::Error| StorageError::File { detail: e.to_string() };
    let mut file = std::fs::File::open(path).map_err(io)?;
    if FileStamp::of(&file.metadata().map_err(io)?) != stamp {
        return Err(file_changed());
    }
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    let capacity = usize::try_from(length).map_err(|_| file_changed())?;
    let mut buffer = crate::storage::buffers::take(capacity);
    file.take(length).read_to_end(&mut buffer).map_err(io)?;
    if buffer.len() != capacity {
        return Err(file_changed());
    }
    let digest = digest_bytes(algorithm, &buffer);
    Ok((crate::storage::buffers::into_bytes(buffer), digest))
}

/// The checksum of bytes already in memory; MD5 (slow) off the async threads.
pub(crate) async fn digest_in_memory(bytes: &Bytes, algorithm: Algorithm) -> Result<Digest, StorageError> {
    if algorithm != Algorithm::Md5 {
        return Ok(digest_bytes(algorithm, bytes));
    }
    let bytes = bytes.clone();
    tokio::task::spawn_blocking(move || digest_bytes(algorithm, &bytes))
        .await
        .map_err(|join| StorageError::File {
            detail: format!("hashing stopped: {join}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn bodies_in_memory_wait_for_room_in_the_budget() {
        let everything = body_budget(u64::MAX).await.expect("room");
        assert_eq!(
            everything.num_permits(),
            BODY_BUDGET_KIB as usize,
            "a huge body takes the whole budget"
        );
        let waiting = tokio::time::timeout(Duration::from_millis(50), body_budget(1)).await;
        assert!(waiting.is_err(), "no room while the budget is held");
        drop(everything);
        let small = tokio::time::timeout(Duration::from_secs(5), body_budget(1500)).await;
        assert_eq!(
            small.expect("room again").expect("room").num_permits(),
            2,
            "1,500 bytes take 2 KiB"
        );
    }
}
