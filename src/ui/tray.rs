//! The tray icon and its menu (tray-icon with its StatusNotifierItem backend
//! on Linux: D-Bus, no GTK). Lives on the desktop thread: muda's menus are
//! not `Send`.

use crate::library::RecordId;
use crate::ui::desktop::{DesktopEvent, Emit, RecentLink};
use tray_icon::menu::{IsMenuItem, MenuEvent, MenuId, MenuItem, PredefinedMenuItem, Submenu};
use tray_icon::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};

const UPLOAD_CLIPBOARD: &str = "upload-clipboard";
const ADD_IMAGES: &str = "add-images";
const OPEN: &str = "open";
const QUIT: &str = "quit";
const RECENT_PREFIX: &str = "recent:";
/// Shown in the tray menu.
pub const RECENT_LINKS: usize = 5;

/// The icon on the panel, kept alive with its menu.
pub struct Tray {
    _icon: TrayIcon,
    recent: Submenu,
    recent_items: Vec<MenuItem>,
}

impl Tray {
    /// Puts the icon on the session bus. Fails without a D-Bus session
    /// (a bare X server): the app then runs without a tray.
    pub fn build(icon_png: &[u8], shortcut: &str, emit: Emit) -> Result<Self, String> {
        let icon = tray_icon_image(icon_png)?;
        let menu = tray_icon::menu::Menu::new();
        let upload_label = if shortcut.trim().is_empty() {
            "Upload clipboard".to_owned()
        } else {
            format!("Upload clipboard ({})", shortcut.trim())
        };
        let recent = Submenu::with_id("recent", "Recent links", true);
        let items: [&dyn IsMenuItem; 6] = [
            &MenuItem::with_id(UPLOAD_CLIPBOARD, upload_label, true, None),
            &MenuItem::with_id(ADD_IMAGES, "Add images…", true, None),
            &recent,
            &PredefinedMenuItem::separator(),
            &MenuItem::with_id(OPEN, "Open picbucket", true, None),
            &MenuItem::with_id(QUIT, "Quit", true, None),
        ];
        menu.append_items(&items)
            .map_err(|error| format!("the tray menu could not be made ({error})"))?;
        let menu_emit = emit.clone();
        MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
            if let Some(event) = menu_event(&event.id) {
                menu_emit(event);
            }
        }));
        TrayIconEvent::set_event_handler(Some(move |event: TrayIconEvent| {
            // A left click (the StatusNotifierItem's Activate) opens the window.
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                emit(DesktopEvent::ShowWindow);
            }
        }));
        let tray_icon = TrayIconBuilder::new()
            .with_id("picbucket")
            .with_title("picbucket")
            .with_tooltip("picbucket: upload images and copy their links")
            .with_icon(icon)
            .with_menu(Box::new(menu))
            .build()
            .map_err(|error| format!("no tray icon ({error})"))?;
        let mut tray = Self {
            _icon: tray_icon,
            recent,
            recent_items: Vec::new(),
        };
        tray.set_recent(&[]);
        Ok(tray)
    }

    /// Shows these uploads under "Recent links", newest first.
    pub fn set_recent(&mut self, links: &[RecentLink]) {
        for item in self.recent_items.drain(..) {
            if let Err(error) = self.recent.remove(&item) {
                tracing::debug!(%error, "a recent link stayed in the tray menu");
            }
        }
        let items: Vec<MenuItem> = if links.is_empty() {
            vec![MenuItem::new("No uploads yet", false, None)]
        } else {
            links
                .iter()
                .take(RECENT_LINKS)
                .map(|link| MenuItem::with_id(format!("{RECENT_PREFIX}{}", link.record), &link.name, true, None))
                .collect()
        };
        for item in &items {
            if let Err(error) = self.recent.append(item) {
                tracing::debug!(%error, "a recent link could not be put in the tray menu");
            }
        }
        self.recent_items = items;
    }
}

/// What a click on the menu item `id` asks for.
fn menu_event(id: &MenuId) -> Option<DesktopEvent> {
    match id.0.as_str() {
        UPLOAD_CLIPBOARD => Some(DesktopEvent::UploadClipboard),
        ADD_IMAGES => Some(DesktopEvent::AddImages),
        OPEN => Some(DesktopEvent::ShowWindow),
        QUIT => Some(DesktopEvent::Quit),
        other => other
            .strip_prefix(RECENT_PREFIX)
            .and_then(|record| record.parse::<RecordId>().ok())
            .map(DesktopEvent::CopyRecent),
    }
}

/// The app icon at the size panels use.
fn tray_icon_image(png: &[u8]) -> Result<tray_icon::Icon, String> {
    let image = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|error| format!("the tray icon could not be decoded ({error})"))?
        .thumbnail(64, 64)
        .into_rgba8();
    let (width, height) = image.dimensions();
    tray_icon::Icon::from_rgba(image.into_raw(), width, height)
        .map_err(|error| format!("the tray icon was refused ({error})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_map_to_their_events() {
        assert!(matches!(menu_event(&MenuId::new(QUIT)), Some(DesktopEvent::Quit)));
        assert!(matches!(
            menu_event(&MenuId::new(UPLOAD_CLIPBOARD)),
            Some(DesktopEvent::UploadClipboard)
        ));
        assert!(matches!(
            menu_event(&MenuId::new("recent:42")),
            Some(DesktopEvent::CopyRecent(42))
        ));
        assert!(menu_event(&MenuId::new("recent:x")).is_none());
        assert!(menu_event(&MenuId::new("recent")).is_none());
    }
}
