//! The background worker: a tokio runtime on its own thread that takes
//! [`Command`]s, does all disk and network work, and sends [`Event`]s back.
//!
//! The UI and the CLI drive the same worker. After each event the worker calls
//! the `wake` function it was given (the UI's `request_repaint`), so an idle
//! window uses no CPU.

mod adding;
mod command;
mod destinations;
mod event;
mod folders;
mod history;
mod internal;
mod job;
mod job_library;
mod job_thumbnail;
mod large_strip;
mod outgoing;
mod paste;
mod priority;
mod records;
mod resume;
mod runtime;
mod sink;

pub use command::{Command, Envelope, FolderMode, JobId};
pub use destinations::{Destination, Destinations};
pub use event::{Event, Failure, SignedLink, StoreInfo, UnfinishedJob};
pub use folders::MAX_FILES_PER_FOLDER;
pub use history::destination_for;
pub use job::sign as link_for;
pub use records::LibraryLocation;

use crate::core::Config;
use std::panic::Location;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Called after every event so the receiver can look at its queue.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// How the worker behaves beyond what `Config` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerOptions {
    /// Start uploads as soon as files validate (else wait for `StartAll`).
    pub auto_upload: bool,
    /// Decode previews for the window.
    pub thumbnails: bool,
    /// Where jobs and history are remembered.
    pub library: LibraryLocation,
    /// Tell the UI at start about jobs earlier runs did not finish.
    pub offer_unfinished: bool,
    /// Run the worker's threads at a lower priority than the caller's (the
    /// window's UI thread), so its frames stay on time while uploads keep
    /// every core busy. The command line leaves it off: it has no frames.
    pub below_the_window: bool,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            auto_upload: true,
            thumbnails: false,
            library: LibraryLocation::Off,
            offer_unfinished: false,
            below_the_window: false,
        }
    }
}

/// The UI's or CLI's end of the worker: commands in, events out.
pub struct WorkerHandle {
    commands: mpsc::UnboundedSender<Envelope>,
    events: mpsc::UnboundedReceiver<Event>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WorkerHandle {
    /// Starts the worker thread and its runtime with `config`.
    pub fn spawn(config: Config, options: WorkerOptions, wake: Wake) -> std::io::Result<Self> {
        let (command_tx, command_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = mpsc::unbounded_channel();
        // One thread runs every job's async part (requests, library writes,
        // events); reading, checking, hashing and SQLite run on the blocking
        // pool. With two worker threads they woke each other for every task
        // that became ready: on 2,000 small files 15,000-17,000 context
        // switches and 0.62-0.72 CPU-s, against 9,300-10,400 and 0.51-0.59.
        let mut builder = tokio::runtime::Builder::new_current_thread();
        builder.thread_name("picbucket-io").enable_all();
        let lowered = options.below_the_window.then(priority::Lowered::below_this_thread);
        if let Some(level) = lowered {
            builder.on_thread_start(move || level.apply_to_this_thread());
        }
        let runtime = builder.build()?;
        let thread = std::thread::Builder::new()
            .name("picbucket-worker".into())
            .spawn(move || {
                if let Some(level) = lowered {
                    level.apply_to_this_thread();
                }
                let sink = sink::EventSink::new(event_tx, wake);
                runtime.block_on(runtime::run(config, options, lowered, command_rx, sink));
                let stopping = std::time::Instant::now();
                // Uploads still running when the loop ends are dropped with the runtime.
                runtime.shutdown_timeout(std::time::Duration::from_secs(2));
                tracing::debug!(ms = stopping.elapsed().as_millis(), "worker runtime shut down");
            })?;
        Ok(Self {
            commands: command_tx,
            events: event_rx,
            thread: Some(thread),
        })
    }

    /// A handle over bare channels, with no worker behind it: UI tests play
    /// the worker through the other ends.
    pub fn from_channels(commands: mpsc::UnboundedSender<Envelope>, events: mpsc::UnboundedReceiver<Event>) -> Self {
        Self {
            commands,
            events,
            thread: None,
        }
    }

    /// Sends a command; if the worker has stopped, the command is dropped and logged.
    #[track_caller]
    pub fn send(&self, command: Command) {
        let sent_from = Location::caller();
        if let Err(lost) = self.commands.send(Envelope { command, sent_from }) {
            tracing::warn!(command = lost.0.command.name(), "worker has stopped; command dropped");
        }
    }

    /// A second way to send commands, for another thread (e.g. a Ctrl+C handler).
    pub fn sender(&self) -> CommandSender {
        CommandSender(self.commands.clone())
    }

    /// The next event if one is waiting (never blocks: for the UI thread).
    pub fn try_recv(&mut self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// Waits for the next event; `None` once the worker has stopped. Looks
    /// every `interval` instead of being woken by each event: a batch of
    /// thousands of small uploads sends ~5 events per file, and a wake-up per
    /// event cost more CPU than the events themselves. For a receiver that
    /// can answer `interval` late (the CLI calls it from `main`; the window
    /// uses `try_recv`). Not for use inside an async runtime.
    pub fn recv_polled(&mut self, interval: std::time::Duration) -> Option<Event> {
        use tokio::sync::mpsc::error::TryRecvError;
        loop {
            match self.events.try_recv() {
                Ok(event) => return Some(event),
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => std::thread::sleep(interval),
            }
        }
    }
}

/// Sends commands to a worker from any thread.
#[derive(Clone)]
pub struct CommandSender(mpsc::UnboundedSender<Envelope>);

impl CommandSender {
    /// Sends a command; if the worker has stopped, the command is dropped.
    #[track_caller]
    pub fn send(&self, command: Command) {
        let sent_from = Location::caller();
        self.0.send(Envelope { command, sent_from }).ok();
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        let stopping = std::time::Instant::now();
        self.send(Command::Shutdown);
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("worker thread panicked");
        }
        tracing::debug!(ms = stopping.elapsed().as_millis(), "worker stopped");
    }
}
