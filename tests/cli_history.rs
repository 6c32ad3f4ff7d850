//! `picbucket history` as a script would run it, on a library seeded through
//! the library API in a temporary data directory.

use picbucket::library::{Library, NewJob, SentInfo};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// 2026-11-26T09:14:00Z.
const NINE_FOURTEEN: i64 = 1_795_684_440_000;
const MINUTE: i64 = 60_000;

fn picbucket(data_dir: &Path, args: &[&str]) -> Output {
    // A broken config file: history must not need one.
    let config = data_dir.join("broken-config.toml");
    std::fs::write(&config, "this is = = not toml").unwrap();
    Command::new(env!("CARGO_BIN_EXE_picbucket"))
        .arg("--config")
        .arg(&config)
        .args(args)
        .env_remove("PICBUCKET_CONFIG")
        .env("PICBUCKET_DATA_DIR", data_dir)
        .env("TZ", "UTC")
        .output()
        .expect("run picbucket")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn job(file_name: &str, profile: &str, size_bytes: u64) -> NewJob {
    NewJob {
        profile: profile.into(),
        endpoint: "http://127.0.0.1:9000".into(),
        bucket: "photos".into(),
        region: "us-east-1".into(),
        object_key: format!("2026/11/k_{file_name}"),
        file_name: file_name.into(),
        source_path: PathBuf::from("/home/me").join(file_name),
        size_bytes,
        content_type: "image/png".into(),
        width: 64,
        height: 32,
        sha256: None,
        source_mtime: None,
    }
}

/// Records 1 cat.png, 2 failed.png (failed), 3 50%_off.png (profile work),
/// 4 dog.jpg; one minute apart from 09:14 UTC.
fn seed(data_dir: &Path) {
    let mut library = Library::open(&data_dir.join("library.sqlite3")).unwrap();
    let uploads = [
        ("cat.png", "default", 2_500_000, true),
        ("failed.png", "default", 10, false),
        ("50%_off.png", "work", 812 * 1024, true),
        ("dog.jpg", "default", 17, true),
    ];
    for (i, (name, profile, size, ok)) in uploads.into_iter().enumerate() {
        let at = NINE_FOURTEEN + i as i64 * MINUTE;
        let id = library.add_job(&job(name, profile, size), "seed", at).unwrap();
        library.set_uploading(id, None, at).unwrap();
        if ok {
            let sent = SentInfo {
                size_bytes: size,
                sha256: format!("{id:064x}"),
            };
            library.set_done(id, &sent, at).unwrap();
        } else {
            library.set_failed(id, "The bucket does not exist.", at).unwrap();
        }
    }
}

#[test]
fn history_lists_done_uploads_newest_first_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = picbucket(dir.path(), &["history"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "4  2026-11-26 09:17  17 bytes  dog.jpg  → 2026/11/k_dog.jpg (default)\n\
         3  2026-11-26 09:16   812 KiB  50%_off.png  → 2026/11/k_50%_off.png (work)\n\
         1  2026-11-26 09:14   2.4 MiB  cat.png  → 2026/11/k_cat.png (default)\n"
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn history_json_has_one_object_per_record() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = picbucket(dir.path(), &["history", "--json"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let rows: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<i64> = rows.iter().map(|row| row["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [4, 3, 1], "{stdout}");
    let sale = &rows[1];
    assert_eq!(sale["key"], "2026/11/k_50%_off.png");
    assert_eq!(sale["file"], "50%_off.png");
    assert_eq!(sale["size"], 812 * 1024);
    assert_eq!(sale["content_type"], "image/png");
    assert_eq!(sale["profile"], "work");
    assert_eq!(sale["bucket"], "photos");
    assert_eq!(sale["uploaded_at"], "2026-11-26T09:16:00Z");
    assert_eq!(sale["state"], "done");
    assert_eq!(sale["sha256"], format!("{:064x}", 3));
    assert_eq!((sale["width"].as_u64(), sale["height"].as_u64()), (Some(64), Some(32)));
}

#[test]
fn history_filters_by_search_profile_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let first_ids = |args: &[&str]| -> Vec<i64> {
        let mut all = vec!["history", "--json"];
        all.extend_from_slice(args);
        let out = picbucket(dir.path(), &all);
        assert!(out.status.success(), "stderr: {}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_i64()
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(first_ids(&["--search", "%_OFF"]), [3]);
    assert_eq!(first_ids(&["--search", "DOG"]), [4]);
    assert_eq!(first_ids(&["--profile", "default"]), [4, 1]);
    assert_eq!(first_ids(&["--limit", "2"]), [4, 3]);

    let out = picbucket(dir.path(), &["history", "--limit", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    let out = picbucket(dir.path(), &["history", "--search", "nothing-like-this"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(text(&out.stderr).lines().count(), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).starts_with("No uploads match"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_empty_history_prints_a_hint_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = picbucket(dir.path(), &["history"]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let library = dir.path().join("library.sqlite3");
    assert_eq!(
        text(&out.stderr),
        format!(
            "No uploads recorded yet in {}; `picbucket upload FILE` adds some.\n",
            library.display()
        )
    );
    assert!(!library.exists());
}
