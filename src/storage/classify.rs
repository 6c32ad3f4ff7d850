//! One mapping from SDK failures to what a user can act on. The SDK's own
//! text (a Debug dump of nested errors) goes to the log, never into a message.

use crate::storage::error::{NetProblem, StorageError, TlsProblem};
use crate::storage::region::{RegionHint, parse_region_hint, region_hint, xml_element};
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::ConnectorError;
use std::error::Error;

/// What a request was about, to name it in the message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorContext<'a> {
    pub endpoint: &'a str,
    pub bucket: &'a str,
    pub region: &'a str,
}

/// Turns any SDK error into a [`StorageError`], by class rather than by one
/// server's exact code: servers differ (a bad signature may come back as
/// `SignatureDoesNotMatch` or `AccessDenied`, a missing bucket as a code or a
/// bare 404 on HEAD).
pub(crate) fn classify<E>(err: SdkError<E, HttpResponse>, ctx: ErrorContext<'_>) -> StorageError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    tracing::debug!(error = %DisplayErrorContext(&err), "storage request failed");
    let endpoint = ctx.endpoint.to_owned();
    match &err {
        SdkError::TimeoutError(_) => StorageError::Timeout { endpoint },
        SdkError::DispatchFailure(failure) if failure.is_timeout() => StorageError::Timeout { endpoint },
        SdkError::DispatchFailure(_) => classify_dispatch(&err, endpoint),
        SdkError::ConstructionFailure(_) => StorageError::Config {
            detail: "no request could be built from them; check the endpoint URL and the region".into(),
        },
        SdkError::ResponseError(_) => StorageError::Server {
            status: err.raw_response().map(|r| r.status().as_u16()),
            code: String::new(),
            message: "its answer could not be read".into(),
        },
        _ => {
            let status = err.raw_response().map(|r| r.status().as_u16());
            let code = err.code().unwrap_or("").to_owned();
            let message = err.message().unwrap_or("").to_owned();
            let hint = region_hint(&err);
            classify_service(status, code, message, hint, ctx)
        }
    }
}

/// A request sent without the SDK (`direct_put.rs`) that got no answer,
/// classified as the SDK's would be.
pub(crate) fn dispatch_error(error: &ConnectorError, ctx: ErrorContext<'_>) -> StorageError {
    tracing::debug!(%error, "storage request failed");
    let endpoint = ctx.endpoint.to_owned();
    if error.is_timeout() {
        StorageError::Timeout { endpoint }
    } else {
        classify_dispatch(error, endpoint)
    }
}

/// An error answer to a request sent without the SDK, read as the SDK reads
/// one: the S3 error document's Code and Message, and the region hints.
pub(crate) fn answer_error(
    status: u16,
    body: &str,
    bucket_region: Option<&str>,
    ctx: ErrorContext<'_>,
) -> StorageError {
    let code = xml_element(body, "Code").unwrap_or_default();
    let message = xml_element(body, "Message").unwrap_or_default();
    tracing::debug!(status, %code, %message, "storage request failed");
    let hint = parse_region_hint(
        status,
        Some(&code).filter(|c| !c.is_empty()).map(String::as_str),
        None,
        bucket_region,
        body,
    );
    classify_service(Some(status), code, message, hint, ctx)
}

/// A request that never got an answer: credentials, TLS or the network.
fn classify_dispatch(err: &(dyn Error + 'static), endpoint: String) -> StorageError {
    for cause in causes(err) {
        if let Some(credentials) = cause.downcast_ref::<CredentialsError>() {
            return match credentials {
                CredentialsError::CredentialsNotLoaded(_) => StorageError::NoCredentials,
                _ => StorageError::Config {
                    detail: "the AWS credential chain (AWS_PROFILE, ~/.aws files, SSO) failed to give keys; enter the keys in Settings, or see the log".into(),
                },
            };
        }
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return StorageError::Tls {
                endpoint,
                problem: tls_problem(tls),
            };
        }
    }
    let mut reason = NetProblem::Other;
    for cause in causes(err) {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => reason = NetProblem::Refused,
                ConnectionReset | ConnectionAborted | UnexpectedEof | BrokenPipe => reason = NetProblem::Closed,
                _ => {}
            }
        }
        // hyper-util reports a failed lookup as "dns error" around an io::Error of kind Other.
        if cause.to_string().starts_with("dns error") {
            reason = NetProblem::UnknownHost;
        }
        // The server closed the connection during the handshake (tokio-rustls "tls handshake eof").
        let text = cause.to_string();
        if text == "TLS handshake failed" || text.contains("tls handshake eof") {
            return StorageError::Tls {
                endpoint,
                problem: TlsProblem::Handshake,
            };
        }
    }
    StorageError::Unreachable { endpoint, reason }
}

fn tls_problem(error: &rustls::Error) -> TlsProblem {
    use rustls::CertificateError as Cert;
    match error {
        rustls::Error::InvalidCertificate(cert) => match cert {
            Cert::UnknownIssuer => TlsProblem::UnknownIssuer,
            Cert::Expired | Cert::ExpiredContext { .. } => TlsProblem::Expired,
            Cert::NotValidYet | Cert::NotValidYetContext { .. } => TlsProblem::NotYetValid,
            Cert::NotValidForName | Cert::NotValidForNameContext { .. } => TlsProblem::WrongHost,
            // webpki's CaUsedAsEndEntity reaches rustls only as an opaque "other" error.
            Cert::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
                TlsProblem::CaAsServerCertificate
            }
            _ => TlsProblem::BadCertificate,
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => TlsProblem::NotTls,
        _ => TlsProblem::Handshake,
    }
}

/// The cause chain of `top`, also looking inside `io::Error` payloads (whose
/// `source()` skips the payload itself; hyper-rustls nests rustls errors there).
pub(crate) fn causes<'a>(top: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(top), |&error: &&'a (dyn Error + 'static)| {
        match error.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner as &(dyn Error + 'static)),
                None => None,
            },
            None => error.source(),
        }
    })
    .take(32)
}

pub(crate) fn classify_service(
    status: Option<u16>,
    code: String,
    message: String,
    hint: RegionHint,
    ctx: ErrorContext<'_>,
) -> StorageError {
    let bucket = ctx.bucket.to_owned();
    if hint.says_wrong_region() {
        return StorageError::WrongRegion {
            configured: ctx.region.to_owned(),
            expected: hint.region.filter(|r| r != ctx.region),
        };
    }
    match code.as_str() {
        "InvalidAccessKeyId"
        | "SignatureDoesNotMatch"
        | "InvalidToken"
        | "ExpiredToken"
        | "TokenRefreshRequired"
        | "InvalidSecurity"
        | "NotSignedUp" => StorageError::BadCredentials { code },
        "NoSuchBucket" => StorageError::BucketMissing {
            bucket,
            endpoint: ctx.endpoint.to_owned(),
        },
        "AccessDenied" | "AllAccessDisabled" | "AccountProblem" => StorageError::AccessDenied {
            bucket,
            detail: plain(&message),
        },
        _ => match status {
            Some(401) => StorageError::BadCredentials {
                code: "HTTP 401".into(),
            },
            Some(403) => StorageError::AccessDenied {
                bucket,
                detail: "HTTP 403: the key may lack permission, or the keys may be wrong".into(),
            },
            _ => StorageError::Server {
                status,
                code: plain(&code),
                message: plain(&message),
            },
        },
    }
}

/// Text from a server, kept only if it reads as words rather than a dump.
fn plain(text: &str) -> String {
    let suspicious = ['{', '}', '<', '>'].iter().any(|c| text.contains(*c)) || text.contains("::");
    if suspicious || text.len() > 300 {
        String::new()
    } else {
        text.trim().to_owned()
    }
}
