//! The worker's loop: owns the settings, the store and the job table; turns
//! commands into job tasks and folds their outcomes back in.

use crate::core::Config;
use crate::storage::{LocalStore, S3Store, StorageError, connect};
use crate::worker::command::{Command, Envelope, FolderMode, JobId};
use crate::worker::event::{Event, StoreInfo};
use crate::worker::job::{self, JobContext, JobOutcome, ReadyImage};
use crate::worker::{Wake, WorkerOptions, folders};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

/// Sends events and wakes the receiver. A receiver that has gone away is not
/// an error: the worker is shutting down.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::UnboundedSender<Event>,
    wake: Wake,
}

impl EventSink {
    pub fn new(tx: mpsc::UnboundedSender<Event>, wake: Wake) -> Self {
        Self { tx, wake }
    }

    pub fn send(&self, event: Event) {
        if self.tx.send(event).is_ok() {
            (self.wake)();
        }
    }
}

/// The store in use, or why there is none.
#[derive(Clone)]
pub enum StoreSlot {
    Ready(Arc<S3Store>),
    Failed(StorageError),
}

enum JobState {
    Validating,
    Ready(ReadyImage),
    Uploading,
    Done { key: String, store: Arc<S3Store> },
    Stopped,
}

struct Job {
    path: PathBuf,
    name: String,
    state: JobState,
    cancel: CancellationToken,
}

struct Worker {
    config: Config,
    options: WorkerOptions,
    sink: EventSink,
    store: StoreSlot,
    /// Kept alive while it serves; replaced when settings change.
    local: Option<LocalStore>,
    jobs: HashMap<JobId, Job>,
    next_id: u64,
    upload_slots: Arc<Semaphore>,
    thumbnail_slots: Arc<Semaphore>,
    outcomes: mpsc::UnboundedSender<(JobId, JobOutcome)>,
}

pub async fn run(
    config: Config,
    options: WorkerOptions,
    mut commands: mpsc::UnboundedReceiver<Envelope>,
    sink: EventSink,
) {
    let (outcome_tx, mut outcome_rx) = mpsc::unbounded_channel();
    let mut worker = Worker {
        upload_slots: Arc::new(Semaphore::new(config.upload.concurrency.max(1))),
        thumbnail_slots: Arc::new(Semaphore::new(2)),
        config: Config::default(),
        options,
        sink,
        store: StoreSlot::Failed(StorageError::Config {
            detail: "not configured yet".into(),
        }),
        local: None,
        jobs: HashMap::new(),
        next_id: 1,
        outcomes: outcome_tx,
    };
    worker.apply_settings(config).await;
    loop {
        tokio::select! {
            // Outcomes first: a job reports its new state before the event
            // that shows it, so commands answering that event see the state.
            biased;
            Some((id, outcome)) = outcome_rx.recv() => worker.record(id, outcome),
            envelope = commands.recv() => {
                let Some(Envelope { command, sent_from }) = envelope else { break };
                tracing::debug!(command = command.name(), %sent_from, "command");
                if matches!(command, Command::Shutdown) {
                    break;
                }
                worker.handle(command).await;
            }
        }
    }
    for job in worker.jobs.values() {
        job.cancel.cancel();
    }
}

impl Worker {
    async fn handle(&mut self, command: Command) {
        match command {
            Command::AddFiles { paths, folders } => self.add_files(paths, folders).await,
            Command::AddPixels {
                name,
                width,
                height,
                rgba,
            } => self.add_pixels(name, width, height, rgba).await,
            Command::StartAll => self.start_all(),
            Command::Cancel(id) => self.cancel(id),
            Command::CancelAll => {
                let ids: Vec<JobId> = self.jobs.keys().copied().collect();
                for id in ids {
                    self.cancel(id);
                }
            }
            Command::Retry(id) => self.retry(id),
            Command::Remove(id) => {
                if let Some(job) = self.jobs.remove(&id) {
                    job.cancel.cancel();
                }
            }
            Command::Resign(id) => self.resign(id),
            Command::ApplySettings(config) => {
                self.options.auto_upload = config.ui.auto_upload;
                self.apply_settings(*config).await;
            }
            Command::TestConnection(config) => self.test_connection(*config),
            Command::Shutdown => {}
        }
    }

    async fn apply_settings(&mut self, config: Config) {
        if self.config.upload.concurrency != config.upload.concurrency {
            self.upload_slots = Arc::new(Semaphore::new(config.upload.concurrency.max(1)));
        }
        let same_local = self.local.is_some()
            && config.storage.uses_local_store()
            && config.local == self.config.local
            && config.storage.bucket == self.config.storage.bucket;
        self.config = config;
        if same_local {
            return;
        }
        self.local = None;
        match connect(&self.config).await {
            Ok((store, local)) => {
                self.sink.send(Event::StoreReady(StoreInfo {
                    endpoint: store.endpoint().to_owned(),
                    bucket: store.bucket().to_owned(),
                    is_local: local.is_some(),
                }));
                self.store = StoreSlot::Ready(Arc::new(store));
                self.local = local;
            }
            Err(error) => {
                tracing::warn!(%error, "storage settings not usable");
                self.sink.send(Event::StoreFailed(error.clone()));
                self.store = StoreSlot::Failed(error);
            }
        }
    }

    fn context(&self) -> JobContext {
        JobContext {
            config: Arc::new(self.config.clone()),
            store: self.store.clone(),
            sink: self.sink.clone(),
            upload_slots: self.upload_slots.clone(),
            thumbnail_slots: self.thumbnail_slots.clone(),
            thumbnails: self.options.thumbnails,
            outcomes: self.outcomes.clone(),
        }
    }

    async fn add_files(&mut self, paths: Vec<PathBuf>, folders: FolderMode) {
        for path in paths {
            if folders != FolderMode::Reject && path.is_dir() {
                let recursive = folders == FolderMode::Recursive;
                let dir = path.clone();
                let found = tokio::task::spawn_blocking(move || folders::images_in_folder(&dir, recursive))
                    .await
                    .unwrap_or_default();
                self.sink.send(Event::FolderScanned {
                    path,
                    added: found.len(),
                    recursive,
                });
                for file in found {
                    self.add_one(file);
                }
            } else {
                self.add_one(path);
            }
        }
    }

    fn add_one(&mut self, path: PathBuf) {
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
            path,
            name,
            state: JobState::Validating,
            cancel: CancellationToken::new(),
        };
        self.spawn_validation(id, &job);
        self.jobs.insert(id, job);
    }

    fn spawn_validation(&self, id: JobId, job: &Job) {
        let ctx = self.context();
        let auto_upload = self.options.auto_upload;
        tokio::spawn(job::validate_then_maybe_upload(
            ctx,
            id,
            job.path.clone(),
            job.name.clone(),
            auto_upload,
            job.cancel.clone(),
        ));
    }

    async fn add_pixels(&mut self, name: String, width: u32, height: u32, rgba: Vec<u8>) {
        // An over-limit paste is refused before it costs an encode and a file.
        let rules = crate::core::ValidationRules::from(&self.config.upload);
        if let Err(reason) = crate::core::validate::check_dimensions(width, height, &rules) {
            self.sink
                .send(Event::Problem(format!("The pasted image was not added: {reason}.")));
            return;
        }
        let folder = crate::core::paths::default_data_dir().map(|d| d.join("pasted"));
        let saved =
            tokio::task::spawn_blocking(move || job::save_pixels_as_png(folder, &name, width, height, rgba)).await;
        match saved {
            Ok(Ok(path)) => self.add_one(path),
            Ok(Err(problem)) => self.sink.send(Event::Problem(problem)),
            Err(e) => self
                .sink
                .send(Event::Problem(format!("saving the pasted image failed: {e}"))),
        }
    }

    fn start_all(&mut self) {
        let ctx = self.context();
        for (&id, job) in &mut self.jobs {
            if let JobState::Ready(image) = &job.state {
                tokio::spawn(job::upload(ctx.clone(), id, image.clone(), job.cancel.clone()));
                job.state = JobState::Uploading;
            }
        }
    }

    fn cancel(&mut self, id: JobId) {
        if let Some(job) = self.jobs.get_mut(&id) {
            job.cancel.cancel();
            if let JobState::Ready(_) = job.state {
                job.state = JobState::Stopped;
                self.sink.send(Event::Cancelled { id });
            }
        }
    }

    fn retry(&mut self, id: JobId) {
        let Some(job) = self.jobs.get_mut(&id) else { return };
        if !matches!(job.state, JobState::Stopped) {
            return;
        }
        job.cancel = CancellationToken::new();
        job.state = JobState::Validating;
        let job = &self.jobs[&id];
        self.spawn_validation(id, job);
    }

    fn resign(&self, id: JobId) {
        let Some(Job {
            state: JobState::Done { key, store },
            ..
        }) = self.jobs.get(&id)
        else {
            return;
        };
        tokio::spawn(job::resign(
            store.clone(),
            key.clone(),
            self.config.upload.link_expiry,
            id,
            self.sink.clone(),
        ));
    }

    fn test_connection(&self, config: Config) {
        let sink = self.sink.clone();
        let current_local = self
            .local
            .as_ref()
            .filter(|_| config.storage.uses_local_store())
            .map(LocalStore::storage_config);
        tokio::spawn(async move {
            let result = async {
                let store = match current_local {
                    Some(settings) => S3Store::new(&settings).await?,
                    None => connect(&config).await?.0,
                };
                store.test_connection().await
            }
            .await;
            sink.send(Event::ConnectionTested(result));
        });
    }

    fn record(&mut self, id: JobId, outcome: JobOutcome) {
        let Some(job) = self.jobs.get_mut(&id) else { return };
        job.state = match outcome {
            JobOutcome::Ready(image) => JobState::Ready(image),
            JobOutcome::Uploading => JobState::Uploading,
            JobOutcome::Done { key, store } => JobState::Done { key, store },
            JobOutcome::Stopped => JobState::Stopped,
        };
    }
}
