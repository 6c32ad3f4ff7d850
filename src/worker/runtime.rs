//! The worker's loop: owns the settings, the destinations, the library handle
//! and the job table; turns commands into job tasks and folds their updates
//! back in. Anything slow (connecting, folder scans, saving a pasted image,
//! library queries) runs in a task that reports back, so Cancel and Quit are
//! answered at once.

use crate::core::Config;
use crate::core::thumbnail::Thumbnail;
use crate::library::RecordId;
use crate::storage::{HELD_BUDGET_KIB, S3Store, StorageError};
use crate::worker::command::{Command, Envelope, JobId};
use crate::worker::destinations::{Destination, Destinations, PendingStore, StoreChoice};
use crate::worker::event::{Event, Failure, StoreInfo};
use crate::worker::internal::{Internal, InternalSender, JobUpdate};
use crate::worker::job::{self, JobContext, ReadyImage};
use crate::worker::priority::Lowered;
use crate::worker::records::Records;
use crate::worker::sink::EventSink;
use crate::worker::{WorkerOptions, history, paste, resume};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

/// Files checked at once (each on a blocking thread), however many were added.
const VALIDATIONS_AT_ONCE: usize = 4;
/// How long quitting waits for running uploads to abort their multipart uploads.
const QUIT_GRACE: Duration = Duration::from_millis(1500);

pub(super) enum JobState {
    Validating,
    WaitingForStart(ReadyImage),
    Uploading,
    Done { key: String, store: Arc<S3Store> },
    Stopped,
}

pub(super) struct Job {
    pub(super) path: PathBuf,
    pub(super) name: String,
    pub(super) state: JobState,
    pub(super) cancel: CancellationToken,
    /// The settings and store it was queued with.
    pub(super) ctx: JobContext,
    pub(super) record: Option<RecordId>,
    /// A thumbnail that arrived before the record: saved once there is one.
    pub(super) thumbnail: Option<Thumbnail>,
    /// The file is a pasted screenshot the worker saved (see `paste`).
    pub(super) pasted: bool,
}

pub(crate) struct Worker {
    pub config: Config,
    pub options: WorkerOptions,
    pub sink: EventSink,
    /// The store for the current settings (maybe still resolving).
    pub store: PendingStore,
    pub destinations: Arc<Mutex<Destinations>>,
    pub records: Option<Records>,
    pub links: history::LinkCache,
    pub(super) jobs: HashMap<JobId, Job>,
    pub(super) next_id: u64,
    settings_generation: u64,
    upload_slots: Arc<Semaphore>,
    validation_slots: Arc<Semaphore>,
    thumbnail_slots: Arc<Semaphore>,
    held_room: Arc<Semaphore>,
    /// How the worker's threads stay out of the window's way, if they do.
    lowered: Option<Arc<Lowered>>,
    pub(super) quitting: CancellationToken,
    pub internal: InternalSender,
    /// Where pasted screenshots are saved.
    pub pasted_folder: Option<PathBuf>,
}

pub async fn run(
    config: Config,
    options: WorkerOptions,
    lowered: Option<Lowered>,
    mut commands: mpsc::UnboundedReceiver<Envelope>,
    sink: EventSink,
) {
    let (internal_tx, mut internal_rx) = mpsc::unbounded_channel();
    let records = match Records::open(&options.library) {
        Ok(records) => records,
        Err(error) => {
            tracing::warn!(%error, "the library is not available; uploads are not remembered");
            sink.send(Event::Warning(format!(
                "Uploads will not be remembered this time: {error}"
            )));
            None
        }
    };
    let mut worker = Worker {
        upload_slots: Arc::new(Semaphore::new(config.upload.concurrency.max(1))),
        validation_slots: Arc::new(Semaphore::new(VALIDATIONS_AT_ONCE)),
        thumbnail_slots: Arc::new(Semaphore::new(2)),
        held_room: Arc::new(Semaphore::new(HELD_BUDGET_KIB as usize)),
        lowered: lowered.map(Arc::new),
        config: config.clone(),
        sink,
        store: PendingStore::ready(StoreChoice::Failed(StorageError::Config {
            detail: "the store is still starting".into(),
        })),
        destinations: Arc::new(Mutex::new(Destinations::default())),
        records,
        links: history::LinkCache::default(),
        jobs: HashMap::new(),
        next_id: 1,
        settings_generation: 0,
        quitting: CancellationToken::new(),
        internal: internal_tx,
        pasted_folder: paste::pasted_folder(&options.library),
        options,
    };
    // The first store is resolved before any command, so files added at once
    // (the CLI) go to it rather than failing with "still starting".
    let first = resolve(worker.destinations.clone(), config).await;
    worker.store = PendingStore::ready(first.clone());
    worker.store_resolved(0, first);
    let lease_keeper = worker
        .records
        .clone()
        .map(|records| tokio::spawn(resume::keep_leases(records)));
    if worker.options.offer_unfinished {
        resume::announce_unfinished(&worker);
    }
    loop {
        tokio::select! {
            // Updates first: a job reports its new state before the event
            // that shows it, so commands answering that event see the state.
            biased;
            Some(update) = internal_rx.recv() => worker.internal(update),
            envelope = commands.recv() => {
                let Some(Envelope { command, sent_from }) = envelope else { break };
                tracing::debug!(command = command.name(), %sent_from, "command");
                if matches!(command, Command::Shutdown) {
                    break;
                }
                worker.handle(command);
            }
        }
    }
    let quitting = std::time::Instant::now();
    worker.quit(&mut internal_rx).await;
    tracing::debug!(ms = quitting.elapsed().as_millis(), "worker loop finished its jobs");
    if let Some(keeper) = lease_keeper {
        keeper.abort();
    }
}

/// Builds (or reuses) the store for `config`'s active destination.
async fn resolve(destinations: Arc<Mutex<Destinations>>, config: Config) -> StoreChoice {
    match destinations.lock().await.resolve(&config).await {
        Ok(destination) => StoreChoice::Ready(destination),
        Err(error) => StoreChoice::Failed(error),
    }
}

impl Worker {
    fn handle(&mut self, command: Command) {
        match command {
            Command::AddFiles { paths, folders } => self.add_files(paths, folders),
            Command::AddPixels {
                name,
                width,
                height,
                rgba,
            } => self.add_pixels(name, width, height, rgba),
            Command::StartAll => self.start_all(),
            Command::Cancel(id) => self.cancel(id),
            Command::CancelAll => {
                let ids: Vec<JobId> = self.jobs.keys().copied().collect();
                for id in ids {
                    self.cancel(id);
                }
            }
            Command::Retry(id) => self.retry(id),
            Command::ReloadThumbnail(id) => {
                if let Some(job) = self.jobs.get(&id).filter(|job| job.ctx.thumbnails) {
                    let rules = crate::core::ValidationRules::from(&job.ctx.config.upload);
                    let made = job::thumbnail(job.ctx.clone(), id, job.path.clone(), rules, job::Keep::ForWindowOnly);
                    history::reload_row_thumbnail(self, id, job.record, made);
                }
            }
            Command::Remove(id) => {
                if let Some(job) = self.jobs.remove(&id) {
                    job.cancel.cancel();
                    // A removed row is never retried, and a cancelled upload is not resumed.
                    if job.pasted {
                        tokio::spawn(paste::remove_pasted(job.path));
                    }
                }
            }
            Command::Resign(id) => self.resign(id),
            Command::ApplySettings(config) => {
                self.options.auto_upload = config.ui.auto_upload;
                self.apply_settings(*config);
            }
            Command::TestConnection(config) => self.test_connection(*config),
            Command::ResumeUnfinished(ids) => resume::claim(self, ids),
            Command::DiscardUnfinished(ids) => resume::discard(self, ids),
            Command::QueryHistory { query, ticket } => history::query(self, query, ticket),
            Command::SignRecordLink { record, expiry } => history::sign_link(self, record, expiry),
            Command::DeleteRemote(record) => history::delete_remote(self, record),
            Command::RemoveRecord(record) => history::remove_record(self, record),
            Command::LoadRecordThumbnail(record) => history::load_thumbnail(self, record),
            Command::Shutdown => {}
        }
    }

    fn internal(&mut self, update: Internal) {
        match update {
            Internal::Job(id, update) => self.record(id, update),
            Internal::FolderFiles(files) => {
                for file in files {
                    self.add_one(file);
                }
            }
            Internal::PastedSaved(path) => {
                self.add_one(path);
            }
            Internal::StoreResolved(generation, slot) => self.store_resolved(generation, slot),
            Internal::Claimed(records) => {
                for record in records {
                    self.add_resumed(record);
                }
            }
        }
    }

    fn apply_settings(&mut self, config: Config) {
        if self.config.upload.concurrency != config.upload.concurrency {
            // Jobs already queued keep the slots they were queued with.
            self.upload_slots = Arc::new(Semaphore::new(config.upload.concurrency.max(1)));
        }
        self.config = config.clone();
        self.settings_generation += 1;
        let generation = self.settings_generation;
        let destinations = self.destinations.clone();
        let internal = self.internal.clone();
        let (deliver, pending) = PendingStore::new();
        self.store = pending;
        tokio::spawn(async move {
            let slot = resolve(destinations, config).await;
            deliver.send(Some(slot.clone())).ok();
            internal.send(Internal::StoreResolved(generation, slot)).ok();
        });
    }

    fn store_resolved(&mut self, generation: u64, slot: StoreChoice) {
        if generation != self.settings_generation {
            return; // Settings changed again meanwhile; a newer answer follows.
        }
        match &slot {
            StoreChoice::Ready(destination) => self.sink.send(Event::StoreReady(StoreInfo {
                endpoint: destination.store.endpoint().to_owned(),
                bucket: destination.store.bucket().to_owned(),
                is_local: destination.is_local(),
                profile: self.config.profile.clone(),
            })),
            StoreChoice::Failed(error) => {
                tracing::warn!(%error, "storage settings not usable");
                self.sink.send(Event::StoreFailed(error.into()));
            }
        }
    }

    pub(crate) fn context(&self) -> JobContext {
        JobContext {
            config: Arc::new(self.config.clone()),
            store: self.store.clone(),
            sink: self.sink.clone(),
            records: self.records.clone(),
            upload_slots: self.upload_slots.clone(),
            validation_slots: self.validation_slots.clone(),
            thumbnail_slots: self.thumbnail_slots.clone(),
            held_room: self.held_room.clone(),
            lowered: self.lowered.clone(),
            thumbnails: self.options.thumbnails,
            quitting: self.quitting.clone(),
            updates: self.internal.clone(),
        }
    }

    fn start_all(&mut self) {
        for (&id, job) in &mut self.jobs {
            if let JobState::WaitingForStart(image) = &job.state {
                tokio::spawn(job::upload(
                    job.ctx.clone(),
                    id,
                    image.clone(),
                    job.cancel.clone(),
                    None,
                ));
                job.state = JobState::Uploading;
            }
        }
    }

    fn cancel(&mut self, id: JobId) {
        if let Some(job) = self.jobs.get_mut(&id) {
            job.cancel.cancel();
            if let JobState::WaitingForStart(_) = job.state {
                job.state = JobState::Stopped;
                self.sink.send(Event::Cancelled { id });
            }
        }
    }

    /// Runs a stopped file again from validation, with the settings in effect now
    /// (a retry after fixing Settings should use the fix).
    fn retry(&mut self, id: JobId) {
        let ctx = self.context();
        let auto_upload = self.options.auto_upload;
        let Some(job) = self.jobs.get_mut(&id) else { return };
        if !matches!(job.state, JobState::Stopped) {
            return;
        }
        job.cancel = CancellationToken::new();
        job.state = JobState::Validating;
        job.ctx = ctx;
        job.record = None;
        Self::spawn_validation(id, job, auto_upload);
    }

    fn resign(&self, id: JobId) {
        let Some(Job {
            state: JobState::Done { key, store },
            ctx,
            ..
        }) = self.jobs.get(&id)
        else {
            return;
        };
        tokio::spawn(job::resign(
            store.clone(),
            key.clone(),
            ctx.config.upload.link_expiry,
            id,
            self.sink.clone(),
        ));
    }

    /// Checks the draft settings as typed. For the built-in store the running
    /// server is reused (when the draft keeps its port and folder), with the
    /// draft's bucket, which the test does not create.
    fn test_connection(&self, config: Config) {
        let sink = self.sink.clone();
        let destinations = self.destinations.clone();
        tokio::spawn(async move {
            let result = async {
                let destination: Destination = destinations.lock().await.probe(&config).await?;
                destination.store.test_connection().await
            }
            .await;
            sink.send(Event::ConnectionTested(result.map_err(Failure::from)));
        });
    }

    fn record(&mut self, id: JobId, update: JobUpdate) {
        let Some(job) = self.jobs.get_mut(&id) else { return };
        match update {
            JobUpdate::WaitingForStart(image) => job.state = JobState::WaitingForStart(image),
            JobUpdate::Started => job.state = JobState::Uploading,
            JobUpdate::Recorded(record) => {
                job.record = Some(record);
                if let Some(thumbnail) = job.thumbnail.take() {
                    history::save_thumbnail(self.records.clone(), record, thumbnail);
                }
            }
            JobUpdate::Thumbnail(thumbnail) => match job.record {
                Some(record) => history::save_thumbnail(self.records.clone(), record, thumbnail),
                None => job.thumbnail = Some(thumbnail),
            },
            JobUpdate::Done { key, store } => {
                job.state = JobState::Done { key, store };
                job.thumbnail = None;
                if job.pasted {
                    tokio::spawn(paste::remove_pasted(job.path.clone()));
                }
                self.sink.send(Event::HistoryChanged);
            }
            JobUpdate::Stopped => job.state = JobState::Stopped,
        }
    }

    /// Stops every job; uploads get a moment to abort their multipart uploads
    /// so no parts are left on the server, and jobs stopped this way stay
    /// unfinished in the library for `resume`.
    async fn quit(&mut self, internal_rx: &mut mpsc::UnboundedReceiver<Internal>) {
        // Pasted files stay only for uploads left unfinished for `resume`: those
        // running now, when there is a library to remember them.
        let leftover_pastes: Vec<PathBuf> = self
            .jobs
            .values()
            .filter(|job| job.pasted && (self.records.is_none() || !matches!(job.state, JobState::Uploading)))
            .map(|job| job.path.clone())
            .collect();
        self.quitting.cancel();
        for job in self.jobs.values() {
            job.cancel.cancel();
        }
        let deadline = tokio::time::Instant::now() + QUIT_GRACE;
        while self.jobs.values().any(|job| matches!(job.state, JobState::Uploading)) {
            match tokio::time::timeout_at(deadline, internal_rx.recv()).await {
                Ok(Some(Internal::Job(id, update))) => self.record(id, update),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        if let Some(records) = &self.records {
            records.note("releasing jobs", |lib, owner, _| lib.release(owner)).await;
        }
        for path in leftover_pastes {
            paste::remove_pasted(path).await;
        }
    }
}
