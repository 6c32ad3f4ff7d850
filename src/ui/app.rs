//! The window's app: `logic()` folds worker events and background results
//! into state, `ui()` draws that state and collects the user's actions,
//! which are carried out after the frame is laid out (see `perform.rs`).

use crate::core::Config;
use crate::ui::actions::{Action, files_hovering, input_actions};
use crate::ui::background::Background;
use crate::ui::clipboard::ClipboardSink;
use crate::ui::drop_zone::{DropZone, drop_zone_ui};
use crate::ui::perform::PendingCopy;
use crate::ui::queue_view::{Clock, queue_ui, summary_ui};
use crate::ui::settings_view::SettingsView;
use crate::ui::state::{QueueState, Row};
use crate::ui::thumbs::Thumbs;
use crate::ui::toast::Toasts;
use crate::ui::toolbar_view::{ToolbarState, notices_ui, store_status_ui, toolbar_ui};
use crate::worker::WorkerHandle;
use egui::{CentralPanel, Context, Panel};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use time::UtcOffset;

/// Most worker events folded in per pass; the rest wait for the next frame,
/// so a burst (thousands of files dropped) never stalls one frame.
const MAX_EVENTS_PER_FRAME: usize = 2_000;

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
    pub(super) background: Background,
    pub(super) picking_files: bool,
    pub(super) utc_offset: UtcOffset,
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
            background: Background::new(cc.egui_ctx.clone()),
            picking_files: false,
            utc_offset: UtcOffset::UTC,
        }
    }

    /// Shows `problem` (e.g. an unreadable config file) until dismissed.
    pub fn with_startup_problem(mut self, problem: Option<String>) -> Self {
        self.notices.extend(problem);
        self
    }

    /// The local time zone for dates (read before any thread started).
    pub fn with_utc_offset(mut self, offset: UtcOffset) -> Self {
        self.utc_offset = offset;
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

    fn toolbar_state(&self) -> ToolbarState {
        let counts = self.queue.counts();
        ToolbarState {
            show_upload: !self.queue.starts_automatically() && counts.ready > 0,
            ready_count: counts.ready,
            can_clear: counts.done + counts.rejected + counts.cancelled > 0,
            can_copy_all: counts.done > 0,
            picking_files: self.picking_files,
        }
    }
}

impl eframe::App for PicbucketApp {
    fn logic(&mut self, ctx: &Context, _frame: &mut eframe::Frame) {
        let mut handled = 0;
        while handled < MAX_EVENTS_PER_FRAME {
            let Some(event) = self.worker.try_recv() else { break };
            self.on_event(ctx, event);
            handled += 1;
        }
        if handled == MAX_EVENTS_PER_FRAME {
            ctx.request_repaint();
        }
        while let Some(message) = self.background.try_recv() {
            self.on_message(ctx, message);
        }
        self.copy_when_due(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let mut actions = input_actions(&ctx, self.settings.is_some());
        let clock = Clock {
            now: SystemTime::now(),
            offset: self.utc_offset,
        };
        Panel::top("toolbar").show(ui, |ui| {
            ui.add_space(4.0);
            toolbar_ui(ui, self.toolbar_state(), &mut actions);
            store_status_ui(ui, self.queue.store(), &mut actions);
            notices_ui(ui, &self.notices, &mut actions);
            ui.add_space(2.0);
        });
        let empty = self.queue.rows().is_empty();
        if !empty {
            Panel::bottom("summary").show(ui, |ui| {
                ui.add_space(4.0);
                summary_ui(ui, &self.queue);
                ui.add_space(2.0);
            });
        }
        CentralPanel::default().show(ui, |ui| {
            let zone = DropZone {
                big: empty,
                hovering: files_hovering(&ctx),
                recursive: self.config.ui.recurse_folders,
            };
            drop_zone_ui(ui, zone);
            if !empty {
                ui.add_space(6.0);
                queue_ui(ui, &self.queue, &self.thumbs, clock, &mut actions);
            }
        });
        if let Some(settings) = &mut self.settings
            && let Some(outcome) = settings.show(&ctx)
        {
            actions.push(Action::Settings(outcome));
        }
        for action in actions {
            self.perform(&ctx, frame, action);
        }
        // After the actions, so that "Link copied" shows in the frame of the click.
        self.toasts.show_toast(&ctx);
        if !self.queue.done_ids().is_empty() {
            ctx.request_repaint_after(EXPIRY_REFRESH);
        }
    }
}
