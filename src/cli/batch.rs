//! A batch of files going through the worker, as `upload` and `resume` print
//! it: one line per file on stdout (a link, or with `--json` an object) in
//! the order the files joined, problems on stderr.

use crate::core::validate::human_bytes;
use crate::core::{LinkInfo, LinkText};
use crate::worker::{Event, JobId};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

/// The end of one file.
enum Outcome {
    Uploaded {
        key: String,
        url: String,
        /// `None`: a public link, which does not expire (`null` in JSON).
        expires_at_unix: Option<u64>,
    },
    Error(String),
}

struct FileState {
    path: PathBuf,
    /// The name the worker gave it (the file name), for link formats.
    name: Option<String>,
    dimensions: Option<(u32, u32)>,
    size: Option<u64>,
    content_type: Option<&'static str>,
    outcome: Option<Outcome>,
}

impl FileState {
    fn new(path: PathBuf) -> Self {
        Self {
            path,
            name: None,
            dimensions: None,
            size: None,
            content_type: None,
            outcome: None,
        }
    }
}

pub(super) struct Batch {
    json: bool,
    /// How a link is printed without `--json`.
    text: LinkText,
    show_progress: bool,
    /// In the order the worker added them (`Event::Added`).
    files: Vec<FileState>,
    index_of: HashMap<JobId, usize>,
    next_to_print: usize,
    any_failed: bool,
    bytes_sent: HashMap<JobId, u64>,
}

impl Batch {
    /// A batch of `files` (as given; more join with each `Event::Added` past them).
    pub(super) fn new(files: &[PathBuf], json: bool, text: LinkText) -> Self {
        Self {
            json,
            text,
            show_progress: std::io::stderr().is_terminal() && !json,
            files: files.iter().cloned().map(FileState::new).collect(),
            index_of: HashMap::new(),
            next_to_print: 0,
            any_failed: false,
            bytes_sent: HashMap::new(),
        }
    }

    /// How many files were printed (finished), in order.
    pub(super) fn printed(&self) -> usize {
        self.next_to_print
    }

    pub(super) fn any_failed(&self) -> bool {
        self.any_failed
    }

    /// Takes in one event, then prints every finished file whose predecessors are printed.
    pub(super) fn handle(&mut self, event: Event) -> std::io::Result<()> {
        match event {
            Event::StoreReady(info) if info.is_local => eprintln!(
                "picbucket: using the built-in local store at {} (bucket `{}`); its links work on this computer while picbucket runs (`picbucket serve-local` keeps them served)",
                info.endpoint, info.bucket
            ),
            Event::Added { id, path, name } => {
                let index = self.index_of.len();
                if index >= self.files.len() {
                    self.files.push(FileState::new(path));
                }
                self.index_of.insert(id, index);
                if let Some(file) = self.file(id) {
                    file.name = Some(name);
                }
            }
            Event::Validated { id, image } => {
                if let Some(file) = self.file(id) {
                    file.dimensions = Some((image.width, image.height));
                    file.size = Some(image.size_bytes);
                    file.content_type = Some(image.kind.mime_type());
                }
            }
            Event::Progress { id, sent_bytes, .. } if self.show_progress => {
                self.bytes_sent.insert(id, sent_bytes);
                let total: u64 = self.bytes_sent.values().sum();
                eprint!("\r\x1b[Kuploading… {} sent", human_bytes(total));
            }
            Event::Rejected { id, reason } => self.set_outcome(id, Outcome::Error(reason.to_string())),
            Event::Failed { id, error } => self.set_outcome(id, Outcome::Error(error.to_string())),
            Event::Cancelled { id } => self.set_outcome(id, Outcome::Error("cancelled".into())),
            Event::Uploaded { id, key, link } => {
                let expires_at_unix = link
                    .expires_at
                    .map(|at| at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
                self.set_outcome(
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
        self.print_finished()
    }

    fn file(&mut self, id: JobId) -> Option<&mut FileState> {
        self.index_of.get(&id).and_then(|&i| self.files.get_mut(i))
    }

    fn set_outcome(&mut self, id: JobId, outcome: Outcome) {
        if let Some(file) = self.file(id) {
            file.outcome = Some(outcome);
        }
    }

    fn print_finished(&mut self) -> std::io::Result<()> {
        let stdout = std::io::stdout();
        while let Some(file) = self.files.get_mut(self.next_to_print) {
            let Some(outcome) = file.outcome.take() else { break };
            if self.show_progress {
                eprint!("\r\x1b[K");
            }
            self.any_failed |= matches!(outcome, Outcome::Error(_));
            let mut out = stdout.lock();
            print_outcome(&mut out, self.json, &self.text, file, &outcome)?;
            out.flush()?;
            self.next_to_print += 1;
        }
        Ok(())
    }
}

fn print_outcome(
    out: &mut impl Write,
    json: bool,
    text: &LinkText,
    file: &FileState,
    outcome: &Outcome,
) -> std::io::Result<()> {
    let file_text = file.path.display().to_string();
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
                "size": file.size,
                "content_type": file.content_type,
                "expires_at": expires_at_unix,
            });
            writeln!(out, "{line}")
        }
        (Outcome::Uploaded { key, url, .. }, false) => {
            let filename = file.name.clone().unwrap_or_else(|| file_name_of(&file.path));
            let info = LinkInfo {
                url,
                filename: &filename,
                key,
                dimensions: file.dimensions,
            };
            writeln!(out, "{}", text.render(&info))
        }
        (Outcome::Error(message), true) => {
            writeln!(out, "{}", serde_json::json!({ "file": file_text, "error": message }))
        }
        (Outcome::Error(message), false) => {
            eprintln!("picbucket: {file_text}: {message}");
            Ok(())
        }
    }
}

fn file_name_of(path: &std::path::Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}
