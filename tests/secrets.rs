//! The secret key never leaves through Debug output, worker events or logs,
//! and the built-in store keeps its keys and objects in owner-only folders.

mod common;

use common::TestServer;
use image::ImageFormat;
use picbucket::core::Secret;
use picbucket::storage::{LocalStore, LocalStoreOptions};
use picbucket::test_support::write_image;
use picbucket::worker::{Command, Event, FolderMode, WorkerHandle, WorkerOptions};
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

/// Recognisable, so a leak anywhere is found by a plain substring search.
const SECRET: &str = "SECRET-s3cr3t-XYZ";

/// A real S3 server whose (only) secret key is [`SECRET`]: the local store
/// reads its keys from `state.toml`, so writing that file first sets them.
fn server_with_known_secret() -> TestServer {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = data.path().join("server");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("state.toml"),
        format!("access_key = \"picbucket-leaktest\"\nsecret_key = \"{SECRET}\"\nport = 0\n"),
    )
    .unwrap();
    let options = LocalStoreOptions {
        root,
        port: 0,
        bucket: "photos".into(),
    };
    let store = runtime.block_on(LocalStore::start(&options)).unwrap();
    TestServer { runtime, store, data }
}

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "the secret key leaked in {what}:\n{text}");
}

/// Runs the real binary with `-vv` (debug logs on a piped stderr).
fn picbucket_vv(config: &std::path::Path, args: &[&str], rust_log: Option<&str>) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_picbucket"));
    command
        .arg("-vv")
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("PICBUCKET_CONFIG")
        .env_remove("RUST_LOG");
    if let Some(filter) = rust_log {
        command.env("RUST_LOG", filter);
    }
    command.output().unwrap()
}

/// Collects worker events until `done` has been true `count` times.
fn events_until(
    worker: &mut WorkerHandle,
    woken: &std::sync::mpsc::Receiver<()>,
    done: impl Fn(&Event) -> bool,
    count: usize,
) -> Vec<Event> {
    let mut seen = Vec::new();
    let mut hits = 0;
    while hits < count {
        match worker.try_recv() {
            Some(event) => {
                hits += usize::from(done(&event));
                seen.push(event);
            }
            None => woken
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no event for 30 s; seen: {seen:?}")),
        }
    }
    seen
}

#[test]
fn the_secret_key_never_shows_in_debug_output_events_or_logs() {
    let server = server_with_known_secret();
    let good = server.config();
    assert_eq!(good.storage.secret_key.expose(), SECRET);
    let mut wrong = good.clone();
    wrong.storage.secret_key = Secret::new(format!("{SECRET}-but-wrong"));

    // Debug output of the settings and the commands that carry them.
    for config in [&good, &wrong] {
        assert_no_secret("Config", &format!("{config:?} {config:#?}"));
        assert_no_secret("StorageConfig", &format!("{:?} {:#?}", config.storage, config.storage));
        let apply = Command::ApplySettings(Box::new(config.clone()));
        let test = Command::TestConnection(Box::new(config.clone()));
        assert_no_secret("Command", &format!("{apply:?} {test:?} {apply:#?} {test:#?}"));
    }
    assert_no_secret("LocalStore", &format!("{:?}", server.store));

    // Every event of a worker that tests, uploads and fails with these settings.
    let (wake_tx, woken) = std::sync::mpsc::channel();
    let wake_tx = std::sync::Mutex::new(wake_tx);
    let wake = Arc::new(move || {
        if let Ok(tx) = wake_tx.lock() {
            tx.send(()).ok();
        }
    });
    let mut worker = WorkerHandle::spawn(good.clone(), WorkerOptions::default(), wake).unwrap();
    let photo = write_image(server.data.path(), "photo.png", ImageFormat::Png, 40, 30);
    worker.send(Command::TestConnection(Box::new(good.clone())));
    worker.send(Command::TestConnection(Box::new(wrong.clone())));
    worker.send(Command::AddFiles {
        paths: vec![photo.clone()],
        folders: FolderMode::Reject,
    });
    let finished = |e: &Event| {
        matches!(
            e,
            Event::ConnectionTested(_) | Event::Uploaded { .. } | Event::Failed { .. }
        )
    };
    let mut events = events_until(&mut worker, &woken, finished, 3);
    worker.send(Command::ApplySettings(Box::new(wrong.clone())));
    worker.send(Command::AddFiles {
        paths: vec![photo.clone()],
        folders: FolderMode::Reject,
    });
    events.extend(events_until(&mut worker, &woken, finished, 1));
    let shown = format!("{events:#?}");
    assert_no_secret("worker events", &shown);
    // The runs really exercised both paths: a success and signature failures.
    let mut tested: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            Event::ConnectionTested(result) => Some(result.is_ok()),
            _ => None,
        })
        .collect();
    tested.sort();
    assert_eq!(tested, [false, true], "{shown}");
    assert!(events.iter().any(|e| matches!(e, Event::Uploaded { .. })), "{shown}");
    assert!(events.iter().any(|e| matches!(e, Event::Failed { .. })), "{shown}");
    for event in &events {
        if let Event::Failed { error, .. } | Event::ConnectionTested(Err(error)) = event {
            assert_no_secret("an error message", &error.to_string());
        }
    }

    // The CLI's debug log, for a success and for a refused signature.
    let good_file = server.data.path().join("good.toml");
    let wrong_file = server.data.path().join("wrong.toml");
    good.save(&good_file).unwrap();
    wrong.save(&wrong_file).unwrap();
    let photo_arg = photo.to_str().unwrap();
    let runs = [
        (&good_file, &["upload", photo_arg][..], Some(0), None),
        (&good_file, &["test-connection"], Some(0), None),
        (&wrong_file, &["upload", photo_arg], Some(1), None),
        (&wrong_file, &["test-connection"], Some(1), None),
        // Everything, the SDK's own logs included, at trace level.
        (&good_file, &["upload", photo_arg], Some(0), Some("trace")),
    ];
    for (config, args, code, rust_log) in runs {
        let out = picbucket_vv(config, args, rust_log);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), code, "{args:?} {rust_log:?}: {stderr}");
        if args[0] == "upload" {
            assert!(
                stderr.contains("DEBUG"),
                "{args:?} {rust_log:?} logs at debug level: {stderr}"
            );
        }
        assert_no_secret(&format!("the log of {args:?} ({rust_log:?})"), &stderr);
        assert_no_secret("stdout", &String::from_utf8_lossy(&out.stdout));
    }
}

#[cfg(unix)]
#[test]
fn the_built_in_store_keeps_its_folders_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let server = TestServer::start();
    let root = server.store.root().to_owned();
    for dir in [root.clone(), root.join("objects"), root.join("objects").join("photos")] {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} has mode {mode:o}", dir.display());
    }
    let state = std::fs::metadata(root.join("state.toml")).unwrap().permissions().mode() & 0o777;
    assert_eq!(state, 0o600);
    // A store whose folders exist already (made with the usual 0755) is tightened too.
    let data = tempfile::tempdir().unwrap();
    let root = data.path().join("store");
    std::fs::create_dir_all(root.join("objects").join("photos")).unwrap();
    for dir in [&root, &root.join("objects")] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let options = LocalStoreOptions {
        root: root.clone(),
        port: 0,
        bucket: "photos".into(),
    };
    let store = server.runtime.block_on(LocalStore::start(&options)).unwrap();
    for dir in [root.clone(), root.join("objects"), root.join("objects").join("photos")] {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} has mode {mode:o}", dir.display());
    }
    drop(store);
}
