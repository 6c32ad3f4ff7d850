//! Where picbucket keeps its files.

use directories::ProjectDirs;
use std::path::PathBuf;

/// The application id; also eframe's, so window state lands beside our data.
pub const APP_ID: &str = "picbucket";

/// Environment variable that overrides the config file path.
pub const CONFIG_ENV: &str = "PICBUCKET_CONFIG";
/// Environment variable that overrides the data directory (local store, logs).
pub const DATA_DIR_ENV: &str = "PICBUCKET_DATA_DIR";

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", APP_ID)
}

/// `config.toml` in the user's config directory, e.g. `~/.config/picbucket/config.toml`.
pub fn default_config_file() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The user's data directory, e.g. `~/.local/share/picbucket`, unless
/// `PICBUCKET_DATA_DIR` says otherwise.
pub fn default_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    project_dirs().map(|dirs| dirs.data_dir().to_path_buf())
}
