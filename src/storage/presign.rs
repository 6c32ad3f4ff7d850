//! Pre-signed GET links: the stored thing is the key; a URL is signed when needed.

use crate::core::LinkExpiry;
use crate::storage::client::S3Store;
use crate::storage::error::StorageError;
use aws_sdk_s3::presigning::PresigningConfig;
use std::time::SystemTime;

impl S3Store {
    /// Signs a GET URL for `key`, valid for `expiry` from now. No request is sent.
    pub async fn presign_get(&self, key: &str, expiry: LinkExpiry) -> Result<String, StorageError> {
        let config = PresigningConfig::expires_in(expiry.as_duration()).map_err(|e| StorageError::Config {
            detail: format!("link expiry {expiry}: {e}"),
        })?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| {
                tracing::warn!(error = %aws_sdk_s3::error::DisplayErrorContext(&e), "cannot sign a link");
                StorageError::Config {
                    detail: "no link could be signed with them; check the endpoint URL, region and keys".into(),
                }
            })?;
        Ok(request.uri().to_owned())
    }

    /// The public, never-expiring link of `key` when the settings name a public
    /// base URL (`{base}/{key}`, the key percent-encoded once); `None` when
    /// links are pre-signed.
    pub fn public_url(&self, key: &str) -> Option<String> {
        let base = self.public_base_url.as_deref()?;
        Some(crate::core::public_url::public_url(base, key))
    }

    /// When the credentials in use stop working, if they are temporary (SSO,
    /// session tokens from the AWS chain): a link signed with them dies then,
    /// whatever its own expiry says. `None` for keys from Settings.
    pub async fn credentials_expire_at(&self) -> Option<SystemTime> {
        use aws_credential_types::provider::ProvideCredentials;
        let provider = self.chain_credentials.as_ref()?;
        provider.provide_credentials().await.ok()?.expiry()
    }
}
