use crate::core::config::{Config, DEFAULT_PROFILE};

const TWO_PROFILES: &str = r#"
default_profile = "r2"

[profiles.home]
endpoint = "http://localhost:9000"
bucket = "photos"

[profiles.r2]
endpoint = "https://acct.r2.cloudflarestorage.com"
region = "auto"
bucket = "share"
"#;

#[test]
fn a_plain_storage_table_is_one_profile_called_default() {
    let config = Config::from_toml("[storage]\nbucket = \"mine\"\n").unwrap();
    assert_eq!(config.profile, DEFAULT_PROFILE);
    assert_eq!(config.storage.bucket, "mine");
    assert!(config.other_profiles.is_empty());
    let written = config.to_toml();
    assert!(
        written.contains("[storage]") && !written.contains("profiles"),
        "{written}"
    );
}

#[test]
fn named_profiles_start_on_the_default_one_and_switch() {
    let mut config = Config::from_toml(TWO_PROFILES).unwrap();
    assert_eq!(config.profile, "r2");
    assert_eq!(config.storage.region, "auto");
    assert_eq!(config.profile_names(), ["home", "r2"]);
    assert!(config.switch_profile("home"));
    assert_eq!(config.storage.endpoint, "http://localhost:9000");
    assert_eq!(config.profile_settings("r2").unwrap().bucket, "share");
    assert!(!config.switch_profile("nope"));
    assert_eq!(config.profile, "home");
}

#[test]
fn profiles_round_trip_through_the_file_form() {
    let mut config = Config::from_toml(TWO_PROFILES).unwrap();
    config.switch_profile("home");
    let again = Config::from_toml(&config.to_toml()).unwrap();
    assert_eq!(again, config);
    assert!(config.to_toml().contains("default_profile = \"home\""));
}

#[test]
fn with_profile_names_the_known_ones_when_the_name_is_wrong() {
    let config = Config::from_toml(TWO_PROFILES).unwrap();
    assert_eq!(config.with_profile("home").unwrap().storage.bucket, "photos");
    let err = config.with_profile("minio").unwrap_err().to_string();
    assert!(err.contains("`minio`") && err.contains("home, r2"), "{err}");
}

#[test]
fn a_default_profile_that_names_nothing_is_an_error() {
    let err = Config::from_toml("default_profile = \"x\"\n[profiles.a]\nbucket = \"abc\"\n").unwrap_err();
    assert!(err.contains("\"x\"") && err.contains('a'), "{err}");
}

#[test]
fn storage_beside_profiles_is_the_default_profile_unless_both_are_given() {
    let config = Config::from_toml("[storage]\nbucket = \"one\"\n[profiles.two]\nbucket = \"two\"\n").unwrap();
    assert_eq!(config.profile, DEFAULT_PROFILE);
    assert_eq!(config.profile_settings("two").unwrap().bucket, "two");
    let err = Config::from_toml("[storage]\nbucket = \"one\"\n[profiles.default]\nbucket = \"two\"\n").unwrap_err();
    assert!(err.contains("keep one"), "{err}");
}

#[test]
fn saving_an_edited_legacy_file_keeps_its_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "# picked by me\n[storage]\n# the NAS\nendpoint = \"http://nas:9000\"\nbucket = \"photos\"\n",
    )
    .unwrap();
    let mut config = Config::load(&path).unwrap();
    config.storage.bucket = "family".into();
    config.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# picked by me\n[storage]\n# the NAS\n"), "{text}");
    assert!(text.contains("bucket = \"family\""), "{text}");
    assert_eq!(Config::load(&path).unwrap(), config);
}
