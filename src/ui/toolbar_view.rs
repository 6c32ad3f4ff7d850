//! The top of the window: toolbar, where uploads go, and problems to read.

use crate::ui::actions::{ADD_IMAGES, Action, OPEN_SETTINGS};
use crate::ui::state::StoreStatus;
use egui::{Align, Button, Layout, RichText, Ui};

/// Which toolbar buttons apply right now.
#[derive(Clone, Copy, Debug, Default)]
pub struct ToolbarState {
    /// Automatic upload is off and some files are ready.
    pub show_upload: bool,
    pub ready_count: usize,
    pub can_clear: bool,
    pub can_copy_all: bool,
    /// The file picker is open.
    pub picking_files: bool,
}

pub fn toolbar_ui(ui: &mut Ui, state: ToolbarState, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let add = ui
            .add_enabled(!state.picking_files, Button::new("Add images…"))
            .on_hover_text(format!(
                "Choose image files ({})",
                ui.ctx().format_shortcut(&ADD_IMAGES)
            ));
        if add.clicked() {
            actions.push(Action::PickFiles);
        }
        if state.show_upload {
            let upload = ui
                .add(Button::new(RichText::new("Upload").strong()))
                .on_hover_text(format!("Upload the {} checked file(s)", state.ready_count));
            if upload.clicked() {
                actions.push(Action::StartAll);
            }
        }
        let clear = ui
            .add_enabled(state.can_clear, Button::new("Clear finished"))
            .on_hover_text("Remove uploaded, rejected and cancelled files from the list");
        if clear.clicked() {
            actions.push(Action::ClearFinished);
        }
        let copy_all = ui
            .add_enabled(state.can_copy_all, Button::new("Copy all links"))
            .on_hover_text("Copy the links of all uploaded files, one per line");
        if copy_all.clicked() {
            actions.push(Action::CopyAllLinks);
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let settings = ui.button("Settings").on_hover_text(format!(
                "Storage and upload settings ({})",
                ui.ctx().format_shortcut(&OPEN_SETTINGS)
            ));
            if settings.clicked() {
                actions.push(Action::OpenSettings);
            }
        });
    });
}

/// Where uploads go, or why they cannot.
pub fn store_status_ui(ui: &mut Ui, store: &StoreStatus, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| match store {
        StoreStatus::Connecting => {
            ui.label(RichText::new("Connecting to storage…").weak());
        }
        StoreStatus::Ready(info) if info.is_local => {
            ui.label(format!(
                "Local test store at {} — links work on this computer only. Open Settings to use your own bucket.",
                info.endpoint
            ));
        }
        StoreStatus::Ready(info) => {
            ui.label(format!("Uploading to bucket `{}` on {}", info.bucket, info.endpoint));
        }
        StoreStatus::Failed(error) => {
            ui.colored_label(ui.visuals().error_fg_color, error);
            if ui.button("Open Settings").clicked() {
                actions.push(Action::OpenSettings);
            }
        }
    });
}

/// Problems the worker or startup reported, each until dismissed.
pub fn notices_ui(ui: &mut Ui, notices: &[String], actions: &mut Vec<Action>) {
    for (index, notice) in notices.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            if ui.small_button("Dismiss").clicked() {
                actions.push(Action::DismissNotice(index));
            }
            ui.colored_label(ui.visuals().error_fg_color, notice);
        });
    }
}
