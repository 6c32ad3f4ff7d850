//! Putting a file into the bucket: one PUT for small files, a multipart
//! upload (multipart.rs) for large ones. Every request carries a checksum of
//! the bytes read from disk, which the server verifies; transient failures
//! and mismatches are retried (retry.rs), re-reading the file each time.
//! Small files are read once into memory and sent from there (body.rs).

use crate::core::ChecksumSetting;
use crate::storage::body::{FileStamp, IN_MEMORY_MAX_BYTES, body_budget, digest_in_memory, read_range};
use crate::storage::checksum::{Algorithm, Digest, digest_file, refine};
use crate::storage::classify::{answer_error, dispatch_error};
use crate::storage::client::S3Store;
use crate::storage::direct_put::{DirectPut, Outcome};
use crate::storage::error::{StorageError, classify};
use crate::storage::progress::UploadProgress;
use crate::storage::retry::RetryPolicy;
use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use std::future::Future;
use std::path::Path;
use std::time::SystemTime;
use tokio::sync::SemaphorePermit;
use tokio_util::sync::CancellationToken;

/// Size of each part of a multipart upload (streamed from disk).
pub const PART_SIZE_BYTES: u64 = 8 * 1024 * 1024;

/// Parts of one multipart upload sent at once.
pub const PARTS_IN_FLIGHT: usize = 6;

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
    /// Tries per request (`upload.max_attempts`), the first included.
    pub max_attempts: u32,
    /// The bytes to send when the caller has read the file already (and
    /// perhaps rewritten it, as metadata stripping does): sent as they are,
    /// with `path` only named in messages. `size_bytes` must be their length.
    pub prepared: Option<&'a Bytes>,
}

/// A step of a multipart upload, for a caller that remembers it: parts stay
/// on the server (and cost storage) until the upload is completed or aborted,
/// and after a crash only the upload id can abort them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MultipartEvent {
    /// The upload was created; its parts are kept under `upload_id`.
    Created { upload_id: String },
    /// A part is stored.
    PartStored {
        part_number: i32,
        etag: String,
        size_bytes: u64,
    },
}

/// Told of each [`MultipartEvent`] as it happens, on the uploading task:
/// it must return at once (hand the event to a channel, say).
pub type MultipartHook<'a> = &'a (dyn Fn(MultipartEvent) + Send + Sync);

/// What every request of one upload shares.
#[derive(Clone, Copy)]
pub(crate) struct Upload<'a> {
    pub request: UploadRequest<'a>,
    pub stamp: FileStamp,
    pub policy: RetryPolicy,
    pub progress: &'a UploadProgress,
    pub on_multipart: Option<MultipartHook<'a>>,
}

impl Upload<'_> {
    pub(crate) fn note(&self, event: MultipartEvent) {
        if let Some(hook) = self.on_multipart {
            hook(event);
        }
    }
}

/// What a single PUT sends.
enum SingleBody {
    /// Bytes in memory, with their room in the body budget when the file was read here.
    Memory(Bytes, Option<SemaphorePermit<'static>>),
    Stream(ByteStream),
}

/// How a PUT was confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stored {
    /// The server answered with the checksum we sent (or, for Content-MD5,
    /// an ETag equal to the MD5): it computed the same value over the bytes it
    /// stored, so a HEAD would add nothing.
    Verified,
    /// 2xx without the echo: a server (or a proxy) may have ignored the header.
    Acknowledged,
}

impl S3Store {
    /// Uploads a file and confirms it arrived whole. Returns when the object is
    /// stored, the upload failed, or `cancel` fired (multipart uploads are then
    /// aborted so no parts are left behind).
    ///
    /// Requests per file: one PUT when the server echoes the checksum (AWS,
    /// MinIO, s3s-fs; with Content-MD5, an ETag equal to the MD5), otherwise
    /// PUT + HEAD; multipart: create + one per 8 MiB part + complete + HEAD.
    /// The first upload of a client adds one HEAD on the bucket; retries and
    /// the one-time `auto` fallback add requests.
    pub async fn upload_file(
        &self,
        request: UploadRequest<'_>,
        progress: &UploadProgress,
        cancel: &CancellationToken,
    ) -> Result<(), StorageError> {
        self.upload_file_noting(request, progress, cancel, None).await
    }

    /// [`upload_file`](Self::upload_file), telling `on_multipart` the id and
    /// the stored parts of a multipart upload as they happen.
    pub async fn upload_file_noting(
        &self,
        request: UploadRequest<'_>,
        progress: &UploadProgress,
        cancel: &CancellationToken,
        on_multipart: Option<MultipartHook<'_>>,
    ) -> Result<(), StorageError> {
        let stamp = match request.prepared {
            Some(bytes) => FileStamp {
                size: bytes.len() as u64,
                modified: None,
            },
            None => FileStamp::read(request.path).await?,
        };
        if stamp.size != request.size_bytes {
            return Err(StorageError::File {
                detail: "the file changed after it was checked; add it again".into(),
            });
        }
        let upload = Upload {
            request,
            stamp,
            policy: RetryPolicy::new(request.max_attempts),
            progress,
            on_multipart,
        };
        tokio::select! {
            result = upload.policy.run("check bucket", |_| self.ensure_bucket()) => result?,
            () = cancel.cancelled() => return Err(StorageError::Cancelled),
        }
        let stored = if request.prepared.is_none() && request.size_bytes >= request.multipart_threshold_bytes {
            // The parts were verified one by one, but not the assembly:
            // the HEAD below checks the size of what was put together.
            self.put_multipart(upload, cancel).await?;
            Stored::Acknowledged
        } else {
            tokio::select! {
                result = upload.policy.run("upload", |_| self.put_single(upload)) => result?,
                () = cancel.cancelled() => return Err(StorageError::Cancelled),
            }
        };
        if stored == Stored::Verified {
            return Ok(());
        }
        tokio::select! {
            result = self.confirm_stored(upload) => result,
            () = cancel.cancelled() => Err(StorageError::Cancelled),
        }
    }

    /// One try at the whole file, with the `auto` fallback inside it.
    async fn put_single(&self, upload: Upload<'_>) -> Result<Stored, StorageError> {
        let stored = self
            .with_checksum_fallback(|algorithm| self.put_single_with(upload, algorithm))
            .await?;
        let sent = self.checksum_algorithm();
        if stored == Stored::Acknowledged && self.checksum == ChecksumSetting::Auto && sent != Algorithm::Md5 {
            // Accepted without the checksum echoed: the server may have
            // ignored the header (one that refuses it is handled above). Every
            // S3 server checks Content-MD5 and answers with its MD5 as ETag,
            // so this destination gets Content-MD5 from now on, and this file
            // is sent once more so that it, too, is verified.
            tracing::info!(header = sent.header(), endpoint = %self.endpoint, "checksum not echoed; sending Content-MD5");
            self.checksum_memory.learn_md5_only();
            upload.progress.restart_all();
            return self.put_single_with(upload, Algorithm::Md5).await;
        }
        Ok(stored)
    }

    async fn put_single_with(&self, upload: Upload<'_>, algorithm: Algorithm) -> Result<Stored, StorageError> {
        let request = upload.request;
        let (body, digest) = self.single_body(upload, algorithm).await?;
        upload.progress.restart_part();
        // Bytes in memory go without the SDK when they can; its request is
        // built only when it sends them.
        if let SingleBody::Memory(bytes, _) = &body
            && let Some(stored) = self.put_direct(upload, bytes, &digest).await?
        {
            return Ok(stored);
        }
        let put = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(request.key)
            .content_type(request.content_type)
            .content_length(i64::try_from(request.size_bytes).unwrap_or(i64::MAX))
            .set_content_md5(digest.value_for(Algorithm::Md5))
            .set_checksum_crc32_c(digest.value_for(Algorithm::Crc32c))
            .set_checksum_crc64_nvme(digest.value_for(Algorithm::Crc64Nvme));
        let sent = match body {
            // The checksum the server verifies covers these bytes: signing
            // them too would only hash the body a second time.
            SingleBody::Memory(bytes, _budget) => {
                put.body(ByteStream::new(upload.progress.counting(SdkBody::from(bytes))))
                    .customize()
                    .disable_payload_signing()
                    .send()
                    .await
            }
            SingleBody::Stream(stream) => put.body(stream).send().await,
        };
        let out = match sent {
            Ok(out) => out,
            Err(err) => {
                upload.progress.restart_part();
                return Err(refine(classify(err, self.error_context()), algorithm));
            }
        };
        upload.progress.finish_part(request.size_bytes);
        let echoed = match algorithm {
            Algorithm::Crc32c => out.checksum_crc32_c(),
            Algorithm::Crc64Nvme => out.checksum_crc64_nvme(),
            Algorithm::Md5 => None,
        };
        let verified = echoed == Some(digest.base64.as_str()) || etag_is_md5(out.e_tag(), &digest);
        Ok(if verified {
            Stored::Verified
        } else {
            Stored::Acknowledged
        })
    }

    /// The PUT of bytes in memory without the SDK's pipeline (`direct_put.rs`),
    /// for keys from Settings and a CRC checksum. `Ok(None)` when it could not
    /// be made here (nothing was sent) and the SDK must send it.
    async fn put_direct(
        &self,
        upload: Upload<'_>,
        bytes: &Bytes,
        digest: &Digest,
    ) -> Result<Option<Stored>, StorageError> {
        let Some(direct) = self.direct.as_ref().filter(|_| digest.algorithm != Algorithm::Md5) else {
            return Ok(None);
        };
        let request = upload.request;
        let put = DirectPut {
            region: self.client.region(),
            key: request.key,
            content_type: request.content_type,
            length: request.size_bytes,
            checksum: (digest.algorithm.header(), &digest.base64),
            body: upload.progress.counting(SdkBody::from(bytes.clone())),
        };
        match direct.put(put, SystemTime::now()).await {
            Outcome::Stored(answer) => {
                upload.progress.finish_part(request.size_bytes);
                let verified = answer.echoed.as_deref() == Some(digest.base64.as_str());
                Ok(Some(if verified {
                    Stored::Verified
                } else {
                    Stored::Acknowledged
                }))
            }
            Outcome::Unsent(error) => {
                upload.progress.restart_part();
                Err(dispatch_error(&error, self.error_context()))
            }
            Outcome::NotStored {
                status,
                body,
                bucket_region,
            } => {
                upload.progress.restart_part();
                let error = answer_error(status, &body, bucket_region.as_deref(), self.error_context());
                Err(refine(error, digest.algorithm))
            }
            Outcome::NotMade(error) => {
                tracing::debug!(%error, "direct PUT not made; sending it through the SDK");
                upload.progress.restart_part();
                Ok(None)
            }
        }
    }

    /// The body of one try and its checksum: the caller's bytes, the file
    /// read into memory, or (above [`IN_MEMORY_MAX_BYTES`]) the file hashed
    /// and then streamed from disk.
    async fn single_body(
        &self,
        upload: Upload<'_>,
        algorithm: Algorithm,
    ) -> Result<(SingleBody, Digest), StorageError> {
        let request = upload.request;
        if let Some(bytes) = request.prepared {
            let digest = digest_in_memory(bytes, algorithm).await?;
            return Ok((SingleBody::Memory(bytes.clone(), None), digest));
        }
        if request.size_bytes <= IN_MEMORY_MAX_BYTES {
            let budget = body_budget(request.size_bytes).await;
            let (bytes, digest) = read_range(request.path, upload.stamp, 0, request.size_bytes, algorithm).await?;
            return Ok((SingleBody::Memory(bytes, budget), digest));
        }
        upload.stamp.check(request.path).await?;
        let digest = digest_file(request.path, 0, request.size_bytes, algorithm).await?;
        let stream = file_body(request.path, 0, request.size_bytes, upload.progress).await?;
        Ok((SingleBody::Stream(stream), digest))
    }

    /// Runs `send` with this destination's checksum; when `auto` meets a
    /// server that refuses checksum headers, remembers that and sends the same
    /// file again at once with Content-MD5.
    pub(crate) async fn with_checksum_fallback<T, F, Fut>(&self, mut send: F) -> Result<T, StorageError>
    where
        F: FnMut(Algorithm) -> Fut,
        Fut: Future<Output = Result<T, StorageError>>,
    {
        let algorithm = self.checksum_algorithm();
        match send(algorithm).await {
            Err(StorageError::ChecksumRefused { header, code }) if self.checksum == ChecksumSetting::Auto => {
                tracing::info!(%header, %code, endpoint = %self.endpoint, "checksum header refused; sending Content-MD5");
                self.checksum_memory.learn_md5_only();
                send(Algorithm::Md5).await
            }
            other => other,
        }
    }

    /// Used where the server's answer did not prove the bytes (multipart
    /// assembly, or a PUT whose checksum was not echoed): a HEAD must show the
    /// object with the right size.
    async fn confirm_stored(&self, upload: Upload<'_>) -> Result<(), StorageError> {
        let key = upload.request.key;
        let (stored, _) =
            upload
                .policy
                .run("confirm", |_| self.head(key))
                .await
                .map_err(|e| StorageError::Verification {
                    detail: format!("the object is not readable after upload ({e})"),
                })?;
        let expected = upload.request.size_bytes;
        if stored != expected {
            return Err(StorageError::Verification {
                detail: format!("the server holds {stored} bytes, the file has {expected}"),
            });
        }
        Ok(())
    }
}

impl Digest {
    /// The header value when this digest is of `algorithm`.
    pub(crate) fn value_for(&self, algorithm: Algorithm) -> Option<String> {
        (self.algorithm == algorithm).then(|| self.base64.clone())
    }
}

/// S3 servers give a single PUT the hex MD5 of its bytes as ETag; equal to
/// ours, it proves the server holds exactly the file.
fn etag_is_md5(etag: Option<&str>, digest: &Digest) -> bool {
    if digest.algorithm != Algorithm::Md5 {
        return false;
    }
    let (Some(etag), Ok(raw)) = (etag, aws_smithy_types::base64::decode(&digest.base64)) else {
        return false;
    };
    let hex = hex::encode(raw);
    etag.trim_matches('"').eq_ignore_ascii_case(&hex)
}

/// `length` bytes of the file at `offset`, streamed from disk and counted.
pub(crate) async fn file_body(
    path: &Path,
    offset: u64,
    length: u64,
    progress: &UploadProgress,
) -> Result<ByteStream, StorageError> {
    let body = ByteStream::read_from()
        .path(path)
        .offset(offset)
        .length(Length::Exact(length))
        .build()
        .await
        .map_err(|e| StorageError::File { detail: e.to_string() })?;
    Ok(ByteStream::new(progress.counting(body.into_inner())))
}
