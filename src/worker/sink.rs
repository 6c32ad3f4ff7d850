//! How job tasks and the loop report to the UI or CLI.

use crate::worker::Wake;
use crate::worker::event::Event;
use tokio::sync::mpsc;

/// Sends events and wakes the receiver. A receiver that has gone away is not
/// an error: the worker is shutting down.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::UnboundedSender<Event>,
    wake: Wake,
}

impl EventSink {
    pub fn new(tx: mpsc::UnboundedSender<Event>, wake: Wake) -> Self {
        Self { tx, wake }
    }

    pub fn send(&self, event: Event) {
        if self.tx.send(event).is_ok() {
            (self.wake)();
        }
    }
}
