//! What the user asked for this frame. Views and shortcuts push [`Action`]s;
//! the app carries them out after the whole frame is drawn, so nothing
//! changes state in the middle of layout.

use crate::core::LinkFormat;
use crate::library::RecordId;
use crate::ui::settings_view::SettingsOutcome;
use crate::ui::text::paths_from_pasted_text;
use crate::worker::JobId;
use egui::{ColorImage, Context, Key, KeyboardShortcut, Modifiers};
use std::path::PathBuf;
use std::sync::Arc;

pub const ADD_IMAGES: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const OPEN_SETTINGS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Comma);
pub const COPY_LINKS: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::C);
/// Ctrl (not Cmd) on every platform: Cmd+H hides the app on macOS.
pub const TOGGLE_HISTORY: KeyboardShortcut = KeyboardShortcut::new(Modifiers::CTRL, Key::H);

/// Which list fills the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// The files of this session, on their way up.
    #[default]
    Queue,
    /// Everything uploaded before, from the library.
    History,
}

/// What a History row's link is wanted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkUse {
    Copy(LinkFormat),
    Open,
}

/// What a History row asks for.
#[derive(Debug)]
pub enum HistoryAction {
    /// Sign (or take from the cache) the record's link, then copy or open it.
    Link {
        record: RecordId,
        name: String,
        link_use: LinkUse,
    },
    /// Ask before deleting the object from its bucket.
    AskDelete {
        record: RecordId,
        name: String,
        bucket: String,
    },
    ConfirmDelete(RecordId),
    CancelDelete,
    /// Forget the record; the object stays in its bucket.
    Remove(RecordId),
}

#[derive(Debug)]
pub enum Action {
    /// Open the file picker.
    PickFiles,
    /// Queue files or folders (dropped, pasted or picked).
    AddPaths(Vec<PathBuf>),
    /// A pasted screenshot.
    AddPastedImage(Arc<ColorImage>),
    /// Pasted text held no file paths.
    PastedNothingUsable,
    OpenSettings,
    Settings(SettingsOutcome),
    StartAll,
    ClearFinished,
    CopyAllLinks,
    Copy {
        id: JobId,
        format: LinkFormat,
    },
    Cancel(JobId),
    Retry(JobId),
    Select {
        id: JobId,
        extend: bool,
    },
    RemoveSelected,
    /// The × on a row: remove it (cancelling it if it is still running).
    Remove(JobId),
    /// Ctrl+C in the queue: copy the selected rows' links.
    CopySelected,
    DismissNotice(usize),
    ShowView(View),
    ToggleHistory,
    History(HistoryAction),
    /// Finish the uploads earlier runs left unfinished.
    ResumeUnfinished,
    /// Give them up.
    DiscardUnfinished,
    /// Make this destination the active one (and save that).
    SwitchDestination(String),
}

/// Dropped files, pasted things and keyboard shortcuts of this frame.
///
/// While a dialog is open, or a text field has the keyboard, shortcuts and
/// paste belong to that field; dropped files are always taken. The Delete
/// key removes, and Ctrl+C copies the links of, the selected queue rows only
/// while the queue is shown.
pub fn input_actions(ctx: &Context, dialog_open: bool, view: View) -> Vec<Action> {
    let mut actions = Vec::new();
    let dropped: Vec<PathBuf> = ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|file| file.path().to_path_buf())
            .filter(|path| !path.as_os_str().is_empty())
            .collect()
    });
    if !dropped.is_empty() {
        actions.push(Action::AddPaths(dropped));
    }
    if dialog_open || ctx.text_edit_focused() {
        return actions;
    }
    ctx.input_mut(|i| {
        if i.consume_shortcut(&ADD_IMAGES) {
            actions.push(Action::PickFiles);
        }
        if i.consume_shortcut(&OPEN_SETTINGS) {
            actions.push(Action::OpenSettings);
        }
        if i.consume_shortcut(&TOGGLE_HISTORY) {
            actions.push(Action::ToggleHistory);
        }
        if view == View::Queue {
            // On a Mac the key marked "delete" is Backspace.
            let backspace = cfg!(target_os = "macos") && i.consume_key(Modifiers::NONE, Key::Backspace);
            if i.consume_key(Modifiers::NONE, Key::Delete) || backspace {
                actions.push(Action::RemoveSelected);
            }
            // The desktop integration turns Ctrl+C into a Copy event; a bare
            // key event (tests, other integrations) counts the same, once.
            let copy_event = i.events.iter().any(|event| matches!(event, egui::Event::Copy));
            if i.consume_shortcut(&COPY_LINKS) || copy_event {
                actions.push(Action::CopySelected);
            }
        }
        for event in &i.events {
            match event {
                egui::Event::PasteImage(image) => actions.push(Action::AddPastedImage(image.clone())),
                egui::Event::Paste(text) => {
                    let paths = paths_from_pasted_text(text);
                    actions.push(if paths.is_empty() {
                        Action::PastedNothingUsable
                    } else {
                        Action::AddPaths(paths)
                    });
                }
                _ => {}
            }
        }
    });
    actions
}

/// Whether files are being dragged over the window right now.
pub fn files_hovering(ctx: &Context) -> usize {
    ctx.input(|i| i.raw.hovered_files.len())
}
