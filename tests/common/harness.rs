//! A real worker whose events a test reads with a timeout, so a missing
//! event fails the test instead of hanging it.

use picbucket::core::Config;
use picbucket::worker::{Event, WorkerHandle, WorkerOptions};
use std::sync::{Arc, mpsc};
use std::time::Duration;

pub struct Harness {
    pub worker: WorkerHandle,
    woken: mpsc::Receiver<()>,
}

impl Harness {
    pub fn new(config: Config, options: WorkerOptions) -> Self {
        let (wake_tx, woken) = mpsc::channel();
        let wake_tx = std::sync::Mutex::new(wake_tx);
        let wake = Arc::new(move || {
            if let Ok(tx) = wake_tx.lock() {
                tx.send(()).ok();
            }
        });
        Self {
            worker: WorkerHandle::spawn(config, options, wake).unwrap(),
            woken,
        }
    }

    /// Events until `done` returns true for one of them; panics after 60 s.
    pub fn until(&mut self, mut done: impl FnMut(&Event) -> bool) -> Vec<Event> {
        let mut seen = Vec::new();
        loop {
            while let Some(event) = self.worker.try_recv() {
                let stop = done(&event);
                seen.push(event);
                if stop {
                    return seen;
                }
            }
            self.woken
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no event for 60 s; seen: {seen:?}"));
        }
    }
}
