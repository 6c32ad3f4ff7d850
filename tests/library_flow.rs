//! The library across processes, through the real binary: history that
//! survives a restart, links and deletes by id, `resume` after `kill -9`
//! (single PUTs and multipart), and two uploading processes at once.

mod common;

use common::proxy::{Fault, FaultProxy, socket_addr};
use common::{TestServer, http_get, read, text};
use image::ImageFormat;
use picbucket::core::Config;
use picbucket::library::{HistoryQuery, Library, NewJob, UploadState};
use picbucket::test_support::{image_bytes, write_image};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The lease the killed processes hold their jobs with (PICBUCKET_LEASE_MS),
/// so `resume --wait` waits about this long instead of 30 s.
const TEST_LEASE_MS: &str = "1500";

/// A config file and a data directory (library, nothing else) for one test.
struct Setup {
    server: TestServer,
    config: PathBuf,
    data: tempfile::TempDir,
    files: tempfile::TempDir,
    /// Between the program and the server when PUTs are slowed down.
    _proxy: Option<FaultProxy>,
}

impl Setup {
    fn new(change: impl FnOnce(&mut Config)) -> Self {
        Self::build(change, false)
    }

    /// Every PUT and POST (parts, completing a multipart upload) held for
    /// `proxy::DELAY` on the way, so a kill lands while uploads are still
    /// running however fast the machine sends.
    fn with_slow_writes(change: impl FnOnce(&mut Config)) -> Self {
        Self::build(change, true)
    }

    fn build(change: impl FnOnce(&mut Config), slow_writes: bool) -> Self {
        let server = TestServer::start();
        let mut config = server.config();
        // The padded PNGs below are no valid PNG past their header: they are
        // sent as they are, not walked by the metadata stripper.
        config.upload.strip_metadata = false;
        let proxy = slow_writes.then(|| {
            let plan = |head: &common::proxy::RequestHead| match head.method.as_str() {
                "PUT" | "POST" => Fault::Delay,
                _ => Fault::Pass,
            };
            FaultProxy::start(&server.runtime, socket_addr(&server.store.endpoint()), plan)
        });
        if let Some(proxy) = &proxy {
            config.storage.endpoint = proxy.endpoint();
        }
        change(&mut config);
        let config = server.write_config(&config);
        Self {
            server,
            config,
            data: tempfile::tempdir().unwrap(),
            files: tempfile::tempdir().unwrap(),
            _proxy: proxy,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_picbucket"));
        command
            .arg("--config")
            .arg(&self.config)
            .args(args)
            .env_remove("PICBUCKET_CONFIG")
            .env_remove("PICBUCKET_PROFILE")
            .env("PICBUCKET_DATA_DIR", self.data.path())
            .env("PICBUCKET_LEASE_MS", TEST_LEASE_MS);
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run picbucket")
    }

    fn upload(&self, files: &[PathBuf]) -> Output {
        let mut args = vec!["upload".to_owned()];
        args.extend(files.iter().map(|f| f.to_str().unwrap().to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }

    fn spawn_upload(&self, files: &[PathBuf]) -> Child {
        self.command(&["upload"])
            .args(files)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start picbucket upload")
    }

    fn library(&self) -> Library {
        Library::open(&self.data.path().join("library.sqlite3")).unwrap()
    }

    /// `history --json` as parsed objects, newest first.
    fn history(&self) -> Vec<serde_json::Value> {
        let out = self.run(&["history", "--json", "--limit", "1000"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// Names of multipart leftovers (upload records and parts) in the server's folder.
    fn multipart_leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.server.store.root().join("objects"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains("upload"))
            .collect()
    }
}

/// `count` distinct PNGs of about `size` bytes: a small image padded before
/// IEND (validation reads the header; the padding makes the upload take time).
fn padded_pngs(dir: &Path, prefix: &str, count: usize, size: usize) -> Vec<PathBuf> {
    (0..count)
        .map(|i| {
            let mut bytes = image_bytes(ImageFormat::Png, 8 + (i % 50) as u32, 8 + (i / 50) as u32, i as u8);
            let iend = bytes.split_off(bytes.len() - 12);
            bytes.resize(size.max(bytes.len()), 0);
            bytes.extend_from_slice(&iend);
            let path = dir.join(format!("{prefix}{i:03}.png"));
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

fn history_field<'a>(record: &'a serde_json::Value, field: &str) -> &'a str {
    record[field].as_str().unwrap_or_else(|| panic!("{field} in {record}"))
}

/// Every file is in the history once, done, and its object holds its bytes;
/// the bucket holds nothing else.
fn assert_each_file_stored_once(setup: &Setup, files: &[PathBuf]) {
    let history = setup.history();
    let keys: HashSet<&str> = history.iter().map(|r| history_field(r, "key")).collect();
    assert_eq!(keys.len(), history.len(), "a key is listed twice");
    let names: Vec<&str> = history.iter().map(|r| history_field(r, "file")).collect();
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let records: Vec<_> = history.iter().filter(|r| history_field(r, "file") == name).collect();
        assert_eq!(records.len(), 1, "{name} in {names:?}");
        assert_eq!(history_field(records[0], "state"), "done");
        assert_eq!(setup.server.get(history_field(records[0], "key")), read(file), "{name}");
    }
    assert_eq!(history.len(), files.len());
    assert_eq!(setup.server.object_count(), files.len());
}

/// Polls the child's library until `ready` holds for (done, live jobs), then
/// kills it with SIGKILL. Returns (done, live) as the kill left them.
fn kill_when(
    setup: &Setup,
    child: &mut Child,
    what: &str,
    ready: impl Fn(&Library, usize, usize) -> bool,
) -> (usize, usize) {
    let path = setup.data.path().join("library.sqlite3");
    let deadline = Instant::now() + Duration::from_secs(120);
    let counts = |library: &Library| {
        let done = library.history_count(&HistoryQuery::default()).unwrap() as usize;
        (done, library.unfinished(i64::MAX).unwrap().len())
    };
    loop {
        assert!(Instant::now() < deadline, "never saw {what}");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the upload ended ({status}) before {what}");
        }
        if path.exists()
            && let Ok(library) = Library::open(&path)
        {
            let (done, live) = counts(&library);
            if ready(&library, done, live) {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    counts(&setup.library())
}

#[test]
fn history_link_and_delete_work_across_processes() {
    let setup = Setup::new(|_| {});
    let first = write_image(setup.files.path(), "first.png", ImageFormat::Png, 40, 30);
    let second = write_image(setup.files.path(), "second.jpg", ImageFormat::Jpeg, 50, 20);
    for file in [&first, &second] {
        let out = setup.upload(std::slice::from_ref(file));
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    let history = setup.history();
    let names: Vec<&str> = history.iter().map(|r| history_field(r, "file")).collect();
    assert_eq!(names, ["second.jpg", "first.png"], "newest first");
    let first_id = history[1]["id"].as_i64().unwrap().to_string();
    let first_key = history_field(&history[1], "key").to_owned();
    assert!(first_key.ends_with("_first.png"), "{first_key}");

    // A link signed by a new process downloads the exact bytes, by id or by key.
    let out = setup.run(&["link", &first_id]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_owned();
    assert_eq!(http_get(&url), Ok(read(&first)));
    let out = setup.run(&["link", &first_key, "--format", "markdown", "--expires", "1h"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let markdown = text(&out.stdout).trim().to_owned();
    let inner = markdown
        .strip_prefix("![first.png](")
        .and_then(|rest| rest.strip_suffix(')'));
    assert!(inner.is_some_and(|u| u.contains("X-Amz-Expires=3600")), "{markdown}");
    assert_eq!(http_get(inner.unwrap()), Ok(read(&first)));
    let out = setup.run(&["link", &first_id, "--format", "bbcode"]);
    assert!(
        text(&out.stdout).starts_with("[img]http://127.0.0.1:"),
        "{}",
        text(&out.stdout)
    );
    let out = setup.run(&["link", &first_id, "--expires", "8d"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("longer than 7 days"),
        "{}",
        text(&out.stderr)
    );

    let out = setup.run(&["link", "999"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).trim(),
        "picbucket: No upload with id or key `999` in the history (see `picbucket history`)."
    );

    // Delete removes the object, the old link stops working, the history hides it.
    let out = setup.run(&["delete", &first_id]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        format!("Deleted first.png ({first_key}) from bucket photos")
    );
    assert_eq!(setup.server.object_count(), 1);
    assert!(matches!(http_get(&url), Err(403 | 404)), "the old link still works");
    let names: Vec<String> = setup
        .history()
        .iter()
        .map(|r| history_field(r, "file").to_owned())
        .collect();
    assert_eq!(names, ["second.jpg"]);
    let record = setup.library().find(&first_id).unwrap().unwrap();
    assert_eq!(record.state, UploadState::Deleted);

    // A deleted record has no link and cannot be deleted again.
    for command in ["link", "delete"] {
        let out = setup.run(&[command, &first_id]);
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert_eq!(
            text(&out.stderr).trim(),
            format!("picbucket: first.png ({first_key}) was deleted from bucket photos; upload it again to share it."),
            "{command}"
        );
    }
    assert_eq!(setup.server.object_count(), 1);
}

#[test]
fn resume_after_kill_stores_every_file_exactly_once() {
    let setup = Setup::with_slow_writes(|config| config.upload.concurrency = 1);
    let files = padded_pngs(setup.files.path(), "shot", 100, 256 * 1024);
    let mut child = setup.spawn_upload(&files);
    let (done, live) = kill_when(
        &setup,
        &mut child,
        "some uploads done, all recorded",
        |_, done, live| done >= 3 && live >= 10 && done + live == files.len(),
    );
    assert_eq!(done + live, files.len());
    assert!(live > 0, "everything finished before the kill");

    let started = Instant::now();
    let out = setup.run(&["resume", "--wait"]);
    let took = started.elapsed();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let links = text(&out.stdout);
    assert_eq!(links.lines().count(), live, "one link per resumed file");
    eprintln!(
        "kill -9 after {done} of 100 done; resume of {live} took {took:?} ({})",
        text(&out.stderr).trim()
    );

    assert_each_file_stored_once(&setup, &files);
    assert!(setup.library().unfinished(i64::MAX).unwrap().is_empty());
    let out = setup.run(&["resume"]);
    assert_eq!(
        (out.status.code(), text(&out.stderr).trim()),
        (Some(0), "Nothing to resume.")
    );
}

#[test]
fn resume_after_kill_mid_multipart_aborts_the_old_upload_and_stores_each_file_once() {
    let setup = Setup::with_slow_writes(|config| {
        config.upload.concurrency = 1;
        config.upload.max_size_mb = 100;
        config.upload.multipart_threshold_mb = 5;
    });
    // 20 MiB each: three 8 MiB parts.
    let files = padded_pngs(setup.files.path(), "big", 3, 20 * 1024 * 1024);
    let mut child = setup.spawn_upload(&files);
    kill_when(
        &setup,
        &mut child,
        "a multipart upload with a stored part",
        |library, _, _| {
            library
                .unfinished(i64::MAX)
                .unwrap()
                .iter()
                .any(|job| job.multipart_upload_id.is_some() && !library.parts(job.id).unwrap().is_empty())
        },
    );
    assert!(
        !setup.multipart_leftovers().is_empty(),
        "the kill left no multipart upload on the server"
    );

    let out = setup.run(&["resume", "--wait", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for line in text(&out.stdout).lines() {
        let line: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(line["url"].is_string(), "{line}");
    }
    assert_each_file_stored_once(&setup, &files);
    assert_eq!(setup.multipart_leftovers(), Vec::<String>::new());
}

#[test]
fn two_processes_uploading_at_once_lose_no_record() {
    let setup = Setup::new(|config| config.upload.concurrency = 2);
    let one = padded_pngs(setup.files.path(), "one-", 20, 8 * 1024);
    let two = padded_pngs(setup.files.path(), "two-", 20, 8 * 1024);
    let children = [setup.spawn_upload(&one), setup.spawn_upload(&two)];
    let mut logs = String::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        logs.push_str(&text(&out.stderr));
    }
    // A record left unfinished says why in the processes' logs.
    let unfinished: Vec<String> = setup
        .history()
        .iter()
        .filter(|r| history_field(r, "state") != "done")
        .map(|r| r.to_string())
        .collect();
    assert!(unfinished.is_empty(), "{unfinished:?}\nlogs:\n{logs}");
    let all: Vec<PathBuf> = one.into_iter().chain(two).collect();
    assert_each_file_stored_once(&setup, &all);
}

#[test]
fn the_library_commands_have_help() {
    let setup = Setup::new(|_| {});
    for command in ["link", "delete", "resume"] {
        let out = setup.run(&[command, "--help"]);
        assert!(out.status.success(), "{command}");
        assert!(text(&out.stdout).contains("Usage"), "{command}");
    }
}

#[test]
fn resume_with_nothing_to_do_says_so() {
    let setup = Setup::new(|_| {});
    let out = setup.run(&["resume"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr).trim(), "Nothing to resume.");
    assert!(out.stdout.is_empty());

    // Done uploads are not unfinished ones.
    let photo = write_image(setup.files.path(), "done.png", ImageFormat::Png, 10, 10);
    assert!(setup.upload(&[photo]).status.success());
    let out = setup.run(&["resume"]);
    assert_eq!(
        (out.status.code(), text(&out.stderr).trim()),
        (Some(0), "Nothing to resume.")
    );
    assert_eq!(setup.server.object_count(), 1);
}

#[test]
fn resume_leaves_jobs_another_process_still_holds_and_says_when_to_come_back() {
    let setup = Setup::new(|_| {});
    let photo = write_image(setup.files.path(), "held.png", ImageFormat::Png, 10, 10);
    let job = NewJob {
        profile: "default".into(),
        endpoint: "http://127.0.0.1:1".into(),
        bucket: "photos".into(),
        region: "us-east-1".into(),
        object_key: "held.png".into(),
        file_name: "held.png".into(),
        source_path: photo,
        size_bytes: 1,
        content_type: "image/png".into(),
        width: 10,
        height: 10,
        sha256: None,
        source_mtime: None,
    };
    // Held by a live process for the default 30 s lease (this test process sets no override).
    let id = setup
        .library()
        .add_job(&job, "another-process", picbucket::library::now_ms())
        .unwrap();
    let out = setup.run(&["resume"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("1 upload is still held by another picbucket")
            && (stderr.contains("again in 30 s") || stderr.contains("again in 29 s")),
        "{stderr}"
    );
    let record = setup.library().get(id).unwrap().unwrap();
    assert_eq!(
        (record.state, record.owner.as_deref()),
        (UploadState::Pending, Some("another-process"))
    );
    assert_eq!(setup.server.object_count(), 0);
}
