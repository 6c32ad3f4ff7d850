//! A buffered reader whose small reads are an index into its buffer, never
//! a call. The JPEG decoder reads the compressed data a byte at a time
//! through `Read::read_exact`; whether std's `BufReader::read_exact` was
//! inlined there changed with unrelated code elsewhere in the crate, and when
//! it was not, each byte cost a call and a `memmove`: 120 photos' thumbnails
//! took 1.23× the CPU. Here the fast path is always inlined.

use std::io::{self, Read};

pub(crate) struct ByteReader<R> {
    inner: R,
    buf: Box<[u8]>,
    /// The unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
}

impl<R: Read> ByteReader<R> {
    pub(crate) fn with_capacity(capacity: usize, inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; capacity.max(1)].into_boxed_slice(),
            pos: 0,
            end: 0,
        }
    }

    /// Refills the empty buffer; `Ok(0)` at the end of the input.
    fn refill(&mut self) -> io::Result<usize> {
        debug_assert_eq!(self.pos, self.end);
        let read = loop {
            match self.inner.read(&mut self.buf) {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        (self.pos, self.end) = (0, read);
        Ok(read)
    }

    #[cold]
    #[inline(never)]
    fn read_exact_across_refills(&mut self, out: &mut [u8]) -> io::Result<()> {
        let mut filled = 0;
        while filled < out.len() {
            if self.pos == self.end && self.refill()? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let n = (out.len() - filled).min(self.end - self.pos);
            out[filled..filled + n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            (self.pos, filled) = (self.pos + n, filled + n);
        }
        Ok(())
    }
}

impl<R: Read> Read for ByteReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.end {
            // A read as large as the buffer goes straight through.
            if out.len() >= self.buf.len() {
                return self.inner.read(out);
            }
            if self.refill()? == 0 {
                return Ok(0);
            }
        }
        let n = out.len().min(self.end - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }

    #[inline(always)]
    fn read_exact(&mut self, out: &mut [u8]) -> io::Result<()> {
        if let Some(ahead) = self.buf.get(self.pos..self.end)
            && ahead.len() >= out.len()
        {
            out.copy_from_slice(&ahead[..out.len()]);
            self.pos += out.len();
            return Ok(());
        }
        self.read_exact_across_refills(out)
    }
}

#[cfg(test)]
#[path = "byte_reader_tests.rs"]
mod tests;
