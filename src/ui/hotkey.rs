//! The system-wide shortcut that uploads the clipboard (global-hotkey: an X11
//! key grab on Linux, so it works while another program has the focus).

use global_hotkey::hotkey::HotKey;
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};
use std::str::FromStr;

/// Reads a shortcut as Settings shows it ("Ctrl+Shift+U"); `Ok(None)` when
/// empty (no shortcut). The error is a sentence for the Settings dialog.
pub fn parse_hotkey(text: &str) -> Result<Option<HotKey>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    HotKey::from_str(text).map(Some).map_err(|_| {
        format!("\u{201c}{text}\u{201d} is not a shortcut: write the modifiers, then one key, like Ctrl+Shift+U")
    })
}

/// The registered shortcut and the grab behind it.
pub struct GlobalShortcut {
    manager: GlobalHotKeyManager,
    current: Option<HotKey>,
}

impl GlobalShortcut {
    /// Starts listening; `on_press` runs on global-hotkey's own thread for
    /// each press. Once per process: global-hotkey keeps the first handler.
    pub fn start(on_press: impl Fn() + Send + Sync + 'static) -> Result<Self, String> {
        if cfg!(target_os = "linux") && std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
            return Err("a global shortcut needs an X11 session (DISPLAY is not set)".to_owned());
        }
        let manager =
            GlobalHotKeyManager::new().map_err(|error| format!("global shortcuts are unavailable ({error})"))?;
        GlobalHotKeyEvent::set_event_handler(Some(move |event: GlobalHotKeyEvent| {
            if event.state() == HotKeyState::Pressed {
                on_press();
            }
        }));
        Ok(Self { manager, current: None })
    }

    /// Replaces the shortcut with `text` ("" removes it). Blocking (an X
    /// round trip): called on the desktop thread, never the UI thread.
    pub fn set(&mut self, text: &str) -> Result<(), String> {
        let wanted = parse_hotkey(text)?;
        if wanted == self.current {
            return Ok(());
        }
        if let Some(old) = self.current.take()
            && let Err(error) = self.manager.unregister(old)
        {
            tracing::warn!(%error, "the old shortcut could not be released");
        }
        let Some(hotkey) = wanted else { return Ok(()) };
        match self.manager.register(hotkey) {
            Ok(()) => {
                self.current = Some(hotkey);
                tracing::info!(shortcut = text.trim(), "global shortcut registered");
                Ok(())
            }
            Err(global_hotkey::Error::AlreadyRegistered(_)) => Err(format!(
                "{} is taken by another program; choose another shortcut in Settings",
                text.trim()
            )),
            Err(error) => Err(format!("{} could not be set up as a shortcut ({error})", text.trim())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_hotkey;
    use global_hotkey::hotkey::{Code, HotKey, Modifiers};

    #[test]
    fn settings_spelling_is_read_as_the_same_key() {
        let expected = HotKey::new(Some(Modifiers::CONTROL | Modifiers::SHIFT), Code::KeyU);
        assert_eq!(parse_hotkey("Ctrl+Shift+U"), Ok(Some(expected)));
        assert_eq!(parse_hotkey(" ctrl+shift+u "), Ok(Some(expected)));
        assert_eq!(parse_hotkey(""), Ok(None));
    }

    #[test]
    fn a_shortcut_without_a_key_is_explained() {
        let error = parse_hotkey("Ctrl+Shift+").unwrap_err();
        assert!(
            error.contains("Ctrl+Shift+") && error.contains("like Ctrl+Shift+U"),
            "{error}"
        );
        assert!(parse_hotkey("Ctrl+Shift+U+I").is_err());
    }
}
