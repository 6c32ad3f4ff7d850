//! What `storage.checksum = "auto"` learned: destinations (endpoint and
//! bucket) that refuse checksum headers and get Content-MD5 instead. Kept in
//! a small owner-only file in the data directory, so the next run does not
//! pay for the refusal again.

use crate::core::private_file::write_private_atomically;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// File name in the data directory.
pub(crate) const FILE_NAME: &str = "checksum-fallbacks.toml";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Remembered {
    /// "endpoint bucket" of each destination that wants Content-MD5.
    #[serde(default)]
    md5_only: BTreeSet<String>,
}

/// One destination's entry in the file, loaded once per client.
#[derive(Debug)]
pub(crate) struct ChecksumMemory {
    file: Option<PathBuf>,
    destination: String,
    md5_only: AtomicBool,
}

impl ChecksumMemory {
    /// Reads what was learned about `endpoint` + `bucket` from `file` (none: remember
    /// for this process only). A missing or damaged file means nothing learned yet.
    pub fn load(file: Option<PathBuf>, endpoint: &str, bucket: &str) -> Self {
        let destination = format!("{endpoint} {bucket}");
        let md5_only = file
            .as_deref()
            .map(read)
            .is_some_and(|remembered| remembered.md5_only.contains(&destination));
        Self {
            file,
            destination,
            md5_only: AtomicBool::new(md5_only),
        }
    }

    /// The default file: `checksum-fallbacks.toml` in the data directory.
    pub fn default_file() -> Option<PathBuf> {
        crate::core::paths::default_data_dir().map(|dir| dir.join(FILE_NAME))
    }

    pub fn md5_only(&self) -> bool {
        self.md5_only.load(Ordering::Relaxed)
    }

    /// Records that this destination refused a checksum header. Written at
    /// once (a few bytes, once per destination ever); a failed write only
    /// means the next run learns it again, so it is logged, not returned.
    pub fn learn_md5_only(&self) {
        if self.md5_only.swap(true, Ordering::Relaxed) {
            return;
        }
        tracing::info!(destination = %self.destination, "server refuses checksum headers; using Content-MD5 from now on");
        let Some(file) = &self.file else { return };
        let mut remembered = read(file);
        remembered.md5_only.insert(self.destination.clone());
        let text = toml::to_string(&remembered).unwrap_or_default();
        if let Err(e) = write_private_atomically(file, text.as_bytes()) {
            tracing::warn!(file = %file.display(), error = %e, "could not remember the checksum fallback");
        }
    }
}

fn read(file: &Path) -> Remembered {
    match std::fs::read_to_string(file) {
        Ok(text) => toml::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(file = %file.display(), error = %e, "ignoring a damaged checksum fallback file");
            Remembered::default()
        }),
        Err(_) => Remembered::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_learned_fallback_is_remembered_per_endpoint_and_bucket_in_an_owner_only_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        let memory = ChecksumMemory::load(Some(file.clone()), "https://b2.example", "photos");
        assert!(!memory.md5_only());
        memory.learn_md5_only();
        assert!(memory.md5_only());

        assert!(ChecksumMemory::load(Some(file.clone()), "https://b2.example", "photos").md5_only());
        assert!(!ChecksumMemory::load(Some(file.clone()), "https://b2.example", "other").md5_only());
        assert!(!ChecksumMemory::load(Some(file.clone()), "https://minio.example", "photos").md5_only());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_file_means_nothing_learned() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        std::fs::write(&file, "not = [toml").unwrap();
        assert!(!ChecksumMemory::load(Some(file), "e", "b").md5_only());
    }
}
