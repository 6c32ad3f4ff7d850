//! The built-in store's own threads, apart from those of whoever started it.
//!
//! s3s-fs makes about 15 `tokio::fs` calls per stored object, each a task on
//! a runtime's blocking pool. On the worker's runtime, whose pool is
//! unbounded (a check may wait there for room to hold a file's bytes, so
//! capping it could deadlock), a 2,000-file drop on the window grew the
//! process to 179 `picbucket-io` threads, most of them woken for a few
//! microseconds at a time. Here the same file operations share
//! [`FILE_THREADS`] threads: the same drop peaks at 27 worker and 6 store
//! threads.
//! Nothing in those operations waits for anything but the disk, so this cap
//! cannot deadlock.

use std::future::Future;
use tokio::runtime::{Builder, Runtime};

/// Threads running requests: HTTP, signature checks, checksums.
const REQUEST_THREADS: usize = 2;

/// Threads for file operations. More would only help a disk that serves
/// several requests at once, and tmpfs or an SSD answers in microseconds.
const FILE_THREADS: usize = 4;

/// A runtime that ends (without waiting for requests in flight) when dropped,
/// wherever that happens: dropping a tokio runtime from async code panics.
#[derive(Debug)]
pub(crate) struct StoreThreads(Option<Runtime>);

impl StoreThreads {
    /// Starts the threads. They inherit the calling thread's priority and
    /// cores: the window's worker starts the store from a thread already
    /// lowered below the UI thread and kept off the window's core.
    pub fn start() -> std::io::Result<Self> {
        let runtime = Builder::new_multi_thread()
            .worker_threads(REQUEST_THREADS)
            .max_blocking_threads(FILE_THREADS)
            .thread_name("picbucket-store")
            .enable_all()
            .build()?;
        Ok(Self(Some(runtime)))
    }

    /// Moves a listener bound elsewhere onto these threads' reactor.
    pub fn adopt(&self, listener: tokio::net::TcpListener) -> std::io::Result<tokio::net::TcpListener> {
        let listener = listener.into_std()?;
        let runtime = self
            .0
            .as_ref()
            .ok_or_else(|| std::io::Error::other("store threads stopped"))?;
        let _inside = runtime.enter();
        tokio::net::TcpListener::from_std(listener)
    }

    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        if let Some(runtime) = &self.0 {
            runtime.spawn(task);
        }
    }
}

impl Drop for StoreThreads {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    #[test]
    fn file_operations_share_a_few_threads_however_many_wait() {
        let threads = StoreThreads::start().unwrap();
        let seen = Arc::new(Mutex::new(HashSet::new()));
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        for _ in 0..40 {
            let (seen, done_tx) = (seen.clone(), done_tx.clone());
            // As s3s-fs's `tokio::fs` calls are: blocking tasks, all at once.
            threads.spawn(async move {
                let _ = tokio::task::spawn_blocking(move || {
                    seen.lock().unwrap().insert(std::thread::current().id());
                    std::thread::sleep(Duration::from_millis(5));
                })
                .await;
                let _ = done_tx.send(());
            });
        }
        for _ in 0..40 {
            done_rx.recv_timeout(Duration::from_secs(30)).unwrap();
        }
        let used = seen.lock().unwrap().len();
        assert!(
            (1..=FILE_THREADS).contains(&used),
            "{used} threads ran the 40 operations"
        );
    }

    #[test]
    fn dropping_them_from_async_code_does_not_panic() {
        let outer = tokio::runtime::Builder::new_current_thread().build().unwrap();
        outer.block_on(async {
            let threads = StoreThreads::start().unwrap();
            threads.spawn(std::future::pending());
            drop(threads);
        });
    }
}
