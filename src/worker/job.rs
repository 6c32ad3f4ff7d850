//! One file's way through the worker: validate → (thumbnail) → wait for a
//! slot → name → upload → confirm → sign. Each step reports an event.

use crate::core::naming::{KeyInputs, KeyTemplate, sanitize_filename};
use crate::core::thumbnail::{THUMBNAIL_SIDE_PX, make_thumbnail};
use crate::core::validate::validate;
use crate::core::{Config, LinkExpiry, ValidatedImage, ValidationRules};
use crate::storage::{S3Store, StorageError, UploadProgress, UploadRequest};
use crate::worker::command::JobId;
use crate::worker::event::{Event, SignedLink};
use crate::worker::runtime::{EventSink, StoreSlot};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

/// Progress events per upload are sent at most this often.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// What a job task needs; cloned per task.
#[derive(Clone)]
pub struct JobContext {
    pub config: Arc<Config>,
    pub store: StoreSlot,
    pub sink: EventSink,
    pub upload_slots: Arc<Semaphore>,
    pub thumbnail_slots: Arc<Semaphore>,
    pub thumbnails: bool,
    pub outcomes: mpsc::UnboundedSender<(JobId, JobOutcome)>,
}

impl JobContext {
    fn report(&self, id: JobId, outcome: JobOutcome) {
        // The loop is gone only when the worker shuts down.
        self.outcomes.send((id, outcome)).ok();
    }
}

/// A validated file waiting for its upload.
#[derive(Clone, Debug)]
pub struct ReadyImage {
    pub image: ValidatedImage,
    pub name: String,
}

/// Where a job ended up, for the worker's job table.
pub enum JobOutcome {
    Ready(ReadyImage),
    Uploading,
    Done { key: String, store: Arc<S3Store> },
    Stopped,
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
    let checked = {
        let path = path.clone();
        let rules = rules.clone();
        tokio::task::spawn_blocking(move || validate(&path, &rules)).await
    };
    let image = match checked {
        Ok(Ok(image)) => image,
        Ok(Err(reason)) => {
            ctx.report(id, JobOutcome::Stopped);
            ctx.sink.send(Event::Rejected { id, reason });
            return;
        }
        Err(join_error) => {
            tracing::error!(%join_error, "validation task failed");
            ctx.report(id, JobOutcome::Stopped);
            ctx.sink
                .send(Event::Problem(format!("checking {name} failed unexpectedly")));
            return;
        }
    };
    // The job table learns each state before the event that shows it, so a
    // command sent in answer to the event finds the job in that state.
    let ready = ReadyImage {
        image: image.clone(),
        name,
    };
    let outcome = if cancel.is_cancelled() {
        JobOutcome::Stopped
    } else if auto_upload {
        JobOutcome::Uploading
    } else {
        JobOutcome::Ready(ready.clone())
    };
    let stopped = matches!(outcome, JobOutcome::Stopped);
    ctx.report(id, outcome);
    ctx.sink.send(Event::Validated { id, image });
    if ctx.thumbnails {
        tokio::spawn(thumbnail(ctx.clone(), id, path, rules));
    }
    if stopped {
        ctx.sink.send(Event::Cancelled { id });
    } else if auto_upload {
        upload(ctx, id, ready, cancel).await;
    }
}

async fn thumbnail(ctx: JobContext, id: JobId, path: PathBuf, rules: ValidationRules) {
    // At most two full decodes at once bounds memory however many files are queued.
    let Ok(_slot) = ctx.thumbnail_slots.acquire().await else {
        return;
    };
    let made = tokio::task::spawn_blocking(move || make_thumbnail(&path, &rules, THUMBNAIL_SIDE_PX)).await;
    match made {
        Ok(Ok(thumbnail)) => ctx.sink.send(Event::Thumbnail { id, thumbnail }),
        Ok(Err(reason)) => ctx.sink.send(Event::ThumbnailFailed { id, reason }),
        Err(e) => ctx.sink.send(Event::ThumbnailFailed {
            id,
            reason: e.to_string(),
        }),
    }
}

pub async fn upload(ctx: JobContext, id: JobId, ready: ReadyImage, cancel: CancellationToken) {
    let store = match &ctx.store {
        StoreSlot::Ready(store) => store.clone(),
        StoreSlot::Failed(error) => {
            ctx.report(id, JobOutcome::Stopped);
            ctx.sink.send(Event::Failed {
                id,
                error: error.clone(),
            });
            return;
        }
    };
    match upload_steps(&ctx, id, &ready, &store, &cancel).await {
        Ok((key, link)) => {
            tracing::info!(%id, key, "uploaded");
            ctx.report(
                id,
                JobOutcome::Done {
                    key: key.clone(),
                    store,
                },
            );
            ctx.sink.send(Event::Uploaded { id, key, link });
        }
        Err(StorageError::Cancelled) => {
            ctx.report(id, JobOutcome::Stopped);
            ctx.sink.send(Event::Cancelled { id });
        }
        Err(error) => {
            tracing::warn!(%id, %error, "upload failed");
            ctx.report(id, JobOutcome::Stopped);
            ctx.sink.send(Event::Failed { id, error });
        }
    }
}

async fn upload_steps(
    ctx: &JobContext,
    id: JobId,
    ready: &ReadyImage,
    store: &S3Store,
    cancel: &CancellationToken,
) -> Result<(String, SignedLink), StorageError> {
    let _slot = tokio::select! {
        slot = ctx.upload_slots.clone().acquire_owned() => slot.map_err(|_| StorageError::Cancelled)?,
        () = cancel.cancelled() => return Err(StorageError::Cancelled),
    };
    let key = object_key(&ctx.config, ready).await?;
    let total_bytes = ready.image.size_bytes;
    ctx.sink.send(Event::UploadStarted { id, total_bytes });
    let progress = UploadProgress::new();
    let ticker = tokio::spawn(report_progress(ctx.sink.clone(), id, progress.clone(), total_bytes));
    let request = UploadRequest {
        path: &ready.image.path,
        key: &key,
        content_type: ready.image.kind.mime_type(),
        size_bytes: total_bytes,
        multipart_threshold_bytes: ctx.config.upload.multipart_threshold_bytes(),
        max_attempts: ctx.config.upload.max_attempts,
    };
    let uploaded = store.upload_file(request, &progress, cancel).await;
    ticker.abort();
    uploaded?;
    ctx.sink.send(Event::Progress {
        id,
        sent_bytes: total_bytes,
        total_bytes,
    });
    let link = sign(store, &key, ctx.config.upload.link_expiry).await?;
    Ok((key, link))
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
    let sha256_hex = if template.needs_sha256() {
        let path = ready.image.path.clone();
        let hashed = tokio::task::spawn_blocking(move || sha256_file(&path))
            .await
            .map_err(|e| StorageError::File { detail: e.to_string() })?;
        Some(hashed.map_err(|e| StorageError::File { detail: e.to_string() })?)
    } else {
        None
    };
    let filename = sanitize_filename(&ready.name);
    Ok(template.render(&KeyInputs {
        uuid: uuid::Uuid::new_v4(),
        filename: &filename,
        ext: ready.image.kind.extension(),
        date: time::OffsetDateTime::now_utc().date(),
        sha256_hex: sha256_hex.as_deref(),
    }))
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = std::fs::File::open(path)?;
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Signs a link now; the expiry is counted from the moment of signing.
pub async fn sign(store: &S3Store, key: &str, expiry: LinkExpiry) -> Result<SignedLink, StorageError> {
    let signed_at = SystemTime::now();
    let url = store.presign_get(key, expiry).await?;
    Ok(SignedLink {
        url,
        expires_at: signed_at + expiry.as_duration(),
    })
}

pub async fn resign(store: Arc<S3Store>, key: String, expiry: LinkExpiry, id: JobId, sink: EventSink) {
    match sign(&store, &key, expiry).await {
        Ok(link) => sink.send(Event::LinkRefreshed { id, link }),
        Err(error) => sink.send(Event::Problem(format!("A new link could not be signed: {error}"))),
    }
}

/// Saves pasted pixels as a PNG in `folder` (the data directory's `pasted/`).
pub fn save_pixels_as_png(
    folder: Option<PathBuf>,
    name: &str,
    width: u32,
    height: u32,
    rgba: Vec<u8>,
) -> Result<PathBuf, String> {
    let folder = folder.ok_or("there is no data directory to save the pasted image in")?;
    let image =
        image::RgbaImage::from_raw(width, height, rgba).ok_or("the pasted image's size does not match its pixels")?;
    std::fs::create_dir_all(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let path = folder.join(sanitize_filename(name));
    image
        .save_with_format(&path, image::ImageFormat::Png)
        .map_err(|e| format!("cannot save the pasted image to {}: {e}", path.display()))?;
    Ok(path)
}
