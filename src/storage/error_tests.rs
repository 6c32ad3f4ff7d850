use super::*;
use crate::storage::classify::{ErrorContext, classify};
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::error::{ErrorMetadata, SdkError};
use aws_sdk_s3::operation::head_bucket::HeadBucketError;
use aws_sdk_s3::operation::put_object::PutObjectError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use std::io;

const CTX: ErrorContext<'static> = ErrorContext {
    endpoint: "http://127.0.0.1:9000",
    bucket: "photos",
    region: "us-east-1",
};

/// Every variant, with every kind of reason. The match has no wildcard, so a
/// new variant does not compile until it is listed here too.
fn every_variant() -> Vec<StorageError> {
    let endpoint = || "https://s3.example.com".to_owned();
    let mut all = vec![
        StorageError::NoCredentials,
        StorageError::BadCredentials {
            code: "SignatureDoesNotMatch".into(),
        },
        StorageError::BucketMissing {
            bucket: "photos".into(),
            endpoint: endpoint(),
        },
        StorageError::AccessDenied {
            bucket: "photos".into(),
            detail: String::new(),
        },
        StorageError::AccessDenied {
            bucket: "photos".into(),
            detail: "Access Denied.".into(),
        },
        StorageError::WrongRegion {
            configured: "us-east-1".into(),
            expected: Some("garage".into()),
        },
        StorageError::WrongRegion {
            configured: "us-east-1".into(),
            expected: None,
        },
        StorageError::Timeout { endpoint: endpoint() },
        StorageError::File {
            detail: "No such file or directory (os error 2)".into(),
        },
        StorageError::Verification {
            detail: "the stored object has 3 bytes, the file 4".into(),
        },
        StorageError::Cancelled,
        StorageError::Config {
            detail: "the CA file /tmp/ca.pem named by ca_file cannot be read".into(),
        },
        StorageError::LocalStore {
            detail: "port 9000 on 127.0.0.1 is in use by another program".into(),
        },
        StorageError::Server {
            status: Some(503),
            code: "SlowDown".into(),
            message: "Please reduce your request rate.".into(),
        },
        StorageError::Server {
            status: None,
            code: String::new(),
            message: String::new(),
        },
    ];
    for reason in [
        NetProblem::Refused,
        NetProblem::UnknownHost,
        NetProblem::Closed,
        NetProblem::Other,
    ] {
        all.push(StorageError::Unreachable {
            endpoint: endpoint(),
            reason,
        });
    }
    for problem in [
        TlsProblem::UnknownIssuer,
        TlsProblem::Expired,
        TlsProblem::NotYetValid,
        TlsProblem::WrongHost,
        TlsProblem::CaAsServerCertificate,
        TlsProblem::BadCertificate,
        TlsProblem::NotTls,
        TlsProblem::Handshake,
    ] {
        all.push(StorageError::Tls {
            endpoint: endpoint(),
            problem,
        });
    }
    all.push(StorageError::ChecksumMismatch {
        code: "BadDigest".into(),
    });
    all.push(StorageError::ChecksumRefused {
        header: "x-amz-checksum-crc32c".into(),
        code: "NotImplemented".into(),
    });
    for error in &all {
        match error {
            StorageError::Unreachable { .. }
            | StorageError::Tls { .. }
            | StorageError::NoCredentials
            | StorageError::BadCredentials { .. }
            | StorageError::BucketMissing { .. }
            | StorageError::AccessDenied { .. }
            | StorageError::WrongRegion { .. }
            | StorageError::Timeout { .. }
            | StorageError::File { .. }
            | StorageError::Verification { .. }
            | StorageError::Cancelled
            | StorageError::Config { .. }
            | StorageError::LocalStore { .. }
            | StorageError::Server { .. }
            | StorageError::ChecksumMismatch { .. }
            | StorageError::ChecksumRefused { .. } => {}
        }
    }
    all
}

fn response(status: u16, body: &str, bucket_region: Option<&str>) -> HttpResponse {
    let mut raw = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body));
    if let Some(region) = bucket_region {
        raw.headers_mut().insert("x-amz-bucket-region", region.to_owned());
    }
    raw
}

fn put_error(status: u16, code: &str, message: &str, body: &str) -> SdkError<PutObjectError, HttpResponse> {
    let meta = ErrorMetadata::builder().code(code).message(message).build();
    SdkError::service_error(PutObjectError::generic(meta), response(status, body, None))
}

/// A HEAD answer: no body, so the SDK knows no code.
fn head_error(status: u16, bucket_region: Option<&str>) -> SdkError<HeadBucketError, HttpResponse> {
    let meta = ErrorMetadata::builder().build();
    SdkError::service_error(HeadBucketError::generic(meta), response(status, "", bucket_region))
}

fn dispatch(error: ConnectorError) -> SdkError<PutObjectError, HttpResponse> {
    SdkError::dispatch_failure(error)
}

fn io_failure(kind: io::ErrorKind) -> ConnectorError {
    ConnectorError::io(Box::new(io::Error::from(kind)))
}

/// As hyper-rustls reports a refused certificate: a rustls error inside an io::Error.
fn tls_failure(error: rustls::Error) -> ConnectorError {
    ConnectorError::io(Box::new(io::Error::new(io::ErrorKind::InvalidData, error)))
}

/// Errors `classify` sees in practice, and what each must become.
fn classified() -> Vec<StorageError> {
    use rustls::CertificateError as Cert;
    let garage = "<Error><Code>AuthorizationHeaderMalformed</Code><Message>Authorization header malformed, \
        unexpected scope: '20261126/us-east-1/s3/aws4_request', expected: '20261126/garage/s3/aws4_request'</Message>\
        <Region>garage</Region></Error>";
    vec![
        classify(
            put_error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match",
                "",
            ),
            CTX,
        ),
        classify(put_error(403, "InvalidAccessKeyId", "", ""), CTX),
        classify(
            put_error(404, "NoSuchBucket", "The specified bucket does not exist", ""),
            CTX,
        ),
        classify(put_error(403, "AccessDenied", "Access Denied", ""), CTX),
        classify(put_error(400, "AuthorizationHeaderMalformed", "", garage), CTX),
        classify(
            put_error(500, "InternalError", "We encountered an internal error.", ""),
            CTX,
        ),
        classify(
            put_error(400, "InvalidArgument", "{\"weird\": Some(1)} crate::Thing", ""),
            CTX,
        ),
        classify(head_error(301, Some("eu-west-1")), CTX),
        classify(head_error(400, None), CTX),
        classify(head_error(403, None), CTX),
        classify(dispatch(io_failure(io::ErrorKind::ConnectionRefused)), CTX),
        classify(dispatch(io_failure(io::ErrorKind::ConnectionReset)), CTX),
        classify(dispatch(io_failure(io::ErrorKind::TimedOut)), CTX),
        classify(
            dispatch(ConnectorError::timeout(Box::new(io::Error::from(
                io::ErrorKind::TimedOut,
            )))),
            CTX,
        ),
        classify(
            dispatch(ConnectorError::other(
                Box::new(CredentialsError::not_loaded(
                    "no providers in chain provided credentials",
                )),
                None,
            )),
            CTX,
        ),
        classify(
            dispatch(ConnectorError::other(
                Box::new(CredentialsError::provider_error("sso expired")),
                None,
            )),
            CTX,
        ),
        classify(dispatch(tls_failure(Cert::UnknownIssuer.into())), CTX),
        classify(
            dispatch(tls_failure(rustls::Error::InvalidMessage(
                rustls::InvalidMessage::InvalidContentType,
            ))),
            CTX,
        ),
        classify(
            SdkError::<PutObjectError, HttpResponse>::construction_failure("invalid region"),
            CTX,
        ),
        classify(
            SdkError::<PutObjectError, HttpResponse>::timeout_error(io::Error::from(io::ErrorKind::TimedOut)),
            CTX,
        ),
        classify(
            SdkError::<PutObjectError, HttpResponse>::response_error(
                io::Error::other("body ended early"),
                response(200, "", None),
            ),
            CTX,
        ),
    ]
}

#[test]
fn no_message_carries_debug_text() {
    let all: Vec<StorageError> = every_variant().into_iter().chain(classified()).collect();
    for error in all {
        let text = error.to_string();
        for banned in ["{", "}", "Unknown", "::", "Some(", "Error {", "None"] {
            assert!(!text.contains(banned), "`{banned}` in: {text}");
        }
        assert!(text.len() > 15 && !text.ends_with(' '), "{text}");
    }
}

#[test]
fn sdk_errors_map_to_what_the_user_can_act_on() {
    let got = classified();
    assert!(matches!(got[0], StorageError::BadCredentials { .. }), "{:?}", got[0]);
    assert!(matches!(got[1], StorageError::BadCredentials { .. }), "{:?}", got[1]);
    assert!(matches!(got[2], StorageError::BucketMissing { .. }), "{:?}", got[2]);
    assert!(matches!(got[3], StorageError::AccessDenied { .. }), "{:?}", got[3]);
    assert_eq!(
        got[4],
        StorageError::WrongRegion {
            configured: "us-east-1".into(),
            expected: Some("garage".into())
        }
    );
    assert!(got[5].is_transient(), "{:?}", got[5]);
    assert_eq!(
        got[6],
        StorageError::Server {
            status: Some(400),
            code: "InvalidArgument".into(),
            message: String::new()
        }
    );
    assert_eq!(
        got[7],
        StorageError::WrongRegion {
            configured: "us-east-1".into(),
            expected: Some("eu-west-1".into())
        }
    );
    assert!(
        matches!(got[8], StorageError::Server { status: Some(400), .. }),
        "{:?}",
        got[8]
    );
    assert!(matches!(got[9], StorageError::AccessDenied { .. }), "{:?}", got[9]);
    let unreachable = |reason| StorageError::Unreachable {
        endpoint: CTX.endpoint.into(),
        reason,
    };
    assert_eq!(got[10], unreachable(NetProblem::Refused));
    assert_eq!(got[11], unreachable(NetProblem::Closed));
    assert_eq!(got[12], unreachable(NetProblem::Other));
    assert!(matches!(got[13], StorageError::Timeout { .. }), "{:?}", got[13]);
    assert_eq!(got[14], StorageError::NoCredentials);
    assert!(matches!(got[15], StorageError::Config { .. }), "{:?}", got[15]);
    let tls = |problem| StorageError::Tls {
        endpoint: CTX.endpoint.into(),
        problem,
    };
    assert_eq!(got[16], tls(TlsProblem::UnknownIssuer));
    assert_eq!(got[17], tls(TlsProblem::NotTls));
    assert!(matches!(got[18], StorageError::Config { .. }), "{:?}", got[18]);
    assert!(matches!(got[19], StorageError::Timeout { .. }), "{:?}", got[19]);
    assert!(
        matches!(got[20], StorageError::Server { status: Some(200), .. }),
        "{:?}",
        got[20]
    );
}

#[test]
fn a_wrong_region_sentence_names_both_regions() {
    let text = classified()[4].to_string();
    assert_eq!(
        text,
        "The server expects region `garage`, not `us-east-1` — set Region to `garage` in Settings"
    );
}

#[test]
fn no_credentials_says_where_picbucket_looked() {
    let text = StorageError::NoCredentials.to_string();
    for place in [
        "Settings",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_PROFILE",
        "~/.aws",
    ] {
        assert!(text.contains(place), "{place} missing in: {text}");
    }
}

#[test]
fn server_errors_are_transient_and_client_errors_are_not() {
    let err = classify(put_error(503, "SlowDown", "", ""), CTX);
    assert!(err.is_transient());
    assert!(!StorageError::Cancelled.is_transient());
}
