//! The window's app: `logic()` folds worker events and background results
//! into state, `ui()` draws that state and collects the user's actions,
//! which are carried out after the frame is laid out (see `perform.rs`).

use crate::core::Config;
use crate::ui::actions::{Action, View, files_hovering, input_actions};
use crate::ui::background::OffThreadTasks;
use crate::ui::clipboard::ClipboardSink;
use crate::ui::clipboard_read::{ClipboardSource, SystemClipboardSource};
use crate::ui::desktop::DesktopHandle;
use crate::ui::desktop_perform::{RecentLinks, show_window};
use crate::ui::drop_zone::{DropZone, drop_zone_ui};
use crate::ui::file_picker::PickerState;
use crate::ui::frame_log::FrameLog;
use crate::ui::glyphs;
use crate::ui::history_perform::DestinationSave;
use crate::ui::history_rows::{delete_confirm_ui, history_ui};
use crate::ui::history_view::HistoryView;
use crate::ui::hotkey_batch::HotkeyUploads;
use crate::ui::notifications::{DesktopNotifications, NotificationSink};
use crate::ui::panels;
use crate::ui::perform::PendingCopy;
use crate::ui::queue_view::{Clock, QueueListInput, queue_ui, summary_ui};
use crate::ui::resume_banner::resume_banner_ui;
use crate::ui::settings_view::SettingsView;
use crate::ui::state::{QueueState, Row};
use crate::ui::text::batch_notification_text;
use crate::ui::thumbs::Thumbs;
use crate::ui::toast::Toasts;
use crate::ui::toolbar_view::{ToolbarState, notices_ui, store_status_ui, toolbar_ui};
use crate::worker::{Command, FolderMode, JobId, UnfinishedJob, WorkerHandle};
use egui::Context;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use time::UtcOffset;

/// Most worker events folded in per pass, and the longest time spent on
/// them; the rest wait for the next frame, so a burst (thousands of files
/// dropped) never stalls one frame.
const MAX_EVENTS_PER_FRAME: usize = 2_000;
const EVENT_TIME_PER_FRAME: Duration = Duration::from_millis(3);

/// Rows a window shows before its list is first laid out (more than fit).
const FIRST_ROWS_IN_VIEW: usize = 16;

/// How often "expires in …" texts are brought up to date while links are shown.
const EXPIRY_REFRESH: Duration = Duration::from_secs(60);

pub struct PicbucketApp {
    pub(super) config: Config,
    pub(super) config_path: PathBuf,
    pub(super) worker: WorkerHandle,
    pub(super) clipboard: Box<dyn ClipboardSink>,
    pub(super) queue: QueueState,
    pub(super) thumbs: Thumbs,
    pub(super) toasts: Toasts,
    /// Problems to read, shown until dismissed.
    pub(super) notices: Vec<String>,
    /// The settings dialog, while open.
    pub(super) settings: Option<SettingsView>,
    pub(super) pending_copy: Option<PendingCopy>,
    pub(super) background: OffThreadTasks,
    /// "Add images…": the system's dialog or the window's own browser.
    pub(super) picker: PickerState,
    pub(super) utc_offset: UtcOffset,
    /// Which list fills the window.
    pub(super) view: View,
    pub(super) history: HistoryView,
    /// Jobs earlier runs left unfinished, offered by the banner until answered.
    pub(super) unfinished: Vec<UnfinishedJob>,
    pub(super) destination_save: DestinationSave,
    /// Queue rows laid out in the last frame: their thumbnails are kept.
    pub(super) rows_on_screen: Vec<JobId>,
    /// Row positions the list has room for from its first row in view (the
    /// last frame's, or a fresh window's first rows): a row added there is
    /// on screen in the next frame, so its thumbnail becomes a texture.
    pub(super) rows_in_view: std::ops::Range<usize>,
    /// Frame times, when `PICBUCKET_FRAME_TIMES` asks for them.
    frame_log: Option<FrameLog>,
    /// Glyphs still to rasterize before rows arrive (the real window only).
    warm_glyphs: bool,
    /// Where "batch finished" notifications go.
    pub(super) notifications: Box<dyn NotificationSink>,
    /// The tray and the global shortcut, when started.
    pub(super) desktop: Option<DesktopHandle>,
    /// What the shortcut uploads from.
    pub(super) clipboard_source: Arc<dyn ClipboardSource>,
    /// Rows added by the shortcut, whose links get copied when they are up.
    pub(super) hotkey_uploads: HotkeyUploads,
    /// The shortcut copied links in the batch not reported yet.
    pub(super) hotkey_link_copied: bool,
    /// A tray host shows our icon: the close button may hide the window.
    pub(super) tray_shown: bool,
    /// Quit was chosen in the tray: the close goes through.
    pub(super) quitting: bool,
    /// "Closed to the tray" was said once this run.
    pub(super) told_about_tray: bool,
    /// Why the global shortcut does not work, for Settings.
    pub(super) shortcut_problem: Option<String>,
    pub(super) recent: RecentLinks,
}

impl PicbucketApp {
    /// `worker` must have been started with [`crate::ui::worker_options`]`(&config)`
    /// (tests may pass a handle over bare channels instead).
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        config: Config,
        config_path: PathBuf,
        worker: WorkerHandle,
        clipboard: Box<dyn ClipboardSink>,
    ) -> Self {
        Self {
            queue: QueueState::new(config.ui.auto_upload),
            config,
            config_path,
            worker,
            clipboard,
            thumbs: Thumbs::default(),
            toasts: Toasts::default(),
            notices: Vec::new(),
            settings: None,
            pending_copy: None,
            background: OffThreadTasks::new(cc.egui_ctx.clone()),
            picker: PickerState::from_env(),
            utc_offset: UtcOffset::UTC,
            view: View::Queue,
            history: HistoryView::default(),
            unfinished: Vec::new(),
            destination_save: DestinationSave::default(),
            rows_on_screen: Vec::new(),
            rows_in_view: 0..FIRST_ROWS_IN_VIEW,
            frame_log: None,
            warm_glyphs: false,
            notifications: Box::new(DesktopNotifications::new(cc.egui_ctx.clone())),
            desktop: None,
            clipboard_source: Arc::new(SystemClipboardSource),
            hotkey_uploads: HotkeyUploads::default(),
            hotkey_link_copied: false,
            tray_shown: false,
            quitting: false,
            told_about_tray: false,
            shortcut_problem: None,
            recent: RecentLinks::default(),
        }
    }

    /// Listens to the tray and the global shortcut (see [`crate::ui::desktop`]).
    pub fn with_desktop(mut self, desktop: DesktopHandle) -> Self {
        self.desktop = Some(desktop);
        self
    }

    /// The shortcut reads `source` instead of the system clipboard.
    pub fn with_clipboard_source(mut self, source: Arc<dyn ClipboardSource>) -> Self {
        self.clipboard_source = source;
        self
    }

    /// Shows `problem` (e.g. an unreadable config file) until dismissed.
    pub fn with_startup_problem(mut self, problem: Option<String>) -> Self {
        self.notices.extend(problem);
        self
    }

    /// "Add images…" opens the window's own file browser (in `start`, else
    /// Pictures or home) instead of the system's dialog.
    pub fn with_builtin_file_browser(mut self, start: Option<PathBuf>) -> Self {
        self.picker = PickerState::builtin(start);
        self
    }

    /// The local time zone for dates (read before any thread started).
    pub fn with_utc_offset(mut self, offset: UtcOffset) -> Self {
        self.utc_offset = offset;
        self
    }

    /// Sends "batch finished" notifications to `sink` instead of the desktop.
    pub fn with_notifications(mut self, sink: Box<dyn NotificationSink>) -> Self {
        self.notifications = sink;
        self
    }

    /// Rasterizes the window's characters in the first frame ([`glyphs`]).
    pub(super) fn with_glyphs_warmed_first(mut self) -> Self {
        self.warm_glyphs = true;
        self
    }

    /// Logs every frame's time (see [`crate::ui::frame_log`]).
    pub(super) fn with_frame_log(mut self, log: Option<FrameLog>) -> Self {
        self.frame_log = log;
        self
    }

    /// Queues the files the window was opened with (`picbucket FILE…`, "Open with").
    pub fn with_initial_files(self, paths: Vec<PathBuf>) -> Self {
        if !paths.is_empty() {
            let folders = if self.config.ui.recurse_folders {
                FolderMode::Recursive
            } else {
                FolderMode::Flat
            };
            self.worker.send(Command::AddFiles { paths, folders });
        }
        self
    }

    /// The settings in effect.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rows as the window shows them.
    pub fn rows(&self) -> &[Row] {
        self.queue.rows()
    }

    /// Problems on display.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// How many thumbnail textures are alive.
    pub fn texture_count(&self) -> usize {
        self.thumbs.len()
    }

    /// Which list is shown.
    pub fn view(&self) -> View {
        self.view
    }

    /// The History view's state (records on hand, links, textures).
    pub fn history(&self) -> &HistoryView {
        &self.history
    }

    fn toolbar_state(&self) -> ToolbarState {
        let counts = self.queue.counts();
        ToolbarState {
            show_upload: !self.queue.starts_automatically() && counts.ready > 0,
            ready_count: counts.ready,
            can_clear: counts.done + counts.rejected + counts.cancelled > 0,
            can_copy_all: counts.done > 0,
            picking_files: self.picker.is_open(),
            view: self.view,
        }
    }
}

impl eframe::App for PicbucketApp {
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        panels::clear_color(visuals)
    }

    fn logic(&mut self, ctx: &Context, frame: &mut eframe::Frame) {
        if let Some(log) = &mut self.frame_log {
            log.app_code_began();
        }
        let started = Instant::now();
        let mut handled = 0;
        let mut more = false;
        while let Some(event) = self.worker.try_recv() {
            self.on_event(ctx, event);
            handled += 1;
            if handled == MAX_EVENTS_PER_FRAME || started.elapsed() >= EVENT_TIME_PER_FRAME {
                more = true;
                break;
            }
        }
        if more {
            ctx.request_repaint();
        }
        self.evict_textures();
        while let Some(message) = self.background.try_recv() {
            self.on_message(ctx, message);
        }
        self.desktop_logic(ctx, frame);
        self.copy_when_due(ctx);
        self.notify_finished_batch(ctx);
        if self.notifications.take_clicked() {
            // A click on "3 images uploaded" brings the window to the front.
            show_window(ctx);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let (Some(log), Some(seconds)) = (&self.frame_log, frame.info().cpu_usage) {
            log.record_previous_frame(seconds);
        }
        let ctx = ui.ctx().clone();
        if std::mem::take(&mut self.warm_glyphs) {
            let started = Instant::now();
            glyphs::warm_glyphs(&ctx);
            tracing::debug!(ms = started.elapsed().as_millis(), "glyphs rasterized ahead");
        }
        let dialog_open =
            self.settings.is_some() || self.history.confirm_delete.is_some() || self.picker.browser.is_some();
        let mut actions = input_actions(&ctx, dialog_open, self.view);
        let clock = Clock {
            now: SystemTime::now(),
            offset: self.utc_offset,
        };
        panels::top(ui, "toolbar").show(ui, |ui| {
            ui.add_space(4.0);
            toolbar_ui(ui, self.toolbar_state(), &self.config, &mut actions);
            store_status_ui(ui, self.queue.store(), &mut actions);
            resume_banner_ui(ui, &self.unfinished, &mut actions);
            notices_ui(ui, &self.notices, &mut actions);
            ui.add_space(2.0);
        });
        match self.view {
            View::Queue => self.queue_view_ui(ui, &ctx, clock, &mut actions),
            View::History => {
                let profiles = self.config.profile_names();
                panels::central(ui).show(ui, |ui| {
                    history_ui(ui, &mut self.history, &profiles, clock, &mut actions);
                });
            }
        }
        if let Some(confirm) = &self.history.confirm_delete {
            delete_confirm_ui(&ctx, confirm, &mut actions);
        }
        if let Some(settings) = &mut self.settings
            && let Some(outcome) = settings.show(&ctx)
        {
            actions.push(Action::Settings(outcome));
        }
        self.file_browser_ui(&ctx);
        for action in actions {
            self.perform(&ctx, frame, action);
        }
        let time = ctx.input(|i| i.time);
        let (commands, wake) = self.history.after_frame(time, self.view == View::History);
        for command in commands {
            self.worker.send(command);
        }
        if let Some(wake) = wake {
            ctx.request_repaint_after(wake);
        }
        // After the actions, so that "Link copied" shows in the frame of the click.
        self.toasts.show_toast(&ctx);
        if self.queue.rows().iter().any(|row| row.link().is_some()) {
            ctx.request_repaint_after(EXPIRY_REFRESH);
        }
        if let Some(log) = &mut self.frame_log {
            log.app_code_ended(self.queue.rows().len());
        }
    }
}

impl PicbucketApp {
    /// One notification per finished batch, when the window is not in front
    /// (someone looking at the window sees the rows themselves).
    fn notify_finished_batch(&mut self, ctx: &Context) {
        let Some(summary) = self.queue.take_finished_batch() else {
            return;
        };
        let by_shortcut = std::mem::take(&mut self.hotkey_link_copied);
        if !self.config.ui.notify_when_done || self.window_in_front(ctx) {
            return;
        }
        let link_copied =
            by_shortcut || (summary.single_file && summary.uploaded == 1 && self.config.ui.copy_link_after_upload);
        if let Some(body) = batch_notification_text(&summary, link_copied) {
            self.notifications.notify(body);
        }
    }

    /// Focused, shown and not minimized: someone is looking at it.
    pub(super) fn window_in_front(&self, ctx: &Context) -> bool {
        ctx.input(|i| {
            let viewport = i.viewport();
            viewport.focused.unwrap_or(true) && viewport.minimized != Some(true) && viewport.visible() != Some(false)
        })
    }

    fn queue_view_ui(&mut self, ui: &mut egui::Ui, ctx: &Context, clock: Clock, actions: &mut Vec<Action>) {
        let empty = self.queue.rows().is_empty();
        if !empty {
            panels::bottom(ui, "summary").show(ui, |ui| {
                ui.add_space(4.0);
                summary_ui(ui, &self.queue);
                ui.add_space(2.0);
            });
        }
        panels::central(ui).show(ui, |ui| {
            let zone = DropZone {
                big: empty,
                hovering: files_hovering(ctx),
                recursive: self.config.ui.recurse_folders,
            };
            drop_zone_ui(ui, zone);
            if !empty {
                ui.add_space(6.0);
                let input = QueueListInput {
                    thumbs: &self.thumbs,
                    clock,
                    scroll_to: self.queue.take_scroll_target(),
                };
                (self.rows_on_screen, self.rows_in_view) = queue_ui(ui, &self.queue, input, actions);
                for id in self.thumbs.take_reloads(&self.rows_on_screen) {
                    self.worker.send(Command::ReloadThumbnail(id));
                }
            }
        });
    }
}
