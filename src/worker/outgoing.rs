//! What an upload sends: the checked file as it is, or a temporary copy
//! without its private metadata; with the size and SHA-256 of those bytes.

use crate::core::strip::{StripError, StripReport, strip_metadata};
use crate::core::{Rejection, ValidatedImage};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// The bytes an upload sends: the checked file, or (with `strip_metadata`) a
/// temporary copy without its metadata, deleted when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct Outgoing {
    original: PathBuf,
    copy: Option<Arc<tempfile::TempPath>>,
    pub size_bytes: u64,
    pub sha256_hex: String,
    pub stripped: Option<StripReport>,
}

impl Outgoing {
    pub fn path(&self) -> &Path {
        self.copy.as_deref().map_or(&self.original, |copy| copy.as_ref())
    }
}

/// Reads the checked file once more: either streaming it through the
/// metadata stripper into a temporary file, or hashing it as it is. Both
/// read through a fixed buffer, so memory stays small for any file size.
pub fn prepare_outgoing(image: &ValidatedImage, strip: bool) -> Result<Outgoing, Rejection> {
    let unreadable = |e: std::io::Error| Rejection::Unreadable(e.to_string());
    if !strip {
        return Ok(Outgoing {
            original: image.path.clone(),
            copy: None,
            size_bytes: image.size_bytes,
            sha256_hex: sha256_file(&image.path).map_err(unreadable)?,
            stripped: None,
        });
    }
    let mut input = std::io::BufReader::new(std::fs::File::open(&image.path).map_err(unreadable)?);
    let mut copy = tempfile::Builder::new()
        .prefix("picbucket-outgoing-")
        .tempfile()
        .map_err(unreadable)?;
    let report = strip_metadata(&mut input, image.kind, copy.as_file_mut()).map_err(|e| match e {
        StripError::Truncated { kind } => Rejection::Truncated { kind },
        StripError::Malformed { kind, detail } => Rejection::BadHeader {
            kind,
            detail: detail.to_owned(),
        },
        StripError::Io(io) => unreadable(io),
    })?;
    Ok(Outgoing {
        original: image.path.clone(),
        size_bytes: report.bytes_written,
        sha256_hex: report.sha256_hex.clone(),
        copy: Some(Arc::new(copy.into_temp_path())),
        stripped: Some(report),
    })
}

/// SHA-256 of a file, read through a buffer (never whole into memory).
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = std::fs::File::open(path)?;
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Modification time as unix milliseconds, where the file system has one.
pub fn modified_ms(path: &Path) -> Option<i64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let since = modified.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_millis()).ok()
}
