//! "Test connection": proves the settings work for what picbucket does,
//! without needing ListBuckets (which scoped keys often lack).

use crate::core::LinkExpiry;
use crate::storage::classify::classify;
use crate::storage::client::S3Store;
use crate::storage::error::StorageError;
use aws_sdk_s3::primitives::ByteStream;
use std::time::{Duration, Instant};

/// What a successful check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionReport {
    pub endpoint: String,
    pub bucket: String,
    /// The region that worked (the server's, if it named another).
    pub region: String,
    /// The configured region, when the server named another and the store
    /// switched: the caller should save `region` in the settings.
    pub region_corrected_from: Option<String>,
    pub round_trip: Duration,
}

impl std::fmt::Display for ConnectionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Connected to bucket `{}` on {} (region {}): upload, check, link and delete all work ({} ms)",
            self.bucket,
            self.endpoint,
            self.region,
            self.round_trip.as_millis()
        )?;
        if let Some(configured) = &self.region_corrected_from {
            write!(
                f,
                ". Region corrected from `{configured}` to `{}`, the region the server asked for",
                self.region
            )?;
        }
        Ok(())
    }
}

impl S3Store {
    /// Checks the bucket exists, then PUTs a tiny probe object, HEADs it, signs a link for it and deletes it.
    pub async fn test_connection(&self) -> Result<ConnectionReport, StorageError> {
        let started = Instant::now();
        self.ensure_bucket().await?;
        let key = format!(".picbucket-connection-test-{}", uuid::Uuid::new_v4());
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type("text/plain")
            .body(ByteStream::from_static(b"picbucket connection test\n"))
            .send()
            .await
            .map_err(|err| classify(err, self.error_context()))?;
        let checked = async {
            self.head(&key).await?;
            self.presign_get(
                &key,
                LinkExpiry::from_secs(60).map_err(|detail| StorageError::Config { detail })?,
            )
            .await
        }
        .await;
        let deleted = self.delete(&key).await;
        checked?;
        deleted?;
        Ok(ConnectionReport {
            endpoint: self.endpoint.clone(),
            bucket: self.bucket.clone(),
            region: self.region().to_owned(),
            region_corrected_from: self.corrected_region().map(|_| self.configured_region().to_owned()),
            round_trip: started.elapsed(),
        })
    }
}
