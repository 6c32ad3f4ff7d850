//! `picbucket resume`: finishes the uploads earlier runs left unfinished (a
//! crash, `kill -9`, a quit mid-upload), each under the key it was given, and
//! prints their links like `upload`.
//!
//! A job stays held by its process for a lease (30 s) after that process last
//! renewed it; until then it is not taken: `--wait` waits for such jobs.

use crate::cli::batch::Batch;
use crate::cli::upload::spawn_worker;
use crate::core::{Config, LinkFormat, LinkText};
use crate::library::{self, Library, UploadRecord, now_ms};
use crate::worker::{Command, Event};
use anyhow::Context;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    /// Print one JSON object per line, as `upload --json` does.
    #[arg(long)]
    pub json: bool,

    /// First wait for uploads another picbucket still holds: one that was killed
    /// holds them for up to 30 s, one that runs until it has finished them.
    #[arg(long)]
    pub wait: bool,
}

/// How often `--wait` looks at the library again.
const WAIT_POLL: Duration = Duration::from_millis(200);

pub fn run(args: &ResumeArgs, load_config: impl FnOnce() -> anyhow::Result<Config>) -> anyhow::Result<i32> {
    let path = library::default_path().context("no data directory found; set PICBUCKET_DATA_DIR to a folder")?;
    if !path.exists() {
        eprintln!("Nothing to resume.");
        return Ok(0);
    }
    let library = Library::open(&path)?;
    if args.wait {
        wait_for_held(&library)?;
    }
    let now = now_ms();
    let (unfinished, held) = (library.unfinished(now)?, library.held(now)?);
    drop(library);
    let code = if unfinished.is_empty() {
        if held.is_empty() {
            eprintln!("Nothing to resume.");
        }
        0
    } else {
        finish_unfinished(load_config()?, args.json)?
    };
    if !held.is_empty() {
        eprintln!("{}", held_note(&held, now_ms()));
    }
    Ok(code)
}

/// Has the worker claim every unfinished job and prints each as it ends.
fn finish_unfinished(config: Config, json: bool) -> anyhow::Result<i32> {
    let mut worker = spawn_worker(config)?;
    worker.send(Command::ResumeUnfinished(Vec::new()));
    let mut batch = Batch::new(&[], json, LinkText::Format(LinkFormat::Url));
    let mut claimed = None;
    while claimed.is_none_or(|count| batch.printed() < count) {
        let Some(event) = worker.recv_polled(super::EVENT_POLL) else {
            anyhow::bail!("the upload worker stopped unexpectedly");
        };
        match event {
            Event::ResumeClaimed { count } => {
                if count == 0 {
                    eprintln!("Nothing to resume: another picbucket took the unfinished uploads first.");
                }
                claimed = Some(count);
            }
            Event::Warning(problem) => eprintln!("picbucket: {problem}"),
            other => batch.handle(other)?,
        }
    }
    Ok(i32::from(batch.any_failed()))
}

/// Waits until no other process holds a live job: a killed one's leases run
/// out, a running one finishes (or releases) its jobs.
fn wait_for_held(library: &Library) -> anyhow::Result<()> {
    let mut told = false;
    loop {
        let now = now_ms();
        let held = library.held(now)?;
        if held.is_empty() {
            return Ok(());
        }
        if !told {
            eprintln!(
                "Waiting for {} held by another picbucket (about {} s if it was stopped; until it finishes them if it runs)…",
                uploads(held.len()),
                seconds_left(&held, now)
            );
            told = true;
        }
        std::thread::sleep(WAIT_POLL);
    }
}

/// "2 uploads are still held by another picbucket; …".
fn held_note(held: &[UploadRecord], now: i64) -> String {
    let (what, verb) = (uploads(held.len()), if held.len() == 1 { "is" } else { "are" });
    format!(
        "{what} {verb} still held by another picbucket that runs or stopped moments ago; \
         run `picbucket resume` again in {} s, or `picbucket resume --wait`.",
        seconds_left(held, now)
    )
}

fn uploads(count: usize) -> String {
    if count == 1 {
        "1 upload".to_owned()
    } else {
        format!("{count} uploads")
    }
}

/// Whole seconds until the last of these leases ends (at least 1).
fn seconds_left(held: &[UploadRecord], now: i64) -> i64 {
    let last = held.iter().map(|record| record.lease_until).max().unwrap_or(now);
    ((last - now + 999) / 1000).max(1)
}
