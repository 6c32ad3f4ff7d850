//! Links as the real binary prints them after a real upload to the
//! in-process server: through a public base URL (never fetched) and in the
//! user's own formats.

mod common;

use common::harness::Harness;
use common::{TestServer, picbucket, read, text};
use image::ImageFormat;
use picbucket::test_support::write_image;
use picbucket::worker::{Command as WorkerCommand, Event, FolderMode, WorkerOptions};

const BASE: &str = "https://cdn.example.com/pics/";

#[test]
fn upload_prints_base_slash_key_encoded_once_and_stores_the_object() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.public_base_url = BASE.into();
    let config_path = server.write_config(&config);
    let photo = write_image(server.data.path(), "a b+c#d?e%f 猫.png", ImageFormat::Png, 30, 20);

    let out = picbucket(&config_path, &["upload", "--json", photo.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let row: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    let key = row["key"].as_str().unwrap();
    let uuid = key.strip_suffix("_a b+c#d?e%f 猫.png").expect("default key template");
    assert_eq!(
        row["url"].as_str().unwrap(),
        format!("https://cdn.example.com/pics/{uuid}_a%20b%2Bc%23d%3Fe%25f%20%E7%8C%AB.png")
    );
    assert!(row["expires_at"].is_null(), "{row}");
    assert_eq!(server.get(key), read(&photo));

    // `link` makes the same public link, in any format, without signing.
    let out = picbucket(&config_path, &["link", key, "--format", "markdown"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        format!("![a b+c#d?e%f 猫.png](https://cdn.example.com/pics/{uuid}_a%20b%2Bc%23d%3Fe%25f%20%E7%8C%AB.png)")
    );
}

#[test]
fn without_a_base_url_links_stay_pre_signed() {
    let server = TestServer::start();
    let config_path = server.write_config(&server.config());
    let photo = write_image(server.data.path(), "plain.png", ImageFormat::Png, 10, 10);
    let out = picbucket(&config_path, &["upload", "--json", photo.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let row: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    let url = row["url"].as_str().unwrap();
    assert!(url.starts_with(&server.store.endpoint()), "{url}");
    assert!(url.contains("X-Amz-Signature="), "{url}");
    assert!(row["expires_at"].as_u64().is_some(), "{row}");
}

#[test]
fn a_bad_base_url_is_refused_naming_the_field() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.public_base_url = "cdn.example.com".into();
    let config_path = server.data.path().join("config.toml");
    std::fs::write(&config_path, config.to_toml()).unwrap();
    let photo = write_image(server.data.path(), "x.png", ImageFormat::Png, 10, 10);
    let out = picbucket(&config_path, &["upload", photo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Public base URL must start with https:// or http://"),
        "{stderr}"
    );
    assert_eq!(server.object_count(), 0);
}

#[test]
fn upload_and_link_print_the_users_template() {
    let server = TestServer::start();
    let config_path = server.write_config(&server.config());
    let photo = write_image(server.data.path(), "cat 1.png", ImageFormat::Png, 30, 20);
    let template = "<img src=\"{url}\" alt=\"{filename}\" width=\"{width}\" height=\"{height}\" data-key=\"{key}\">";
    let out = picbucket(
        &config_path,
        &["upload", "--template", template, photo.to_str().unwrap()],
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let line = text(&out.stdout).trim().to_owned();
    let url = line
        .strip_prefix("<img src=\"")
        .and_then(|rest| rest.split('"').next())
        .expect("starts with the url")
        .to_owned();
    let key = line
        .split("data-key=\"")
        .nth(1)
        .and_then(|rest| rest.strip_suffix("\">"))
        .expect("ends with the key")
        .to_owned();
    assert_eq!(
        line,
        format!("<img src=\"{url}\" alt=\"cat 1.png\" width=\"30\" height=\"20\" data-key=\"{key}\">")
    );
    assert!(key.ends_with("_cat 1.png"), "{key}");
    assert_eq!(common::http_get(&url), Ok(read(&photo)));

    let out = picbucket(
        &config_path,
        &[
            "link",
            &key,
            "--format",
            "custom",
            "--template",
            "[img={width}x{height}]{url}[/img]",
        ],
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let printed = text(&out.stdout).trim().to_owned();
    let signed = printed
        .strip_prefix("[img=30x20]")
        .and_then(|rest| rest.strip_suffix("[/img]"))
        .unwrap_or_else(|| panic!("{printed}"));
    assert_eq!(common::http_get(signed), Ok(read(&photo)));
}

#[test]
fn an_unknown_placeholder_is_refused_before_anything_is_sent() {
    let server = TestServer::start();
    let config_path = server.write_config(&server.config());
    let photo = write_image(server.data.path(), "x.png", ImageFormat::Png, 10, 10);
    let out = picbucket(
        &config_path,
        &["upload", "--template", "{link}", photo.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).trim(),
        "picbucket: The link template has an unknown placeholder {link}; use {url}, {filename}, {key}, {width} and {height}."
    );
    assert_eq!(server.object_count(), 0);
}

#[test]
fn the_worker_reports_public_links_that_never_expire_and_resigning_keeps_them() {
    let server = TestServer::start();
    let mut config = server.config();
    config.storage.public_base_url = "http://cdn.example.com:8080".into();
    let photo = write_image(server.data.path(), "x+y.webp", ImageFormat::WebP, 8, 8);
    let mut harness = Harness::new(config, WorkerOptions::default());
    harness.worker.send(WorkerCommand::AddFiles {
        paths: vec![photo.clone()],
        folders: FolderMode::Reject,
    });
    let events = harness.until(|e| matches!(e, Event::Uploaded { .. } | Event::Failed { .. }));
    let Some(Event::Uploaded { id, key, link }) = events.last() else {
        panic!("{events:?}")
    };
    let uuid = key.strip_suffix("_x+y.webp").expect("default key template");
    assert_eq!(link.url, format!("http://cdn.example.com:8080/{uuid}_x%2By.webp"));
    assert_eq!((link.expires_at, link.ends_with_credentials), (None, false));
    assert_eq!(server.get(key), read(&photo));

    harness.worker.send(WorkerCommand::Resign(*id));
    let events = harness.until(|e| matches!(e, Event::LinkRefreshed { .. } | Event::Warning(_)));
    let Some(Event::LinkRefreshed { link: again, .. }) = events.last() else {
        panic!("{events:?}")
    };
    assert_eq!(again, link);
}
