//! Work the window hands to short-lived named threads so that `ui()` never
//! blocks: the file picker, listing a folder for the window's own file
//! browser, saving settings, converting a pasted screenshot, reading the
//! clipboard for the global shortcut.
//! Each thread sends one [`UiMessage`] back and wakes the window.

use crate::core::Config;
use crate::ui::clipboard_read::{ClipboardContent, ClipboardSource};
use crate::ui::file_browser::{Listing, list_folder};
use crate::ui::file_picker::SystemPick;
use egui::{ColorImage, Context};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};

/// Why `config.toml` is being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavePurpose {
    /// "Save" in the settings dialog: applied once written.
    Settings,
    /// Another destination chosen in the top bar: already applied.
    Destination,
}

/// A result coming back from a background thread.
#[derive(Debug)]
pub enum UiMessage {
    /// The clipboard, read for the global shortcut.
    ClipboardRead(Result<ClipboardContent, String>),
    /// The system's file dialog closed, or could not be shown.
    FilesPicked(SystemPick),
    /// A folder read for the window's own file browser.
    FolderListed(Listing),
    SettingsSaved {
        config: Box<Config>,
        result: Result<(), String>,
        purpose: SavePurpose,
    },
    PastedImageReady {
        name: String,
        width: u32,
        height: u32,
        rgba: Vec<u8>,
    },
}

const IMAGE_EXTENSIONS: [&str; 10] = ["jpg", "jpeg", "png", "gif", "webp", "JPG", "JPEG", "PNG", "GIF", "WEBP"];

pub struct OffThreadTasks {
    tx: mpsc::Sender<UiMessage>,
    rx: mpsc::Receiver<UiMessage>,
    ctx: Context,
}

impl OffThreadTasks {
    pub fn new(ctx: Context) -> Self {
        let (tx, rx) = mpsc::channel();
        Self { tx, rx, ctx }
    }

    pub fn try_recv(&self) -> Option<UiMessage> {
        self.rx.try_recv().ok()
    }

    /// Opens the native file picker. The dialog is created here (some
    /// platforms want that on the main thread) and awaited on its own thread.
    pub fn pick_files(&self, frame: &eframe::Frame) -> Result<(), String> {
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("Add images")
            // Portal globs are case-sensitive: list both spellings.
            .add_filter("Images", &IMAGE_EXTENSIONS)
            .add_filter("All files", &["*"])
            .set_parent(frame);
        let picked = dialog.pick_files();
        self.spawn("picbucket-file-dialog", move || {
            let files = pollster::block_on(picked);
            let files = files.map(|files| files.iter().map(|f| f.path().to_path_buf()).collect());
            UiMessage::FilesPicked(SystemPick::from_rfd(files))
        })
    }

    /// Reads a folder (or the start folder) for the window's own file browser.
    pub fn list_folder(&self, folder: Option<PathBuf>) -> Result<(), String> {
        self.spawn("picbucket-list-folder", move || {
            UiMessage::FolderListed(list_folder(folder))
        })
    }

    /// Writes `config.toml` (atomically, owner-only) off the UI thread.
    pub fn save_settings(&self, config: Box<Config>, path: PathBuf, purpose: SavePurpose) -> Result<(), String> {
        self.spawn("picbucket-save-settings", move || {
            let result = config.save(&path).map_err(|e| e.to_string());
            UiMessage::SettingsSaved {
                config,
                result,
                purpose,
            }
        })
    }

    /// Turns egui's (premultiplied) pasted pixels into the plain RGBA the
    /// worker saves as PNG; a screenshot can have millions of pixels.
    pub fn convert_pasted_image(&self, image: Arc<ColorImage>, name: String) -> Result<(), String> {
        self.spawn("picbucket-paste", move || {
            let [width, height] = image.size;
            let rgba = image.pixels.iter().flat_map(|p| p.to_srgba_unmultiplied()).collect();
            UiMessage::PastedImageReady {
                name,
                width: u32::try_from(width).unwrap_or(u32::MAX),
                height: u32::try_from(height).unwrap_or(u32::MAX),
                rgba,
            }
        })
    }

    /// Reads the clipboard for the global shortcut.
    pub fn read_clipboard(&self, source: Arc<dyn ClipboardSource>) -> Result<(), String> {
        self.spawn("picbucket-read-clipboard", move || {
            UiMessage::ClipboardRead(source.read())
        })
    }

    fn spawn(&self, name: &str, job: impl FnOnce() -> UiMessage + Send + 'static) -> Result<(), String> {
        let tx = self.tx.clone();
        let ctx = self.ctx.clone();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                // The window may have closed meanwhile; then nobody needs the answer.
                if tx.send(job()).is_ok() {
                    ctx.request_repaint();
                }
            })
            .map(drop)
            .map_err(|e| format!("cannot start a background thread: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_config_comes_back_as_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let background = OffThreadTasks::new(Context::default());
        background
            .save_settings(Box::new(Config::default()), path.clone(), SavePurpose::Settings)
            .unwrap();
        let message = background.rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        assert!(matches!(message, UiMessage::SettingsSaved { result: Ok(()), .. }));
        assert!(path.exists());
    }
}
