//! Storage failures as sentences a user can act on. Each message says what
//! happened and what to do; technical detail goes to the log only (see
//! `classify.rs`), so no message carries debug text.

// Kept here so callers import errors and their mapping from one place.
pub(crate) use crate::storage::classify::classify;

/// A storage failure, phrased for the person using the app.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    #[error("Cannot reach {endpoint}: {reason} — check the endpoint URL in Settings and that the server is running")]
    Unreachable { endpoint: String, reason: NetProblem },
    #[error("Secure connection to {endpoint} failed: {problem}")]
    Tls { endpoint: String, problem: TlsProblem },
    #[error(
        "No access key was found — enter the access key and secret key in Settings; picbucket also looked in the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, in AWS_PROFILE and in the ~/.aws/credentials and ~/.aws/config files"
    )]
    NoCredentials,
    #[error("The server refused the access key or secret key ({code}) — check both in Settings")]
    BadCredentials { code: String },
    #[error("Bucket `{bucket}` does not exist on {endpoint} — create it or fix the name in Settings")]
    BucketMissing { bucket: String, endpoint: String },
    #[error(
        "Access to bucket `{bucket}` was denied{} — the key needs permission to put, get and delete objects there",
        server_says(.detail)
    )]
    AccessDenied { bucket: String, detail: String },
    #[error("{}", wrong_region(.configured, .expected.as_deref()))]
    WrongRegion {
        configured: String,
        expected: Option<String>,
    },
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
    #[error(
        "The server answered with an error{} — try again later, or check the server's log",
        server_error(*.status, .code, .message)
    )]
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

/// Why a TCP connection could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetProblem {
    #[error("nothing is listening there (connection refused)")]
    Refused,
    #[error("the host name could not be found")]
    UnknownHost,
    #[error("the connection was closed before the server answered")]
    Closed,
    #[error("the network connection failed")]
    Other,
}

/// What is wrong with a secure (https) connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TlsProblem {
    #[error(
        "its certificate comes from an unknown issuer (self-signed, or a private CA this computer does not trust) — set `ca_file` in the storage settings to the CA's PEM file, or add the CA to the system's certificate store"
    )]
    UnknownIssuer,
    #[error("its certificate has expired — renew it on the server, or check this computer's clock")]
    Expired,
    #[error("its certificate is not valid yet — check this computer's clock")]
    NotYetValid,
    #[error(
        "its certificate is for a wrong host name — use a host name the certificate names in the endpoint URL, or issue a certificate for this one"
    )]
    WrongHost,
    #[error(
        "it presents a CA certificate as its own server certificate (what `openssl req -x509` makes by default), which is not accepted — give the server a certificate signed by that CA, and name the CA in `ca_file`"
    )]
    CaAsServerCertificate,
    #[error("its certificate was refused (revoked, badly signed or not meant for servers) — check it on the server")]
    BadCertificate,
    #[error("the server does not speak TLS — if it serves plain HTTP, start the endpoint URL with http://")]
    NotTls,
    #[error("the TLS handshake failed — check whether the URL should start with http:// or https://")]
    Handshake,
}

fn server_says(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" (the server says: {})", detail.trim_end_matches('.'))
    }
}

fn wrong_region(configured: &str, expected: Option<&str>) -> String {
    match expected {
        Some(expected) => format!(
            "The server expects region `{expected}`, not `{configured}` — set Region to `{expected}` in Settings"
        ),
        None => format!(
            "The server refused region `{configured}` and did not say which it expects — set Region in Settings to the server's region"
        ),
    }
}

fn server_error(status: Option<u16>, code: &str, message: &str) -> String {
    let mut parts = Vec::new();
    if let Some(status) = status {
        parts.push(format!("HTTP {status}"));
    }
    if !code.is_empty() {
        parts.push(code.to_owned());
    }
    let mut text = if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    };
    if !message.is_empty() {
        text.push_str(": ");
        text.push_str(message.trim_end_matches('.'));
    }
    text
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
