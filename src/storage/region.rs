//! A wrong or empty region, corrected. Servers say which region they want when
//! a request is signed for another: AWS answers `AuthorizationHeaderMalformed`
//! ("… expecting 'eu-west-1'") or a 301 with an `x-amz-bucket-region` header;
//! Garage answers `AuthorizationHeaderMalformed` ("… expected:
//! '20261126/garage/s3/aws4_request'") with `<Region>garage</Region>`. A HEAD
//! answer has no body, so a GET is sent to read it. The store then switches
//! to that region once, for every later request and pre-signed link.

use crate::storage::client::S3Store;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::Region;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use std::sync::{Arc, OnceLock};

/// Error codes that mean "signed for the wrong region".
const REGION_CODES: [&str; 4] = [
    "AuthorizationHeaderMalformed",
    "PermanentRedirect",
    "IllegalLocationConstraintException",
    "InvalidRegion",
];

/// What an error answer says about the region.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RegionHint {
    /// The region the server named, if any.
    pub region: Option<String>,
    /// The answer means the request was signed for the wrong region.
    pub wrong_region: bool,
}

impl RegionHint {
    pub(crate) fn says_wrong_region(&self) -> bool {
        self.wrong_region
    }
}

/// Reads the region hint of an SDK error (headers, code, message and body).
pub(crate) fn region_hint<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> RegionHint {
    let Some(raw) = err.raw_response() else {
        return RegionHint::default();
    };
    let body = raw
        .body()
        .bytes()
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("");
    parse_region_hint(
        raw.status().as_u16(),
        err.code(),
        err.message(),
        raw.headers().get("x-amz-bucket-region"),
        body,
    )
}

/// The pure part of [`region_hint`], for answers written out in tests.
pub(crate) fn parse_region_hint(
    status: u16,
    code: Option<&str>,
    message: Option<&str>,
    bucket_region_header: Option<&str>,
    body: &str,
) -> RegionHint {
    let code = code.map(str::to_owned).or_else(|| xml_element(body, "Code"));
    let message = message
        .map(str::to_owned)
        .or_else(|| xml_element(body, "Message"))
        .unwrap_or_default();
    let header = bucket_region_header.map(str::trim).filter(|r| !r.is_empty());
    let wrong_region = status == 301 || code.as_deref().is_some_and(|c| REGION_CODES.contains(&c));
    // Garage puts <Region> in every error body: trust it only for region errors.
    let region = header.map(str::to_owned).or_else(|| {
        wrong_region
            .then(|| expected_in_message(&message).or_else(|| xml_element(body, "Region")))
            .flatten()
    });
    RegionHint { region, wrong_region }
}

/// AWS: "the region 'us-east-1' is wrong; expecting 'eu-west-1'".
/// Garage: "unexpected scope: '…/us-east-1/s3/aws4_request', expected: '20261126/garage/s3/aws4_request'".
fn expected_in_message(message: &str) -> Option<String> {
    if let Some(quoted) = quoted_after(message, "expecting '") {
        return Some(quoted.to_owned());
    }
    let scope = quoted_after(message, "expected: '")?;
    scope.split('/').nth(1).map(str::to_owned)
}

fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let len = text[start..].find('\'')?;
    Some(&text[start..start + len]).filter(|s| !s.trim().is_empty())
}

pub(crate) fn xml_element(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let len = body[start..].find(&format!("</{name}>"))?;
    Some(body[start..start + len].trim().to_owned()).filter(|s| !s.is_empty())
}

/// The S3 client, plus the one built for a corrected region once the server
/// names another. Derefs to the client in use, so call sites stay `self.client.…`.
#[derive(Clone)]
pub(crate) struct RegionalClient {
    configured: Client,
    configured_region: String,
    corrected: Arc<OnceLock<(Client, String)>>,
}

impl std::ops::Deref for RegionalClient {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.corrected.get().map_or(&self.configured, |(client, _)| client)
    }
}

impl RegionalClient {
    pub(crate) fn new(client: Client, region: String) -> Self {
        Self {
            configured: client,
            configured_region: region,
            corrected: Arc::new(OnceLock::new()),
        }
    }

    pub(crate) fn region(&self) -> &str {
        self.corrected
            .get()
            .map_or(&self.configured_region, |(_, region)| region)
    }

    pub(crate) fn configured_region(&self) -> &str {
        &self.configured_region
    }

    pub(crate) fn corrected_region(&self) -> Option<&str> {
        self.corrected.get().map(|(_, region)| region.as_str())
    }

    /// Uses `region` from now on. False if the store already switched to another.
    fn switch_to(&self, region: &str) -> bool {
        let config = self
            .configured
            .config()
            .to_builder()
            .region(Region::new(region.to_owned()))
            .build();
        let _ = self.corrected.set((Client::from_conf(config), region.to_owned()));
        self.region() == region
    }
}

impl S3Store {
    /// After a failed request: the region the server asks for, if it differs
    /// from the one in use, switched to. True when the request is worth one
    /// more try.
    pub(crate) async fn correct_region<E: ProvideErrorMetadata>(&self, err: &SdkError<E, HttpResponse>) -> bool {
        let mut hint = region_hint(err);
        let status = err.raw_response().map(|r| r.status().as_u16());
        let bodyless = err
            .raw_response()
            .is_some_and(|r| r.body().bytes().is_none_or(<[u8]>::is_empty));
        if hint.region.is_none() && bodyless && matches!(status, Some(301 | 400)) {
            // A HEAD answer carries no body: ask again with a GET to read one.
            if let Err(probe) = self.client.get_bucket_location().bucket(&self.bucket).send().await {
                hint = region_hint(&probe);
            }
        }
        let Some(wanted) = hint.region else { return false };
        if wanted == self.client.region() || self.client.corrected_region().is_some() {
            return false;
        }
        if !(hint.wrong_region || matches!(status, Some(301 | 400 | 403))) {
            return false;
        }
        tracing::info!(from = self.client.region(), to = %wanted, "the server wants another region; switching");
        self.client.switch_to(&wanted)
    }
}

#[cfg(test)]
#[path = "region_tests.rs"]
mod tests;
