//! Which integrity check an upload carries: a setting per destination.

use serde::{Deserialize, Serialize};

/// `storage.checksum` in `config.toml`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChecksumSetting {
    /// CRC32C header; Content-MD5 from then on if the server refuses checksum headers.
    #[default]
    Auto,
    /// `x-amz-checksum-crc64nvme` (AWS, MinIO, R2, s3s-fs; not Garage).
    Crc64nvme,
    /// `x-amz-checksum-crc32c` (AWS, MinIO, Garage, s3s-fs).
    Crc32c,
    /// `Content-MD5` (every S3 server, including B2).
    Md5,
}
