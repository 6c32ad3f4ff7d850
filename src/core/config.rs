//! Settings: their TOML form, defaults, checks, and atomic owner-only saving.

use crate::core::checksum::ChecksumSetting;
use crate::core::expiry::LinkExpiry;
use crate::core::image_kind::{ImageKind, describe_kinds};
use crate::core::link_template::LinkTemplate;
use crate::core::links::{LinkFormat, LinkFormatSetting, LinkText};
use crate::core::naming::KeyTemplate;
use crate::core::private_file::write_private_atomically;
use crate::core::profiles::ConfigFile;
use crate::core::proxy::ProxySetting;
use crate::core::public_url::{PUBLIC_BASE_URL_LABEL, public_base_url_problem};
use crate::core::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `field_errors` key of the public base URL.
pub const KEY_PUBLIC_BASE_URL: &str = "storage.public_base_url";

/// `field_errors` key of the proxy.
pub const KEY_PROXY: &str = "storage.proxy";

/// `field_errors` key of the custom link template.
pub const KEY_LINK_TEMPLATE: &str = "ui.link_template";

/// The name of the one destination of a config file with a plain `[storage]` table.
pub const DEFAULT_PROFILE: &str = "default";

/// Everything in `config.toml`. Unknown keys are errors, so a typo is reported
/// instead of silently ignored.
///
/// Destinations are named profiles; `storage` holds the active one's settings
/// (named `profile`) and `other_profiles` the rest, so code that uploads needs
/// only `config.storage`. On disk (see `profiles.rs`) a file with one `[storage]`
/// table is one profile called `default`; several are `[profiles.NAME]` tables
/// with `default_profile = "NAME"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ConfigFile", into = "ConfigFile")]
pub struct Config {
    /// Settings of the active destination.
    pub storage: StorageConfig,
    /// Name of the active destination.
    pub profile: String,
    /// The other destinations, by name.
    pub other_profiles: BTreeMap<String, StorageConfig>,
    pub upload: UploadConfig,
    pub local: LocalStoreConfig,
    pub ui: UiConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            storage: StorageConfig::default(),
            profile: DEFAULT_PROFILE.into(),
            other_profiles: BTreeMap::new(),
            upload: UploadConfig::default(),
            local: LocalStoreConfig::default(),
            ui: UiConfig::default(),
        }
    }
}

/// Where uploads go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// S3 API endpoint such as `http://localhost:9000`. Empty: the built-in local store.
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    /// Empty: the standard AWS credential chain (env vars, AWS_PROFILE, ~/.aws files).
    pub access_key: String,
    pub secret_key: Secret,
    /// Path-style addressing (`endpoint/bucket/key`), needed by MinIO and most self-hosted servers.
    pub path_style: bool,
    /// PEM file of the CA that signed the server's certificate (self-hosted
    /// servers with a private CA). Trusted besides the system's store.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Integrity check sent with every upload and part: auto, crc64nvme, crc32c or md5.
    pub checksum: ChecksumSetting,
    /// A CDN or public-bucket address (`https://cdn.example.com`): links are then
    /// `{public_base_url}/{key}` and never expire. Empty: pre-signed links.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub public_base_url: String,
    /// Empty: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment; `none`:
    /// never a proxy; otherwise the proxy URL for this destination.
    #[serde(skip_serializing_if = "ProxySetting::is_empty")]
    pub proxy: ProxySetting,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            endpoint: String::new(),
            region: "us-east-1".into(),
            bucket: "photos".into(),
            access_key: String::new(),
            secret_key: Secret::default(),
            path_style: true,
            ca_file: None,
            checksum: ChecksumSetting::default(),
            public_base_url: String::new(),
            proxy: ProxySetting::default(),
        }
    }
}

impl StorageConfig {
    /// True when no endpoint is set and the built-in local store is used.
    pub fn uses_local_store(&self) -> bool {
        self.endpoint.trim().is_empty()
    }

    /// The public base URL links are made from, or `None` for pre-signed links.
    pub fn public_base(&self) -> Option<&str> {
        Some(self.public_base_url.trim()).filter(|base| !base.is_empty())
    }
}

/// What may be uploaded and how it is named.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UploadConfig {
    pub max_size_mb: u64,
    pub allowed_types: Vec<ImageKind>,
    pub key_template: String,
    pub link_expiry: LinkExpiry,
    /// Uploads running at once. Small bodies in memory are bounded by a
    /// byte budget (storage/body.rs), not by this count.
    pub concurrency: usize,
    /// Files larger than this go up in parts (multipart upload).
    pub multipart_threshold_mb: u64,
    /// Longest allowed side, against decompression bombs.
    pub max_side_px: u32,
    pub max_megapixels: u32,
    /// Tries per request (first try included) before a transient failure is reported.
    pub max_attempts: u32,
    /// Remove location and other private metadata (EXIF, XMP, IPTC, comments,
    /// appended images and videos) before upload, without re-encoding.
    pub strip_metadata: bool,
}

impl Default for UploadConfig {
    fn default() -> Self {
        Self {
            max_size_mb: 5,
            allowed_types: ImageKind::ALL.to_vec(),
            key_template: "{uuid}_{filename}".into(),
            link_expiry: LinkExpiry::default(),
            concurrency: 32,
            multipart_threshold_mb: 16,
            max_side_px: 16_384,
            max_megapixels: 100,
            max_attempts: 5,
            strip_metadata: true,
        }
    }
}

const BYTES_PER_MB: u64 = 1024 * 1024;

impl UploadConfig {
    pub fn max_size_bytes(&self) -> u64 {
        self.max_size_mb.saturating_mul(BYTES_PER_MB)
    }

    pub fn multipart_threshold_bytes(&self) -> u64 {
        self.multipart_threshold_mb.saturating_mul(BYTES_PER_MB)
    }
}

/// The built-in S3-compatible store used when no endpoint is configured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LocalStoreConfig {
    /// 0: reuse the port of the last run if free, otherwise any free port.
    pub port: u16,
    /// Empty: `local-store` under the user's data directory.
    pub data_dir: Option<PathBuf>,
}

/// The hotkey a new install listens for.
pub const DEFAULT_GLOBAL_HOTKEY: &str = "Ctrl+Shift+U";

/// Window behaviour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// Start uploading as soon as a file is validated; otherwise wait for "Upload".
    pub auto_upload: bool,
    /// After a single upload finishes, put its link on the clipboard.
    pub copy_link_after_upload: bool,
    /// A dropped folder adds the images in its subfolders too.
    pub recurse_folders: bool,
    /// A desktop notification when a batch finishes while the window is not
    /// in front.
    pub notify_when_done: bool,
    /// What auto-copy (and the hotkey) put on the clipboard: url, markdown, html, bbcode or custom.
    pub link_format: LinkFormatSetting,
    /// With `link_format = "custom"`: a template with {url}, {filename}, {key}, {width}, {height}.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub link_template: String,
    /// The system-wide shortcut that uploads the clipboard, e.g. "Ctrl+Shift+U";
    /// empty: none.
    pub global_hotkey: String,
    /// Closing the window leaves picbucket running in the tray (when a tray
    /// host is there): uploads go on and the hotkey keeps working.
    pub keep_in_tray: bool,
}

impl UiConfig {
    /// The format auto-copy uses; `Url` if the custom template is unusable
    /// (a loaded config has been validated, so that happens only mid-edit).
    pub fn link_text(&self) -> LinkText {
        self.link_format
            .resolve(&self.link_template)
            .unwrap_or(LinkText::Format(LinkFormat::Url))
    }
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            auto_upload: true,
            copy_link_after_upload: false,
            recurse_folders: false,
            notify_when_done: true,
            link_format: LinkFormatSetting::default(),
            link_template: String::new(),
            global_hotkey: DEFAULT_GLOBAL_HOTKEY.to_owned(),
            keep_in_tray: true,
        }
    }
}

/// A setting that is out of range: its key in the config file, and the
/// problem in the words of the Settings dialog (its labels, not file keys),
/// so the window can show `problem` alone.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{key}`: {problem}")]
pub struct InvalidValue {
    pub key: &'static str,
    pub problem: String,
}

/// `--profile` or `default_profile` names a destination that is not in the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("there is no destination called `{name}`; the config file has: {known}")]
pub struct UnknownProfile {
    pub name: String,
    pub known: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("The config file {path} does not exist")]
    Missing { path: PathBuf },
    #[error("Cannot read the config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("The config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("The config file {path} has a bad value for {invalid}")]
    Invalid { path: PathBuf, invalid: InvalidValue },
    #[error("Cannot save the config file {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

impl Config {
    /// Reads `path`; a missing file means all defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match Self::load_existing(path) {
            Err(ConfigError::Missing { .. }) => Ok(Self::default()),
            other => other,
        }
    }

    /// Reads `path`, which must exist: a file the user named (`--config`)
    /// that is missing is a mistake to report, not a reason to use defaults.
    pub fn load_existing(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing { path: path.to_owned() });
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let config = Self::from_toml(&text).map_err(|message| ConfigError::Parse {
            path: path.to_owned(),
            message,
        })?;
        config.validate().map_err(|invalid| ConfigError::Invalid {
            path: path.to_owned(),
            invalid,
        })?;
        Ok(config)
    }

    /// Parses TOML text (no range checks; see [`Config::validate`]).
    pub fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().replace('\n', " "))
    }

    pub fn to_toml(&self) -> String {
        // Serialising plain structs of strings, numbers and lists cannot fail.
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Every destination's name, sorted.
    pub fn profile_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.other_profiles.keys().map(String::as_str).collect();
        names.push(&self.profile);
        names.sort_unstable();
        names
    }

    /// The settings of the destination called `name`.
    pub fn profile_settings(&self, name: &str) -> Option<&StorageConfig> {
        if name == self.profile {
            Some(&self.storage)
        } else {
            self.other_profiles.get(name)
        }
    }

    /// Makes `name` the active destination; false (and no change) if there is none by that name.
    pub fn switch_profile(&mut self, name: &str) -> bool {
        if name == self.profile {
            return true;
        }
        let Some(settings) = self.other_profiles.remove(name) else {
            return false;
        };
        let previous = std::mem::replace(&mut self.storage, settings);
        let previous_name = std::mem::replace(&mut self.profile, name.to_owned());
        self.other_profiles.insert(previous_name, previous);
        true
    }

    /// A copy with `name` as the active destination (the CLI's `--profile`).
    pub fn with_profile(&self, name: &str) -> Result<Self, UnknownProfile> {
        let mut config = self.clone();
        if config.switch_profile(name) {
            Ok(config)
        } else {
            Err(UnknownProfile {
                name: name.to_owned(),
                known: self.profile_names().join(", "),
            })
        }
    }

    /// Checks every value; the first problem found is returned.
    pub fn validate(&self) -> Result<(), InvalidValue> {
        self.field_errors().into_iter().next().map_or(Ok(()), Err)
    }

    /// Writes the file atomically (temp file + rename) with owner-only permissions,
    /// since it may hold a secret key. The user's comments and key order in an
    /// existing file are kept: only values that changed are rewritten.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let previous = match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let fresh = self.to_toml();
        let text = previous
            .and_then(|old| crate::core::toml_merge::merge_keeping_comments(&old, &fresh))
            .unwrap_or(fresh);
        write_private_atomically(path, text.as_bytes()).map_err(|source| ConfigError::Write {
            path: path.to_owned(),
            source,
        })
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;

#[path = "config_check.rs"]
mod check;
