//! The window (eframe): drop, paste or pick images, watch them upload, copy
//! their links.
//!
//! Data flow: `ui()` pushes an `Action` → the app sends a worker
//! `Command` → the worker does the disk and network work and answers with an
//! `Event` → `logic()` folds it into [`state::QueueState`] → `ui()` draws it.
//! Nothing here blocks, awaits, or touches disk or network on the UI thread:
//! the file picker, saving settings and converting a pasted screenshot run on
//! short-lived named threads (`background`). The one exception is handing
//! copied text to the system clipboard, which is a quick local call.

mod actions;
mod app;
mod background;
mod batch;
pub mod clipboard;
pub mod clipboard_read;
pub mod desktop;
mod desktop_perform;
mod drop_zone;
mod file_browser;
mod file_picker;
mod frame_log;
mod glyphs;
pub mod handoff;
mod history_pages;
mod history_perform;
mod history_rows;
mod history_thumbs;
pub mod history_view;
mod hotkey;
mod hotkey_batch;
pub mod notifications;
mod panels;
mod perform;
mod queue_view;
mod resume_banner;
mod row;
mod settings_form;
mod settings_view;
mod settings_widgets;
pub mod state;
mod text;
mod thumbs;
mod toast;
mod toolbar_view;
mod tray;

pub use actions::View;
pub use app::PicbucketApp;
pub use clipboard::{ClipboardSink, MemoryClipboard, SystemClipboard};
pub use notifications::{DesktopNotifications, MemoryNotifications, NotificationSink};

use crate::core::Config;
use crate::core::paths::APP_ID;
use crate::worker::{Command, FolderMode, LibraryLocation, WorkerHandle, WorkerOptions};
use anyhow::Context as _;
use std::path::PathBuf;
use std::sync::Arc;

/// The shortest time between two frames woken by worker events (30 a second:
/// enough for progress bars and rows changing state). At 60 a second, a
/// 2,000-file drop painted in software used 5.3–5.5 CPU-s rasterizing frames
/// against 3.7–4.1 s at 30, and stored its files 1–1.5 s later.
const FRAME_BUDGET: std::time::Duration = std::time::Duration::from_millis(33);

const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// How the window starts the worker for `config`.
pub fn worker_options(config: &Config) -> WorkerOptions {
    WorkerOptions {
        auto_upload: config.ui.auto_upload,
        thumbnails: true,
        library: LibraryLocation::DataDir,
        offer_unfinished: true,
        below_the_window: true,
    }
}

/// Starts the worker; each event it sends wakes the window.
pub fn spawn_worker(ctx: &egui::Context, config: &Config) -> std::io::Result<WorkerHandle> {
    let ctx = ctx.clone();
    // At most one frame per FRAME_BUDGET while events stream in: a repaint
    // for every event of a 2,000-file drop took the CPU the uploads need.
    WorkerHandle::spawn(
        config.clone(),
        worker_options(config),
        Arc::new(move || ctx.request_repaint_after(FRAME_BUDGET)),
    )
}

/// Opens the window with `initial_paths` queued and runs until it is closed.
/// Returns the exit code.
pub fn run(config_path: PathBuf, initial_paths: Vec<PathBuf>) -> anyhow::Result<i32> {
    // "Open with" while a window is open: that window queues the files.
    let socket = handoff::socket_path();
    if !initial_paths.is_empty() && socket.as_deref().is_some_and(|s| handoff::hand_over(s, &initial_paths)) {
        return Ok(0);
    }
    let mut listener = socket.as_deref().and_then(handoff::Listener::bind);
    // Borrowed by the app creator: the listener (and its socket file) must
    // outlive the window, not just the creator.
    let handoff = listener.as_mut();
    // Read while this is the only thread: afterwards the local offset may be unavailable.
    let utc_offset = time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC);
    let (config, startup_problem) = match Config::load(&config_path) {
        Ok(config) => (config, None),
        Err(error) => {
            tracing::warn!(%error, "settings not loaded; using defaults");
            let problem = format!("{error}. Using default settings until you save new ones in Settings.");
            (Config::default(), Some(problem))
        }
    };
    let options = native_options();
    eframe::run_native(
        "picbucket",
        options,
        Box::new(move |cc| {
            let worker = spawn_worker(&cc.egui_ctx, &config)?;
            if let Some(listener) = handoff {
                serve_handoffs(listener, &worker, &cc.egui_ctx, &config);
            }
            let clipboard = Box::new(SystemClipboard::new(cc.egui_ctx.clone()));
            let shortcut = config.ui.global_hotkey.clone();
            let mut app = PicbucketApp::new(cc, config, config_path, worker, clipboard)
                .with_startup_problem(startup_problem)
                .with_utc_offset(utc_offset)
                .with_frame_log(frame_log::FrameLog::from_env())
                .with_glyphs_warmed_first()
                .with_initial_files(initial_paths);
            match desktop::DesktopHandle::start(cc.egui_ctx.clone(), ICON_PNG, shortcut) {
                Ok(desktop) => app = app.with_desktop(desktop),
                Err(error) => tracing::warn!(%error, "no tray icon or global shortcut: their thread did not start"),
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|error| anyhow::anyhow!("{error}"))
    .context("the window could not be opened (is a display available?)")?;
    Ok(0)
}

/// Files handed over by later `picbucket FILE…` runs go to the worker, and the window comes to the front.
fn serve_handoffs(listener: &mut handoff::Listener, worker: &WorkerHandle, ctx: &egui::Context, config: &Config) {
    let (sender, ctx) = (worker.sender(), ctx.clone());
    let folders = if config.ui.recurse_folders {
        FolderMode::Recursive
    } else {
        FolderMode::Flat
    };
    listener.serve(move |paths| {
        sender.send(Command::AddFiles { paths, folders });
        // Also out of the tray, where a closed window waits hidden.
        desktop_perform::show_window(&ctx);
        ctx.request_repaint();
    });
}

fn native_options() -> eframe::NativeOptions {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("picbucket")
        .with_app_id(APP_ID)
        .with_inner_size([900.0, 640.0])
        .with_min_inner_size([640.0, 420.0])
        .with_drag_and_drop(true);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(Arc::new(icon)),
        Err(error) => tracing::warn!(%error, "the window icon could not be decoded"),
    }
    eframe::NativeOptions {
        viewport,
        persist_window: true,
        event_loop_builder: prefer_x11(),
        ..Default::default()
    }
}

/// winit delivers dropped files on X11 but not on native Wayland, so run
/// through X11 (XWayland under a Wayland desktop) whenever a display is there.
#[cfg(target_os = "linux")]
fn prefer_x11() -> Option<eframe::EventLoopBuilderHook> {
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        return None;
    }
    Some(Box::new(|builder| {
        use winit::platform::x11::EventLoopBuilderExtX11;
        builder.with_x11();
    }))
}

#[cfg(not(target_os = "linux"))]
fn prefer_x11() -> Option<eframe::EventLoopBuilderHook> {
    None
}
