//! Pre-signed GET links: the stored thing is the key; a URL is signed when needed.

use crate::core::LinkExpiry;
use crate::storage::client::S3Store;
use crate::storage::error::StorageError;
use aws_sdk_s3::presigning::PresigningConfig;
use std::time::SystemTime;

impl S3Store {
    /// Signs a GET URL for `key`, valid for `expiry` from now. No request is sent.
    pub async fn presign_get(&self, key: &str, expiry: LinkExpiry) -> Result<String, StorageError> {
        self.presign_get_at(key, expiry, SystemTime::now()).await
    }

    /// [`presign_get`](Self::presign_get) as of `now`: signed directly with
    /// the keys from Settings, or by the SDK for the AWS credential chain
    /// (and for an endpoint the direct signer does not handle).
    pub(crate) async fn presign_get_at(
        &self,
        key: &str,
        expiry: LinkExpiry,
        now: SystemTime,
    ) -> Result<String, StorageError> {
        if let Some(signer) = &self.direct {
            match signer.presign_get(self.client.region(), key, expiry, now) {
                Ok(url) => return Ok(url),
                Err(error) => tracing::debug!(%error, "signing the link through the SDK instead"),
            }
        }
        self.presign_get_with_sdk(key, expiry, now).await
    }

    /// The SDK's pre-signed `GetObject`.
    pub(crate) async fn presign_get_with_sdk(
        &self,
        key: &str,
        expiry: LinkExpiry,
        now: SystemTime,
    ) -> Result<String, StorageError> {
        let config = PresigningConfig::builder()
            .start_time(now)
            .expires_in(expiry.as_duration())
            .build()
            .map_err(|e| StorageError::Config {
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
