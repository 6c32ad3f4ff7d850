//! Pure logic: settings, validation, key naming, link formats, thumbnails.
//!
//! Nothing here names tokio, egui or the S3 SDK, so all of it is unit-tested
//! without a runtime, a window or a server.

mod byte_reader;
pub mod checksum;
pub mod config;
pub mod expiry;
mod gif_blocks;
pub mod image_kind;
pub mod link_template;
pub mod links;
pub mod log_files;
pub mod naming;
pub mod paths;
mod png_header;
pub mod private_file;
pub mod profiles;
pub mod proxy;
pub mod public_url;
pub mod secret;
pub mod splice;
pub mod strip;
pub mod thumbnail;
mod thumbnail_jpeg;
pub mod toml_merge;
pub mod validate;

pub use checksum::ChecksumSetting;
pub use config::{Config, ConfigError, LocalStoreConfig, StorageConfig, UiConfig, UploadConfig};
pub use expiry::LinkExpiry;
pub use image_kind::ImageKind;
pub use link_template::{LinkInfo, LinkTemplate, LinkTemplateError};
pub use links::{LinkFormat, LinkFormatSetting, LinkText};
pub use naming::{KeyInputs, KeyTemplate};
pub use proxy::{ProxyChoice, ProxySetting};
pub use secret::Secret;
pub use validate::{Rejection, ValidatedImage, ValidationRules};
