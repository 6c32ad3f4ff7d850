//! `picbucket upload FILE…`: links on stdout in input order, problems on stderr.

use crate::core::Config;
use crate::core::validate::human_bytes;
use crate::worker::{Command, CommandSender, Event, FolderMode, JobId, LibraryLocation, WorkerHandle, WorkerOptions};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

#[derive(Debug, clap::Args)]
pub struct UploadArgs {
    /// Image files to upload (JPEG, PNG, GIF, WebP).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Upload the files as they are, with their location and other metadata
    /// (by default it is removed; see `strip_metadata` in the config file).
    #[arg(long)]
    pub keep_metadata: bool,

    /// Print one JSON object per line: file, key, url, size, content_type, expires_at — or file and error.
    #[arg(long)]
    pub json: bool,
}

/// The end of one file.
enum Outcome {
    Uploaded {
        key: String,
        url: String,
        expires_at_unix: u64,
    },
    Error(String),
}

#[derive(Default)]
struct FileState {
    size: Option<u64>,
    content_type: Option<&'static str>,
    outcome: Option<Outcome>,
}

pub fn run(mut config: Config, args: &UploadArgs) -> anyhow::Result<i32> {
    if args.keep_metadata {
        config.upload.strip_metadata = false;
    }
    let options = WorkerOptions {
        auto_upload: true,
        thumbnails: false,
        threads: 2,
        library: LibraryLocation::DataDir,
        offer_unfinished: false,
    };
    let mut worker = WorkerHandle::spawn(config, options, Arc::new(|| {}))?;
    cancel_on_ctrl_c(worker.sender());
    worker.send(Command::AddFiles {
        paths: args.files.clone(),
        folders: FolderMode::Reject,
    });

    let mut files: Vec<FileState> = args.files.iter().map(|_| FileState::default()).collect();
    let mut index_of: HashMap<JobId, usize> = HashMap::new();
    let mut next_to_print = 0;
    let mut any_failed = false;
    let mut bytes_sent: HashMap<JobId, u64> = HashMap::new();
    let show_progress = std::io::stderr().is_terminal() && !args.json;
    let stdout = std::io::stdout();

    while next_to_print < files.len() {
        let Some(event) = worker.blocking_recv() else {
            anyhow::bail!("the upload worker stopped unexpectedly");
        };
        match event {
            Event::StoreReady(info) if info.is_local => eprintln!(
                "picbucket: using the built-in local store at {} (bucket `{}`); its links work on this computer while picbucket runs (`picbucket serve-local` keeps them served)",
                info.endpoint, info.bucket
            ),
            Event::Added { id, .. } => {
                index_of.insert(id, index_of.len());
            }
            Event::Validated { id, image } => {
                if let Some(file) = index_of.get(&id).and_then(|&i| files.get_mut(i)) {
                    file.size = Some(image.size_bytes);
                    file.content_type = Some(image.kind.mime_type());
                }
            }
            Event::Progress { id, sent_bytes, .. } if show_progress => {
                bytes_sent.insert(id, sent_bytes);
                let total: u64 = bytes_sent.values().sum();
                eprint!("\r\x1b[Kuploading… {} sent", human_bytes(total));
            }
            Event::Rejected { id, reason } => {
                set_outcome(&mut files, &index_of, id, Outcome::Error(reason.to_string()))
            }
            Event::Failed { id, error } => set_outcome(&mut files, &index_of, id, Outcome::Error(error.to_string())),
            Event::Cancelled { id } => set_outcome(&mut files, &index_of, id, Outcome::Error("cancelled".into())),
            Event::Uploaded { id, key, link } => {
                let expires_at_unix = link.expires_at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                set_outcome(
                    &mut files,
                    &index_of,
                    id,
                    Outcome::Uploaded {
                        key,
                        url: link.url,
                        expires_at_unix,
                    },
                );
            }
            _ => {}
        }
        // Print every finished file whose predecessors are printed, keeping input order.
        while let Some(outcome) = files.get_mut(next_to_print).and_then(|f| f.outcome.take()) {
            if show_progress {
                eprint!("\r\x1b[K");
            }
            let file = &args.files[next_to_print];
            let state = &files[next_to_print];
            any_failed |= matches!(outcome, Outcome::Error(_));
            let mut out = stdout.lock();
            print_outcome(&mut out, args.json, file, state, &outcome)?;
            out.flush()?;
            next_to_print += 1;
        }
    }
    Ok(i32::from(any_failed))
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

fn set_outcome(files: &mut [FileState], index_of: &HashMap<JobId, usize>, id: JobId, outcome: Outcome) {
    if let Some(file) = index_of.get(&id).and_then(|&i| files.get_mut(i)) {
        file.outcome = Some(outcome);
    }
}

fn print_outcome(
    out: &mut impl Write,
    json: bool,
    file: &std::path::Path,
    state: &FileState,
    outcome: &Outcome,
) -> std::io::Result<()> {
    let file_text = file.display().to_string();
    match (outcome, json) {
        (
            Outcome::Uploaded {
                key,
                url,
                expires_at_unix,
            },
            true,
        ) => {
            let line = serde_json::json!({
                "file": file_text,
                "key": key,
                "url": url,
                "size": state.size,
                "content_type": state.content_type,
                "expires_at": expires_at_unix,
            });
            writeln!(out, "{line}")
        }
        (Outcome::Uploaded { url, .. }, false) => writeln!(out, "{url}"),
        (Outcome::Error(message), true) => {
            writeln!(out, "{}", serde_json::json!({ "file": file_text, "error": message }))
        }
        (Outcome::Error(message), false) => {
            eprintln!("picbucket: {file_text}: {message}");
            Ok(())
        }
    }
}
