//! Checksums the server verifies, computed by streaming the file from disk,
//! and how servers say a checksum did not match or is not supported.

use crate::core::ChecksumSetting;
use crate::storage::error::StorageError;
use s3s::crypto::{Checksum as _, Crc32c, Crc64Nvme, Md5};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Read size while hashing: large enough that syscalls cost nothing next to
/// the hash, small enough to be irrelevant for memory.
const READ_CHUNK: usize = 256 * 1024;

/// One integrity check an upload request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Algorithm {
    Crc64Nvme,
    Crc32c,
    Md5,
}

impl Algorithm {
    /// The algorithm a setting starts with; `auto` starts with CRC32C, which
    /// Garage verifies too (it has no CRC64NVME and might ignore that header).
    pub fn initial(setting: ChecksumSetting) -> Self {
        match setting {
            ChecksumSetting::Auto | ChecksumSetting::Crc32c => Self::Crc32c,
            ChecksumSetting::Crc64nvme => Self::Crc64Nvme,
            ChecksumSetting::Md5 => Self::Md5,
        }
    }

    /// The request header that carries it.
    pub fn header(self) -> &'static str {
        match self {
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Md5 => "Content-MD5",
        }
    }

    /// What `CreateMultipartUpload` must announce (AWS refuses part checksums
    /// of an algorithm the upload was not created with). MD5 needs nothing.
    pub fn for_multipart(self) -> Option<aws_sdk_s3::types::ChecksumAlgorithm> {
        match self {
            Self::Crc64Nvme => Some(aws_sdk_s3::types::ChecksumAlgorithm::Crc64Nvme),
            Self::Crc32c => Some(aws_sdk_s3::types::ChecksumAlgorithm::Crc32C),
            Self::Md5 => None,
        }
    }
}

/// A computed checksum, base64 as the headers want it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Digest {
    pub algorithm: Algorithm,
    pub base64: String,
}

enum Hasher {
    Crc64Nvme(Crc64Nvme),
    Crc32c(Crc32c),
    Md5(Md5),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Crc64Nvme => Self::Crc64Nvme(Crc64Nvme::new()),
            Algorithm::Crc32c => Self::Crc32c(Crc32c::new()),
            Algorithm::Md5 => Self::Md5(Md5::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Crc64Nvme(h) => h.update(bytes),
            Self::Crc32c(h) => h.update(bytes),
            Self::Md5(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        let raw: Vec<u8> = match self {
            Self::Crc64Nvme(h) => h.finalize().to_vec(),
            Self::Crc32c(h) => h.finalize().to_vec(),
            Self::Md5(h) => h.finalize().to_vec(),
        };
        aws_smithy_types::base64::encode(raw)
    }
}

/// Checksum of bytes in memory.
pub(crate) fn digest_bytes(algorithm: Algorithm, bytes: &[u8]) -> Digest {
    let mut hasher = Hasher::new(algorithm);
    hasher.update(bytes);
    Digest {
        algorithm,
        base64: hasher.finish(),
    }
}

/// Checksum of `length` bytes of the file at `offset`, read in 256 KiB
/// chunks on a blocking thread: the file is never held in memory whole.
/// A file shorter than expected means it changed since it was checked.
pub(crate) async fn digest_file(
    path: &Path,
    offset: u64,
    length: u64,
    algorithm: Algorithm,
) -> Result<Digest, StorageError> {
    let path: PathBuf = path.to_owned();
    let hashed = tokio::task::spawn_blocking(move || digest_file_blocking(&path, offset, length, algorithm)).await;
    match hashed {
        Ok(Ok(base64)) => Ok(Digest { algorithm, base64 }),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(file_changed()),
        Ok(Err(e)) => Err(StorageError::File { detail: e.to_string() }),
        Err(join) => Err(StorageError::File {
            detail: format!("hashing stopped: {join}"),
        }),
    }
}

fn digest_file_blocking(path: &Path, offset: u64, length: u64, algorithm: Algorithm) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut reader = file.take(length);
    let mut hasher = Hasher::new(algorithm);
    let mut buffer = vec![0; READ_CHUNK.min(usize::try_from(length).unwrap_or(READ_CHUNK)).max(1)];
    let mut read = 0u64;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        read += n as u64;
    }
    if read != length {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(hasher.finish())
}

/// The failure for a file whose size or modification time moved under us.
pub(crate) fn file_changed() -> StorageError {
    StorageError::File {
        detail: "the file changed on disk during the upload; add it again".into(),
    }
}

/// Turns a server's answer about checksums into its own variant: a mismatch
/// (retried: the bytes were damaged on the way) or a refusal of the checksum
/// header (the `auto` setting falls back to Content-MD5).
pub(crate) fn refine(error: StorageError, sent: Algorithm) -> StorageError {
    let StorageError::Server { status, code, message } = &error else {
        return error;
    };
    if is_mismatch(code, message) {
        return StorageError::ChecksumMismatch {
            code: if code.is_empty() {
                "checksum mismatch".into()
            } else {
                code.clone()
            },
        };
    }
    if sent != Algorithm::Md5 && refuses_checksum_header(*status, code, message) {
        return StorageError::ChecksumRefused {
            header: sent.header().into(),
            code: match (status, code.is_empty()) {
                (Some(status), true) => format!("HTTP {status}"),
                _ => code.clone(),
            },
        };
    }
    error
}

/// s3s and AWS say `BadDigest` (Content-MD5 or x-amz-checksum-*), AWS's
/// newer checksums `XAmzContentChecksumMismatch`, some gateways
/// `InvalidDigest`; others only say so in the message.
fn is_mismatch(code: &str, message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    matches!(
        code,
        "BadDigest" | "InvalidDigest" | "XAmzContentChecksumMismatch" | "XAmzContentSHA256Mismatch"
    ) || code.to_ascii_lowercase().contains("checksummismatch")
        || ((lower.contains("checksum") || lower.contains("digest"))
            && (lower.contains("mismatch") || lower.contains("did not match") || lower.contains("does not match")))
}

/// R2 answers 501 NotImplemented for checksum headers it lacks; B2 answers
/// 400 InvalidArgument "Unsupported header 'x-amz-checksum-crc32' received
/// for this API call." (and likewise for `x-amz-checksum-algorithm`).
/// Gateways vary, so: any 501, or a 400-class argument error naming a checksum.
fn refuses_checksum_header(status: Option<u16>, code: &str, message: &str) -> bool {
    let names_checksum = message.to_ascii_lowercase().contains("checksum");
    match status {
        Some(501) => true,
        Some(400) => {
            names_checksum
                && matches!(
                    code,
                    "InvalidArgument" | "InvalidRequest" | "NotImplemented" | "UnsupportedHeader" | ""
                )
        }
        _ => code == "NotImplemented" && names_checksum,
    }
}

#[cfg(test)]
#[path = "checksum_tests.rs"]
mod tests;
