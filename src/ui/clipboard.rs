//! Where "Copy" puts text: one long-lived system clipboard, or a recorder in tests.

use std::sync::{Arc, Mutex};

/// Receives copied text.
pub trait ClipboardSink {
    fn set_text(&mut self, text: String) -> Result<(), String>;
}

/// The system clipboard through one `arboard::Clipboard` kept for the app's
/// lifetime (on Linux the copying app serves the clipboard). When arboard is
/// unavailable (no display server reachable), text goes through egui's own
/// clipboard output instead, which eframe hands to the platform.
pub struct SystemClipboard {
    arboard: Option<arboard::Clipboard>,
    ctx: egui::Context,
}

impl SystemClipboard {
    pub fn new(ctx: egui::Context) -> Self {
        let arboard = match arboard::Clipboard::new() {
            Ok(clipboard) => Some(clipboard),
            Err(error) => {
                tracing::info!(%error, "system clipboard unavailable; copying through egui");
                None
            }
        };
        Self { arboard, ctx }
    }
}

impl ClipboardSink for SystemClipboard {
    fn set_text(&mut self, text: String) -> Result<(), String> {
        if let Some(clipboard) = &mut self.arboard {
            match clipboard.set_text(text.clone()) {
                Ok(()) => return Ok(()),
                Err(error) => tracing::warn!(%error, "system clipboard refused the text; copying through egui"),
            }
        }
        self.ctx.copy_text(text);
        Ok(())
    }
}

/// Records copied text, for tests.
#[derive(Clone, Debug, Default)]
pub struct MemoryClipboard {
    pub copied: Arc<Mutex<Vec<String>>>,
}

impl MemoryClipboard {
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything copied so far, oldest first.
    pub fn texts(&self) -> Vec<String> {
        self.copied.lock().map(|texts| texts.clone()).unwrap_or_default()
    }
}

impl ClipboardSink for MemoryClipboard {
    fn set_text(&mut self, text: String) -> Result<(), String> {
        self.copied
            .lock()
            .map_err(|_| "the test clipboard is poisoned".to_owned())?
            .push(text);
        Ok(())
    }
}
