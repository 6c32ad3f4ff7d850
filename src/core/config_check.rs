//! Checking a `Config` value by value, each problem worded with the Settings
//! dialog's labels so the window can show it under its field.

use super::*;

impl Config {
    /// Every problem, one per key, so a settings form can flag each field.
    pub fn field_errors(&self) -> Vec<InvalidValue> {
        let mut errors = Vec::new();
        let mut bad = |key: &'static str, problem: String| errors.push(InvalidValue { key, problem });
        let storage = &self.storage;
        let endpoint = storage.endpoint.trim();
        let has_scheme = endpoint.starts_with("http://") || endpoint.starts_with("https://");
        if !endpoint.is_empty() && !has_scheme {
            bad(
                "storage.endpoint",
                format!("Endpoint `{endpoint}` needs a scheme: write http://{endpoint} or https://{endpoint}"),
            );
        }
        if storage.bucket.trim().is_empty() {
            bad(
                "storage.bucket",
                "Bucket is empty: enter the name of the bucket to upload to".into(),
            );
        } else if !is_plausible_bucket_name(&storage.bucket) {
            bad(
                "storage.bucket",
                format!(
                    "Bucket `{}` is not a valid name: use 3 to 63 lowercase letters, digits, dots and hyphens",
                    storage.bucket
                ),
            );
        }
        if storage.access_key.is_empty() != storage.secret_key.is_empty() {
            bad(
                "storage.secret_key",
                "fill in both Access key and Secret key, or leave both empty to use the AWS credential chain".into(),
            );
        }
        if let Some(problem) = public_base_url_problem(&storage.public_base_url) {
            bad(KEY_PUBLIC_BASE_URL, problem);
        } else if storage.public_base().is_some() && storage.uses_local_store() {
            bad(
                KEY_PUBLIC_BASE_URL,
                format!(
                    "{PUBLIC_BASE_URL_LABEL} needs an endpoint, because the built-in store only serves signed links."
                ),
            );
        }
        if let Some(problem) = storage.proxy.problem() {
            bad(KEY_PROXY, problem);
        }
        let upload = &self.upload;
        if upload.max_size_mb == 0 {
            bad("upload.max_size_mb", "Max file size must be at least 1 MiB".into());
        }
        if upload.allowed_types.is_empty() {
            bad(
                "upload.allowed_types",
                format!(
                    "no image type is allowed; allow at least one of {}",
                    describe_kinds(&ImageKind::ALL)
                ),
            );
        }
        if let Err(e) = KeyTemplate::parse(&upload.key_template) {
            bad("upload.key_template", e.to_string());
        }
        if !(1..=64).contains(&upload.concurrency) {
            bad(
                "upload.concurrency",
                format!("{} uploads at once is out of range; use 1 to 64", upload.concurrency),
            );
        }
        if upload.multipart_threshold_mb < 5 {
            bad(
                "upload.multipart_threshold_mb",
                "the multipart threshold must be at least 5 MiB, the smallest part S3 accepts".into(),
            );
        }
        if !(1..=20).contains(&upload.max_attempts) {
            bad(
                "upload.max_attempts",
                format!(
                    "{} attempts per upload is out of range; use 1 to 20",
                    upload.max_attempts
                ),
            );
        }
        if upload.max_side_px == 0 || upload.max_megapixels == 0 {
            bad("upload.max_side_px", "the image size limits must be at least 1".into());
        }
        let ui = &self.ui;
        let template_used = ui.link_format == LinkFormatSetting::Custom || !ui.link_template.trim().is_empty();
        if template_used && let Err(error) = LinkTemplate::parse(&ui.link_template) {
            bad(KEY_LINK_TEMPLATE, error.to_string());
        }
        errors
    }
}

/// S3's bucket naming rules, loosely: other servers accept a bit more, so only
/// what no server accepts is refused.
fn is_plausible_bucket_name(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}
