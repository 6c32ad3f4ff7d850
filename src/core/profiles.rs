//! The on-disk shape of `config.toml`'s destinations, and its conversion to
//! [`Config`]: one `[storage]` table (the form every earlier file has) is a
//! single profile called `default`; several destinations are
//! `[profiles.NAME]` tables with `default_profile = "NAME"`.

use crate::core::config::{Config, DEFAULT_PROFILE, LocalStoreConfig, StorageConfig, UiConfig, UploadConfig};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `config.toml` as written.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    default_profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage: Option<StorageConfig>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    profiles: BTreeMap<String, StorageConfig>,
    upload: UploadConfig,
    local: LocalStoreConfig,
    ui: UiConfig,
}

/// Longest profile name, so it fits the top bar.
const MAX_PROFILE_NAME_CHARS: usize = 40;

/// Why a profile name is refused, or `None` when it is fine.
pub fn profile_name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        Some("a destination needs a name".into())
    } else if name.chars().count() > MAX_PROFILE_NAME_CHARS {
        Some(format!("`{name}` is longer than {MAX_PROFILE_NAME_CHARS} characters"))
    } else if name.chars().any(char::is_control) || name != name.trim() {
        Some(format!(
            "`{}` has control characters or spaces at its ends",
            name.escape_default()
        ))
    } else {
        None
    }
}

impl TryFrom<ConfigFile> for Config {
    type Error = String;

    fn try_from(file: ConfigFile) -> Result<Self, String> {
        let ConfigFile {
            default_profile,
            storage,
            mut profiles,
            upload,
            local,
            ui,
        } = file;
        if let Some(settings) = storage {
            // A `[storage]` table beside `[profiles.*]` is the profile `default`.
            if profiles.insert(DEFAULT_PROFILE.to_owned(), settings).is_some() {
                return Err(format!(
                    "both [storage] and [profiles.{DEFAULT_PROFILE}] are set; keep one of them"
                ));
            }
        }
        if let Some(problem) = profiles.keys().find_map(|name| profile_name_problem(name)) {
            return Err(problem);
        }
        let active = match default_profile {
            Some(name) if profiles.contains_key(&name) => name,
            Some(name) if profiles.is_empty() && name == DEFAULT_PROFILE => name,
            Some(name) => {
                let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
                return Err(format!(
                    "default_profile = \"{name}\" names no destination; the file has: {}",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ));
            }
            None => match profiles.keys().next() {
                Some(first) if !profiles.contains_key(DEFAULT_PROFILE) => first.clone(),
                _ => DEFAULT_PROFILE.to_owned(),
            },
        };
        let storage = profiles.remove(&active).unwrap_or_default();
        Ok(Self {
            storage,
            profile: active,
            other_profiles: profiles,
            upload,
            local,
            ui,
        })
    }
}

impl From<Config> for ConfigFile {
    fn from(config: Config) -> Self {
        let Config {
            storage,
            profile,
            mut other_profiles,
            upload,
            local,
            ui,
        } = config;
        if other_profiles.is_empty() && profile == DEFAULT_PROFILE {
            // One destination keeps the simple form every earlier file has.
            return Self {
                default_profile: None,
                storage: Some(storage),
                profiles: BTreeMap::new(),
                upload,
                local,
                ui,
            };
        }
        other_profiles.insert(profile.clone(), storage);
        Self {
            default_profile: Some(profile),
            storage: None,
            profiles: other_profiles,
            upload,
            local,
            ui,
        }
    }
}

#[cfg(test)]
#[path = "profiles_tests.rs"]
mod tests;
