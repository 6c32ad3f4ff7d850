//! For `bench/bench.py`: how long picbucket's worker takes until every file
//! given has its thumbnail, as the window would show it (added, checked,
//! decoded and scaled off the UI thread; the texture upload is not counted).
//!
//! `thumbnail-bench FILE…` (built with `--features bench`) prints the seconds and the thumbnails made, and
//! exits with 1 if any file got no thumbnail. Sends no network request.

use picbucket::core::Config;
use picbucket::worker::{Command, Event, FolderMode, LibraryLocation, WorkerHandle, WorkerOptions};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        anyhow::bail!("give the image files to make thumbnails of");
    }
    let mut config = Config::default();
    // Never contacted: nothing is uploaded (auto_upload is off).
    config.storage.endpoint = "http://127.0.0.1:9".into();
    config.storage.access_key = "unused".into();
    config.storage.secret_key = picbucket::core::secret::Secret::new("unused");
    config.upload.max_size_mb = 4096;
    let options = WorkerOptions {
        auto_upload: false,
        thumbnails: true,
        library: LibraryLocation::Off,
        ..WorkerOptions::default()
    };
    let started = Instant::now();
    let mut worker = WorkerHandle::spawn(config, options, Arc::new(|| {}))?;
    worker.send(Command::AddFiles {
        paths: files.clone(),
        folders: FolderMode::Reject,
    });
    let (mut made, mut failed) = (0usize, 0usize);
    while made + failed < files.len() {
        match worker.blocking_recv() {
            Some(Event::Thumbnail { .. }) => made += 1,
            Some(Event::ThumbnailFailed { reason, .. }) => {
                eprintln!("thumbnail failed: {reason}");
                failed += 1;
            }
            Some(Event::Rejected { reason, .. }) => {
                eprintln!("rejected: {reason}");
                failed += 1;
            }
            Some(_) => {}
            None => anyhow::bail!("the worker stopped"),
        }
    }
    println!("{made} thumbnails in {:.2} s", started.elapsed().as_secs_f64());
    if failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}
