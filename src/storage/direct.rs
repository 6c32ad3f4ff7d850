//! Requests signed directly with SigV4, without the SDK's request pipeline:
//! pre-signed GET links here, small PUTs in `direct_put.rs`. The SDK builds a
//! whole request for each (its interceptors, the S3 endpoint rules, the
//! identity cache); with thousands of uploads that cost more client CPU than
//! the transfers. Here the endpoint rules run once per region and each request
//! costs one signature.
//!
//! Used only with the keys from Settings (static credentials); with the AWS
//! credential chain everything goes through the SDK, which handles session
//! tokens and refreshes. `direct_tests.rs` checks that both give the same URL.

use crate::core::LinkExpiry;
use crate::storage::sigv4::{Request, Signer};
use aws_credential_types::Credentials;
use aws_sdk_s3::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_smithy_http::label::{EncodingStrategy, fmt_string};
use aws_smithy_http::query_writer::QueryWriter;
use aws_smithy_runtime_api::client::http::SharedHttpConnector;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Why a request could not be made here (the caller then asks the SDK).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct DirectError(String);

impl DirectError {
    pub(crate) fn new(why: String) -> Self {
        Self(why)
    }
}

/// Signs requests for one bucket with static keys.
#[derive(Clone)]
pub(crate) struct DirectSigner {
    signer: Arc<Signer>,
    /// For PUTs; a connection pool of its own, with the SDK's TLS and proxy settings.
    connector: SharedHttpConnector,
    bucket: String,
    /// `storage.endpoint`; `None` for AWS itself.
    endpoint: Option<String>,
    path_style: bool,
    /// The bucket's base URL and signing region for the last region asked
    /// for (the region can be corrected once, see `region.rs`).
    resolved: Arc<Mutex<Option<Resolved>>>,
}

impl std::fmt::Debug for DirectSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never prints the keys.
        write!(f, "DirectSigner(bucket {})", self.bucket)
    }
}

impl DirectSigner {
    pub fn new(
        credentials: Credentials,
        connector: SharedHttpConnector,
        bucket: &str,
        endpoint: Option<&str>,
        path_style: bool,
    ) -> Self {
        Self {
            signer: Arc::new(Signer::new(
                credentials.access_key_id(),
                credentials.secret_access_key(),
            )),
            connector,
            bucket: bucket.to_owned(),
            endpoint: endpoint.map(str::to_owned),
            path_style,
            resolved: Arc::new(Mutex::new(None)),
        }
    }

    /// The same signer sending through `connector` (other timeouts).
    pub fn with_connector(mut self, connector: SharedHttpConnector) -> Self {
        self.connector = connector;
        self
    }

    pub(crate) fn connector(&self) -> &SharedHttpConnector {
        &self.connector
    }

    /// The pre-signed GET URL of `key`, valid for `expiry` from `now`.
    pub fn presign_get(
        &self,
        region: &str,
        key: &str,
        expiry: LinkExpiry,
        now: SystemTime,
    ) -> Result<String, DirectError> {
        let Resolved {
            base, signing_region, ..
        } = self.resolve(region)?;
        // The same request the SDK's GetObject would sign: the key encoded
        // once with its slashes kept, and the operation named in the query.
        let unsigned = format!("{base}/{}?x-id=GetObject", fmt_string(key, EncodingStrategy::Greedy));
        let uri: http::Uri = unsigned.parse().map_err(|e| DirectError(format!("{e}")))?;
        let host = host_of(&uri)?;
        let request = Request {
            method: "GET",
            path: uri.path(),
            query: &[("x-id", "GetObject")],
            headers: &[("host", host.as_str())],
            region: &signing_region,
            now,
        };
        let query = self.signer.presign(&request, expiry.as_duration().as_secs());
        let mut url = QueryWriter::new_from_string(&unsigned).map_err(|e| DirectError(e.to_string()))?;
        for (name, value) in query {
            url.insert(name, &value);
        }
        Ok(url.build_uri().to_string())
    }

    /// Signs a request with its body unsigned (`x-amz-content-sha256:
    /// UNSIGNED-PAYLOAD`): the headers to add to it.
    pub(crate) fn sign_headers(&self, request: &Request<'_>) -> [(&'static str, String); 3] {
        self.signer.sign_headers(request)
    }

    /// Where links for `region` point and the region they are signed for,
    /// from the SDK's own S3 endpoint rules (virtual-hosted or path style,
    /// AWS or a custom endpoint).
    pub(crate) fn resolve(&self, region: &str) -> Result<Resolved, DirectError> {
        let mut cached = self.resolved.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(resolved) = cached.as_ref().filter(|r| r.region == region) {
            return Ok(resolved.clone());
        }
        let params = Params::builder()
            .bucket(&self.bucket)
            .region(region)
            .set_endpoint(self.endpoint.clone())
            .force_path_style(self.path_style)
            .build()
            .map_err(|e| DirectError(e.to_string()))?;
        let endpoint = ready_now(DefaultResolver::new().resolve_endpoint(&params))
            .ok_or_else(|| DirectError("the endpoint rules did not answer at once".into()))?
            .map_err(|e| DirectError(e.to_string()))?;
        let signing_region = match endpoint.properties().get("authSchemes") {
            None => region.to_owned(),
            Some(schemes) => plain_sigv4_region(schemes)
                .ok_or_else(|| DirectError("this endpoint signs with another scheme".into()))?
                .unwrap_or_else(|| region.to_owned()),
        };
        let resolved = Resolved {
            region: region.to_owned(),
            base: endpoint.url().trim_end_matches('/').into(),
            signing_region,
        };
        *cached = Some(resolved.clone());
        Ok(resolved)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    region: String,
    /// `scheme://host[/bucket]`
    pub base: Arc<str>,
    pub signing_region: String,
}

/// The `host` header a request to `uri` carries (with a port that is not the default).
pub(crate) fn host_of(uri: &http::Uri) -> Result<String, DirectError> {
    uri.authority()
        .map(|authority| authority.as_str().to_owned())
        .ok_or_else(|| DirectError("the endpoint has no host".into()))
}

/// The signing region (if the endpoint names one) when the endpoint's first
/// auth scheme is plain SigV4 for the `s3` service; `None` for anything else
/// (S3 Express sessions, SigV4a, another signing name).
fn plain_sigv4_region(schemes: &aws_smithy_types::Document) -> Option<Option<String>> {
    use aws_smithy_types::Document;
    let Document::Array(schemes) = schemes else {
        return None;
    };
    let Some(Document::Object(first)) = schemes.first() else {
        return None;
    };
    let is = |field: &str, want: &str| matches!(first.get(field), Some(Document::String(s)) if s == want);
    if !is("name", "sigv4") || !is("signingName", "s3") || first.contains_key("signingRegionSet") {
        return None;
    }
    Some(match first.get("signingRegion") {
        Some(Document::String(region)) => Some(region.clone()),
        _ => None,
    })
}

/// The output of a future that is ready on its first poll (the endpoint
/// rules do no I/O); `None` if it is not.
fn ready_now<F: std::future::Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(value) => Some(value),
        std::task::Poll::Pending => None,
    }
}

#[cfg(test)]
#[path = "direct_tests.rs"]
mod tests;
