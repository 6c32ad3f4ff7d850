//! Putting a file into the bucket: one PUT for small files, a multipart
//! upload with bounded memory for large ones, then a HEAD to confirm.

use crate::storage::client::S3Store;
use crate::storage::error::{StorageError, classify};
use crate::storage::progress::UploadProgress;
use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use std::path::Path;
use tokio_util::sync::CancellationToken;

/// Size of each part of a multipart upload; only one part is in flight per
/// file, so this bounds the memory an upload may hold.
pub const PART_SIZE_BYTES: u64 = 8 * 1024 * 1024;

/// S3 allows at most this many parts.
const MAX_PARTS: u64 = 10_000;

/// One file to upload.
#[derive(Clone, Copy, Debug)]
pub struct UploadRequest<'a> {
    pub path: &'a Path,
    pub key: &'a str,
    pub content_type: &'a str,
    /// Size checked at validation; the upload fails if the file changed since.
    pub size_bytes: u64,
    /// Files of this size or more use multipart.
    pub multipart_threshold_bytes: u64,
}

impl S3Store {
    /// Uploads a file and confirms it arrived whole. Returns when the object is
    /// stored, the upload failed, or `cancel` fired (multipart uploads are then
    /// aborted so no parts are left behind).
    pub async fn upload_file(
        &self,
        request: UploadRequest<'_>,
        progress: &UploadProgress,
        cancel: &CancellationToken,
    ) -> Result<(), StorageError> {
        let on_disk = tokio::fs::metadata(request.path)
            .await
            .map_err(|e| StorageError::File { detail: e.to_string() })?;
        if on_disk.len() != request.size_bytes {
            return Err(StorageError::File {
                detail: "the file changed after it was checked; add it again".into(),
            });
        }
        self.ensure_bucket().await?;
        if request.size_bytes >= request.multipart_threshold_bytes {
            self.put_multipart(request, progress, cancel).await?;
        } else {
            tokio::select! {
                result = self.put_single(request, progress) => result?,
                () = cancel.cancelled() => return Err(StorageError::Cancelled),
            }
        }
        self.confirm_stored(request.key, request.size_bytes).await
    }

    async fn put_single(&self, request: UploadRequest<'_>, progress: &UploadProgress) -> Result<(), StorageError> {
        let body = ByteStream::read_from()
            .path(request.path)
            .build()
            .await
            .map_err(|e| StorageError::File { detail: e.to_string() })?;
        let body = ByteStream::new(progress.counting(body.into_inner()));
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(request.key)
            .content_type(request.content_type)
            .content_length(i64::try_from(request.size_bytes).unwrap_or(i64::MAX))
            .body(body)
            .send()
            .await
            .map_err(|err| classify(err, self.error_context()))?;
        progress.finish_part(request.size_bytes);
        Ok(())
    }

    async fn put_multipart(
        &self,
        request: UploadRequest<'_>,
        progress: &UploadProgress,
        cancel: &CancellationToken,
    ) -> Result<(), StorageError> {
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(request.key)
            .content_type(request.content_type)
            .send()
            .await
            .map_err(|err| classify(err, self.error_context()))?;
        let upload_id = created.upload_id().unwrap_or_default().to_owned();
        let result = tokio::select! {
            result = self.send_parts(request, &upload_id, progress) => result,
            () = cancel.cancelled() => Err(StorageError::Cancelled),
        };
        if result.is_err() {
            // Unfinished parts cost storage until aborted.
            if let Err(err) = self
                .client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(request.key)
                .upload_id(&upload_id)
                .send()
                .await
            {
                tracing::warn!(key = request.key, error = %aws_sdk_s3::error::DisplayErrorContext(&err), "could not abort multipart upload");
            }
        }
        result
    }

    async fn send_parts(
        &self,
        request: UploadRequest<'_>,
        upload_id: &str,
        progress: &UploadProgress,
    ) -> Result<(), StorageError> {
        let part_size = PART_SIZE_BYTES.max(request.size_bytes.div_ceil(MAX_PARTS));
        let mut parts = Vec::new();
        let mut offset = 0;
        let mut part_number = 1;
        while offset < request.size_bytes {
            let length = part_size.min(request.size_bytes - offset);
            let body = ByteStream::read_from()
                .path(request.path)
                .offset(offset)
                .length(Length::Exact(length))
                .build()
                .await
                .map_err(|e| StorageError::File { detail: e.to_string() })?;
            let body = ByteStream::new(progress.counting(body.into_inner()));
            let uploaded = self
                .client
                .upload_part()
                .bucket(&self.bucket)
                .key(request.key)
                .upload_id(upload_id)
                .part_number(part_number)
                .content_length(i64::try_from(length).unwrap_or(i64::MAX))
                .body(body)
                .send()
                .await
                .map_err(|err| classify(err, self.error_context()))?;
            parts.push(
                CompletedPart::builder()
                    .set_e_tag(uploaded.e_tag().map(str::to_owned))
                    .part_number(part_number)
                    .build(),
            );
            progress.finish_part(length);
            offset += length;
            part_number += 1;
        }
        let completed = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(request.key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await;
        match completed {
            Ok(_) => Ok(()),
            // Some servers (moto) answer 200 with a body the SDK cannot parse;
            // the HEAD check that follows decides whether the object is there.
            Err(err) if err.raw_response().is_some_and(|r| r.status().is_success()) => {
                tracing::debug!(error = %aws_sdk_s3::error::DisplayErrorContext(&err), "unparsed 2xx completing multipart upload");
                Ok(())
            }
            Err(err) => Err(classify(err, self.error_context())),
        }
    }

    /// A 2xx is not proof: some servers and proxies acknowledge and lose the
    /// object. A HEAD must show it with the right size.
    async fn confirm_stored(&self, key: &str, size_bytes: u64) -> Result<(), StorageError> {
        let (stored, _) = self.head(key).await.map_err(|e| StorageError::Verification {
            detail: format!("the object is not readable after upload ({e})"),
        })?;
        if stored != size_bytes {
            return Err(StorageError::Verification {
                detail: format!("the server holds {stored} bytes, the file has {size_bytes}"),
            });
        }
        Ok(())
    }
}
