//! The History commands: pages of records for the window, links signed on
//! demand (cached until an hour before they expire), deleting an object from
//! its bucket, forgetting a record, and the cached thumbnails.

use crate::core::LinkExpiry;
use crate::core::thumbnail::Thumbnail;
use crate::library::thumbnails::{load_thumbnail as load_thumbnail_file, save_thumbnail as save_thumbnail_file};
use crate::library::{HistoryQuery, RecordId, UploadRecord};
use crate::storage::StorageError;
use crate::worker::JobId;
use crate::worker::destinations::{Destination, Destinations};
use crate::worker::event::{Event, SignedLink};
use crate::worker::job;
use crate::worker::records::Records;
use crate::worker::runtime::Worker;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A cached link is used until this long before it expires.
const LINK_RENEW_MARGIN: Duration = Duration::from_secs(3600);

/// Signed links by record, in memory only (links are never stored).
#[derive(Clone, Default)]
pub struct LinkCache(Arc<Mutex<HashMap<RecordId, SignedLink>>>);

impl LinkCache {
    fn fresh(&self, record: RecordId, expiry: LinkExpiry, now: SystemTime) -> Option<SignedLink> {
        let links = self.0.lock().ok()?;
        let link = links.get(&record)?;
        let expires_at = link.expires_at?;
        // A link asked for with a shorter expiry than the cached one is signed anew.
        let long_enough = expires_at <= now + expiry.as_duration() + Duration::from_secs(60);
        (expires_at > now + LINK_RENEW_MARGIN.min(expiry.as_duration() / 2) && long_enough).then(|| link.clone())
    }

    /// Keeps a signed link; public links are not kept (they cost nothing to
    /// make, and must follow a changed public base URL at once).
    fn put(&self, record: RecordId, link: SignedLink) {
        if link.expires_at.is_none() {
            return;
        }
        if let Ok(mut links) = self.0.lock() {
            links.insert(record, link);
        }
    }

    fn forget(&self, record: RecordId) {
        if let Ok(mut links) = self.0.lock() {
            links.remove(&record);
        }
    }
}

pub fn query(worker: &Worker, query: HistoryQuery, ticket: u64) {
    let Some(records) = worker.records.clone() else {
        worker.sink.send(Event::HistoryPage {
            ticket,
            total: 0,
            records: Vec::new(),
        });
        return;
    };
    let sink = worker.sink.clone();
    tokio::spawn(async move {
        let page = records
            .run(move |lib, _, _| Ok((lib.history_count(&query)?, lib.history(&query)?)))
            .await;
        match page {
            Ok((total, records)) => sink.send(Event::HistoryPage { ticket, total, records }),
            Err(error) => sink.send(Event::Warning(format!("The history could not be read: {error}"))),
        }
    });
}

/// The store a record was uploaded to, from its destination's current
/// settings and the bucket and region it was stored with.
pub async fn destination_for(
    destinations: &tokio::sync::Mutex<Destinations>,
    config: &crate::core::Config,
    record: &UploadRecord,
) -> Result<Destination, StorageError> {
    let mut settings = config.with_profile(&record.profile).map_err(|e| StorageError::Config {
        detail: format!("{e}; it was uploaded there"),
    })?;
    settings.storage.bucket.clone_from(&record.bucket);
    if !record.region.is_empty() && !settings.storage.uses_local_store() {
        settings.storage.region.clone_from(&record.region);
    }
    destinations.lock().await.resolve(&settings).await
}

async fn load_record(records: &Records, record: RecordId) -> Result<UploadRecord, String> {
    match records.run(move |lib, _, _| lib.get(record)).await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(format!("Record {record} is no longer in the history.")),
        Err(error) => Err(format!("The history could not be read: {error}")),
    }
}

/// Signs (or takes from the cache) a link for a record.
pub fn sign_link(worker: &Worker, record: RecordId, expiry: Option<LinkExpiry>) {
    let Some(records) = worker.records.clone() else { return };
    let (sink, links, destinations) = (worker.sink.clone(), worker.links.clone(), worker.destinations.clone());
    let config = worker.config.clone();
    let expiry = expiry.unwrap_or(config.upload.link_expiry);
    tokio::spawn(async move {
        let result = async {
            if let Some(link) = links.fresh(record, expiry, SystemTime::now()) {
                return Ok(link);
            }
            let found = load_record(&records, record).await?;
            let destination = destination_for(&destinations, &config, &found)
                .await
                .map_err(|e| e.to_string())?;
            let link = job::sign(&destination.store, &found.object_key, expiry)
                .await
                .map_err(|e| e.to_string())?;
            links.put(record, link.clone());
            Ok(link)
        }
        .await;
        sink.send(Event::RecordLink { record, link: result });
    });
}

/// Deletes the object from its bucket, then marks the record deleted.
pub fn delete_remote(worker: &Worker, record: RecordId) {
    let Some(records) = worker.records.clone() else { return };
    let (sink, links, destinations) = (worker.sink.clone(), worker.links.clone(), worker.destinations.clone());
    let config = worker.config.clone();
    tokio::spawn(async move {
        let result = async {
            let found = load_record(&records, record).await?;
            let destination = destination_for(&destinations, &config, &found)
                .await
                .map_err(|e| e.to_string())?;
            destination
                .store
                .delete(&found.object_key)
                .await
                .map_err(|e| format!("{} was not deleted: {e}", found.file_name))?;
            links.forget(record);
            records
                .run(move |lib, _, now| lib.set_deleted(record, now))
                .await
                .map_err(|e| e.to_string())?;
            Ok(found.file_name)
        }
        .await;
        match result {
            Ok(name) => sink.send(Event::RecordDeleted { record, name }),
            Err(problem) => sink.send(Event::Warning(problem)),
        }
        sink.send(Event::HistoryChanged);
    });
}

/// Forgets a record (the object stays in its bucket) and its thumbnail.
pub fn remove_record(worker: &Worker, record: RecordId) {
    let Some(records) = worker.records.clone() else { return };
    let (sink, links) = (worker.sink.clone(), worker.links.clone());
    tokio::spawn(async move {
        links.forget(record);
        let removed = records.run(move |lib, _, _| lib.remove(record)).await;
        if let Err(error) = removed {
            sink.send(Event::Warning(format!("The record could not be removed: {error}")));
        }
        sink.send(Event::HistoryChanged);
    });
}

/// A queue row's thumbnail again, for a row back in view: the copy the
/// library keeps for History when the job has one (a small file read),
/// else `decode` (the image decoded again).
pub fn reload_row_thumbnail(
    worker: &Worker,
    id: JobId,
    record: Option<RecordId>,
    decode: impl Future<Output = ()> + Send + 'static,
) {
    let (Some(records), Some(record)) = (worker.records.clone(), record) else {
        tokio::spawn(decode);
        return;
    };
    let sink = worker.sink.clone();
    tokio::spawn(async move {
        match kept_thumbnail(&records, record).await {
            Some(thumbnail) => sink.send(Event::Thumbnail { id, thumbnail }),
            None => decode.await,
        }
    });
}

/// Keeps a job's thumbnail as the record's cached history thumbnail.
pub fn save_thumbnail(records: Option<Records>, record: RecordId, thumbnail: Thumbnail) {
    let Some(records) = records else { return };
    tokio::spawn(async move {
        records
            .note("thumbnail", move |lib, _, _| {
                match save_thumbnail_file(&lib.thumbnail_dir(), record, &thumbnail) {
                    Ok(name) => lib.set_thumbnail(record, &name),
                    Err(error) => {
                        tracing::warn!(%error, "history thumbnail not kept");
                        Ok(())
                    }
                }
            })
            .await;
    });
}

pub fn load_thumbnail(worker: &Worker, record: RecordId) {
    let Some(records) = worker.records.clone() else { return };
    let sink = worker.sink.clone();
    tokio::spawn(async move {
        if let Some(thumbnail) = kept_thumbnail(&records, record).await {
            sink.send(Event::RecordThumbnail { record, thumbnail });
        }
    });
}

/// The thumbnail the library keeps for `record`, if any (read on the blocking pool).
async fn kept_thumbnail(records: &Records, record: RecordId) -> Option<Thumbnail> {
    let loaded = records
        .run(move |lib, _, _| {
            let Some(name) = lib.get(record)?.and_then(|r| r.thumbnail) else {
                return Ok(None);
            };
            Ok(load_thumbnail_file(&lib.thumbnail_dir(), &name).ok())
        })
        .await;
    loaded.ok().flatten()
}
