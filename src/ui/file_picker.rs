//! "Add images…": the system's file dialog where there is one, otherwise the
//! window's own browser ([`FileBrowser`]), never nothing.
//!
//! How the window knows there is no system dialog: it asks rfd, whose Linux
//! backend tries the desktop portal (D-Bus) and then `zenity`, and answers
//! `None` only when neither could show a dialog (a cancelled dialog answers
//! an empty list). Both failures are quick (no session bus, service unknown,
//! no `zenity` on PATH), so no check of its own is made first. After one
//! failure the window goes straight to its own browser for the rest of the
//! run. `PICBUCKET_FILE_DIALOG=builtin` asks for the window's browser always.

use crate::ui::app::PicbucketApp;
use crate::ui::file_browser::{BrowserOutcome, FileBrowser, Listing};
use crate::ui::toast::ToastKind;
use egui::Context;
use std::path::PathBuf;

/// Environment variable that chooses the window's own file browser (`builtin`).
pub const FILE_DIALOG_ENV: &str = "PICBUCKET_FILE_DIALOG";

/// What the system's file dialog answered.
#[derive(Debug, PartialEq, Eq)]
pub enum SystemPick {
    Picked(Vec<PathBuf>),
    Cancelled,
    /// No dialog could be shown (no portal, no zenity).
    Unavailable,
}

impl SystemPick {
    /// Reads rfd's answer. Its Linux backend returns `None` only when no
    /// dialog could be shown; elsewhere `None` is a cancelled dialog.
    pub fn from_rfd(files: Option<Vec<PathBuf>>) -> Self {
        match files {
            Some(files) if files.is_empty() => Self::Cancelled,
            Some(files) => Self::Picked(files),
            None if cfg!(any(target_os = "windows", target_os = "macos")) => Self::Cancelled,
            None => Self::Unavailable,
        }
    }
}

/// Which file picker "Add images…" opens, and the window's browser while open.
#[derive(Debug, Default)]
pub struct PickerState {
    /// The system dialog failed once, or the window's browser was asked for.
    use_builtin: bool,
    /// Where the window's browser opens next (the last folder it showed).
    start: Option<PathBuf>,
    pub browser: Option<FileBrowser>,
    /// The system dialog is open.
    pub system_open: bool,
}

impl PickerState {
    /// The window's own browser, starting in `start` (else Pictures or home).
    pub fn builtin(start: Option<PathBuf>) -> Self {
        Self {
            use_builtin: true,
            start,
            ..Self::default()
        }
    }

    /// From `PICBUCKET_FILE_DIALOG`: `builtin` chooses the window's browser.
    pub fn from_env() -> Self {
        match std::env::var(FILE_DIALOG_ENV) {
            Ok(value) if value.trim().eq_ignore_ascii_case("builtin") => Self::builtin(None),
            _ => Self::default(),
        }
    }

    /// A picker of either kind is open.
    pub fn is_open(&self) -> bool {
        self.system_open || self.browser.is_some()
    }
}

impl PicbucketApp {
    /// "Add images…" or Ctrl+O.
    pub(super) fn pick_files(&mut self, ctx: &Context, frame: &eframe::Frame) {
        if self.picker.is_open() {
            return;
        }
        if self.picker.use_builtin {
            self.open_file_browser(ctx);
            return;
        }
        match self.background.pick_files(frame) {
            Ok(()) => self.picker.system_open = true,
            Err(error) => {
                tracing::warn!(%error, "the system file dialog could not be started; using the window's own");
                self.picker.use_builtin = true;
                self.open_file_browser(ctx);
            }
        }
    }

    pub(super) fn system_picked(&mut self, ctx: &Context, pick: SystemPick) {
        self.picker.system_open = false;
        match pick {
            SystemPick::Picked(paths) => {
                tracing::info!(files = paths.len(), "files picked in the system file dialog");
                self.add_paths(paths);
            }
            SystemPick::Cancelled => {}
            SystemPick::Unavailable => {
                tracing::warn!(
                    "no system file dialog (no desktop portal answered and zenity is not installed); \
                     using the window's own file browser"
                );
                self.picker.use_builtin = true;
                self.open_file_browser(ctx);
            }
        }
    }

    fn open_file_browser(&mut self, ctx: &Context) {
        tracing::info!("opening the window's own file browser");
        let start = self.picker.start.clone();
        self.picker.browser = Some(FileBrowser::new(start.clone()));
        self.list_folder(ctx, start);
    }

    fn list_folder(&mut self, ctx: &Context, folder: Option<PathBuf>) {
        if let Err(error) = self.background.list_folder(folder) {
            self.picker.browser = None;
            self.toasts.show(ctx, error, ToastKind::Error);
        }
    }

    pub(super) fn folder_listed(&mut self, listing: Listing) {
        if let Some(browser) = &mut self.picker.browser {
            browser.listed(listing);
        }
    }

    /// Draws the window's browser while open and acts on its answer.
    pub(super) fn file_browser_ui(&mut self, ctx: &Context) {
        let Some(browser) = &mut self.picker.browser else {
            return;
        };
        let Some(outcome) = browser.show(ctx) else { return };
        match outcome {
            BrowserOutcome::List(folder) => self.list_folder(ctx, Some(folder)),
            BrowserOutcome::Add(paths) => {
                self.close_file_browser();
                tracing::info!(files = paths.len(), "files picked in the window's file browser");
                self.add_paths(paths);
            }
            BrowserOutcome::Cancel => self.close_file_browser(),
        }
    }

    fn close_file_browser(&mut self) {
        if let Some(browser) = self.picker.browser.take() {
            self.picker.start = browser.folder().map(PathBuf::from);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfd_answers_map_to_picked_cancelled_or_unavailable() {
        let files = vec![PathBuf::from("/a.png")];
        assert_eq!(SystemPick::from_rfd(Some(files.clone())), SystemPick::Picked(files));
        assert_eq!(SystemPick::from_rfd(Some(Vec::new())), SystemPick::Cancelled);
        let none = SystemPick::from_rfd(None);
        if cfg!(any(target_os = "windows", target_os = "macos")) {
            assert_eq!(none, SystemPick::Cancelled);
        } else {
            assert_eq!(none, SystemPick::Unavailable);
        }
    }
}
