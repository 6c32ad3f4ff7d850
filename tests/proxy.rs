//! Uploads through an HTTP proxy: the environment's HTTP_PROXY / http_proxy
//! and NO_PROXY, and a destination's own `proxy`. The real binary uploads to
//! the in-process server on plain http, so the proxy sees absolute-form
//! requests; it and the server are on 127.0.0.1, and nothing else is reached.

mod common;

use common::forward_proxy::ForwardProxy;
use common::{TestServer, read};
use image::ImageFormat;
use picbucket::core::{Config, ProxySetting};
use picbucket::test_support::write_image;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// `picbucket upload --json FILE` with only the proxy variables given in `env`.
fn upload(config: &Path, file: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_picbucket"));
    command
        .arg("--config")
        .arg(config)
        .args(["upload", "--json"])
        .arg(file)
        .env_remove("PICBUCKET_CONFIG")
        .env("PICBUCKET_DATA_DIR", config.parent().expect("config in a folder"));
    for name in PROXY_VARIABLES {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command.output().expect("run picbucket")
}

/// The object key of a successful upload.
fn uploaded_key(out: &Output) -> String {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let row: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
    row["key"].as_str().expect("a key").to_owned()
}

/// Settings for the test server that leave the proxy to the environment.
fn remote_config(server: &TestServer) -> Config {
    let mut config = server.config();
    config.storage.proxy = ProxySetting::default();
    config
}

fn photo(server: &TestServer, name: &str) -> PathBuf {
    write_image(server.data.path(), name, ImageFormat::Png, 16, 16)
}

/// The requests the proxy carried that stored `key` (`PUT http://127.0.0.1:…/photos/KEY…`).
fn puts_of(proxy: &ForwardProxy, endpoint: &str, key: &str) -> usize {
    let target = format!("PUT {endpoint}/photos/{key}");
    proxy.requests().iter().filter(|line| line.starts_with(&target)).count()
}

#[test]
fn http_proxy_from_the_environment_carries_the_upload_and_no_proxy_bypasses_it() {
    let server = TestServer::start();
    let proxy = ForwardProxy::start(&server.runtime);
    let config = server.write_config(&remote_config(&server));
    let endpoint = server.store.endpoint();

    let file = photo(&server, "upper.png");
    let key = uploaded_key(&upload(&config, &file, &[("HTTP_PROXY", &proxy.url())]));
    assert_eq!(server.get(&key), read(&file));
    assert_eq!(puts_of(&proxy, &endpoint, &key), 1, "{:?}", proxy.requests());

    let file = photo(&server, "lower.png");
    let key = uploaded_key(&upload(&config, &file, &[("http_proxy", &proxy.url())]));
    assert_eq!(server.get(&key), read(&file));
    assert_eq!(puts_of(&proxy, &endpoint, &key), 1, "{:?}", proxy.requests());

    let carried = proxy.requests().len();
    for no_proxy in ["NO_PROXY", "no_proxy"] {
        let file = photo(&server, &format!("bypass-{no_proxy}.png"));
        let env = [("HTTP_PROXY", proxy.url()), (no_proxy, "127.0.0.1".into())];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let key = uploaded_key(&upload(&config, &file, &env));
        assert_eq!(server.get(&key), read(&file));
    }
    assert_eq!(proxy.requests().len(), carried, "{:?}", proxy.requests());
}

#[test]
fn a_destinations_own_proxy_is_used_and_none_ignores_the_environment() {
    let server = TestServer::start();
    let proxy = ForwardProxy::start(&server.runtime);
    let endpoint = server.store.endpoint();
    let mut settings = remote_config(&server);
    settings.storage.proxy = ProxySetting::new(proxy.url());
    let config = server.write_config(&settings);

    let file = photo(&server, "profile.png");
    let key = uploaded_key(&upload(&config, &file, &[]));
    assert_eq!(server.get(&key), read(&file));
    assert_eq!(puts_of(&proxy, &endpoint, &key), 1, "{:?}", proxy.requests());

    settings.storage.proxy = ProxySetting::new("none");
    let config = server.write_config(&settings);
    let carried = proxy.requests().len();
    let file = photo(&server, "direct.png");
    let key = uploaded_key(&upload(&config, &file, &[("HTTP_PROXY", &proxy.url())]));
    assert_eq!(server.get(&key), read(&file));
    assert_eq!(proxy.requests().len(), carried, "{:?}", proxy.requests());
}

#[test]
fn the_built_in_store_is_never_reached_through_a_proxy() {
    let server = TestServer::start();
    let proxy = ForwardProxy::start(&server.runtime);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap(); // defaults: the built-in store
    let file = photo(&server, "local.png");
    let out = upload(
        &config,
        &file,
        &[("HTTP_PROXY", &proxy.url()), ("ALL_PROXY", &proxy.url())],
    );
    uploaded_key(&out);
    assert_eq!(proxy.requests(), Vec::<String>::new());
}

#[test]
fn a_bad_proxy_setting_is_refused_naming_the_field() {
    let server = TestServer::start();
    let mut settings = remote_config(&server);
    settings.storage.proxy = ProxySetting::new("proxy.example.com:3128");
    let config = server.data.path().join("config.toml");
    std::fs::write(&config, settings.to_toml()).unwrap();
    let out = upload(&config, &photo(&server, "x.png"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Proxy must start with http:// or https://"), "{stderr}");
    assert_eq!(server.object_count(), 0);
}
