//! Jobs an earlier run did not finish (a crash, `kill -9`, a quit mid-upload):
//! found through their expired leases, offered to the user, and finished with
//! the key they were given — never a second object for the same file.

use crate::library::{RecordId, UploadRecord, renew_every};
use crate::storage::StorageError;
use crate::worker::command::JobId;
use crate::worker::destinations::{Destinations, PendingStore, StoreChoice};
use crate::worker::event::{Event, UnfinishedJob};
use crate::worker::history::destination_for;
use crate::worker::internal::{Internal, JobUpdate};
use crate::worker::job::{self, JobContext};
use crate::worker::paste;
use crate::worker::records::Records;
use crate::worker::runtime::Worker;
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

/// Renews this process's leases for as long as the worker runs, so other
/// processes never take its live jobs for unfinished ones.
pub async fn keep_leases(records: Records) {
    let mut tick = tokio::time::interval(renew_every());
    loop {
        tick.tick().await;
        records
            .note("lease renewal", |lib, owner, now| lib.renew_leases(owner, now))
            .await;
    }
}

/// Tells the UI about unfinished jobs, if there are any.
pub fn announce_unfinished(worker: &Worker) {
    let Some(records) = worker.records.clone() else { return };
    let sink = worker.sink.clone();
    tokio::spawn(async move {
        let found = records.run(|lib, _, now| lib.unfinished(now)).await;
        match found {
            Ok(jobs) if !jobs.is_empty() => sink.send(Event::UnfinishedFound(
                jobs.into_iter()
                    .map(|r| UnfinishedJob {
                        record: r.id,
                        file_name: r.file_name,
                        profile: r.profile,
                    })
                    .collect(),
            )),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "unfinished jobs could not be listed"),
        }
    });
}

/// Takes the given unfinished jobs (all of them when `ids` is empty) for this
/// process and queues them. Jobs another process took first are skipped.
pub fn claim(worker: &Worker, ids: Vec<RecordId>) {
    let Some(records) = worker.records.clone() else {
        worker.sink.send(Event::ResumeClaimed { count: 0 });
        return;
    };
    let (sink, internal) = (worker.sink.clone(), worker.internal.clone());
    tokio::spawn(async move {
        let claimed = records
            .run(move |lib, owner, now| {
                let ids = if ids.is_empty() {
                    lib.unfinished(now)?.iter().map(|r| r.id).collect()
                } else {
                    ids
                };
                lib.claim(&ids, owner, now)
            })
            .await;
        match claimed {
            Ok(jobs) => {
                sink.send(Event::ResumeClaimed { count: jobs.len() });
                internal.send(Internal::Claimed(jobs)).ok();
            }
            Err(error) => {
                sink.send(Event::Warning(format!(
                    "Unfinished uploads could not be resumed: {error}"
                )));
                sink.send(Event::ResumeClaimed { count: 0 });
            }
        }
    });
}

/// Gives up unfinished jobs: they become cancelled records.
pub fn discard(worker: &Worker, ids: Vec<RecordId>) {
    let Some(records) = worker.records.clone() else { return };
    let sink = worker.sink.clone();
    let pasted_folder = worker.pasted_folder.clone();
    tokio::spawn(async move {
        match records.run(move |lib, _, now| lib.discard(&ids, now)).await {
            // A discarded paste will never be uploaded: its file can go.
            Ok(discarded) => {
                for record in discarded {
                    if paste::is_pasted(&record.source_path, pasted_folder.as_deref()) {
                        paste::remove_pasted(record.source_path).await;
                    }
                }
            }
            Err(error) => sink.send(Event::Warning(format!(
                "Unfinished uploads could not be discarded: {error}"
            ))),
        }
        sink.send(Event::HistoryChanged);
    });
}

/// Finishes one claimed job: an object already stored under its key (the
/// earlier run got that far) is taken as done; otherwise a multipart upload
/// the earlier run left is aborted and the file, checked again and still the
/// same, is uploaded under the same key.
pub async fn finish_job(
    mut ctx: JobContext,
    destinations: Arc<Mutex<Destinations>>,
    id: JobId,
    record: UploadRecord,
    cancel: CancellationToken,
) {
    let fail = |ctx: &JobContext, error: StorageError| {
        let (records, record_id, message) = (ctx.records.clone(), record.id, error.to_string());
        ctx.updates.send(Internal::Job(id, JobUpdate::Stopped)).ok();
        ctx.sink.send(Event::Failed {
            id,
            error: error.into(),
        });
        async move {
            if let Some(records) = records {
                records
                    .note("failed job", move |lib, _, now| {
                        lib.set_failed(record_id, &message, now)
                    })
                    .await;
            }
        }
    };
    let destination = match destination_for(&destinations, &ctx.config, &record).await {
        Ok(destination) => destination,
        Err(error) => return fail(&ctx, error).await,
    };
    if let Ok(with_profile) = ctx.config.with_profile(&record.profile) {
        ctx.config = Arc::new(with_profile);
    }
    ctx.store = PendingStore::ready(StoreChoice::Ready(destination.clone()));
    let store = destination.store.clone();
    if let Ok((stored_size, _)) = store.head(&record.object_key).await
        && stored_size == record.size_bytes
    {
        job::finish_already_stored(&ctx, id, &record, store).await;
        return;
    }
    if let Some(upload_id) = &record.multipart_upload_id {
        store.abort_multipart(&record.object_key, upload_id).await;
    }
    let rules = crate::core::ValidationRules::from(&ctx.config.upload);
    let Some(ready) = job::check(
        &ctx,
        id,
        &record.source_path,
        record.file_name.clone(),
        &rules,
        &cancel,
        true,
    )
    .await
    else {
        return;
    };
    if record
        .sha256
        .as_deref()
        .is_some_and(|sha| sha != ready.outgoing.sha256_hex)
    {
        let error = StorageError::File {
            detail: "the file changed since it was queued; add it again to upload the new version".into(),
        };
        return fail(&ctx, error).await;
    }
    ctx.updates.send(Internal::Job(id, JobUpdate::Started)).ok();
    ctx.sink.send(Event::Validated {
        id,
        image: ready.image.clone(),
    });
    job::upload(ctx, id, ready, cancel, Some(record)).await;
}
