//! One S3 client per configuration.

use crate::core::{ChecksumSetting, StorageConfig};
use crate::storage::checksum::Algorithm;
use crate::storage::checksum_memory::ChecksumMemory;
use crate::storage::classify::{ErrorContext, classify};
use crate::storage::direct::DirectSigner;
use crate::storage::error::StorageError;
use crate::storage::region::RegionalClient;
use crate::storage::tls::{Transport, needs_tls};
use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_smithy_runtime_api::client::http::HttpConnectorSettings;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// Region used when the setting is empty; servers that want another say so,
/// and the store switches to theirs (see `region.rs`).
const FALLBACK_REGION: &str = "us-east-1";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The timeouts of requests sent without the SDK, as the SDK's.
fn connector_settings(read: Duration) -> HttpConnectorSettings {
    HttpConnectorSettings::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(read)
        .build()
}

/// A bucket on an S3-compatible server, with the client that reaches it.
#[derive(Clone)]
pub struct S3Store {
    /// Derefs to the `Client` for the region in use.
    pub(crate) client: RegionalClient,
    pub(crate) bucket: String,
    pub(crate) endpoint: String,
    /// Set once the bucket is known to exist, so the check runs once per client.
    pub(crate) bucket_seen: Arc<OnceCell<()>>,
    /// `storage.checksum`, and what `auto` learned about this destination.
    pub(crate) checksum: ChecksumSetting,
    pub(crate) checksum_memory: Arc<ChecksumMemory>,
    /// The AWS credential chain when Settings hold no keys: it may hand out
    /// temporary credentials (SSO, session tokens), which end signed links early.
    pub(crate) chain_credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    /// `storage.public_base_url`: links are `{base}/{key}` instead of pre-signed.
    pub(crate) public_base_url: Option<String>,
    /// Signs links without the SDK's pipeline; set for keys from Settings.
    pub(crate) direct: Option<DirectSigner>,
    transport: Transport,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Store({} bucket {})", self.endpoint, self.bucket)
    }
}

impl S3Store {
    /// Builds the client; sends no request. Static keys when both are set,
    /// otherwise the standard AWS chain (env vars, AWS_PROFILE, ~/.aws files, SSO).
    pub async fn new(settings: &StorageConfig) -> Result<Self, StorageError> {
        let endpoint = settings.endpoint.trim().trim_end_matches('/').to_owned();
        let region = match settings.region.trim() {
            "" => FALLBACK_REGION.to_owned(),
            region => region.to_owned(),
        };
        let tls = needs_tls(&endpoint, !settings.access_key.is_empty(), &settings.proxy);
        let transport = Transport::new(settings.ca_file.as_deref(), &settings.proxy, tls)?;
        let http_client = transport.http_client();
        let mut chain_credentials = None;
        let mut static_credentials = None;
        let mut builder = if settings.access_key.is_empty() {
            let shared = aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new(region.clone()))
                .http_client(http_client.clone())
                .load()
                .await;
            chain_credentials = shared.credentials_provider();
            aws_sdk_s3::config::Builder::from(&shared)
        } else {
            let credentials = Credentials::new(
                settings.access_key.trim(),
                settings.secret_key.expose().trim(),
                None,
                None,
                "picbucket-settings",
            );
            static_credentials = Some(credentials.clone());
            aws_sdk_s3::config::Builder::new()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new(region.clone()))
                .credentials_provider(credentials)
        };
        builder = builder
            .http_client(http_client)
            .force_path_style(settings.path_style)
            // The SDK's default CRC32 headers and aws-chunked trailers are refused
            // by R2, B2 and older MinIO; send checksums only where S3 requires them.
            // Uploads set their own checksum values per request (upload.rs).
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            // One attempt: uploads retry in our own loop (retry.rs), which
            // re-reads the file and its checksum from disk on every try.
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .read_timeout(DEFAULT_READ_TIMEOUT)
                    .build(),
            );
        if !endpoint.is_empty() {
            builder = builder.endpoint_url(&endpoint);
        }
        let bucket = settings.bucket.trim().to_owned();
        let direct = static_credentials.map(|credentials| {
            let custom_endpoint = Some(endpoint.as_str()).filter(|e| !e.is_empty());
            let connector = transport.direct_connector(&connector_settings(DEFAULT_READ_TIMEOUT));
            DirectSigner::new(credentials, connector, &bucket, custom_endpoint, settings.path_style)
        });
        let display_endpoint = if endpoint.is_empty() {
            format!("AWS S3 ({region})")
        } else {
            endpoint
        };
        let checksum_memory = ChecksumMemory::load(ChecksumMemory::default_file(), &display_endpoint, &bucket);
        Ok(Self {
            client: RegionalClient::new(Client::from_conf(builder.build()), region),
            bucket,
            endpoint: display_endpoint,
            bucket_seen: Arc::new(OnceCell::new()),
            checksum: settings.checksum,
            chain_credentials,
            checksum_memory: Arc::new(checksum_memory),
            public_base_url: settings.public_base().map(str::to_owned),
            direct,
            transport,
        })
    }

    /// Keeps what `checksum = "auto"` learns in `file` instead of the data
    /// directory's `checksum-fallbacks.toml` (tests; `None`: this process only).
    pub fn with_checksum_memory(mut self, file: Option<std::path::PathBuf>) -> Self {
        self.checksum_memory = Arc::new(ChecksumMemory::load(file, &self.endpoint, &self.bucket));
        self
    }

    /// Waits at most `read` for a response (default 60 s; tests use less).
    pub fn with_read_timeout(mut self, read: Duration) -> Self {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(read)
            .build();
        let config = self.client.config().to_builder().timeout_config(timeouts).build();
        self.client = RegionalClient::new(Client::from_conf(config), self.client.configured_region().to_owned());
        let connector = self.transport.direct_connector(&connector_settings(read));
        self.direct = self.direct.map(|direct| direct.with_connector(connector));
        self
    }

    /// The checksum the next upload request carries: the setting's, or
    /// Content-MD5 once `auto` saw this destination refuse checksum headers.
    pub(crate) fn checksum_algorithm(&self) -> Algorithm {
        if self.checksum == ChecksumSetting::Auto && self.checksum_memory.md5_only() {
            Algorithm::Md5
        } else {
            Algorithm::initial(self.checksum)
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The region requests are signed for: the configured one (`us-east-1`
    /// when empty) until the server names another, then that one.
    pub fn region(&self) -> &str {
        self.client.region()
    }

    /// The region the settings gave (`us-east-1` when empty).
    pub fn configured_region(&self) -> &str {
        self.client.configured_region()
    }

    /// Set once the server named another region and this store switched to
    /// it: the caller should save it in the settings ("Region corrected to …").
    pub fn corrected_region(&self) -> Option<&str> {
        self.client.corrected_region()
    }

    pub(crate) fn error_context(&self) -> ErrorContext<'_> {
        ErrorContext {
            endpoint: &self.endpoint,
            bucket: &self.bucket,
            region: self.client.region(),
        }
    }

    /// Confirms the bucket exists and the keys may use it (one HEAD request).
    /// If the server wants another region, switches to it and tries once more.
    pub async fn head_bucket(&self) -> Result<(), StorageError> {
        let mut result = self.client.head_bucket().bucket(&self.bucket).send().await;
        if let Err(err) = &result
            && self.correct_region(err).await
        {
            result = self.client.head_bucket().bucket(&self.bucket).send().await;
        }
        match result {
            Ok(_) => Ok(()),
            Err(err) => {
                let status = err.raw_response().map(|r| r.status().as_u16());
                if status == Some(404) {
                    return Err(StorageError::BucketMissing {
                        bucket: self.bucket.clone(),
                        endpoint: self.endpoint.clone(),
                    });
                }
                Err(classify(err, self.error_context()))
            }
        }
    }

    /// Fails with [`StorageError::BucketMissing`] before any file byte is sent
    /// if the bucket does not exist. Some servers (s3s-fs) would otherwise
    /// create it on the first PUT. A key without permission for HEAD on the
    /// bucket (403) is not an error here: the upload itself will tell.
    pub async fn ensure_bucket(&self) -> Result<(), StorageError> {
        // Uploads starting together wait for one check instead of each sending its own.
        self.bucket_seen
            .get_or_try_init(|| async {
                match self.head_bucket().await {
                    Ok(()) | Err(StorageError::AccessDenied { .. }) => Ok(()),
                    Err(error) => Err(error),
                }
            })
            .await
            .map(|_| ())
    }

    /// Deletes one object; deleting a missing key succeeds, as in S3.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| classify(err, self.error_context()))
    }

    /// Size in bytes and Content-Type of a stored object.
    pub async fn head(&self, key: &str) -> Result<(u64, Option<String>), StorageError> {
        let out = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|err| classify(err, self.error_context()))?;
        let size = out.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
        Ok((size, out.content_type().map(str::to_owned)))
    }

    /// Downloads a whole object (tests and small probes only).
    pub async fn get_bytes(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|err| classify(err, self.error_context()))?;
        let data = out.body.collect().await.map_err(|e| StorageError::Server {
            status: None,
            code: "BodyReadFailed".into(),
            message: e.to_string(),
        })?;
        Ok(data.into_bytes().to_vec())
    }

    /// Number of objects in the bucket (one page, up to 1000: tests only).
    pub async fn count_objects(&self) -> Result<usize, StorageError> {
        let out = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|err| classify(err, self.error_context()))?;
        Ok(out.contents().len())
    }
}
