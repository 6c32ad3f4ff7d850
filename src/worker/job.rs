//! One file's way through the worker: validate (and hash) → record the job →
//! wait for a slot → upload → confirm → record the result → sign. Each step
//! reports an event; the library learns of the job before its first byte is sent.

use crate::core::naming::{KeyInputs, KeyTemplate, sanitize_filename};
use crate::core::{Config, LinkExpiry, ValidatedImage, ValidationRules};
use crate::library::{RecordId, SentInfo, UploadRecord};
use crate::storage::{S3Store, StorageError, UploadProgress, UploadRequest, body_budget};
use crate::worker::command::JobId;
use crate::worker::destinations::{PendingStore, StoreChoice};
use crate::worker::event::{Event, SignedLink};
use crate::worker::internal::{Internal, InternalSender, JobUpdate};
pub(crate) use crate::worker::job_library::finish_already_stored;
use crate::worker::job_library::{finish, note_multipart, record_job};
pub(crate) use crate::worker::job_thumbnail::{Keep, thumbnail};
use crate::worker::outgoing::{Outgoing, bytes_to_send, check_for_sending, room_to_hold};
use crate::worker::priority::Lowered;
use crate::worker::records::Records;
use crate::worker::sink::EventSink;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// Progress events per upload are sent at most this often.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// What a job task needs; cloned per task. Holds the settings and the store
/// the job was queued with, so later Settings changes never move it.
#[derive(Clone)]
pub struct JobContext {
    pub config: Arc<Config>,
    pub store: PendingStore,
    pub sink: EventSink,
    pub records: Option<Records>,
    pub upload_slots: Arc<Semaphore>,
    pub validation_slots: Arc<Semaphore>,
    pub thumbnail_slots: Arc<Semaphore>,
    /// Room (KiB) for checked files kept in memory until their upload.
    pub held_room: Arc<Semaphore>,
    /// The window's worker: background work stays off the window's core.
    /// (Shared: two CPU sets would grow every waiting job's task by half.)
    pub lowered: Option<Arc<Lowered>>,
    pub thumbnails: bool,
    /// Fired when the worker quits: a job stopped by it stays unfinished in
    /// the library (for `resume`) instead of being marked cancelled.
    pub quitting: CancellationToken,
    pub updates: InternalSender,
}

impl JobContext {
    pub(super) fn report(&self, id: JobId, update: JobUpdate) {
        // The loop is gone only when the worker shuts down.
        self.updates.send(Internal::Job(id, update)).ok();
    }
}

/// A validated file waiting for its upload.
#[derive(Clone, Debug)]
pub struct ReadyImage {
    pub image: ValidatedImage,
    pub name: String,
    /// What is sent: the file itself, or a copy without its metadata.
    pub outgoing: Outgoing,
    /// Modification time of the file when it was checked (unix ms).
    pub mtime_ms: Option<i64>,
}

pub async fn validate_then_maybe_upload(
    ctx: JobContext,
    id: JobId,
    path: PathBuf,
    name: String,
    auto_upload: bool,
    cancel: CancellationToken,
) {
    let rules = ValidationRules::from(&ctx.config.upload);
    let Some(ready) = check(&ctx, id, &path, name, &rules, &cancel, auto_upload).await else {
        return;
    };
    // The job table learns each state before the event that shows it, so a
    // command sent in answer to the event finds the job in that state.
    let cancelled = cancel.is_cancelled();
    if cancelled {
        ctx.report(id, JobUpdate::Stopped);
    } else if auto_upload {
        ctx.report(id, JobUpdate::Started);
    } else {
        ctx.report(id, JobUpdate::WaitingForStart(ready.clone()));
    }
    ctx.sink.send(Event::Validated {
        id,
        image: ready.image.clone(),
    });
    if ctx.thumbnails {
        tokio::spawn(thumbnail(ctx.clone(), id, path, rules, Keep::InLibrary));
    }
    if cancelled {
        ctx.sink.send(Event::Cancelled { id });
    } else if auto_upload {
        // Boxed: until its check is done a dropped file's task is only what
        // the check needs (the upload's state is made after it).
        Box::pin(upload(ctx, id, ready, cancel, None)).await;
    }
}

/// Validates and hashes the file on the blocking pool, a few files at a
/// time however many were dropped. With `upload_next` (the upload follows at
/// once) a small file's bytes are kept for it, which may wait for room.
/// `None` when it was rejected or cancelled (the event is sent here).
pub(crate) async fn check(
    ctx: &JobContext,
    id: JobId,
    path: &Path,
    name: String,
    rules: &ValidationRules,
    cancel: &CancellationToken,
    upload_next: bool,
) -> Option<ReadyImage> {
    let _slot = tokio::select! {
        slot = ctx.validation_slots.clone().acquire_owned() => slot.ok()?,
        () = cancel.cancelled() => {
            ctx.report(id, JobUpdate::Stopped);
            ctx.sink.send(Event::Cancelled { id });
            return None;
        }
    };
    let checked = {
        let path = path.to_owned();
        let rules = rules.clone();
        let strip = ctx.config.upload.strip_metadata;
        let (held_room, cancel, quitting) = (ctx.held_room.clone(), cancel.clone(), ctx.quitting.clone());
        tokio::task::spawn_blocking(move || {
            check_for_sending(&path, &rules, strip, |size| {
                upload_next
                    .then(|| room_to_hold(&held_room, size, &cancel, &quitting))
                    .flatten()
            })
        })
        .await
    };
    match checked {
        Ok(Ok((image, outgoing, mtime_ms))) => {
            if let Some(stripped) = outgoing
                .stripped
                .as_ref()
                .filter(|s| s.had_gps || !s.removed.is_empty())
            {
                ctx.sink.send(Event::MetadataRemoved {
                    id,
                    had_gps: stripped.had_gps,
                    kinds: stripped.removed.clone(),
                });
            }
            Some(ReadyImage {
                image,
                name,
                outgoing,
                mtime_ms,
            })
        }
        Ok(Err(reason)) => {
            ctx.report(id, JobUpdate::Stopped);
            ctx.sink.send(Event::Rejected { id, reason });
            None
        }
        Err(join_error) => {
            tracing::error!(%join_error, "validation task failed");
            ctx.report(id, JobUpdate::Stopped);
            ctx.sink
                .send(Event::Warning(format!("checking {name} failed unexpectedly")));
            None
        }
    }
}

/// Uploads a checked file. `resumed` is the library's record of a job an
/// earlier run did not finish: its key is kept, and an object already stored
/// under it is taken as the upload (never a second copy).
pub async fn upload(
    ctx: JobContext,
    id: JobId,
    ready: ReadyImage,
    cancel: CancellationToken,
    resumed: Option<UploadRecord>,
) {
    let store = match &ctx.store.get().await {
        StoreChoice::Ready(destination) => destination.store.clone(),
        StoreChoice::Failed(error) => {
            ctx.report(id, JobUpdate::Stopped);
            if let (Some(records), Some(record)) = (&ctx.records, &resumed) {
                let (record_id, message) = (record.id, error.to_string());
                records
                    .note("failed job", move |lib, _, now| {
                        lib.set_failed(record_id, &message, now)
                    })
                    .await;
            }
            ctx.sink.send(Event::Failed {
                id,
                error: error.into(),
            });
            return;
        }
    };
    let (key, record) = match resumed {
        Some(record) => (record.object_key, Some(record.id)),
        None => match object_key(&ctx.config, &ready).await {
            Ok(key) => {
                let record = record_job(&ctx, id, &ready, &store, &key).await;
                (key, record)
            }
            Err(error) => {
                ctx.report(id, JobUpdate::Stopped);
                ctx.sink.send(Event::Failed {
                    id,
                    error: error.into(),
                });
                return;
            }
        },
    };
    let result = upload_steps(&ctx, id, &ready, &store, &key, record, &cancel).await;
    let sent = SentInfo {
        size_bytes: ready.outgoing.size_bytes,
        sha256: ready.outgoing.sha256_hex.clone(),
    };
    // Bytes kept from the check give their room to the next check now, not
    // after the library has recorded the result.
    drop(ready);
    finish(&ctx, id, record.map(|r| (r, sent)), store, key, result).await;
}

async fn upload_steps(
    ctx: &JobContext,
    id: JobId,
    ready: &ReadyImage,
    store: &S3Store,
    key: &str,
    record: Option<RecordId>,
    cancel: &CancellationToken,
) -> Result<SignedLink, StorageError> {
    let _slot = tokio::select! {
        slot = ctx.upload_slots.clone().acquire_owned() => slot.map_err(|_| StorageError::Cancelled)?,
        () = cancel.cancelled() => return Err(StorageError::Cancelled),
    };
    // Boxed, so that only the uploads holding a slot carry the sending
    // state (about 14 KB): a drop of thousands of files has a task for each
    // waiting here, and unboxed their fresh pages were 40% of a 2,000-file
    // upload's page faults.
    Box::pin(send_and_sign(ctx, id, ready, store, key, record, cancel)).await
}

/// The upload itself, once it holds a slot: the request, its progress, the
/// confirmation and the link.
async fn send_and_sign(
    ctx: &JobContext,
    id: JobId,
    ready: &ReadyImage,
    store: &S3Store,
    key: &str,
    record: Option<RecordId>,
    cancel: &CancellationToken,
) -> Result<SignedLink, StorageError> {
    if let (Some(records), Some(record)) = (&ctx.records, record) {
        // Not waited for: the job is in the library already (pending, which
        // resume treats as uploading), and its end is queued after this.
        records.note_in_background("started job", move |lib, _, now| lib.set_uploading(record, None, now));
    }
    let total_bytes = ready.outgoing.size_bytes;
    // Stripped bytes made now are held until sent: room for them (and for
    // the file, when it is walked again) in the uploads' shared memory budget first.
    let _budget = if ready.outgoing.strips_on_send() {
        body_budget(ready.outgoing.memory_to_send(ready.image.size_bytes)).await
    } else {
        None
    };
    let prepared = if let Some(held) = ready.outgoing.held_bytes() {
        Some(held.clone())
    } else if ready.outgoing.strips_on_send() {
        let (outgoing, size, mtime) = (ready.outgoing.clone(), ready.image.size_bytes, ready.mtime_ms);
        tokio::task::spawn_blocking(move || bytes_to_send(&outgoing, size, mtime))
            .await
            .map_err(|join| StorageError::File {
                detail: format!("preparing the file stopped: {join}"),
            })??
    } else {
        None
    };
    ctx.sink.send(Event::UploadStarted { id, total_bytes });
    let progress = UploadProgress::new();
    let ticker = tokio::spawn(report_progress(ctx.sink.clone(), id, progress.clone(), total_bytes));
    let request = UploadRequest {
        path: ready.outgoing.path(),
        key,
        content_type: ready.image.kind.mime_type(),
        size_bytes: total_bytes,
        multipart_threshold_bytes: ctx.config.upload.multipart_threshold_bytes(),
        max_attempts: ctx.config.upload.max_attempts,
        prepared: prepared.as_ref(),
    };
    let uploaded = match ctx.records.clone().zip(record) {
        Some((records, record)) => {
            let (notes, writer) = note_multipart(records, record);
            let hook = move |event| {
                notes.send(event).ok();
            };
            let uploaded = store.upload_file_noting(request, &progress, cancel, Some(&hook)).await;
            drop(hook);
            // Written before the job is marked done, which drops its parts again.
            writer.await.ok();
            uploaded
        }
        None => store.upload_file(request, &progress, cancel).await,
    };
    ticker.abort();
    uploaded?;
    ctx.sink.send(Event::Progress {
        id,
        sent_bytes: total_bytes,
        total_bytes,
    });
    sign(store, key, ctx.config.upload.link_expiry).await
}

async fn report_progress(sink: EventSink, id: JobId, progress: UploadProgress, total_bytes: u64) {
    let mut last = u64::MAX;
    let mut tick = tokio::time::interval(PROGRESS_INTERVAL);
    loop {
        tick.tick().await;
        let sent_bytes = progress.sent_bytes().min(total_bytes);
        if sent_bytes != last {
            sink.send(Event::Progress {
                id,
                sent_bytes,
                total_bytes,
            });
            last = sent_bytes;
        }
    }
}

/// Renders the configured key template for this file.
async fn object_key(config: &Config, ready: &ReadyImage) -> Result<String, StorageError> {
    let template = KeyTemplate::parse(&config.upload.key_template).map_err(|e| StorageError::Config {
        detail: format!("upload.key_template: {e}"),
    })?;
    let filename = sanitize_filename(&ready.name);
    Ok(template.render(&KeyInputs {
        uuid: uuid::Uuid::new_v4(),
        filename: &filename,
        ext: ready.image.kind.extension(),
        date: time::OffsetDateTime::now_utc().date(),
        sha256_hex: template.needs_sha256().then_some(ready.outgoing.sha256_hex.as_str()),
    }))
}

/// The link for `key`: the public one when the destination has a public base
/// URL, otherwise one signed now (the expiry counted from the moment of signing).
pub async fn sign(store: &S3Store, key: &str, expiry: LinkExpiry) -> Result<SignedLink, StorageError> {
    if let Some(url) = store.public_url(key) {
        return Ok(SignedLink::public(url));
    }
    let signed_at = SystemTime::now();
    let url = store.presign_get(key, expiry).await?;
    let own_end = signed_at + expiry.as_duration();
    let credentials_end = store.credentials_expire_at().await.filter(|end| *end < own_end);
    Ok(SignedLink {
        url,
        expires_at: Some(credentials_end.unwrap_or(own_end)),
        ends_with_credentials: credentials_end.is_some(),
    })
}

pub async fn resign(store: Arc<S3Store>, key: String, expiry: LinkExpiry, id: JobId, sink: EventSink) {
    match sign(&store, &key, expiry).await {
        Ok(link) => sink.send(Event::LinkRefreshed { id, link }),
        Err(error) => sink.send(Event::Warning(format!("A new link could not be signed: {error}"))),
    }
}

#[cfg(test)]
#[path = "job_tests.rs"]
mod tests;
