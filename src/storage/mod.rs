//! The only place that knows S3: the client built from settings, uploads,
//! pre-signed links, connection checks and the built-in local store.
//!
//! Every failure leaves as a [`StorageError`] whose message says what happened
//! and what to do; the SDK's own error text goes to the log.

mod body;
pub(crate) mod buffers;
mod checksum;
mod checksum_memory;
mod classify;
mod cleanup;
mod client;
mod connect;
mod direct;
mod direct_put;
mod error;
mod local;
mod local_region;
mod local_threads;
mod multipart;
mod presign;
mod probe;
mod progress;
mod proxy;
mod region;
mod retry;
mod sigv4;
mod tls;
mod upload;
mod verified_fs;

pub use body::IN_MEMORY_MAX_BYTES;
pub(crate) use body::{HELD_BUDGET_KIB, HELD_MIN_KIB, body_budget, kib_within};
pub use client::S3Store;
pub use connect::connect;
pub use error::{NetProblem, StorageError, TlsProblem};
pub use local::{LocalStore, LocalStoreOptions};
pub use probe::ConnectionReport;
pub use progress::UploadProgress;
pub use upload::{MultipartEvent, MultipartHook, PART_SIZE_BYTES, PARTS_IN_FLIGHT, UploadRequest};
