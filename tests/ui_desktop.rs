//! The tray and the global shortcut, headless: their events reach the app
//! over a detached desktop handle (no D-Bus, no X grab), the uploads go to
//! the in-process S3 server, and what the app asks of the window is read
//! from its viewport commands.

mod common;
mod ui_common;

use common::{TestServer, http_get};
use egui::{ViewportCommand, ViewportEvent, ViewportId};
use egui_kittest::kittest::Queryable;
use image::ImageFormat;
use picbucket::core::{Config, LinkFormatSetting};
use picbucket::test_support::write_image;
use picbucket::ui::clipboard_read::{ClipboardContent, FixedClipboardSource};
use picbucket::ui::desktop::{DesktopEvent, DesktopHandle};
use picbucket::ui::{MemoryClipboard, MemoryNotifications, PicbucketApp, worker_options};
use picbucket::worker::{Command, LibraryLocation, WorkerHandle};
use std::sync::Arc;
use std::sync::mpsc::Sender;
use ui_common::*;

/// The window with a real worker (its library and pasted files in `dir`),
/// a shortcut reading `clipboard_content`, and the desktop played by the test.
fn shortcut_app(
    config: Config,
    dir: &std::path::Path,
    clipboard: &MemoryClipboard,
    clipboard_content: impl Fn() -> Result<ClipboardContent, String> + Send + Sync + 'static,
) -> (AppHarness, Sender<DesktopEvent>) {
    let (desktop, desktop_events) = DesktopHandle::detached();
    let clipboard = clipboard.clone();
    let (config_path, library) = (dir.join("config.toml"), dir.join("library.sqlite3"));
    let source = Arc::new(FixedClipboardSource(Arc::new(clipboard_content)));
    let harness = builder().build_eframe(move |cc| {
        let options = picbucket::worker::WorkerOptions {
            library: LibraryLocation::File(library),
            below_the_window: false,
            ..worker_options(&config)
        };
        let ctx = cc.egui_ctx.clone();
        let worker =
            WorkerHandle::spawn(config.clone(), options, Arc::new(move || ctx.request_repaint())).expect("worker");
        PicbucketApp::new(cc, config, config_path, worker, Box::new(clipboard))
            .with_desktop(desktop)
            .with_clipboard_source(source)
    });
    (harness, desktop_events)
}

fn gradient(width: u32, height: u32) -> Vec<u8> {
    (0..width * height)
        .flat_map(|i| [(i % 251) as u8, (i / 7 % 256) as u8, 90, 255])
        .collect()
}

#[test]
fn the_shortcut_uploads_the_clipboard_image_and_copies_its_link_in_the_chosen_format() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut config = server.config();
    config.ui.link_format = LinkFormatSetting::Markdown;
    let clipboard = MemoryClipboard::new();
    let (mut harness, desktop) = shortcut_app(config, dir.path(), &clipboard, || {
        Ok(ClipboardContent::Image {
            width: 40,
            height: 30,
            rgba: gradient(40, 30),
        })
    });

    desktop.send(DesktopEvent::UploadClipboard).unwrap();
    step_until(
        &mut harness,
        "the link on the clipboard",
        |_| !clipboard.texts().is_empty(),
        500,
    );

    let copied = clipboard.texts().pop().unwrap();
    assert!(copied.starts_with("![clipboard-"), "Markdown, as chosen: {copied}");
    let url = copied
        .split_once("](")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .expect("a Markdown image link");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let served = image::load_from_memory_with_format(&http_get(url).unwrap(), ImageFormat::Png)
        .expect("the link serves a PNG")
        .into_rgba8();
    assert_eq!(served.dimensions(), (40, 30));
    assert_eq!(
        served.into_raw(),
        gradient(40, 30),
        "the pixels that were on the clipboard"
    );
    assert_eq!(server.object_count(), 1);
}

#[test]
fn copied_files_are_uploaded_together_and_an_empty_clipboard_is_explained() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let a = write_image(files.path(), "a.png", ImageFormat::Png, 20, 10);
    let b = write_image(files.path(), "b.png", ImageFormat::Png, 30, 10);
    let clipboard = MemoryClipboard::new();
    let paths = vec![a, b];
    let offer_files = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let offer = offer_files.clone();
    let (mut harness, desktop) = shortcut_app(server.config(), dir.path(), &clipboard, move || {
        Ok(if offer.load(std::sync::atomic::Ordering::SeqCst) {
            ClipboardContent::Files(paths.clone())
        } else {
            ClipboardContent::Nothing
        })
    });

    desktop.send(DesktopEvent::UploadClipboard).unwrap();
    step_until(&mut harness, "the explanation", |h| shows(h, "Nothing to upload"), 200);
    assert_eq!(server.object_count(), 0);

    offer_files.store(true, std::sync::atomic::Ordering::SeqCst);
    desktop.send(DesktopEvent::UploadClipboard).unwrap();
    step_until(
        &mut harness,
        "the links on the clipboard",
        |_| !clipboard.texts().is_empty(),
        500,
    );
    let copied = clipboard.texts().pop().unwrap();
    let urls: Vec<&str> = copied.lines().collect();
    assert_eq!(urls.len(), 2, "both links, one per line: {copied}");
    assert!(urls[0].contains("_a.png") && urls[1].contains("_b.png"), "{copied}");
    assert_eq!(server.object_count(), 2);
}

fn commands_of_last_frame(harness: &AppHarness) -> Vec<ViewportCommand> {
    harness
        .output()
        .viewport_output
        .get(&ViewportId::ROOT)
        .map(|output| output.commands.clone())
        .unwrap_or_default()
}

fn request_close(harness: &mut AppHarness) -> Vec<ViewportCommand> {
    let viewport = harness.input_mut().viewports.entry(ViewportId::ROOT).or_default();
    viewport.events.push(ViewportEvent::Close);
    harness.step();
    commands_of_last_frame(harness)
}

fn tray_app(config: Config) -> (AppHarness, FakeWorker, Sender<DesktopEvent>, MemoryNotifications) {
    let (command_tx, commands) = tokio::sync::mpsc::unbounded_channel();
    let (events, event_rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = WorkerHandle::from_channels(command_tx, event_rx);
    let (desktop, desktop_events) = DesktopHandle::detached();
    let notifications = MemoryNotifications::new();
    let sink = notifications.clone();
    let config_path = tempfile::tempdir().unwrap().keep().join("config.toml");
    let harness = builder().build_eframe(move |cc| {
        PicbucketApp::new(cc, config, config_path, worker, Box::new(MemoryClipboard::new()))
            .with_desktop(desktop)
            .with_notifications(Box::new(sink))
    });
    (harness, FakeWorker { commands, events }, desktop_events, notifications)
}

#[test]
fn closing_the_window_hides_it_in_the_tray_until_quit_is_chosen() {
    let (mut harness, mut fake, desktop, notifications) = tray_app(Config::default());
    harness.run();

    // No tray host: the close goes through.
    let commands = request_close(&mut harness);
    assert!(!commands.contains(&ViewportCommand::CancelClose), "{commands:?}");

    // A tray host shows the icon: the close hides the window, said once.
    desktop.send(DesktopEvent::TrayShown(true)).unwrap();
    harness.run();
    let commands = request_close(&mut harness);
    assert!(commands.contains(&ViewportCommand::CancelClose), "{commands:?}");
    assert!(commands.contains(&ViewportCommand::Visible(false)), "{commands:?}");
    request_close(&mut harness);
    assert_eq!(notifications.bodies().len(), 1, "{:?}", notifications.bodies());
    assert!(notifications.bodies()[0].contains("Quit"));
    // The tray asked for its recent links.
    assert!(
        fake.commands()
            .iter()
            .any(|c| matches!(c, Command::QueryHistory { query, .. } if query.limit == 5)),
    );

    // "Open picbucket" shows it again.
    desktop.send(DesktopEvent::ShowWindow).unwrap();
    harness.step();
    let commands = commands_of_last_frame(&harness);
    assert!(commands.contains(&ViewportCommand::Visible(true)), "{commands:?}");

    // Quit closes for real.
    desktop.send(DesktopEvent::Quit).unwrap();
    harness.step();
    assert!(commands_of_last_frame(&harness).contains(&ViewportCommand::Close));
    let commands = request_close(&mut harness);
    assert!(!commands.contains(&ViewportCommand::CancelClose), "{commands:?}");
}

#[test]
fn with_keep_in_tray_off_the_close_button_quits() {
    let mut config = Config::default();
    config.ui.keep_in_tray = false;
    let (mut harness, _fake, desktop, _) = tray_app(config);
    desktop.send(DesktopEvent::TrayShown(true)).unwrap();
    harness.run();
    let commands = request_close(&mut harness);
    assert!(!commands.contains(&ViewportCommand::CancelClose), "{commands:?}");
}

#[test]
fn a_shortcut_taken_by_another_program_is_explained_in_settings() {
    let (mut harness, _fake, desktop, _) = tray_app(Config::default());
    desktop
        .send(DesktopEvent::Shortcut(Err(
            "Ctrl+Shift+U is taken by another program; choose another shortcut in Settings".into(),
        )))
        .unwrap();
    harness.run();
    harness.get_by_label("Settings").click();
    harness.run();
    assert!(
        shows(&harness, "Ctrl+Shift+U is taken by another program"),
        "{}",
        window_text(&harness)
    );
}
