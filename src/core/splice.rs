//! How bytes written from an input in memory can be made again from the same
//! file later, without the work that first produced them: the ranges of the
//! file they copy, and the few bytes written from elsewhere.
//!
//! A metadata strip of a photo is its file minus one or two segments, plus a
//! minimal EXIF: recorded while the check strips the file in memory, the
//! send reads those ranges of the file straight into the body buffer instead
//! of walking the image a second time.

use std::io::{Read, Seek, SeekFrom, Write};

/// Literal bytes a splice may hold (headers of segments kept after a dropped
/// one, a minimal EXIF); past this the caller walks the file again instead.
const MAX_LITERAL_BYTES: usize = 256 * 1024;

/// Pieces a splice may have; past this the caller walks the file again.
const MAX_PARTS: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    /// Bytes of the file, from `offset`.
    File { offset: u64, len: u64 },
    /// Bytes of `literals`, from `start`.
    Literal { start: usize, len: usize },
}

/// The recipe for some bytes: ranges of a file and literal bytes, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Splice {
    parts: Vec<Part>,
    literals: Vec<u8>,
    len: u64,
}

impl Splice {
    /// How many bytes [`Splice::read`] makes.
    pub fn size_bytes(&self) -> u64 {
        self.len
    }

    /// True when the bytes are the whole of a file of `file_len` bytes, unchanged.
    pub fn is_whole_file(&self, file_len: u64) -> bool {
        self.parts
            == [Part::File {
                offset: 0,
                len: file_len,
            }]
    }

    /// Appends the bytes to `out`, reading the file's ranges from `file`.
    /// A file shorter than the recipe needs is an `UnexpectedEof` error.
    pub fn read<F: Read + Seek>(&self, file: &mut F, out: &mut Vec<u8>) -> std::io::Result<()> {
        for part in &self.parts {
            match *part {
                Part::File { offset, len } => {
                    file.seek(SeekFrom::Start(offset))?;
                    let read = (&mut *file).take(len).read_to_end(out)?;
                    if read as u64 != len {
                        return Err(std::io::ErrorKind::UnexpectedEof.into());
                    }
                }
                Part::Literal { start, len } => out.extend_from_slice(&self.literals[start..start + len]),
            }
        }
        Ok(())
    }
}

/// A writer that records where what it is given comes from in `original`
/// (the file's bytes in memory), rather than keeping it.
pub struct SpliceRecorder<'a> {
    original: &'a [u8],
    /// Offset in `original` just past the last bytes recorded from it.
    cursor: usize,
    splice: Splice,
    too_large: bool,
}

impl<'a> SpliceRecorder<'a> {
    pub fn new(original: &'a [u8]) -> Self {
        Self {
            original,
            cursor: 0,
            splice: Splice {
                parts: Vec::new(),
                literals: Vec::new(),
                len: 0,
            },
            too_large: false,
        }
    }

    /// The recipe, or `None` when it grew past its limits.
    pub fn finish(self) -> Option<Splice> {
        (!self.too_large).then_some(self.splice)
    }

    /// Where `bytes` sit in `original`: their own address when they are a
    /// slice of it (a walk in memory writes the file's bytes in place), or
    /// the cursor when `original` continues with the same bytes there.
    fn offset_in_original(&self, bytes: &[u8]) -> Option<usize> {
        let start = self.original.as_ptr() as usize;
        let at = bytes.as_ptr() as usize;
        if at >= start && at + bytes.len() <= start + self.original.len() {
            return Some(at - start);
        }
        let end = self.cursor.checked_add(bytes.len())?;
        (self.original.get(self.cursor..end) == Some(bytes)).then_some(self.cursor)
    }

    fn record(&mut self, bytes: &[u8]) {
        let len = bytes.len();
        let found = self.offset_in_original(bytes);
        let parts = &mut self.splice.parts;
        match found {
            Some(offset) => {
                self.cursor = offset + len;
                let (offset, len) = (offset as u64, len as u64);
                match parts.last_mut() {
                    Some(Part::File {
                        offset: last,
                        len: last_len,
                    }) if *last + *last_len == offset => *last_len += len,
                    _ => parts.push(Part::File { offset, len }),
                }
            }
            None => {
                let start = self.splice.literals.len();
                self.splice.literals.extend_from_slice(bytes);
                // Literal bytes are stored in order, so consecutive ones are
                // always contiguous in `literals`.
                match parts.last_mut() {
                    Some(Part::Literal { len: last_len, .. }) => *last_len += len,
                    _ => parts.push(Part::Literal { start, len }),
                }
            }
        }
        self.splice.len += len as u64;
        self.too_large |= self.splice.literals.len() > MAX_LITERAL_BYTES || parts.len() > MAX_PARTS;
    }
}

impl Write for SpliceRecorder<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.too_large && !buf.is_empty() {
            self.record(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[path = "splice_assemble.rs"]
mod assemble;

#[cfg(test)]
#[path = "splice_tests.rs"]
mod tests;
