//! S3's SigV4 for the two requests signed here: a GET link (signature in the
//! query) and a PUT with an unsigned body (signature in headers). Each
//! signature is one canonical request hashed and one HMAC with a signing key
//! kept for the day and region; `aws_sigv4::http_request::sign` derives
//! that key again (four HMACs) and builds the request through several maps
//! and strings for every call, which with thousands of small files cost more
//! than the rest of a PUT's preparation. The key derivation and the final
//! HMAC are aws-sigv4's own functions; `sigv4_tests.rs` checks every result
//! against `aws_sigv4::http_request::sign` for the same request.

use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use aws_smithy_http::query::fmt_string;
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use std::time::SystemTime;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Static keys and the signing key last derived from them.
pub(crate) struct Signer {
    access_key: String,
    secret_key: String,
    /// (date, region, key): the key changes once a day per region.
    key: Mutex<Option<(String, String, Vec<u8>)>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never prints the keys.
        f.write_str("Signer")
    }
}

/// A request to sign: `path` as sent (encoded once), `query` unencoded
/// pairs, `headers` with lowercase names (`host` among them).
pub(crate) struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    pub headers: &'a [(&'a str, &'a str)],
    pub region: &'a str,
    pub now: SystemTime,
}

impl Signer {
    pub(crate) fn new(access_key: &str, secret_key: &str) -> Self {
        Self {
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            key: Mutex::new(None),
        }
    }

    /// The query parameters a link adds, in the order aws-sigv4 gives them:
    /// algorithm, credential, date, expiry, signed headers, signature.
    pub(crate) fn presign(&self, request: &Request<'_>, expires_secs: u64) -> Vec<(&'static str, String)> {
        let (date_time, date) = timestamps(request.now);
        let credential = self.credential(&date, request.region);
        let (signed_headers, canonical_headers) = canonical_headers(request.headers);
        let expires = expires_secs.to_string();
        let mut query: Vec<(&str, &str)> = request.query.to_vec();
        query.extend([
            ("X-Amz-Date", date_time.as_str()),
            ("X-Amz-Expires", expires.as_str()),
            ("X-Amz-Algorithm", ALGORITHM),
            ("X-Amz-Credential", credential.as_str()),
            ("X-Amz-SignedHeaders", signed_headers.as_str()),
        ]);
        let canonical = canonical_request(request, &canonical_query(&query), &canonical_headers, &signed_headers);
        let signature = self.signature(&canonical, request.now, &date_time, &date, request.region);
        vec![
            ("X-Amz-Algorithm", ALGORITHM.to_owned()),
            ("X-Amz-Credential", credential),
            ("X-Amz-Date", date_time),
            ("X-Amz-Expires", expires),
            ("X-Amz-SignedHeaders", signed_headers),
            ("X-Amz-Signature", signature),
        ]
    }

    /// The headers a PUT adds: `x-amz-date`, `x-amz-content-sha256` (the
    /// body unsigned) and `authorization`.
    pub(crate) fn sign_headers(&self, request: &Request<'_>) -> [(&'static str, String); 3] {
        let (date_time, date) = timestamps(request.now);
        let mut headers: Vec<(&str, &str)> = request.headers.to_vec();
        headers.extend([
            ("x-amz-date", date_time.as_str()),
            ("x-amz-content-sha256", UNSIGNED_PAYLOAD),
        ]);
        let (signed_headers, canonical_headers) = canonical_headers(&headers);
        let canonical = canonical_request(
            request,
            &canonical_query(request.query),
            &canonical_headers,
            &signed_headers,
        );
        let signature = self.signature(&canonical, request.now, &date_time, &date, request.region);
        let authorization = format!(
            "{ALGORITHM} Credential={}, SignedHeaders={signed_headers}, Signature={signature}",
            self.credential(&date, request.region)
        );
        [
            ("x-amz-date", date_time),
            ("x-amz-content-sha256", UNSIGNED_PAYLOAD.to_owned()),
            ("authorization", authorization),
        ]
    }

    fn credential(&self, date: &str, region: &str) -> String {
        format!("{}/{date}/{region}/s3/aws4_request", self.access_key)
    }

    fn signature(&self, canonical_request: &str, now: SystemTime, date_time: &str, date: &str, region: &str) -> String {
        let string_to_sign = format!(
            "{ALGORITHM}\n{date_time}\n{date}/{region}/s3/aws4_request\n{}",
            hex::encode(Sha256::digest(canonical_request.as_bytes()))
        );
        let mut cached = self.key.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh = cached.as_ref().is_some_and(|(d, r, _)| d == date && r == region);
        if !fresh {
            let key = generate_signing_key(&self.secret_key, now, region, "s3")
                .as_ref()
                .to_vec();
            *cached = Some((date.to_owned(), region.to_owned(), key));
        }
        let key = cached.as_ref().map(|(_, _, key)| key.as_slice()).unwrap_or_default();
        calculate_signature(key, string_to_sign.as_bytes())
    }
}

/// `YYYYMMDDTHHMMSSZ` and `YYYYMMDD` (UTC) of `now`.
fn timestamps(now: SystemTime) -> (String, String) {
    let time = time::OffsetDateTime::from(now);
    let date = format!("{:04}{:02}{:02}", time.year(), u8::from(time.month()), time.day());
    let date_time = format!("{date}T{:02}{:02}{:02}Z", time.hour(), time.minute(), time.second());
    (date_time, date)
}

/// `name;name…` and `name:value\n…`, sorted by name (all lowercase already).
fn canonical_headers(headers: &[(&str, &str)]) -> (String, String) {
    let mut sorted: Vec<(&str, &str)> = headers.to_vec();
    sorted.sort_unstable();
    let (mut names, mut lines) = (String::with_capacity(128), String::with_capacity(512));
    for (name, value) in sorted {
        if !names.is_empty() {
            names.push(';');
        }
        names.push_str(name);
        lines.push_str(name);
        lines.push(':');
        lines.push_str(value.trim());
        lines.push('\n');
    }
    (names, lines)
}

/// Pairs encoded as aws-sigv4 encodes them, sorted on the encoded forms.
fn canonical_query(pairs: &[(&str, &str)]) -> String {
    let mut encoded: Vec<(String, String)> = pairs.iter().map(|(k, v)| (fmt_string(k), fmt_string(v))).collect();
    encoded.sort();
    let mut query = String::with_capacity(256);
    for (key, value) in encoded {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&key);
        query.push('=');
        query.push_str(&value);
    }
    query
}

fn canonical_request(request: &Request<'_>, query: &str, headers: &str, signed_headers: &str) -> String {
    format!(
        "{}\n{}\n{query}\n{headers}\n{signed_headers}\n{UNSIGNED_PAYLOAD}",
        request.method, request.path
    )
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
