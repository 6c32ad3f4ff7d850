//! The real binary, as a script would run it, against the in-process server.

mod common;

use common::{TestServer, http_get, picbucket, read, text};
use image::ImageFormat;
use picbucket::test_support::write_image;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn upload_prints_a_link_that_downloads_the_same_bytes() {
    let server = TestServer::start();
    let config = server.write_config(&server.config());
    let photo = write_image(server.data.path(), "photo.jpg", ImageFormat::Jpeg, 200, 100);
    let out = picbucket(&config, &["upload", photo.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].contains("_photo.jpg?"), "{}", lines[0]);
    assert_eq!(http_get(lines[0]), Ok(read(&photo)));
}

#[test]
fn a_text_file_named_jpg_is_rejected_clearly_and_nothing_is_uploaded() {
    let server = TestServer::start();
    let config = server.write_config(&server.config());
    let fake = server.data.path().join("holiday.jpg");
    std::fs::write(&fake, "this is text, not a photo\n").unwrap();
    let out = picbucket(&config, &["upload", fake.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("holiday.jpg") && stderr.contains("not an image"),
        "{stderr}"
    );
    assert_eq!(server.object_count(), 0);
}

#[test]
fn json_output_keeps_input_order_and_reports_each_file() {
    let server = TestServer::start();
    let config = server.write_config(&server.config());
    let dir = server.data.path();
    let a = write_image(dir, "a.png", ImageFormat::Png, 30, 20);
    let missing = dir.join("missing.gif");
    let b = write_image(dir, "b.webp", ImageFormat::WebP, 10, 10);
    let out = picbucket(
        &config,
        &[
            "upload",
            "--json",
            a.to_str().unwrap(),
            missing.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let rows: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert_eq!(rows[0]["file"], a.to_str().unwrap());
    assert_eq!(rows[0]["content_type"], "image/png");
    assert_eq!(rows[0]["size"], read(&a).len());
    assert!(rows[1]["error"].as_str().unwrap().contains("does not exist"));
    assert_eq!(rows[2]["content_type"], "image/webp");
    assert_eq!(http_get(rows[2]["url"].as_str().unwrap()), Ok(read(&b)));
    assert_eq!(server.object_count(), 2);
}

#[test]
fn a_bad_config_value_names_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[upload]\nlink_expiry = \"30d\"\n").unwrap();
    let out = picbucket(&config, &["upload", "x.png"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("config.toml") && stderr.contains("link_expiry") && stderr.contains("7 days"),
        "{stderr}"
    );
}

#[test]
fn test_connection_reports_a_missing_bucket() {
    let server = TestServer::start();
    let mut settings = server.config();
    settings.storage.bucket = "absent-bucket".into();
    let config = server.write_config(&settings);
    let out = picbucket(&config, &["test-connection"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("`absent-bucket` does not exist"),
        "{}",
        text(&out.stderr)
    );
    let config = server.write_config(&server.config());
    let out = picbucket(&config, &["test-connection"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Connected to bucket `photos`"));
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("none.toml");
    for args in [
        &["--help"][..],
        &["upload", "--help"],
        &["test-connection", "--help"],
        &["serve-local", "--help"],
    ] {
        let out = picbucket(&config, args);
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
}

/// `serve-local` in one process, `upload` in another: the upload (with no
/// endpoint configured) uses the running store, and its link keeps working
/// after the uploading process has exited.
#[test]
fn serve_local_serves_links_made_by_a_separate_upload() {
    let data = tempfile::tempdir().unwrap();
    let config = data.path().join("config.toml");
    std::fs::write(&config, "").unwrap(); // empty: defaults, built-in store
    let mut server = Command::new(env!("CARGO_BIN_EXE_picbucket"))
        .args(["--config", config.to_str().unwrap(), "serve-local"])
        .env("PICBUCKET_DATA_DIR", data.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let endpoint = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.trim().strip_prefix("endpoint:").map(|e| e.trim().to_owned()))
        .expect("serve-local prints its endpoint");
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");

    let photo = write_image(data.path(), "shared.gif", ImageFormat::Gif, 20, 20);
    let out = Command::new(env!("CARGO_BIN_EXE_picbucket"))
        .args(["--config", config.to_str().unwrap(), "upload", photo.to_str().unwrap()])
        .env("PICBUCKET_DATA_DIR", data.path())
        .output()
        .unwrap();
    let link = text(&out.stdout).trim().to_owned();
    let fetched = out.status.success().then(|| http_get(&link));
    server.kill().ok();
    server.wait().ok();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let fetched = fetched.expect("fetched after a successful upload");
    assert!(link.starts_with(&endpoint), "{link} vs {endpoint}");
    assert_eq!(fetched, Ok(read(&photo)));
}

#[test]
fn a_config_file_named_but_missing_is_an_error_not_a_switch_to_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let photo = write_image(dir.path(), "photo.png", ImageFormat::Png, 8, 8);
    let typo = dir.path().join("confg.toml");
    let expected = format!(
        "The config file {} does not exist — check the path, or omit --config",
        typo.display()
    );
    // By --config ...
    let out = picbucket(&typo, &["upload", photo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&expected), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    // ... or by PICBUCKET_CONFIG.
    let out = Command::new(env!("CARGO_BIN_EXE_picbucket"))
        .arg("test-connection")
        .env("PICBUCKET_CONFIG", &typo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&expected), "{}", text(&out.stderr));
    assert!(!typo.exists(), "nothing may create the mistyped file");
}

#[test]
fn a_missing_default_config_file_means_defaults() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let gone = home.path().join("gone.png");
    let out = Command::new(env!("CARGO_BIN_EXE_picbucket"))
        .args(["upload", gone.to_str().unwrap()])
        .env_remove("PICBUCKET_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("PICBUCKET_DATA_DIR", &data)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    // The config loaded (defaults: the built-in store); only the file failed.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("built-in local store"), "{stderr}");
    assert!(
        stderr.contains("gone.png") && stderr.contains("does not exist"),
        "{stderr}"
    );
}

#[test]
fn logs_on_a_piped_stderr_carry_no_colour_codes() {
    let server = TestServer::start();
    let config = server.write_config(&server.config());
    let photo = write_image(server.data.path(), "photo.png", ImageFormat::Png, 20, 20);
    let out = picbucket(&config, &["-v", "upload", photo.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(" INFO "), "-v must log at info: {stderr}");
    assert!(!stderr.contains("\x1b["), "colour codes on a pipe: {stderr:?}");
}
