//! One mapping from SDK failures to what a user can act on.

use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// A storage failure, phrased for the person using the app.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    #[error("Cannot reach {endpoint} — check the endpoint URL in Settings and that the server is running ({detail})")]
    Unreachable { endpoint: String, detail: String },
    #[error(
        "Secure connection to {endpoint} failed — check the certificate, or whether the URL should start with http:// or https:// ({detail})"
    )]
    Tls { endpoint: String, detail: String },
    #[error("The server rejected the access key or secret key ({code}) — check both in Settings")]
    BadCredentials { code: String },
    #[error("Bucket `{bucket}` does not exist on {endpoint} — create it or fix the name in Settings")]
    BucketMissing { bucket: String, endpoint: String },
    #[error(
        "Access to bucket `{bucket}` was denied — the key needs permission to put, get and delete objects there ({detail})"
    )]
    AccessDenied { bucket: String, detail: String },
    #[error("The server expects another region{expected} — set Region in Settings")]
    WrongRegion { expected: String },
    #[error("{endpoint} did not answer in time — check the network and try again")]
    Timeout { endpoint: String },
    #[error("The file could not be read during upload: {detail}")]
    File { detail: String },
    #[error("The upload could not be confirmed: {detail}")]
    Verification { detail: String },
    #[error("Upload cancelled")]
    Cancelled,
    #[error("The storage settings are not usable: {detail}")]
    Config { detail: String },
    #[error("The built-in local store could not start: {detail}")]
    LocalStore { detail: String },
    #[error("The server answered with an error{}: {code} {message}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Server {
        status: Option<u16>,
        code: String,
        message: String,
    },
    #[error(
        "The server received different bytes than the file holds ({code}) — the network corrupted the upload; try again"
    )]
    ChecksumMismatch { code: String },
    #[error(
        "The server does not accept the `{header}` checksum header ({code}) — set storage.checksum to \"md5\" or \"auto\""
    )]
    ChecksumRefused { header: String, code: String },
}

impl StorageError {
    /// Worth another try as-is: the network or server may recover, or the
    /// bytes were damaged on the way. See `retry.rs` for the list.
    pub fn is_transient(&self) -> bool {
        crate::storage::retry::is_retryable(self)
    }
}

/// What a request was about, to name it in the message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorContext<'a> {
    pub endpoint: &'a str,
    pub bucket: &'a str,
}

/// Turns any SDK error into a [`StorageError`], by class rather than by one
/// server's exact code: servers differ (a bad signature may come back as
/// `SignatureDoesNotMatch` or `AccessDenied`, a missing bucket as a code or a
/// bare 404 on HEAD).
pub(crate) fn classify<E>(err: SdkError<E, HttpResponse>, ctx: ErrorContext<'_>) -> StorageError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let detail = DisplayErrorContext(&err).to_string();
    tracing::debug!(error = %detail, "storage request failed");
    let endpoint = ctx.endpoint.to_owned();
    match &err {
        SdkError::TimeoutError(_) => StorageError::Timeout { endpoint },
        SdkError::DispatchFailure(failure) => {
            if failure.is_timeout() {
                StorageError::Timeout { endpoint }
            } else if looks_like_tls(&detail) {
                StorageError::Tls {
                    endpoint,
                    detail: last_cause(&detail),
                }
            } else {
                StorageError::Unreachable {
                    endpoint,
                    detail: last_cause(&detail),
                }
            }
        }
        SdkError::ConstructionFailure(_) => StorageError::Config {
            detail: last_cause(&detail),
        },
        _ => {
            let status = err.raw_response().map(|r| r.status().as_u16());
            let code = err.code().unwrap_or("").to_owned();
            let message = match err.message() {
                Some(message) if !message.is_empty() => message.to_owned(),
                _ => last_cause(&detail),
            };
            classify_service(status, code, message, ctx)
        }
    }
}

pub(crate) fn classify_service(
    status: Option<u16>,
    code: String,
    message: String,
    ctx: ErrorContext<'_>,
) -> StorageError {
    let bucket = ctx.bucket.to_owned();
    match code.as_str() {
        "InvalidAccessKeyId"
        | "SignatureDoesNotMatch"
        | "InvalidToken"
        | "ExpiredToken"
        | "TokenRefreshRequired"
        | "InvalidSecurity"
        | "NotSignedUp" => StorageError::BadCredentials { code },
        "AuthorizationHeaderMalformed" | "PermanentRedirect" | "IllegalLocationConstraintException" => {
            StorageError::WrongRegion {
                expected: expected_region(&message)
                    .map(|r| format!(" (`{r}`)"))
                    .unwrap_or_default(),
            }
        }
        "NoSuchBucket" => StorageError::BucketMissing {
            bucket,
            endpoint: ctx.endpoint.to_owned(),
        },
        "AccessDenied" | "AllAccessDisabled" | "AccountProblem" => StorageError::AccessDenied {
            bucket,
            detail: if message.is_empty() { code } else { message },
        },
        _ => match status {
            Some(301) => StorageError::WrongRegion {
                expected: String::new(),
            },
            Some(401) => StorageError::BadCredentials {
                code: "HTTP 401".into(),
            },
            Some(403) => StorageError::AccessDenied {
                bucket,
                detail: "HTTP 403: the key may lack permission, or the keys may be wrong".into(),
            },
            _ => StorageError::Server { status, code, message },
        },
    }
}

/// AWS says "the region 'us-east-1' is wrong; expecting 'eu-west-1'".
fn expected_region(message: &str) -> Option<&str> {
    let start = message.find("expecting '")? + "expecting '".len();
    let len = message[start..].find('\'')?;
    Some(&message[start..start + len])
}

fn looks_like_tls(detail: &str) -> bool {
    let lower = detail.to_ascii_lowercase();
    [
        "certificate",
        "tls",
        "ssl",
        "handshake",
        "corrupt message",
        "invalidcontenttype",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

/// The innermost cause of a `DisplayErrorContext` chain ("a: b: c (Kind)").
fn last_cause(detail: &str) -> String {
    detail.rsplit(": ").next().unwrap_or(detail).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTX: ErrorContext<'static> = ErrorContext {
        endpoint: "http://127.0.0.1:9000",
        bucket: "photos",
    };

    #[test]
    fn credential_codes_map_to_bad_credentials() {
        for code in ["InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"] {
            let err = classify_service(Some(403), code.into(), String::new(), CTX);
            assert!(matches!(err, StorageError::BadCredentials { .. }), "{code}");
        }
    }

    #[test]
    fn a_missing_bucket_names_bucket_and_endpoint() {
        let err = classify_service(Some(404), "NoSuchBucket".into(), String::new(), CTX);
        let text = err.to_string();
        assert!(text.contains("`photos`") && text.contains("127.0.0.1:9000"), "{text}");
    }

    #[test]
    fn a_wrong_region_says_which_region_the_server_wants() {
        let msg = "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'";
        let err = classify_service(Some(400), "AuthorizationHeaderMalformed".into(), msg.into(), CTX);
        assert_eq!(
            err,
            StorageError::WrongRegion {
                expected: " (`eu-west-1`)".into()
            }
        );
    }

    #[test]
    fn a_bare_403_is_access_denied_with_a_hint() {
        let err = classify_service(Some(403), String::new(), String::new(), CTX);
        assert!(matches!(err, StorageError::AccessDenied { .. }));
    }

    #[test]
    fn server_errors_are_transient_and_client_errors_are_not() {
        let err = classify_service(Some(503), "SlowDown".into(), String::new(), CTX);
        assert!(err.is_transient());
        assert!(!StorageError::Cancelled.is_transient());
    }
}
