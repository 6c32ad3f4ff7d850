//! The built-in store's S3 implementation: s3s-fs, with every upload's
//! checksum verified *before* the object is put in place.
//!
//! s3s-fs 0.14.1 renames a PUT's temp file into place and only then compares
//! Content-MD5 and `x-amz-checksum-*`, so a refused upload would leave the
//! corrupt object under its key; and it does not check part checksums at
//! all. Here the request body is hashed as s3s-fs reads it, and at its end a
//! mismatch turns into a read error: s3s-fs then drops its temp file and
//! never renames it, and the client gets `BadDigest`.

use s3s::crypto::{Checksum as _, Md5};
use s3s::dto::*;
use s3s::stream::{ByteStream, RemainingLength};
use s3s::{S3, S3Request, S3Response, S3Result, StdError, s3_error};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

/// s3s-fs behind a checksum check.
pub(crate) struct VerifiedFs {
    inner: s3s_fs::FileSystem,
}

impl VerifiedFs {
    pub fn new(inner: s3s_fs::FileSystem) -> Self {
        Self { inner }
    }
}

/// The checksums a request announced in its headers.
#[derive(Clone, Debug, Default)]
struct Expected {
    content_md5: Option<String>,
    checksums: Checksum,
}

impl Expected {
    fn is_empty(&self) -> bool {
        let c = &self.checksums;
        self.content_md5.is_none()
            && c.checksum_crc32.is_none()
            && c.checksum_crc32c.is_none()
            && c.checksum_crc64nvme.is_none()
            && c.checksum_sha1.is_none()
            && c.checksum_sha256.is_none()
    }
}

/// Wraps `body` so it fails at its end when the bytes do not match
/// `expected`; `mismatch` is set when that happened.
fn verify(body: Option<StreamingBlob>, expected: Expected, mismatch: &Arc<AtomicBool>) -> Option<StreamingBlob> {
    let body = body?;
    if expected.is_empty() {
        return Some(body);
    }
    let c = &expected.checksums;
    let hasher = s3s::checksum::ChecksumHasher {
        crc32: c.checksum_crc32.as_ref().map(|_| Default::default()),
        crc32c: c.checksum_crc32c.as_ref().map(|_| Default::default()),
        sha1: c.checksum_sha1.as_ref().map(|_| Default::default()),
        sha256: c.checksum_sha256.as_ref().map(|_| Default::default()),
        crc64nvme: c.checksum_crc64nvme.as_ref().map(|_| Default::default()),
    };
    Some(StreamingBlob::new(Verifying {
        inner: body,
        md5: expected.content_md5.is_some().then(Md5::new),
        hasher: Some(hasher),
        expected,
        mismatch: mismatch.clone(),
    }))
}

struct Verifying {
    inner: StreamingBlob,
    md5: Option<Md5>,
    /// `None` once the end was checked.
    hasher: Option<s3s::checksum::ChecksumHasher>,
    expected: Expected,
    mismatch: Arc<AtomicBool>,
}

impl Verifying {
    /// True when every announced checksum matches the bytes seen.
    fn matches(&mut self) -> bool {
        let computed = self.hasher.take().map(|h| h.finalize()).unwrap_or_default();
        let want = &self.expected.checksums;
        let md5_ok = match (&self.expected.content_md5, self.md5.take()) {
            (Some(expected), Some(md5)) => {
                aws_smithy_types::base64::decode(expected).is_ok_and(|raw| raw == md5.finalize().as_slice())
            }
            _ => true,
        };
        md5_ok
            && (want.checksum_crc32.is_none() || computed.checksum_crc32 == want.checksum_crc32)
            && (want.checksum_crc32c.is_none() || computed.checksum_crc32c == want.checksum_crc32c)
            && (want.checksum_crc64nvme.is_none() || computed.checksum_crc64nvme == want.checksum_crc64nvme)
            && (want.checksum_sha1.is_none() || computed.checksum_sha1 == want.checksum_sha1)
            && (want.checksum_sha256.is_none() || computed.checksum_sha256 == want.checksum_sha256)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body does not match its checksum")]
struct BodyMismatch;

impl futures_core::Stream for Verifying {
    type Item = Result<bytes::Bytes, StdError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                if let Some(md5) = &mut this.md5 {
                    md5.update(&bytes);
                }
                if let Some(hasher) = &mut this.hasher {
                    hasher.update(&bytes);
                }
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(None) if this.hasher.is_some() => {
                if this.matches() {
                    Poll::Ready(None)
                } else {
                    this.mismatch.store(true, Ordering::SeqCst);
                    Poll::Ready(Some(Err(Box::new(BodyMismatch))))
                }
            }
            other => other,
        }
    }
}

impl ByteStream for Verifying {
    fn remaining_length(&self) -> RemainingLength {
        self.inner.remaining_length()
    }
}

/// The announced checksums of a `PutObjectInput` or `UploadPartInput`
/// (same field names, different types).
macro_rules! expected_from {
    ($input:expr) => {
        Expected {
            content_md5: $input.content_md5.clone(),
            checksums: Checksum {
                checksum_crc32: $input.checksum_crc32.clone(),
                checksum_crc32c: $input.checksum_crc32c.clone(),
                checksum_crc64nvme: $input.checksum_crc64nvme.clone(),
                checksum_sha1: $input.checksum_sha1.clone(),
                checksum_sha256: $input.checksum_sha256.clone(),
                ..Default::default()
            },
        }
    };
}

fn bad_digest<T>(result: S3Result<T>, mismatch: &AtomicBool) -> S3Result<T> {
    match result {
        Err(_) if mismatch.load(Ordering::SeqCst) => Err(s3_error!(
            BadDigest,
            "The checksum of the received body does not match the checksum header; nothing was stored"
        )),
        other => other,
    }
}

#[async_trait::async_trait]
impl S3 for VerifiedFs {
    async fn put_object(&self, mut req: S3Request<PutObjectInput>) -> S3Result<S3Response<PutObjectOutput>> {
        let input = &mut req.input;
        let expected = expected_from!(input);
        let mismatch = Arc::new(AtomicBool::new(false));
        input.body = verify(input.body.take(), expected, &mismatch);
        bad_digest(self.inner.put_object(req).await, &mismatch)
    }

    async fn upload_part(&self, mut req: S3Request<UploadPartInput>) -> S3Result<S3Response<UploadPartOutput>> {
        let input = &mut req.input;
        let expected = expected_from!(input);
        let mismatch = Arc::new(AtomicBool::new(false));
        input.body = verify(input.body.take(), expected, &mismatch);
        bad_digest(self.inner.upload_part(req).await, &mismatch)
    }

    async fn create_bucket(&self, req: S3Request<CreateBucketInput>) -> S3Result<S3Response<CreateBucketOutput>> {
        self.inner.create_bucket(req).await
    }

    async fn copy_object(&self, req: S3Request<CopyObjectInput>) -> S3Result<S3Response<CopyObjectOutput>> {
        self.inner.copy_object(req).await
    }

    async fn delete_bucket(&self, req: S3Request<DeleteBucketInput>) -> S3Result<S3Response<DeleteBucketOutput>> {
        self.inner.delete_bucket(req).await
    }

    async fn delete_object(&self, req: S3Request<DeleteObjectInput>) -> S3Result<S3Response<DeleteObjectOutput>> {
        self.inner.delete_object(req).await
    }

    async fn delete_objects(&self, req: S3Request<DeleteObjectsInput>) -> S3Result<S3Response<DeleteObjectsOutput>> {
        self.inner.delete_objects(req).await
    }

    async fn get_bucket_location(
        &self,
        req: S3Request<GetBucketLocationInput>,
    ) -> S3Result<S3Response<GetBucketLocationOutput>> {
        self.inner.get_bucket_location(req).await
    }

    async fn get_object(&self, req: S3Request<GetObjectInput>) -> S3Result<S3Response<GetObjectOutput>> {
        self.inner.get_object(req).await
    }

    async fn head_bucket(&self, req: S3Request<HeadBucketInput>) -> S3Result<S3Response<HeadBucketOutput>> {
        self.inner.head_bucket(req).await
    }

    async fn head_object(&self, req: S3Request<HeadObjectInput>) -> S3Result<S3Response<HeadObjectOutput>> {
        self.inner.head_object(req).await
    }

    async fn list_buckets(&self, req: S3Request<ListBucketsInput>) -> S3Result<S3Response<ListBucketsOutput>> {
        self.inner.list_buckets(req).await
    }

    async fn list_objects(&self, req: S3Request<ListObjectsInput>) -> S3Result<S3Response<ListObjectsOutput>> {
        self.inner.list_objects(req).await
    }

    async fn list_objects_v2(&self, req: S3Request<ListObjectsV2Input>) -> S3Result<S3Response<ListObjectsV2Output>> {
        self.inner.list_objects_v2(req).await
    }

    async fn create_multipart_upload(
        &self,
        req: S3Request<CreateMultipartUploadInput>,
    ) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
        self.inner.create_multipart_upload(req).await
    }

    async fn upload_part_copy(
        &self,
        req: S3Request<UploadPartCopyInput>,
    ) -> S3Result<S3Response<UploadPartCopyOutput>> {
        self.inner.upload_part_copy(req).await
    }

    async fn list_parts(&self, req: S3Request<ListPartsInput>) -> S3Result<S3Response<ListPartsOutput>> {
        self.inner.list_parts(req).await
    }

    async fn complete_multipart_upload(
        &self,
        req: S3Request<CompleteMultipartUploadInput>,
    ) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
        self.inner.complete_multipart_upload(req).await
    }

    async fn abort_multipart_upload(
        &self,
        req: S3Request<AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
        self.inner.abort_multipart_upload(req).await
    }
}
