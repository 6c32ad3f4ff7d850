//! picbucket: a desktop image uploader for S3-compatible storage.
//!
//! Where things live:
//! - [`core`]: pure logic — settings, validation, key naming, link formats, thumbnails.
//! - [`storage`]: everything that speaks S3, and the built-in local store.
//! - [`library`]: the SQLite database of jobs and history, shared by the window and CLI processes.
//! - [`worker`]: the tokio runtime that runs uploads; commands in, events out.
//! - [`cli`]: `picbucket upload|test-connection|serve-local`.
//! - [`ui`]: the eframe window.
//!
//! Flow: UI or CLI → `Command` → worker → storage/core → `Event` → UI or CLI.

/// mimalloc instead of the system allocator, for the window, the CLI and the
/// tests alike: uploads allocate many short-lived buffers on several threads,
/// where glibc malloc spent ~15% of the CLI's CPU (consolidating and locking
/// its arenas) on 2,000 small files.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod cli;
pub mod core;
pub mod library;
pub mod storage;
pub mod ui;
pub mod worker;

#[doc(hidden)]
pub mod test_support;
