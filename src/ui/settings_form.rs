//! The settings being edited: a draft copy of `Config` plus the text of the
//! fields that are not plain strings, checked field by field. Pure.

use crate::core::proxy::ProxySetting;
use crate::core::{Config, LinkExpiry, Secret};
use std::collections::BTreeMap;
use std::fmt;

pub const KEY_ENDPOINT: &str = "storage.endpoint";
pub const KEY_BUCKET: &str = "storage.bucket";
pub const KEY_SECRET: &str = "storage.secret_key";
pub const KEY_EXPIRY: &str = "upload.link_expiry";
pub const KEY_MAX_SIZE: &str = "upload.max_size_mb";
pub const KEY_TEMPLATE: &str = "upload.key_template";
pub use crate::core::config::{KEY_LINK_TEMPLATE, KEY_PROXY, KEY_PUBLIC_BASE_URL};

/// The global shortcut's field (checked here: its grammar is global-hotkey's).
pub const KEY_HOTKEY: &str = "ui.global_hotkey";

/// Problems by config key (e.g. `storage.bucket`), one sentence each.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// `Debug` is written by hand: `secret_key` is plain text for the text field,
/// and must print masked like [`Secret`].
#[derive(Clone, PartialEq)]
pub struct SettingsDraft {
    /// Everything else (and the unparsed fields' last good values).
    pub config: Config,
    /// "Built-in local store" rather than "S3-compatible server".
    pub use_local_store: bool,
    /// Kept while the local store is chosen, so switching back restores it.
    pub endpoint: String,
    pub secret_key: String,
    /// The proxy as typed (may hold a password, so `Debug` masks it).
    pub proxy: String,
    pub link_expiry: String,
    pub max_size_mb: String,
}

impl fmt::Debug for SettingsDraft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SettingsDraft")
            .field("config", &self.config)
            .field("use_local_store", &self.use_local_store)
            .field("endpoint", &self.endpoint)
            .field("secret_key", &Secret::new(self.secret_key.as_str()))
            .field("proxy", &ProxySetting::new(self.proxy.as_str()))
            .field("link_expiry", &self.link_expiry)
            .field("max_size_mb", &self.max_size_mb)
            .finish()
    }
}

impl SettingsDraft {
    pub fn from_config(config: &Config) -> Self {
        Self {
            config: config.clone(),
            use_local_store: config.storage.uses_local_store(),
            endpoint: config.storage.endpoint.clone(),
            secret_key: config.storage.secret_key.expose().to_owned(),
            proxy: config.storage.proxy.as_str().to_owned(),
            link_expiry: config.upload.link_expiry.to_string(),
            max_size_mb: config.upload.max_size_mb.to_string(),
        }
    }

    /// The settings the form describes, and every problem in them.
    pub fn build(&self) -> (Config, FieldErrors) {
        let mut config = self.config.clone();
        let mut errors = FieldErrors::new();
        config.storage.endpoint = if self.use_local_store {
            String::new()
        } else {
            self.endpoint.trim().to_owned()
        };
        if !self.use_local_store && config.storage.endpoint.is_empty() {
            errors.insert(
                KEY_ENDPOINT,
                "enter the server's S3 API address, e.g. https://s3.example.com or http://192.168.1.5:9000".into(),
            );
        }
        config.storage.bucket = config.storage.bucket.trim().to_owned();
        config.storage.secret_key = Secret::new(self.secret_key.clone());
        config.storage.proxy = ProxySetting::new(self.proxy.trim());
        config.storage.public_base_url = config.storage.public_base_url.trim().to_owned();
        match LinkExpiry::parse(&self.link_expiry) {
            Ok(expiry) => config.upload.link_expiry = expiry,
            Err(problem) => {
                errors.insert(KEY_EXPIRY, problem);
            }
        }
        match self.max_size_mb.trim().parse::<u64>() {
            Ok(mb) => config.upload.max_size_mb = mb,
            Err(_) => {
                errors.insert(
                    KEY_MAX_SIZE,
                    "enter a whole number of MiB (1 MiB = 1,048,576 bytes), e.g. 5".into(),
                );
            }
        }
        config.ui.global_hotkey = config.ui.global_hotkey.trim().to_owned();
        if let Err(problem) = crate::ui::hotkey::parse_hotkey(&config.ui.global_hotkey) {
            errors.insert(KEY_HOTKEY, problem);
        }
        for invalid in config.field_errors() {
            errors.entry(invalid.key).or_insert(invalid.problem);
        }
        (config, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_masks_the_typed_secret_key() {
        let mut config = Config::default();
        config.storage.secret_key = Secret::new("SECRET-s3cr3t-XYZ");
        let mut draft = SettingsDraft::from_config(&config);
        let shown = format!("{draft:?} {draft:#?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("secret_key: Secret(******)"), "{shown}");
        // A key being typed (not yet in the config) is masked too.
        draft.secret_key = "SECRET-typed-XYZ".into();
        draft.config.storage.secret_key = Secret::default();
        let shown = format!("{draft:?}");
        assert!(!shown.contains("typed"), "{shown}");
    }

    #[test]
    fn an_unchanged_draft_builds_the_same_config() {
        let mut config = Config::default();
        config.storage.endpoint = "http://127.0.0.1:9000".into();
        config.storage.access_key = "ak".into();
        config.storage.secret_key = Secret::new("sk");
        let (built, errors) = SettingsDraft::from_config(&config).build();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(built, config);
    }

    #[test]
    fn each_bad_field_is_flagged_under_its_own_key() {
        let mut draft = SettingsDraft::from_config(&Config::default());
        draft.use_local_store = false;
        draft.endpoint = "s3.example.com".into();
        draft.config.storage.bucket = "Bad Bucket".into();
        draft.link_expiry = "8d".into();
        draft.max_size_mb = "lots".into();
        draft.config.upload.key_template = "{nope}".into();
        let (_, errors) = draft.build();
        for key in [KEY_ENDPOINT, KEY_BUCKET, KEY_EXPIRY, KEY_MAX_SIZE, KEY_TEMPLATE] {
            assert!(errors.contains_key(key), "{key} not flagged: {errors:?}");
        }
        assert!(errors[KEY_ENDPOINT].contains("https://s3.example.com"));
        assert!(errors[KEY_EXPIRY].contains("7 days"));
    }

    #[test]
    fn choosing_a_server_without_an_address_is_an_error_and_the_local_store_keeps_the_typed_endpoint() {
        let mut draft = SettingsDraft::from_config(&Config::default());
        draft.use_local_store = false;
        assert!(draft.build().1.contains_key(KEY_ENDPOINT));
        draft.endpoint = "https://s3.example.com".into();
        draft.use_local_store = true;
        let (config, errors) = draft.build();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(config.storage.uses_local_store());
        assert_eq!(draft.endpoint, "https://s3.example.com");
    }
}
