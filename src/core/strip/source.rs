//! The input side of every walk: buffered bytes over a file (a fixed-size
//! buffer) or over bytes already in memory (no buffer: the walk reads them in
//! place), that knows its position and the input's length, so a claimed
//! length can be checked against the bytes really there before anything is
//! read or skipped.

use super::StripError;
use crate::core::ImageKind;
use std::io::{BufRead, BufReader, Cursor, ErrorKind, Read, Seek, SeekFrom, Write};

/// Size of the read buffer, and the most any walk holds of a file at once.
pub(super) const BUFFER_BYTES: usize = 64 * 1024;

/// What a walk reads from: a buffered file, or bytes in memory.
pub(super) trait Input: BufRead + Seek {
    /// Moves `n` bytes forward without dropping what is buffered.
    fn skip_forward(&mut self, n: i64) -> std::io::Result<()>;
}

impl<R: Read + Seek> Input for BufReader<R> {
    fn skip_forward(&mut self, n: i64) -> std::io::Result<()> {
        self.seek_relative(n)
    }
}

/// In memory, `fill` hands out everything after the position at once, so
/// scan data is searched and written in one piece rather than copied through
/// a buffer first.
impl Input for Cursor<&[u8]> {
    fn skip_forward(&mut self, n: i64) -> std::io::Result<()> {
        self.seek(SeekFrom::Current(n)).map(drop)
    }
}

pub(super) struct Source<R: Input> {
    inner: R,
    pos: u64,
    len: u64,
    kind: ImageKind,
}

impl<R: Input> Source<R> {
    /// Starts at the beginning of `input`, whatever its current position.
    pub fn new(mut input: R, kind: ImageKind) -> Result<Self, StripError> {
        let len = input.seek(SeekFrom::End(0))?;
        input.seek(SeekFrom::Start(0))?;
        Ok(Self {
            inner: input,
            pos: 0,
            len,
            kind,
        })
    }

    pub fn kind(&self) -> ImageKind {
        self.kind
    }

    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Bytes between the position and the end of the file.
    pub fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    pub fn truncated(&self) -> StripError {
        StripError::Truncated { kind: self.kind }
    }

    pub fn malformed(&self, detail: &'static str) -> StripError {
        StripError::Malformed {
            kind: self.kind,
            detail,
        }
    }

    fn read_error(&self, error: std::io::Error) -> StripError {
        if error.kind() == ErrorKind::UnexpectedEof {
            self.truncated()
        } else {
            StripError::Io(error)
        }
    }

    /// The buffered bytes at the position; never empty (the end of the file is
    /// `Truncated`: every caller still expects data there).
    pub fn fill(&mut self) -> Result<&[u8], StripError> {
        let kind = self.kind;
        match self.inner.fill_buf() {
            Ok([]) => Err(StripError::Truncated { kind }),
            Ok(buf) => Ok(buf),
            Err(e) => Err(StripError::Io(e)),
        }
    }

    pub fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.pos += n as u64;
    }

    /// True when nothing follows the position.
    pub fn at_end(&mut self) -> Result<bool, StripError> {
        Ok(self.inner.fill_buf()?.is_empty())
    }

    pub fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), StripError> {
        self.inner.read_exact(buf).map_err(|e| self.read_error(e))?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    pub fn read_array<const N: usize>(&mut self) -> Result<[u8; N], StripError> {
        let mut buf = [0u8; N];
        self.read_exact(&mut buf)?;
        Ok(buf)
    }

    pub fn read_u8(&mut self) -> Result<u8, StripError> {
        Ok(self.read_array::<1>()?[0])
    }

    /// Copies exactly `n` bytes to `out` through the read buffer.
    pub fn copy(&mut self, n: u64, out: &mut dyn Write) -> Result<(), StripError> {
        if n > self.remaining() {
            return Err(self.truncated());
        }
        let mut left = n;
        while left > 0 {
            let buf = self.fill()?;
            let take = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            out.write_all(&buf[..take])?;
            self.consume(take);
            left -= take as u64;
        }
        Ok(())
    }

    /// Passes over `n` bytes without reading them.
    pub fn skip(&mut self, n: u64) -> Result<(), StripError> {
        if n > self.remaining() {
            return Err(self.truncated());
        }
        let offset = i64::try_from(n).map_err(|_| self.truncated())?;
        self.inner.skip_forward(offset)?;
        self.pos += n;
        Ok(())
    }

    /// Reads up to `buf.len()` of the next `n` bytes into `buf` and skips the rest;
    /// returns how many were kept. Used where only a prefix matters (an EXIF IFD0).
    pub fn read_prefix(&mut self, n: u64, buf: &mut [u8]) -> Result<usize, StripError> {
        if n > self.remaining() {
            return Err(self.truncated());
        }
        let keep = buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
        self.read_exact(&mut buf[..keep])?;
        self.skip(n - keep as u64)?;
        Ok(keep)
    }

    /// Passes over `n` bytes, telling whether `needle` occurs in them.
    pub fn scan_for(&mut self, n: u64, needle: &[u8]) -> Result<bool, StripError> {
        if n > self.remaining() {
            return Err(self.truncated());
        }
        let mut found = false;
        // The tail of the previous buffer, so a needle split across two reads is seen.
        let mut carry: Vec<u8> = Vec::with_capacity(needle.len() * 2);
        let mut left = n;
        while left > 0 {
            let buf = self.fill()?;
            let take = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let chunk = &buf[..take];
            if !found {
                let k = needle.len().saturating_sub(1);
                carry.extend_from_slice(&chunk[..chunk.len().min(k)]);
                found = super::exif::contains(&carry, needle) || super::exif::contains(chunk, needle);
                if chunk.len() >= k {
                    carry.clear();
                    carry.extend_from_slice(&chunk[chunk.len() - k..]);
                } else {
                    let excess = carry.len().saturating_sub(k);
                    carry.drain(..excess);
                }
            }
            self.consume(take);
            left -= take as u64;
        }
        Ok(found)
    }

    /// Moves to an absolute offset (for a second pass).
    pub fn seek_to(&mut self, offset: u64) -> Result<(), StripError> {
        self.inner.seek(SeekFrom::Start(offset))?;
        self.pos = offset;
        Ok(())
    }
}
