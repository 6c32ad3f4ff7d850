//! Recycled buffers for file bodies held in memory.
//!
//! Every small upload reads its file into memory (and a stripped copy next to
//! it). Fresh buffers of a megabyte or more come from the allocator as fresh
//! pages, and the kernel faults and zeroes each one on first touch: for a
//! folder of photos that was about a fifth of the client's CPU. Buffers handed
//! back here are kept (up to [`POOL_MAX_BYTES`] in all) and reused by the next
//! file, whose pages are then already mapped.

use bytes::Bytes;
use std::sync::Mutex;

/// Smaller buffers are left to the allocator, which reuses them well itself.
const MIN_POOLED_BYTES: usize = 128 * 1024;

/// The most capacity the pool keeps while no upload uses it.
const POOL_MAX_BYTES: usize = 24 * 1024 * 1024;

/// New buffers are rounded up to a multiple of this, so files of about the
/// same size can take each other's buffers.
const GRANULE_BYTES: usize = 256 * 1024;

static POOL: BufferPool = BufferPool::new(POOL_MAX_BYTES);

/// An empty buffer with room for at least `len` bytes, reused when one is free.
pub(crate) fn take(len: usize) -> Vec<u8> {
    POOL.take(len)
}

/// Keeps `buffer` for a later [`take`] (or frees it when the pool is full).
pub(crate) fn give_back(buffer: Vec<u8>) {
    POOL.give_back(buffer);
}

/// `buffer` as a request body; it returns to the pool when the last clone of
/// the body is dropped (after the send and any retries).
pub(crate) fn into_bytes(buffer: Vec<u8>) -> Bytes {
    POOL.body_of(buffer)
}

/// A body's buffer, on its way back to `pool` when dropped.
struct Recycled {
    buffer: Vec<u8>,
    pool: &'static BufferPool,
}

impl AsRef<[u8]> for Recycled {
    fn as_ref(&self) -> &[u8] {
        &self.buffer
    }
}

impl Drop for Recycled {
    fn drop(&mut self) {
        self.pool.give_back(std::mem::take(&mut self.buffer));
    }
}

struct BufferPool {
    max_bytes: usize,
    free: Mutex<Vec<Vec<u8>>>,
}

impl BufferPool {
    const fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            free: Mutex::new(Vec::new()),
        }
    }

    fn take(&self, len: usize) -> Vec<u8> {
        if len >= MIN_POOLED_BYTES
            && let Ok(mut free) = self.free.lock()
        {
            // The smallest free buffer that fits leaves the larger ones for larger files.
            let best = free
                .iter()
                .enumerate()
                .filter(|(_, buffer)| buffer.capacity() >= len)
                .min_by_key(|(_, buffer)| buffer.capacity())
                .map(|(index, _)| index);
            if let Some(index) = best {
                return free.swap_remove(index);
            }
        }
        if len >= MIN_POOLED_BYTES {
            Vec::with_capacity(len.next_multiple_of(GRANULE_BYTES))
        } else {
            Vec::with_capacity(len)
        }
    }

    fn give_back(&self, mut buffer: Vec<u8>) {
        if buffer.capacity() < MIN_POOLED_BYTES || buffer.capacity() > self.max_bytes {
            return;
        }
        let Ok(mut free) = self.free.lock() else {
            return;
        };
        buffer.clear();
        free.push(buffer);
        // Over the limit, the smallest go first: a larger buffer serves more files.
        let mut held: usize = free.iter().map(Vec::capacity).sum();
        while held > self.max_bytes {
            let Some(smallest) = free
                .iter()
                .enumerate()
                .min_by_key(|(_, buffer)| buffer.capacity())
                .map(|(index, _)| index)
            else {
                break;
            };
            held -= free.swap_remove(smallest).capacity();
        }
    }

    fn body_of(&'static self, buffer: Vec<u8>) -> Bytes {
        Bytes::from_owner(Recycled { buffer, pool: self })
    }

    #[cfg(test)]
    fn held_bytes(&self) -> usize {
        self.free
            .lock()
            .map(|free| free.iter().map(Vec::capacity).sum())
            .unwrap_or(0)
    }
}

#[cfg(test)]
#[path = "buffers_tests.rs"]
mod tests;
