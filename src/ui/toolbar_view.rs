//! The top of the window: toolbar, where uploads go, and problems to read.

use crate::core::Config;
use crate::ui::actions::{ADD_IMAGES, Action, OPEN_SETTINGS, TOGGLE_HISTORY, View};
use crate::ui::state::StoreStatus;
use egui::{Align, Button, ComboBox, Layout, RichText, Ui};

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
    pub view: View,
}

pub fn toolbar_ui(ui: &mut Ui, state: ToolbarState, config: &Config, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        view_switch_ui(ui, state.view, actions);
        ui.separator();
        let add = ui
            .add_enabled(!state.picking_files, Button::new("Add images…"))
            .on_hover_text(format!(
                "Choose image files ({})",
                ui.ctx().format_shortcut(&ADD_IMAGES)
            ));
        if add.clicked() {
            actions.push(Action::PickFiles);
        }
        if state.view == View::Queue {
            queue_buttons_ui(ui, state, actions);
        }
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let settings = ui.button("Settings").on_hover_text(format!(
                "Storage and upload settings ({})",
                ui.ctx().format_shortcut(&OPEN_SETTINGS)
            ));
            if settings.clicked() {
                actions.push(Action::OpenSettings);
            }
            destination_ui(ui, config, actions);
        });
    });
}

/// "Upload queue" | "History".
fn view_switch_ui(ui: &mut Ui, current: View, actions: &mut Vec<Action>) {
    let shortcut = ui.ctx().format_shortcut(&TOGGLE_HISTORY);
    for (view, text, hint) in [
        (View::Queue, "Upload queue", "The files of this session"),
        (View::History, "History", "Everything uploaded before"),
    ] {
        let button = ui.selectable_label(current == view, text);
        if button.on_hover_text(format!("{hint} ({shortcut})")).clicked() && current != view {
            actions.push(Action::ShowView(view));
        }
    }
}

/// The active destination, when there is more than one to choose from.
/// Files already queued keep the destination they were queued for.
fn destination_ui(ui: &mut Ui, config: &Config, actions: &mut Vec<Action>) {
    let names = config.profile_names();
    if names.len() < 2 {
        return;
    }
    // Right to left: the box first, its label after.
    let combo = ComboBox::from_id_salt("active-destination")
        .selected_text(config.profile.as_str())
        .show_ui(ui, |ui| {
            for name in &names {
                if ui.selectable_label(*name == config.profile, *name).clicked() && *name != config.profile {
                    actions.push(Action::SwitchDestination((*name).to_owned()));
                }
            }
        });
    let label = ui.label("Upload to");
    combo
        .response
        .labelled_by(label.id)
        .on_hover_text("Where new uploads go; files already queued keep theirs");
}

fn queue_buttons_ui(ui: &mut Ui, state: ToolbarState, actions: &mut Vec<Action>) {
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
