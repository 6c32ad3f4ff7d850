//! Leftovers of uploads an earlier run did not finish.

use crate::storage::client::S3Store;

impl S3Store {
    /// Aborts a multipart upload so its parts stop costing storage. A failure
    /// is logged, not returned: the upload that follows does not depend on it.
    pub async fn abort_multipart(&self, key: &str, upload_id: &str) {
        let aborted = self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await;
        if let Err(err) = aborted {
            tracing::warn!(key, error = %aws_sdk_s3::error::DisplayErrorContext(&err), "could not abort an earlier multipart upload");
        }
    }
}
