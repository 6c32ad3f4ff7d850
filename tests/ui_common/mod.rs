//! The window under egui_kittest: a harness with the test playing the
//! worker over bare channels, dropped files, and queries of what it shows.
#![allow(dead_code)]

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use picbucket::core::{Config, ImageKind, ValidatedImage};
use picbucket::ui::{MemoryClipboard, PicbucketApp};
use picbucket::worker::{Command, Envelope, Event, JobId, SignedLink, WorkerHandle};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;

pub type AppHarness = Harness<'static, PicbucketApp>;

/// A file dropped on the window, as egui-winit would deliver it.
#[derive(Debug)]
pub struct TestDrop(pub PathBuf);

impl egui::DroppedFile for TestDrop {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

pub fn builder() -> egui_kittest::HarnessBuilder<PicbucketApp> {
    Harness::builder().with_size([900.0, 640.0]).with_max_steps(20)
}

/// The window with the test playing the worker.
pub struct FakeWorker {
    pub commands: mpsc::UnboundedReceiver<Envelope>,
    pub events: mpsc::UnboundedSender<Event>,
}

impl FakeWorker {
    pub fn send(&self, event: Event) {
        self.events.send(event).unwrap();
    }

    pub fn commands(&mut self) -> Vec<Command> {
        let mut out = Vec::new();
        while let Ok(envelope) = self.commands.try_recv() {
            out.push(envelope.command);
        }
        out
    }
}

pub fn fake_app(config: Config, clipboard: &MemoryClipboard) -> (AppHarness, FakeWorker, tempfile::TempDir) {
    let (command_tx, commands) = mpsc::unbounded_channel();
    let (events, event_rx) = mpsc::unbounded_channel();
    let worker = WorkerHandle::from_channels(command_tx, event_rx);
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.toml");
    let clipboard = clipboard.clone();
    let harness =
        builder().build_eframe(move |cc| PicbucketApp::new(cc, config, config_path, worker, Box::new(clipboard)));
    (harness, FakeWorker { commands, events }, dir)
}

/// Steps the window (with short sleeps, as the worker runs on its own
/// threads) until `done` holds, then lets the layout settle (a dialog that
/// grew is re-centred a frame later); panics with the window's text otherwise.
pub fn step_until(harness: &mut AppHarness, description: &str, done: impl Fn(&AppHarness) -> bool, max_steps: usize) {
    for _ in 0..max_steps {
        harness.step();
        if done(harness) {
            harness.run_ok();
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "timed out waiting for {description}; the window shows:\n{}",
        window_text(harness)
    );
}

/// Every label, value and button text in the accessibility tree.
pub fn window_text(harness: &AppHarness) -> String {
    harness
        .root()
        .children_recursive()
        .filter_map(|node| {
            let node = node.accesskit_node();
            node.value().or_else(|| node.label())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn shows(harness: &AppHarness, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

pub fn drop_files(harness: &mut AppHarness, paths: &[PathBuf]) {
    for path in paths {
        harness.input_mut().dropped_files.push(Arc::new(TestDrop(path.clone())));
    }
}

/// The fake worker adds `/pictures/NAME` as row `n`.
pub fn added(fake: &FakeWorker, n: u64, name: &str) -> JobId {
    let id = JobId(n);
    fake.send(Event::Added {
        id,
        path: PathBuf::from("/pictures").join(name),
        name: name.into(),
    });
    id
}

/// The fake worker checks row `id`: a 1×1 PNG of 100 bytes.
pub fn validated(fake: &FakeWorker, id: JobId) {
    fake.send(Event::Validated {
        id,
        image: ValidatedImage {
            path: "/pictures/x.png".into(),
            size_bytes: 100,
            kind: ImageKind::Png,
            width: 1,
            height: 1,
        },
    });
}

/// The fake worker checks and uploads row `id` (key `key-N`, `url` valid for a day).
pub fn uploaded(fake: &FakeWorker, id: JobId, url: &str) {
    validated(fake, id);
    fake.send(Event::Uploaded {
        id,
        key: format!("key-{}", id.0),
        link: SignedLink {
            url: url.into(),
            expires_at: Some(SystemTime::now() + Duration::from_secs(86_400)),
            ends_with_credentials: false,
        },
    });
}
