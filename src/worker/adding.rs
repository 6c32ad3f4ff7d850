//! Putting files in the worker's job table: added paths (folders scanned in
//! the background), pasted pixels saved as PNG first, and jobs an earlier
//! run left unfinished. Each new job starts with its validation.

use crate::library::UploadRecord;
use crate::worker::command::{FolderMode, JobId};
use crate::worker::event::Event;
use crate::worker::internal::Internal;
use crate::worker::job;
use crate::worker::runtime::{Job, JobState, Worker};
use crate::worker::{folders, paste, resume};
use std::path::PathBuf;
use tokio_util::sync::CancellationToken;

impl Worker {
    pub(super) fn add_files(&mut self, paths: Vec<PathBuf>, mode: FolderMode) {
        for path in paths {
            if mode != FolderMode::Reject && path.is_dir() {
                folders::scan_in_background(
                    path,
                    mode == FolderMode::Recursive,
                    self.sink.clone(),
                    self.internal.clone(),
                    self.quitting.clone(),
                );
            } else {
                self.add_one(path);
            }
        }
    }

    pub(super) fn add_one(&mut self, path: PathBuf) -> JobId {
        let id = JobId(self.next_id);
        self.next_id += 1;
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        self.sink.send(Event::Added {
            id,
            path: path.clone(),
            name: name.clone(),
        });
        let job = Job {
            pasted: paste::is_pasted(&path, self.pasted_folder.as_deref()),
            path,
            name,
            state: JobState::Validating,
            cancel: CancellationToken::new(),
            ctx: self.context(),
            record: None,
            thumbnail: None,
        };
        Self::spawn_validation(id, &job, self.options.auto_upload);
        self.jobs.insert(id, job);
        id
    }

    /// A job an earlier run left unfinished, claimed from the library.
    pub(super) fn add_resumed(&mut self, record: UploadRecord) {
        let id = JobId(self.next_id);
        self.next_id += 1;
        let path = record.source_path.clone();
        let name = record.file_name.clone();
        self.sink.send(Event::Added {
            id,
            path: path.clone(),
            name: name.clone(),
        });
        let cancel = CancellationToken::new();
        let ctx = self.context();
        let job = Job {
            pasted: paste::is_pasted(&path, self.pasted_folder.as_deref()),
            path,
            name,
            state: JobState::Uploading,
            cancel: cancel.clone(),
            ctx: ctx.clone(),
            record: Some(record.id),
            thumbnail: None,
        };
        self.jobs.insert(id, job);
        tokio::spawn(resume::finish_job(ctx, self.destinations.clone(), id, record, cancel));
    }

    pub(super) fn spawn_validation(id: JobId, job: &Job, auto_upload: bool) {
        tokio::spawn(job::validate_then_maybe_upload(
            job.ctx.clone(),
            id,
            job.path.clone(),
            job.name.clone(),
            auto_upload,
            job.cancel.clone(),
        ));
    }

    pub(super) fn add_pixels(&mut self, name: String, width: u32, height: u32, rgba: Vec<u8>) {
        // An over-limit paste is refused before it costs an encode and a file.
        let rules = crate::core::ValidationRules::from(&self.config.upload);
        if let Err(reason) = crate::core::validate::check_dimensions(width, height, &rules) {
            self.sink
                .send(Event::Warning(format!("The pasted image was not added: {reason}.")));
            return;
        }
        let folder = self.pasted_folder.clone();
        let sink = self.sink.clone();
        let internal = self.internal.clone();
        tokio::spawn(async move {
            let saved =
                tokio::task::spawn_blocking(move || paste::save_pixels_as_png(folder, &name, width, height, rgba))
                    .await;
            match saved {
                Ok(Ok(path)) => {
                    internal.send(Internal::PastedSaved(path)).ok();
                }
                Ok(Err(problem)) => sink.send(Event::Warning(problem)),
                Err(e) => sink.send(Event::Warning(format!("saving the pasted image failed: {e}"))),
            }
        });
    }
}
