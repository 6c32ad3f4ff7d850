use super::*;

#[test]
fn defaults_match_the_original_backend() {
    let config = Config::default();
    assert_eq!(config.storage.region, "us-east-1");
    assert!(config.storage.uses_local_store());
    assert_eq!(config.upload.max_size_bytes(), 5 * 1024 * 1024);
    assert_eq!(config.upload.key_template, "{uuid}_{filename}");
    assert_eq!(config.upload.link_expiry.as_secs(), 604_800);
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn the_example_file_parses_and_is_valid() {
    let text = include_str!("../../config.example.toml");
    let config = Config::from_toml(text).expect("config.example.toml parses");
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(config.storage.endpoint, "http://localhost:9000");
}

#[test]
fn an_unknown_key_names_the_key() {
    let err = Config::from_toml("[storage]\nbukket = \"x\"\n").unwrap_err();
    assert!(err.contains("bukket"), "{err}");
}

#[test]
fn a_disallowed_type_names_the_allowed_ones() {
    let err = Config::from_toml("[upload]\nallowed_types = [\"bmp\"]\n").unwrap_err();
    assert!(err.contains("bmp") && err.contains("jpeg"), "{err}");
}

#[test]
fn a_link_expiry_over_seven_days_is_an_error() {
    let err = Config::from_toml("[upload]\nlink_expiry = \"30d\"\n").unwrap_err();
    assert!(err.contains("7 days"), "{err}");
    let ok = Config::from_toml("[upload]\nlink_expiry = 3600\n").unwrap();
    assert_eq!(ok.upload.link_expiry.as_secs(), 3600);
}

#[test]
fn an_endpoint_without_scheme_is_flagged_with_a_fix() {
    let mut config = Config::default();
    config.storage.endpoint = "localhost:9000".into();
    let err = config.validate().unwrap_err();
    assert_eq!(err.key, "storage.endpoint");
    assert!(err.problem.contains("http://localhost:9000"));
}

#[test]
fn every_bad_field_is_reported_once() {
    let mut config = Config::default();
    config.storage.bucket = String::new();
    config.upload.concurrency = 0;
    config.upload.key_template = "{nope}".into();
    let keys: Vec<_> = config.field_errors().into_iter().map(|e| e.key).collect();
    assert_eq!(keys, ["storage.bucket", "upload.key_template", "upload.concurrency"]);
}

#[test]
fn load_reports_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "[upload]\nconcurrency = 0\n").unwrap();
    let message = Config::load(&path).unwrap_err().to_string();
    assert!(
        message.contains("config.toml") && message.contains("upload.concurrency"),
        "{message}"
    );
}

#[test]
fn a_missing_file_means_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&dir.path().join("absent.toml")).unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn save_then_load_round_trips_with_owner_only_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("config.toml");
    let mut config = Config::default();
    config.storage.endpoint = "https://s3.example.test:1443".into();
    config.storage.access_key = "AKIA".into();
    config.storage.secret_key = Secret::new("very-secret");
    config.upload.link_expiry = LinkExpiry::parse("1d").unwrap();
    config.save(&path).unwrap();
    assert_eq!(Config::load(&path).unwrap(), config);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn debug_output_of_a_config_hides_the_secret_key() {
    let mut config = Config::default();
    config.storage.secret_key = Secret::new("hunter2-secret");
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn checksum_and_max_attempts_parse_and_are_range_checked() {
    let config = Config::from_toml("[storage]\nchecksum = \"md5\"\n[upload]\nmax_attempts = 1\n").unwrap();
    assert_eq!(config.storage.checksum, crate::core::ChecksumSetting::Md5);
    assert_eq!(config.upload.max_attempts, 1);
    assert_eq!(Config::default().storage.checksum, crate::core::ChecksumSetting::Auto);
    assert_eq!(Config::default().upload.max_attempts, 5);
    assert!(Config::from_toml("[storage]\nchecksum = \"sha1\"\n").is_err());
    for bad in [0, 21] {
        let mut config = Config::default();
        config.upload.max_attempts = bad;
        let error = config.validate().unwrap_err();
        assert_eq!(error.key, "upload.max_attempts", "{bad}");
    }
}
// Boundaries that mutation testing (cargo mutants) found untested.

#[test]
fn the_multipart_threshold_counts_in_mib() {
    let upload = UploadConfig {
        multipart_threshold_mb: 16,
        ..UploadConfig::default()
    };
    assert_eq!(upload.multipart_threshold_bytes(), 16 * 1024 * 1024);
}

#[test]
fn the_multipart_threshold_may_be_exactly_5_mib_but_not_less() {
    let mut config = Config::default();
    config.upload.multipart_threshold_mb = 5;
    assert_eq!(config.validate(), Ok(()));
    config.upload.multipart_threshold_mb = 4;
    assert_eq!(
        config.validate().map_err(|e| e.key),
        Err("upload.multipart_threshold_mb")
    );
}

#[test]
fn each_image_size_limit_must_be_at_least_1() {
    for (side, megapixels) in [(0, 100), (16_384, 0)] {
        let mut config = Config::default();
        config.upload.max_side_px = side;
        config.upload.max_megapixels = megapixels;
        assert_eq!(
            config.validate().map_err(|e| e.key),
            Err("upload.max_side_px"),
            "{side} {megapixels}"
        );
    }
}

#[test]
fn a_bucket_name_is_3_to_63_allowed_characters() {
    for (bucket, ok) in [
        ("abc", true),
        ("photos-2026.x_y", true),
        ("ab", false),
        ("a".repeat(64).as_str(), false),
        ("ABC", false),
    ] {
        let mut config = Config::default();
        config.storage.bucket = bucket.into();
        assert_eq!(config.validate().is_ok(), ok, "{bucket}");
    }
}

#[test]
fn a_config_path_that_cannot_be_read_is_not_reported_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    // A folder exists but cannot be read as a file.
    let err = Config::load_existing(dir.path()).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
    let gone = dir.path().join("gone.toml");
    assert!(matches!(Config::load_existing(&gone), Err(ConfigError::Missing { .. })));
    assert_eq!(Config::load(&gone).unwrap(), Config::default());
}

#[test]
fn a_public_base_url_is_checked_under_its_key_and_needs_an_endpoint() {
    let mut config = Config::default();
    config.storage.endpoint = "https://s3.example.test".into();
    config.storage.public_base_url = "cdn.example.com".into();
    let error = config.validate().unwrap_err();
    assert_eq!(error.key, KEY_PUBLIC_BASE_URL);
    assert!(
        error.problem.starts_with("Public base URL must start with"),
        "{}",
        error.problem
    );
    config.storage.public_base_url = "https://cdn.example.com/".into();
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(config.storage.public_base(), Some("https://cdn.example.com/"));
    config.storage.endpoint = String::new();
    let error = config.validate().unwrap_err();
    assert_eq!(
        (error.key, error.problem.as_str()),
        (
            KEY_PUBLIC_BASE_URL,
            "Public base URL needs an endpoint, because the built-in store only serves signed links."
        )
    );
}

#[test]
fn an_empty_public_base_url_is_not_written() {
    let text = Config::default().to_toml();
    assert!(!text.contains("public_base_url"), "{text}");
}

#[test]
fn a_custom_link_format_needs_a_valid_template_under_its_key() {
    let mut config = Config::from_toml("[ui]\nlink_format = \"custom\"\n").unwrap();
    assert_eq!(config.ui.link_format, crate::core::LinkFormatSetting::Custom);
    let error = config.validate().unwrap_err();
    assert_eq!(error.key, KEY_LINK_TEMPLATE);
    assert!(
        error.problem.starts_with("The link template is empty"),
        "{}",
        error.problem
    );
    config.ui.link_template = "[img]{link}[/img]".into();
    assert!(config.validate().unwrap_err().problem.contains("{link}"));
    config.ui.link_template = "[img]{url}[/img]".into();
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(
        config.ui.link_text(),
        crate::core::LinkText::Template(crate::core::LinkTemplate::parse("[img]{url}[/img]").unwrap())
    );
    let bbcode = Config::from_toml("[ui]\nlink_format = \"bbcode\"\n").unwrap();
    assert_eq!(
        bbcode.ui.link_text(),
        crate::core::LinkText::Format(crate::core::LinkFormat::BbCode)
    );
    assert!(Config::from_toml("[ui]\nlink_format = \"rst\"\n").is_err());
}

#[test]
fn link_and_proxy_settings_round_trip_per_profile_keeping_comments() {
    use crate::core::{LinkFormatSetting, ProxySetting};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "# mine\n[ui]\n# how links are copied\nlink_format = \"url\"\n").unwrap();
    let mut config = Config::load(&path).unwrap();
    config.storage.endpoint = "https://s3.example.test".into();
    config.storage.public_base_url = "https://cdn.example.com/p".into();
    config.storage.proxy = ProxySetting::new("http://me:pw@proxy.example.com:3128");
    let work = StorageConfig {
        endpoint: "http://minio.example.test:9000".into(),
        public_base_url: "http://minio.example.test:9000/photos".into(),
        proxy: ProxySetting::new("none"),
        ..StorageConfig::default()
    };
    config.other_profiles.insert("work".into(), work);
    config.ui.link_format = LinkFormatSetting::Custom;
    config.ui.link_template = "[img]{url}[/img]".into();
    config.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# how links are copied\nlink_format = \"custom\""),
        "{text}"
    );
    assert!(text.contains("link_template = \"[img]{url}[/img]\""), "{text}");
    let loaded = Config::load(&path).unwrap();
    assert_eq!(loaded, config);
    assert_eq!(loaded.profile_settings("work").unwrap().proxy.as_str(), "none");

    config.storage.public_base_url.clear();
    config.storage.proxy = ProxySetting::default();
    config.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("cdn.example.com") && !text.contains("proxy.example.com"),
        "{text}"
    );
    assert_eq!(Config::load(&path).unwrap(), config);
}

#[test]
fn a_bad_proxy_is_flagged_under_its_key() {
    let mut config = Config::default();
    config.storage.proxy = crate::core::ProxySetting::new("socks5://p:1080");
    let error = config.validate().unwrap_err();
    assert_eq!(error.key, KEY_PROXY);
    assert!(error.problem.starts_with("Proxy must start with"), "{}", error.problem);
}
