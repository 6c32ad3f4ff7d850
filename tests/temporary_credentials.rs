//! Links signed with temporary credentials end when the credentials do, and
//! say so: `expires_at` is the credentials' end, not the configured expiry.

mod common;

use common::{TestServer, http_get, read};
use image::ImageFormat;
use picbucket::test_support::write_image;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

#[test]
fn a_link_signed_with_credentials_that_end_in_an_hour_expires_in_an_hour() {
    let server = TestServer::start();
    let mut config = server.config();
    let keys = config.storage.clone();
    // No keys in Settings: the AWS chain is used, here a credential_process
    // (as SSO helpers are) that hands out the server's keys for one hour.
    config.storage.access_key = String::new();
    config.storage.secret_key = picbucket::core::Secret::default();
    let config_path = server.write_config(&config);
    let dir = server.data.path();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let ends = time::OffsetDateTime::from_unix_timestamp(i64::try_from(now).unwrap() + 3600).unwrap();
    let ends_text = ends.format(&time::format_description::well_known::Rfc3339).unwrap();
    let answer = dir.join("credentials.json");
    std::fs::write(
        &answer,
        format!(
            r#"{{"Version": 1, "AccessKeyId": "{}", "SecretAccessKey": "{}", "Expiration": "{ends_text}"}}"#,
            keys.access_key,
            keys.secret_key.expose()
        ),
    )
    .unwrap();
    let aws_config = dir.join("aws-config");
    std::fs::write(
        &aws_config,
        format!("[default]\ncredential_process = cat {}\n", answer.display()),
    )
    .unwrap();
    let empty = dir.join("aws-credentials");
    std::fs::write(&empty, "").unwrap();
    let photo = write_image(dir, "temp.png", ImageFormat::Png, 10, 10);

    let out = Command::new(env!("CARGO_BIN_EXE_picbucket"))
        .args([
            "--config",
            config_path.to_str().unwrap(),
            "upload",
            "--json",
            photo.to_str().unwrap(),
        ])
        .env("PICBUCKET_DATA_DIR", dir)
        .env("HOME", dir)
        .env("AWS_CONFIG_FILE", &aws_config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let line: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let expires_at = line["expires_at"].as_u64().unwrap();
    // The configured expiry is 7 days; the credentials end in an hour.
    assert!(
        expires_at.abs_diff(now + 3600) <= 5,
        "expires_at {expires_at}, now {now}"
    );
    assert_eq!(http_get(line["url"].as_str().unwrap()), Ok(read(&photo)));
}
