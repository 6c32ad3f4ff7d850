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

pub mod cli;
pub mod core;
pub mod library;
pub mod storage;
pub mod ui;
pub mod worker;

#[doc(hidden)]
pub mod test_support;
