//! Shared fixtures: a real S3-protocol server (the built-in s3s-fs store) on
//! 127.0.0.1 with signature checks on, and helpers to reach it.
#![allow(dead_code)]

pub mod forward_proxy;
pub mod harness;
pub mod proxy;

use picbucket::core::Config;
use picbucket::storage::{LocalStore, LocalStoreOptions, S3Store};
use std::path::Path;

/// An in-process S3 server on its own runtime, with its data in a temp dir.
pub struct TestServer {
    pub runtime: tokio::runtime::Runtime,
    pub store: LocalStore,
    pub data: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let data = tempfile::tempdir().expect("temp dir");
        let options = LocalStoreOptions {
            root: data.path().join("server"),
            port: 0,
            bucket: "photos".into(),
        };
        let store = runtime
            .block_on(LocalStore::start(&options))
            .expect("local store starts");
        Self { runtime, store, data }
    }

    /// Settings that point at this server (with its real keys).
    pub fn config(&self) -> Config {
        Config {
            storage: self.store.storage_config(),
            ..Config::default()
        }
    }

    pub fn client(&self, config: &Config) -> S3Store {
        self.runtime
            .block_on(S3Store::new(&config.storage))
            .expect("client builds")
    }

    pub fn object_count(&self) -> usize {
        let store = self.client(&self.config());
        self.runtime.block_on(store.count_objects()).expect("list objects")
    }

    pub fn get(&self, key: &str) -> Vec<u8> {
        let store = self.client(&self.config());
        self.runtime.block_on(store.get_bytes(key)).expect("get object")
    }

    /// Writes `config` to a file in the temp dir and returns its path.
    pub fn write_config(&self, config: &Config) -> std::path::PathBuf {
        let path = self.data.path().join("config.toml");
        config.save(&path).expect("save config");
        path
    }
}

/// Plain HTTP GET, as a browser or curl would fetch a shared link.
pub fn http_get(url: &str) -> Result<Vec<u8>, u16> {
    match ureq::get(url).call() {
        Ok(response) => Ok(response.into_body().read_to_vec().expect("read body")),
        Err(ureq::Error::StatusCode(status)) => Err(status),
        Err(other) => panic!("GET {url} failed: {other}"),
    }
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read fixture")
}

/// Runs the real binary with `--config config`; its library and built-in
/// store live beside the config, not in the user's home.
pub fn picbucket(config: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_picbucket"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("PICBUCKET_CONFIG")
        .env("PICBUCKET_DATA_DIR", config.parent().expect("config in a folder"))
        .output()
        .expect("run picbucket")
}

/// A process's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
