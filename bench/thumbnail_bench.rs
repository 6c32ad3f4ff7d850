//! For `bench/bench.py`: how long picbucket's worker takes until every file
//! given has its thumbnail, as the window would show it (added, checked,
//! decoded and scaled off the UI thread; the texture upload is not counted).
//!
//! `thumbnail-bench FILE…` (built with `--features bench`) prints the seconds and the thumbnails made, and
//! exits with 1 if any file got no thumbnail. Sends no network request.
//!
//! `thumbnail-bench --upload CONFIG FILE…` uploads the files with CONFIG's
//! storage at the same time, as the window does after a drop, and also waits
//! until every file is uploaded; exits with 1 if any upload failed.

use anyhow::Context as _;
use picbucket::core::Config;
use picbucket::worker::{Command, Event, FolderMode, LibraryLocation, WorkerHandle, WorkerOptions};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1).peekable();
    let upload_config = if args.peek().is_some_and(|arg| arg == "--upload") {
        args.next();
        Some(PathBuf::from(args.next().context("--upload needs a config file")?))
    } else {
        None
    };
    let files: Vec<PathBuf> = args.map(PathBuf::from).collect();
    if files.is_empty() {
        anyhow::bail!("give the image files to make thumbnails of");
    }
    let config = match &upload_config {
        Some(path) => Config::load_existing(path).with_context(|| format!("reading {}", path.display()))?,
        None => {
            let mut config = Config::default();
            // Never contacted: nothing is uploaded (auto_upload is off).
            config.storage.endpoint = "http://127.0.0.1:9".into();
            config.storage.access_key = "unused".into();
            config.storage.secret_key = picbucket::core::secret::Secret::new("unused");
            config.upload.max_size_mb = 4096;
            config
        }
    };
    let uploading = upload_config.is_some();
    let options = WorkerOptions {
        auto_upload: uploading,
        thumbnails: true,
        library: LibraryLocation::Off,
        // As the window runs it: lowered, and uploads off one core.
        below_the_window: true,
        ..WorkerOptions::default()
    };
    let started = Instant::now();
    let mut worker = WorkerHandle::spawn(config, options, Arc::new(|| {}))?;
    worker.send(Command::AddFiles {
        paths: files.clone(),
        folders: FolderMode::Reject,
    });
    let (mut made, mut failed) = (0usize, 0usize);
    let (mut uploaded, mut upload_failed) = (0usize, 0usize);
    // When the last thumbnail and the last upload arrived.
    let (mut thumbnails_done, mut uploads_done) = (None, None);
    let uploads_left = |uploaded: usize, upload_failed: usize| uploading && uploaded + upload_failed < files.len();
    while made + failed < files.len() || uploads_left(uploaded, upload_failed) {
        match worker.recv_polled(Duration::from_millis(2)) {
            Some(Event::Uploaded { .. }) => uploaded += 1,
            Some(Event::Failed { error, .. }) => {
                eprintln!("upload failed: {error}");
                upload_failed += 1;
            }
            Some(Event::Thumbnail { .. }) => made += 1,
            Some(Event::ThumbnailFailed { reason, .. }) => {
                eprintln!("thumbnail failed: {reason}");
                failed += 1;
            }
            Some(Event::Rejected { reason, .. }) => {
                eprintln!("rejected: {reason}");
                failed += 1;
                upload_failed += 1;
            }
            Some(_) => {}
            None => anyhow::bail!("the worker stopped"),
        }
        if thumbnails_done.is_none() && made + failed == files.len() {
            thumbnails_done = Some(started.elapsed());
        }
        if uploads_done.is_none() && uploaded + upload_failed == files.len() {
            uploads_done = Some(started.elapsed());
        }
    }
    let seconds = |done: Option<Duration>| done.unwrap_or_else(|| started.elapsed()).as_secs_f64();
    if uploading {
        println!(
            "{made} thumbnails in {:.2} s, while {uploaded} uploads finished in {:.2} s",
            seconds(thumbnails_done),
            seconds(uploads_done)
        );
    } else {
        println!("{made} thumbnails in {:.2} s", seconds(thumbnails_done));
    }
    if failed > 0 || upload_failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}
