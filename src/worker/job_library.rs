//! What a job writes to the library around its upload: the record before
//! the first byte, the multipart upload's id and parts as they happen, and
//! how it ended; then the events that tell the window and the CLI.

use crate::library::{Library, NewJob, RecordId, SentInfo, UploadRecord};
use crate::storage::{MultipartEvent, S3Store, StorageError};
use crate::worker::command::JobId;
use crate::worker::event::{Event, SignedLink};
use crate::worker::internal::JobUpdate;
use crate::worker::job::{JobContext, ReadyImage, sign};
use crate::worker::records::Records;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A resumed job whose object is already stored (the earlier run got that
/// far): it is done, with a fresh link.
pub(crate) async fn finish_already_stored(ctx: &JobContext, id: JobId, record: &UploadRecord, store: Arc<S3Store>) {
    let key = record.object_key.clone();
    let result = sign(&store, &key, ctx.config.upload.link_expiry).await;
    let sent = SentInfo {
        size_bytes: record.size_bytes,
        sha256: record.sha256.clone().unwrap_or_default(),
    };
    finish(ctx, id, Some((record.id, sent)), store, key, result).await;
}

/// Writes the job to the library before its first byte is sent, with its
/// final key, so a crash or kill leaves something `resume` can finish.
pub(super) async fn record_job(
    ctx: &JobContext,
    id: JobId,
    ready: &ReadyImage,
    store: &S3Store,
    key: &str,
) -> Option<RecordId> {
    let records = ctx.records.as_ref()?;
    let job = NewJob {
        profile: ctx.config.profile.clone(),
        endpoint: store.endpoint().to_owned(),
        bucket: store.bucket().to_owned(),
        region: store.region().to_owned(),
        object_key: key.to_owned(),
        file_name: ready.name.clone(),
        source_path: ready.image.path.clone(),
        size_bytes: ready.outgoing.size_bytes,
        content_type: ready.image.kind.mime_type().to_owned(),
        width: ready.image.width,
        height: ready.image.height,
        sha256: Some(ready.outgoing.sha256_hex.clone()),
        source_mtime: ready.mtime_ms,
    };
    let record = records
        .note("new job", move |lib, owner, now| lib.add_job(&job, owner, now))
        .await?;
    ctx.report(id, JobUpdate::Recorded(record));
    Some(record)
}

/// Reports how the upload ended, to the library, the job table and the UI.
pub(super) async fn finish(
    ctx: &JobContext,
    id: JobId,
    record: Option<(RecordId, SentInfo)>,
    store: Arc<S3Store>,
    key: String,
    result: Result<SignedLink, StorageError>,
) {
    let records = ctx.records.as_ref().zip(record);
    match result {
        Ok(link) => {
            tracing::info!(%id, key, "uploaded");
            if let Some((records, (record, sent))) = records {
                records
                    .note("finished job", move |lib, _, now| lib.set_done(record, &sent, now))
                    .await;
            }
            if let Some(region) = store.corrected_region().filter(|r| *r != ctx.config.storage.region) {
                ctx.sink.send(Event::RegionCorrected {
                    profile: ctx.config.profile.clone(),
                    region: region.to_owned(),
                });
            }
            ctx.report(
                id,
                JobUpdate::Done {
                    key: key.clone(),
                    store,
                },
            );
            ctx.sink.send(Event::Uploaded { id, key, link });
        }
        Err(StorageError::Cancelled) => {
            // Quitting leaves the job live for `resume`; its lease is released.
            if let Some((records, (record, _))) = records.filter(|_| !ctx.quitting.is_cancelled()) {
                records
                    .note("cancelled job", move |lib, _, now| lib.set_cancelled(record, now))
                    .await;
            }
            ctx.report(id, JobUpdate::Stopped);
            ctx.sink.send(Event::Cancelled { id });
        }
        Err(error) => {
            tracing::warn!(%id, %error, "upload failed");
            if let Some((records, (record, _))) = records {
                let message = error.to_string();
                records
                    .note("failed job", move |lib, _, now| lib.set_failed(record, &message, now))
                    .await;
            }
            ctx.report(id, JobUpdate::Stopped);
            ctx.sink.send(Event::Failed {
                id,
                error: error.into(),
            });
        }
    }
}

/// Writes a multipart upload's id and stored parts to the library in the
/// order they happen, so `resume` can abort what a killed run left behind.
/// The task ends when the sender is dropped.
pub(super) fn note_multipart(
    records: Records,
    record: RecordId,
) -> (mpsc::UnboundedSender<MultipartEvent>, JoinHandle<()>) {
    let (sender, mut events) = mpsc::unbounded_channel();
    let writer = tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                MultipartEvent::Created { upload_id } => {
                    let set = move |lib: &mut Library, _: &str, now| lib.set_uploading(record, Some(&upload_id), now);
                    records.note("multipart upload", set).await;
                }
                MultipartEvent::PartStored {
                    part_number,
                    etag,
                    size_bytes,
                } => {
                    let add = move |lib: &mut Library, _: &str, _| lib.add_part(record, part_number, &etag, size_bytes);
                    records.note("multipart part", add).await;
                }
            }
        }
    });
    (sender, writer)
}
