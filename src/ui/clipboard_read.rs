//! Reading what the hotkey uploads: an image on the clipboard (a screenshot)
//! or image files copied in a file manager. Runs off the UI thread: asking
//! the clipboard owner for its data is a round trip to another program.

use std::path::PathBuf;
use std::sync::Arc;

/// What the clipboard held.
#[derive(Debug)]
pub enum ClipboardContent {
    /// Pixels (a screenshot, an image copied from a browser): RGBA8, not premultiplied.
    Image { width: u32, height: u32, rgba: Vec<u8> },
    /// Files copied in a file manager (folders left out).
    Files(Vec<PathBuf>),
    /// Text or nothing: no image to upload.
    Nothing,
}

/// Where the hotkey reads from: the system clipboard, or a fixed content in tests.
pub trait ClipboardSource: Send + Sync {
    /// Blocking; called on a background thread.
    fn read(&self) -> Result<ClipboardContent, String>;
}

/// The system clipboard through arboard. Copied files come first: a file
/// manager offers both the files and, sometimes, a preview image of the first.
pub struct SystemClipboardSource;

impl ClipboardSource for SystemClipboardSource {
    fn read(&self) -> Result<ClipboardContent, String> {
        let mut clipboard = arboard::Clipboard::new()
            .map_err(|error| format!("the clipboard could not be read ({error}); is a desktop session running?"))?;
        if let Ok(paths) = clipboard.get().file_list() {
            let files: Vec<PathBuf> = paths.into_iter().filter(|path| path.is_file()).collect();
            if !files.is_empty() {
                return Ok(ClipboardContent::Files(files));
            }
        }
        match clipboard.get_image() {
            Ok(image) => Ok(ClipboardContent::Image {
                width: u32::try_from(image.width).map_err(|_| "the copied image is too large".to_owned())?,
                height: u32::try_from(image.height).map_err(|_| "the copied image is too large".to_owned())?,
                rgba: image.bytes.into_owned(),
            }),
            Err(arboard::Error::ContentNotAvailable) => Ok(ClipboardContent::Nothing),
            Err(error) => Err(format!("the clipboard could not be read ({error})")),
        }
    }
}

/// A clipboard that always holds the same thing, for tests.
pub struct FixedClipboardSource(pub Arc<dyn Fn() -> Result<ClipboardContent, String> + Send + Sync>);

impl ClipboardSource for FixedClipboardSource {
    fn read(&self) -> Result<ClipboardContent, String> {
        (self.0)()
    }
}
