//! Notifications for finished batches, headless: one per batch while the
//! window is in the background, none while it is in front or when turned
//! off, and a click brings the window forward.

use egui::ViewportId;
use picbucket::core::{Config, Rejection};
use picbucket::ui::{MemoryClipboard, MemoryNotifications, PicbucketApp};
use picbucket::worker::{Event, JobId, WorkerHandle};
use tokio::sync::mpsc;

mod ui_common;

use ui_common::*;

fn app_with_notifications(config: Config, notifications: &MemoryNotifications) -> (AppHarness, FakeWorker) {
    let (command_tx, commands) = mpsc::unbounded_channel();
    let (events, event_rx) = mpsc::unbounded_channel();
    let worker = WorkerHandle::from_channels(command_tx, event_rx);
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.keep().join("config.toml");
    let sink = notifications.clone();
    let harness = builder().build_eframe(move |cc| {
        PicbucketApp::new(cc, config, config_path, worker, Box::new(MemoryClipboard::new()))
            .with_notifications(Box::new(sink))
    });
    (harness, FakeWorker { commands, events })
}

fn set_focused(harness: &mut AppHarness, focused: bool) {
    let viewport = harness.input_mut().viewports.entry(ViewportId::ROOT).or_default();
    viewport.focused = Some(focused);
}

fn upload_one(fake: &FakeWorker, n: u64, name: &str) {
    let id = added(fake, n, name);
    uploaded(fake, id, &format!("http://127.0.0.1:9/photos/k{n}"));
}

#[test]
fn a_batch_finished_in_the_background_is_notified_once_with_its_first_problem() {
    let notifications = MemoryNotifications::new();
    let (mut harness, fake) = app_with_notifications(Config::default(), &notifications);
    set_focused(&mut harness, false);
    upload_one(&fake, 1, "a.png");
    upload_one(&fake, 2, "b.png");
    fake.send(Event::Added {
        id: JobId(3),
        path: "/pictures/notes.txt".into(),
        name: "notes.txt".into(),
    });
    fake.send(Event::Rejected {
        id: JobId(3),
        reason: Rejection::NotAnImage,
    });
    harness.run();
    assert_eq!(
        notifications.bodies(),
        vec!["2 images uploaded, 1 not uploaded: notes.txt: It is not an image: its contents are not JPEG, PNG, GIF or WebP whatever its name says".to_owned()]
    );

    // A click brings the window forward (the desktop gets the commands).
    notifications.click();
    harness.run();
    assert!(
        !notifications.clicked.lock().map(|c| *c).unwrap(),
        "the click was taken"
    );
}

#[test]
fn no_notification_while_the_window_is_in_front_or_when_turned_off() {
    let notifications = MemoryNotifications::new();
    let (mut harness, fake) = app_with_notifications(Config::default(), &notifications);
    set_focused(&mut harness, true);
    upload_one(&fake, 1, "a.png");
    harness.run();
    assert!(notifications.bodies().is_empty(), "the user saw it happen");

    let mut config = Config::default();
    config.ui.notify_when_done = false;
    let quiet = MemoryNotifications::new();
    let (mut harness, fake) = app_with_notifications(config, &quiet);
    set_focused(&mut harness, false);
    upload_one(&fake, 1, "a.png");
    harness.run();
    assert_eq!(harness.state().rows().len(), 1, "the upload was seen");
    assert!(quiet.bodies().is_empty());
}
