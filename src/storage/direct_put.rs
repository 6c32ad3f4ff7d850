//! A single PUT of bytes already in memory, signed with SigV4 and sent
//! straight to the connector, without the SDK's request pipeline. For
//! thousands of small files the pipeline (interceptors, endpoint rules and
//! auth-scheme resolution run per request) cost more client CPU than the
//! transfer itself.
//!
//! An error answer is read as the SDK reads it (the S3 error document's Code
//! and Message, the region hints) and classified by the same code
//! (`classify.rs`), so retries, the checksum fallback and the messages are
//! the same. Only a request that cannot be made here (an endpoint the
//! direct signer does not handle) goes through the SDK instead; nothing has
//! been sent then.

use crate::storage::direct::{DirectError, DirectSigner, host_of};
use crate::storage::sigv4::Request;
use aws_smithy_http::label::{EncodingStrategy, fmt_string};
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use std::time::SystemTime;

/// A PUT as the caller describes it.
pub(crate) struct DirectPut<'a> {
    pub region: &'a str,
    pub key: &'a str,
    pub content_type: &'a str,
    pub length: u64,
    /// The integrity header and its value (`x-amz-checksum-crc32c` or `-crc64nvme`).
    pub checksum: (&'static str, &'a str),
    pub body: SdkBody,
}

/// What the server said when it stored the object.
#[derive(Debug)]
pub(crate) struct Answer {
    /// The value of the checksum header the server sent back, if it did.
    pub echoed: Option<String>,
}

/// How a direct PUT ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The server answered 2xx.
    Stored(Answer),
    /// The server answered something else (`body` is its error document).
    NotStored {
        status: u16,
        body: String,
        bucket_region: Option<String>,
    },
    /// The request could not be made here (the SDK can).
    NotMade(DirectError),
    /// No answer: the network, TLS or a timeout, as the SDK would have met it.
    Unsent(ConnectorError),
}

impl DirectSigner {
    /// Sends `put`; only [`Outcome::Stored`] means the object is stored.
    pub(crate) async fn put(&self, put: DirectPut<'_>, now: SystemTime) -> Outcome {
        let request = match self.signed_put(put, now) {
            Ok(request) => request,
            Err(error) => return Outcome::NotMade(error),
        };
        let response = match self.connector().call(request.http).await {
            Ok(response) => response,
            Err(error) => return Outcome::Unsent(error),
        };
        let status = response.status().as_u16();
        let answer = Answer {
            echoed: response.headers().get(request.checksum_header).map(str::to_owned),
        };
        let bucket_region = response.headers().get("x-amz-bucket-region").map(str::to_owned);
        // Read to the end so the connection goes back to the pool. The
        // status was given already: a body cut short changes nothing.
        let body = ByteStream::new(response.into_body()).collect().await;
        if (200..300).contains(&status) {
            return Outcome::Stored(answer);
        }
        let body = body.map(|b| String::from_utf8_lossy(&b.into_bytes()).into_owned());
        Outcome::NotStored {
            status,
            body: body.unwrap_or_default(),
            bucket_region,
        }
    }

    fn signed_put(&self, put: DirectPut<'_>, now: SystemTime) -> Result<SignedPut, DirectError> {
        let resolved = self.resolve(put.region)?;
        let uri = format!("{}/{}", resolved.base, fmt_string(put.key, EncodingStrategy::Greedy));
        let length = put.length.to_string();
        let (checksum_header, checksum_value) = put.checksum;
        let parsed: http::Uri = uri.parse().map_err(|e| DirectError::new(format!("{e}")))?;
        let host = host_of(&parsed)?;
        let headers = [
            ("host", host.as_str()),
            ("content-type", put.content_type),
            ("content-length", length.as_str()),
            (checksum_header, checksum_value),
        ];
        // The body goes unsigned (UNSIGNED-PAYLOAD): the checksum header,
        // which the server verifies, covers it.
        let signed = self.sign_headers(&Request {
            method: "PUT",
            path: parsed.path(),
            query: &[],
            headers: &headers,
            region: &resolved.signing_region,
            now,
        });
        let mut request = http::Request::builder().method("PUT").uri(parsed.clone());
        for (name, value) in &headers[1..] {
            request = request.header(*name, *value);
        }
        for (name, value) in signed {
            request = request.header(name, value);
        }
        let request = request.body(put.body).map_err(|e| DirectError::new(e.to_string()))?;
        Ok(SignedPut {
            http: HttpRequest::try_from(request).map_err(|e| DirectError::new(e.to_string()))?,
            checksum_header,
        })
    }
}

struct SignedPut {
    http: HttpRequest,
    checksum_header: &'static str,
}
