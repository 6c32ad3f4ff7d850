//! Large files: create, verified parts (a few in flight, each hashed and
//! then streamed from disk), complete; aborted on failure or cancel so no
//! parts are left behind.

use crate::core::ChecksumSetting;
use crate::storage::checksum::{Algorithm, digest_file, refine};
use crate::storage::client::S3Store;
use crate::storage::error::{StorageError, classify};
use crate::storage::upload::{MultipartEvent, PART_SIZE_BYTES, PARTS_IN_FLIGHT, Upload};
use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use futures_util::{StreamExt, TryStreamExt};
use tokio_util::sync::CancellationToken;

/// S3 allows at most this many parts.
const MAX_PARTS: u64 = 10_000;

impl S3Store {
    /// Uploads in parts. With `auto`, a server that refuses the checksum
    /// headers (at create or at a part) gets the upload restarted once with
    /// Content-MD5.
    pub(crate) async fn put_multipart(
        &self,
        upload: Upload<'_>,
        cancel: &CancellationToken,
    ) -> Result<(), StorageError> {
        let first = self.checksum_algorithm();
        match self.put_multipart_with(upload, first, cancel).await {
            Err(StorageError::ChecksumRefused { header, code })
                if self.checksum == ChecksumSetting::Auto && first != Algorithm::Md5 =>
            {
                tracing::info!(%header, %code, endpoint = %self.endpoint, "checksum header refused; restarting with Content-MD5");
                self.checksum_memory.learn_md5_only();
                upload.progress.restart_all();
                self.put_multipart_with(upload, Algorithm::Md5, cancel).await
            }
            other => other,
        }
    }

    async fn put_multipart_with(
        &self,
        upload: Upload<'_>,
        algorithm: Algorithm,
        cancel: &CancellationToken,
    ) -> Result<(), StorageError> {
        let request = upload.request;
        let created = tokio::select! {
            created = upload.policy.run("start multipart upload", |_| async {
                self.client
                    .create_multipart_upload()
                    .bucket(&self.bucket)
                    .key(request.key)
                    .content_type(request.content_type)
                    .set_checksum_algorithm(algorithm.for_multipart())
                    .send()
                    .await
                    .map_err(|err| refine(classify(err, self.error_context()), algorithm))
            }) => created?,
            () = cancel.cancelled() => return Err(StorageError::Cancelled),
        };
        let upload_id = created.upload_id().unwrap_or_default().to_owned();
        upload.note(MultipartEvent::Created {
            upload_id: upload_id.clone(),
        });
        let result = tokio::select! {
            result = self.send_parts(upload, &upload_id, algorithm) => result,
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

    /// Sends every part, [`PARTS_IN_FLIGHT`] at a time; each is retried on
    /// its own. Progress counts finished parts.
    async fn send_parts(&self, upload: Upload<'_>, upload_id: &str, algorithm: Algorithm) -> Result<(), StorageError> {
        let size = upload.request.size_bytes;
        let part_size = PART_SIZE_BYTES.max(size.div_ceil(MAX_PARTS));
        let ranges = (0..size.div_ceil(part_size)).map(|index| {
            let offset = index * part_size;
            let number = i32::try_from(index + 1).unwrap_or(i32::MAX);
            (number, offset, part_size.min(size - offset))
        });
        let mut parts: Vec<CompletedPart> = futures_util::stream::iter(ranges)
            .map(|(part_number, offset, length)| async move {
                let what = format!("upload part {part_number}");
                let part = upload
                    .policy
                    .run(&what, |_| {
                        self.send_part(upload, upload_id, part_number, offset, length, algorithm)
                    })
                    .await?;
                upload.note(MultipartEvent::PartStored {
                    part_number,
                    etag: part.e_tag().unwrap_or_default().to_owned(),
                    size_bytes: length,
                });
                upload.progress.finish_part(length);
                Ok::<_, StorageError>(part)
            })
            .buffer_unordered(PARTS_IN_FLIGHT)
            .try_collect()
            .await?;
        // Finished in any order; completed in the order of their numbers.
        parts.sort_by_key(|part| part.part_number());
        self.complete(upload, upload_id, parts).await
    }

    /// One try at one part: hashed from disk, then streamed from disk (a
    /// part held in memory would cost its size per part in flight, and the
    /// allocator keeps such blocks: 3 parts of 8 MiB peaked at 100 MB RSS).
    async fn send_part(
        &self,
        upload: Upload<'_>,
        upload_id: &str,
        part_number: i32,
        offset: u64,
        length: u64,
        algorithm: Algorithm,
    ) -> Result<CompletedPart, StorageError> {
        let request = upload.request;
        upload.stamp.check(request.path).await?;
        let digest = digest_file(request.path, offset, length, algorithm).await?;
        let body = ByteStream::read_from()
            .path(request.path)
            .offset(offset)
            .length(Length::Exact(length))
            .build()
            .await
            .map_err(|e| StorageError::File { detail: e.to_string() })?;
        let uploaded = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(request.key)
            .upload_id(upload_id)
            .part_number(part_number)
            .content_length(i64::try_from(length).unwrap_or(i64::MAX))
            .set_content_md5(digest.value_for(Algorithm::Md5))
            .set_checksum_crc32_c(digest.value_for(Algorithm::Crc32c))
            .set_checksum_crc64_nvme(digest.value_for(Algorithm::Crc64Nvme))
            .body(body)
            .send()
            .await
            .map_err(|err| refine(classify(err, self.error_context()), algorithm))?;
        // Servers that announce part checksums at create want them back at complete.
        Ok(CompletedPart::builder()
            .set_e_tag(uploaded.e_tag().map(str::to_owned))
            .part_number(part_number)
            .set_checksum_crc32_c(digest.value_for(Algorithm::Crc32c))
            .set_checksum_crc64_nvme(digest.value_for(Algorithm::Crc64Nvme))
            .build())
    }

    async fn complete(
        &self,
        upload: Upload<'_>,
        upload_id: &str,
        parts: Vec<CompletedPart>,
    ) -> Result<(), StorageError> {
        let key = upload.request.key;
        let body = CompletedMultipartUpload::builder().set_parts(Some(parts)).build();
        upload
            .policy
            .run("complete multipart upload", |attempt| {
                let body = body.clone();
                async move {
                    let completed = self
                        .client
                        .complete_multipart_upload()
                        .bucket(&self.bucket)
                        .key(key)
                        .upload_id(upload_id)
                        .multipart_upload(body)
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
                        Err(err) => match classify(err, self.error_context()) {
                            // An earlier try may have completed it and lost only the
                            // answer; the HEAD check that follows decides.
                            StorageError::Server { code, .. } if attempt > 1 && code == "NoSuchUpload" => Ok(()),
                            other => Err(other),
                        },
                    }
                }
            })
            .await
    }
}
