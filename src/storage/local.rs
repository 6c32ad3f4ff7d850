//! The built-in local store: an S3-compatible server (s3s + s3s-fs) on
//! 127.0.0.1, used when no endpoint is configured and by the tests.
//!
//! Its credentials and last port are kept in `state.toml` beside the data, so
//! links signed in one run keep working in the next run that serves the same
//! port. Signatures, including those of pre-signed links, are verified.
//! s3s-fs calls itself experimental: fine for trying picbucket out and for
//! tests, not a place to keep the only copy of photos.

use crate::core::private_file::write_private_atomically;
use crate::core::proxy::NO_PROXY_VALUE;
use crate::core::{Config, ProxySetting, Secret, StorageConfig};
use crate::storage::client::S3Store;
use crate::storage::error::StorageError;
use crate::storage::local_region::LocalService;
use crate::storage::local_threads::StoreThreads;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Where and how to run the local store.
#[derive(Clone, Debug)]
pub struct LocalStoreOptions {
    /// Holds `state.toml` and `objects/`.
    pub root: PathBuf,
    /// 0: the port of the last run if free, else any free port.
    pub port: u16,
    pub bucket: String,
}

impl LocalStoreOptions {
    /// From settings: `local.data_dir` or `local-store` in the user's data directory.
    pub fn from_config(config: &Config) -> Result<Self, StorageError> {
        let root = match &config.local.data_dir {
            Some(dir) => dir.clone(),
            None => crate::core::paths::default_data_dir()
                .ok_or_else(|| StorageError::LocalStore {
                    detail: "no home directory to keep its data in; set local.data_dir in config.toml".into(),
                })?
                .join("local-store"),
        };
        Ok(Self {
            root,
            port: config.local.port,
            bucket: config.storage.bucket.trim().to_owned(),
        })
    }
}

/// Credentials and port that outlive one run.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct LocalState {
    access_key: String,
    secret_key: Secret,
    #[serde(default)]
    port: u16,
}

/// A running local store, served by this process or (when `attach_or_start`
/// found one already answering) by another picbucket.
#[derive(Debug)]
pub struct LocalStore {
    addr: SocketAddr,
    state: LocalState,
    bucket: String,
    root: PathBuf,
    shutdown: CancellationToken,
    /// Serving here: the server's own threads (`local_threads.rs`). `None`
    /// when another picbucket serves the store.
    _threads: Option<StoreThreads>,
}

impl LocalStore {
    /// Serves the store in this process on the requested (or remembered) port.
    /// Must be called inside a tokio runtime; the server stops when this value drops.
    pub async fn start(options: &LocalStoreOptions) -> Result<Self, StorageError> {
        Self::start_checking_region(options, None).await
    }

    /// As [`LocalStore::start`], answering requests signed for any region but
    /// `region` as Garage does (400 `AuthorizationHeaderMalformed` naming it).
    /// For tests of region correction; s3s itself accepts any region.
    pub async fn start_requiring_region(options: &LocalStoreOptions, region: &str) -> Result<Self, StorageError> {
        Self::start_checking_region(options, Some(region.into())).await
    }

    async fn start_checking_region(
        options: &LocalStoreOptions,
        required_region: Option<Arc<str>>,
    ) -> Result<Self, StorageError> {
        let state = load_or_create_state(&options.root)?;
        let listener = match bind(wanted_port(options, &state)).await {
            Ok(listener) => listener,
            Err(_) if options.port == 0 => bind(0).await.map_err(|e| bind_error(0, &e))?,
            Err(e) => return Err(bind_error(options.port, &e)),
        };
        Self::serve(options, state, listener, required_region).await
    }

    /// Uses a picbucket store already answering on the remembered port (the
    /// window or `serve-local`), otherwise starts one here.
    pub async fn attach_or_start(options: &LocalStoreOptions) -> Result<Self, StorageError> {
        let state = load_or_create_state(&options.root)?;
        let port = wanted_port(options, &state);
        match bind(port).await {
            Ok(listener) => Self::serve(options, state, listener, None).await,
            Err(e) if port != 0 => {
                let running = Self {
                    addr: SocketAddr::from(([127, 0, 0, 1], port)),
                    state,
                    bucket: options.bucket.clone(),
                    root: options.root.clone(),
                    shutdown: CancellationToken::new(),
                    _threads: None,
                };
                if running.answers().await {
                    tracing::info!(port, "using the local store another picbucket serves");
                    return Ok(running);
                }
                if options.port != 0 {
                    return Err(bind_error(port, &e));
                }
                let listener = bind(0).await.map_err(|e| bind_error(0, &e))?;
                Self::serve(options, running.state.clone(), listener, None).await
            }
            Err(e) => Err(bind_error(port, &e)),
        }
    }

    async fn serve(
        options: &LocalStoreOptions,
        mut state: LocalState,
        listener: TcpListener,
        required_region: Option<Arc<str>>,
    ) -> Result<Self, StorageError> {
        let objects = options.root.join("objects");
        for dir in [options.root.clone(), objects.clone(), objects.join(&options.bucket)] {
            create_private_dir(&dir).map_err(|e| StorageError::LocalStore {
                detail: format!("cannot create {}: {e}", dir.display()),
            })?;
        }
        let fs = s3s_fs::FileSystem::new(&objects).map_err(|e| {
            // s3s-fs errors have only a Debug form: log it, say it plainly.
            tracing::warn!(error = ?e, "local store: cannot open its folder");
            StorageError::LocalStore {
                detail: format!("cannot use {}; check that it is a writable folder", objects.display()),
            }
        })?;
        let service = {
            // Verifies checksums before an object is put in place (verified_fs.rs).
            let mut builder = S3ServiceBuilder::new(crate::storage::verified_fs::VerifiedFs::new(fs));
            builder.set_auth(SimpleAuth::from_single(
                state.access_key.clone(),
                state.secret_key.expose().to_owned(),
            ));
            LocalService {
                inner: builder.build(),
                required_region,
            }
        };
        let addr = listener
            .local_addr()
            .map_err(|e| StorageError::LocalStore { detail: e.to_string() })?;
        if state.port != addr.port() {
            state.port = addr.port();
            save_state(&options.root, &state)?;
        }
        let threads = StoreThreads::start().map_err(|e| StorageError::LocalStore {
            detail: format!("cannot start its threads: {e}"),
        })?;
        let listener = threads.adopt(listener).map_err(|e| StorageError::LocalStore {
            detail: format!("cannot listen on {addr}: {e}"),
        })?;
        let shutdown = CancellationToken::new();
        threads.spawn(accept_loop(listener, service, shutdown.clone()));
        tracing::info!(%addr, root = %options.root.display(), "local store serving");
        Ok(Self {
            addr,
            state,
            bucket: options.bucket.clone(),
            root: options.root.clone(),
            shutdown,
            _threads: Some(threads),
        })
    }

    /// Makes `bucket` exist on this store (a folder under `objects/`), so a
    /// bucket changed in Settings needs no restart: the server, its port and
    /// every link already shared stay as they are.
    pub fn create_bucket(&self, bucket: &str) -> Result<(), StorageError> {
        let objects = self.root.join("objects");
        let name = bucket.trim();
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(StorageError::Config {
                detail: format!("`{name}` is not a bucket name"),
            });
        }
        std::fs::create_dir_all(objects.join(name)).map_err(|e| StorageError::LocalStore {
            detail: format!("cannot create {}: {e}", objects.join(name).display()),
        })
    }

    /// True when a signed request to the bucket succeeds in time. Generous,
    /// since a busy machine can be slow to answer and a wrong "no" starts a
    /// second store on another port, whose links die with this process.
    async fn answers(&self) -> bool {
        let Ok(store) = S3Store::new(&self.storage_config()).await else {
            return false;
        };
        matches!(
            tokio::time::timeout(Duration::from_secs(8), store.head_bucket()).await,
            Ok(Ok(()))
        )
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn access_key(&self) -> &str {
        &self.state.access_key
    }

    pub fn secret_key(&self) -> &Secret {
        &self.state.secret_key
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Settings that point an [`S3Store`] at this store.
    pub fn storage_config(&self) -> StorageConfig {
        self.storage_config_for(&self.bucket)
    }

    /// Settings that point an [`S3Store`] at `bucket` on this store.
    pub fn storage_config_for(&self, bucket: &str) -> StorageConfig {
        StorageConfig {
            endpoint: self.endpoint(),
            region: "us-east-1".into(),
            bucket: bucket.to_owned(),
            access_key: self.state.access_key.clone(),
            secret_key: self.state.secret_key.clone(),
            path_style: true,
            ca_file: None,
            // The store is on 127.0.0.1: never through the user's proxy.
            proxy: ProxySetting::new(NO_PROXY_VALUE),
            ..StorageConfig::default()
        }
    }
}

impl Drop for LocalStore {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn wanted_port(options: &LocalStoreOptions, state: &LocalState) -> u16 {
    if options.port != 0 { options.port } else { state.port }
}

async fn bind(port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await
}

fn bind_error(port: u16, error: &std::io::Error) -> StorageError {
    StorageError::LocalStore {
        detail: if error.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "port {port} on 127.0.0.1 is in use by another program; set local.port to another port, or 0 for any"
            )
        } else {
            format!("cannot listen on 127.0.0.1:{port}: {error}")
        },
    }
}

async fn accept_loop(listener: TcpListener, service: LocalService, shutdown: CancellationToken) {
    let http = ConnBuilder::new(TokioExecutor::new());
    loop {
        let socket = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => socket,
                Err(e) => {
                    tracing::warn!(error = %e, "local store: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = shutdown.cancelled() => break,
        };
        let http = http.clone();
        let service = service.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let connection = http.serve_connection(TokioIo::new(socket), service);
            tokio::select! {
                result = connection => if let Err(e) = result {
                    tracing::debug!(error = %e, "local store: connection ended with an error");
                },
                () = shutdown.cancelled() => {}
            }
        });
    }
}

/// Creates `dir` (and its parents) and makes it owner-only (0700 on Unix):
/// the store's folders hold its keys and every uploaded image.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn state_path(root: &Path) -> PathBuf {
    root.join("state.toml")
}

fn load_or_create_state(root: &Path) -> Result<LocalState, StorageError> {
    let path = state_path(root);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| StorageError::LocalStore {
            detail: format!("{} is damaged ({e}); delete it to make new keys", path.display()),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let state = LocalState {
                access_key: format!("picbucket-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
                secret_key: Secret::new(format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                )),
                port: 0,
            };
            save_state(root, &state)?;
            Ok(state)
        }
        Err(e) => Err(StorageError::LocalStore {
            detail: format!("cannot read {}: {e}", path.display()),
        }),
    }
}

fn save_state(root: &Path, state: &LocalState) -> Result<(), StorageError> {
    let text = toml::to_string(state).unwrap_or_default();
    write_private_atomically(&state_path(root), text.as_bytes()).map_err(|e| StorageError::LocalStore {
        detail: format!("cannot write {}: {e}", state_path(root).display()),
    })
}
