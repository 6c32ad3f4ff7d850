//! `picbucket upload FILE…`: links on stdout in input order, problems on stderr.

use crate::cli::batch::Batch;
use crate::cli::format::FormatArgs;
use crate::core::Config;
use crate::worker::{Command, CommandSender, FolderMode, LibraryLocation, WorkerHandle, WorkerOptions};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct UploadArgs {
    /// Image files to upload (JPEG, PNG, GIF, WebP).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Upload the files as they are, with their location and other metadata
    /// (by default it is removed; see `strip_metadata` in the config file).
    #[arg(long)]
    pub keep_metadata: bool,

    #[command(flatten)]
    pub format: FormatArgs,

    /// Print one JSON object per line: file, key, url, size, content_type, expires_at (null for a
    /// public link) — or file and error.
    #[arg(long, conflicts_with_all = ["format", "template"])]
    pub json: bool,
}

pub fn run(mut config: Config, args: &UploadArgs) -> anyhow::Result<i32> {
    if args.keep_metadata {
        config.upload.strip_metadata = false;
    }
    let text = match args.format.link_text(&config) {
        Ok(text) => text,
        Err(problem) => return Ok(super::link::fail(&problem)),
    };
    let mut worker = spawn_worker(config)?;
    worker.send(Command::AddFiles {
        paths: args.files.clone(),
        folders: FolderMode::Reject,
    });
    let mut batch = Batch::new(&args.files, args.json, text);
    while batch.printed() < args.files.len() {
        let Some(event) = worker.recv_polled(super::EVENT_POLL) else {
            anyhow::bail!("the upload worker stopped unexpectedly");
        };
        batch.handle(event)?;
    }
    Ok(i32::from(batch.any_failed()))
}

/// The worker as the CLI uses it: uploads start at once, jobs and history
/// go to the library in the data directory, Ctrl+C cancels.
pub(super) fn spawn_worker(config: Config) -> anyhow::Result<WorkerHandle> {
    let options = WorkerOptions {
        auto_upload: true,
        thumbnails: false,
        library: LibraryLocation::DataDir,
        offer_unfinished: false,
        below_the_window: false,
    };
    let worker = WorkerHandle::spawn(config, options, Arc::new(|| {}))?;
    cancel_on_ctrl_c(worker.sender());
    Ok(worker)
}

/// The first Ctrl+C cancels what is still uploading (multipart uploads are
/// aborted on the server, finished links are still printed); a second one
/// exits at once.
fn cancel_on_ctrl_c(sender: CommandSender) {
    let spawned = std::thread::Builder::new()
        .name("picbucket-ctrl-c".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            runtime.block_on(async {
                if tokio::signal::ctrl_c().await.is_err() {
                    return;
                }
                eprintln!("\npicbucket: cancelling; press Ctrl+C again to quit at once");
                sender.send(Command::CancelAll);
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            });
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "Ctrl+C will not cancel uploads cleanly");
    }
}
