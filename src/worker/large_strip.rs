//! Stripping a file too large to hold in memory. A first walk only compares
//! what it would write with the file itself and stops at the first
//! difference, so a large file with nothing to strip is sent as it is instead
//! of being copied to a temporary file first (a gigabyte written and read
//! back); a file that differs, usually within its first segments, is then
//! walked into the temporary copy.

use crate::core::ImageKind;
use crate::core::strip::{StripError, StripReport, strip_metadata};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

/// The result of stripping a large file: its report, and the stripped copy
/// to send (`None` when the file itself is what the strip writes).
pub(super) fn strip_large(
    path: &Path,
    kind: ImageKind,
) -> Result<(StripReport, Option<tempfile::TempPath>), StripError> {
    strip_large_into(path, kind, &tempfile::env::temp_dir())
}

/// [`strip_large`] with its copy (if any) made in `temp_dir`.
fn strip_large_into(
    path: &Path,
    kind: ImageKind,
    temp_dir: &Path,
) -> Result<(StripReport, Option<tempfile::TempPath>), StripError> {
    let mut same = SameAsFile {
        file: BufReader::new(File::open(path)?),
        scratch: Vec::new(),
        differs: false,
    };
    let compared = strip_metadata(&mut BufReader::new(File::open(path)?), kind, &mut same);
    match compared {
        Ok(report) if !same.differs && same.file.fill_buf()?.is_empty() => return Ok((report, None)),
        Ok(_) => {}
        Err(_) if same.differs => {}
        // Damage found while the output still matched: no copy is begun
        // (for a gigabyte cut short at its end, that would be a gigabyte written).
        Err(error) => return Err(error),
    }
    let mut copy = tempfile::Builder::new()
        .prefix("picbucket-outgoing-")
        .tempfile_in(temp_dir)?;
    let report = strip_metadata(&mut BufReader::new(File::open(path)?), kind, copy.as_file_mut())?;
    Ok((report, Some(copy.into_temp_path())))
}

/// A writer that checks what it is given against the file read alongside,
/// and fails at the first byte that differs (ending the walk there).
struct SameAsFile {
    file: BufReader<File>,
    scratch: Vec<u8>,
    differs: bool,
}

impl Write for SameAsFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.scratch.resize(buf.len(), 0);
        let same = self.file.read_exact(&mut self.scratch).is_ok() && self.scratch == buf;
        if !same {
            self.differs = true;
            return Err(std::io::Error::other("the stripped image differs from the file"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
#[path = "large_strip_tests.rs"]
mod tests;
