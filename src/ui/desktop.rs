//! The app on the desktop beyond its window: the tray icon and the global
//! shortcut. Both live on one thread of their own ("picbucket-desktop"),
//! because registering a shortcut and talking to the session bus block; the
//! window only receives [`DesktopEvent`]s and asks for changes.

use crate::library::RecordId;
use crate::ui::hotkey::{GlobalShortcut, parse_hotkey};
use crate::ui::tray::Tray;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// The panel's side of the tray protocol; without it nobody shows our icon.
const TRAY_WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// How often the desktop thread looks whether a tray host came or went.
const TRAY_HOST_CHECK: Duration = Duration::from_secs(10);

/// Something the tray or the shortcut asks of the window.
#[derive(Debug)]
pub enum DesktopEvent {
    /// The shortcut, or "Upload clipboard" in the tray menu.
    UploadClipboard,
    /// "Add images…" in the tray menu.
    AddImages,
    /// A recent upload in the tray menu: copy a freshly signed link.
    CopyRecent(RecordId),
    /// "Open picbucket", or a click on the icon.
    ShowWindow,
    /// "Quit" in the tray menu.
    Quit,
    /// Whether a tray host shows the icon, so closing the window may leave
    /// picbucket running; `false` also when there is no tray at all.
    TrayShown(bool),
    /// The shortcut after startup or a change: the problem, for Settings.
    Shortcut(Result<(), String>),
}

/// An upload in the tray's "Recent links".
#[derive(Clone, Debug, PartialEq)]
pub struct RecentLink {
    pub record: RecordId,
    pub name: String,
}

/// Sends an event to the window and wakes it (even while it is hidden).
pub type Emit = Arc<dyn Fn(DesktopEvent) + Send + Sync>;

enum Request {
    SetShortcut(String),
    SetRecent(Vec<RecentLink>),
}

/// The window's end of the desktop thread.
pub struct DesktopHandle {
    events: Receiver<DesktopEvent>,
    requests: Sender<Request>,
}

impl DesktopHandle {
    /// Starts the tray and the shortcut on their own thread.
    pub fn start(ctx: egui::Context, icon_png: &'static [u8], shortcut: String) -> std::io::Result<Self> {
        let (event_tx, events) = mpsc::channel();
        let (requests, request_rx) = mpsc::channel();
        let emit: Emit = Arc::new(move |event| {
            if event_tx.send(event).is_ok() {
                ctx.request_repaint();
            }
        });
        std::thread::Builder::new()
            .name("picbucket-desktop".into())
            .spawn(move || run(emit, icon_png, shortcut, request_rx))?;
        Ok(Self { events, requests })
    }

    /// A handle with no tray and no shortcut behind it, for tests: what is
    /// sent on the returned sender arrives as if from the desktop.
    pub fn detached() -> (Self, Sender<DesktopEvent>) {
        let (event_tx, events) = mpsc::channel();
        let (requests, _) = mpsc::channel();
        (Self { events, requests }, event_tx)
    }

    pub fn try_recv(&self) -> Option<DesktopEvent> {
        self.events.try_recv().ok()
    }

    /// Uses `text` ("Ctrl+Shift+U", "" for none) from now on; answered with [`DesktopEvent::Shortcut`].
    pub fn set_shortcut(&self, text: String) {
        let _ = self.requests.send(Request::SetShortcut(text));
    }

    pub fn set_recent(&self, links: Vec<RecentLink>) {
        let _ = self.requests.send(Request::SetRecent(links));
    }
}

/// The desktop thread: ends when the window drops its handle.
fn run(emit: Emit, icon_png: &[u8], shortcut_text: String, requests: Receiver<Request>) {
    let mut shortcut = LazyShortcut {
        started: None,
        emit: emit.clone(),
    };
    emit(DesktopEvent::Shortcut(shortcut.set(&shortcut_text)));
    let mut tray = match Tray::build(icon_png, &shortcut_text, emit.clone()) {
        Ok(tray) => Some(tray),
        Err(problem) => {
            tracing::info!(%problem, "running without a tray icon");
            None
        }
    };
    let mut probe = TrayHostProbe::default();
    let mut shown = tray.is_some() && probe.present();
    tracing::info!(tray_host = shown, "tray");
    emit(DesktopEvent::TrayShown(shown));
    loop {
        match requests.recv_timeout(TRAY_HOST_CHECK) {
            Ok(Request::SetShortcut(text)) => emit(DesktopEvent::Shortcut(shortcut.set(&text))),
            Ok(Request::SetRecent(links)) => {
                if let Some(tray) = &mut tray {
                    tray.set_recent(&links);
                }
            }
            Err(RecvTimeoutError::Timeout) if tray.is_some() => {
                let now = probe.present();
                if now != shown {
                    shown = now;
                    tracing::info!(tray_host = shown, "tray host changed");
                    emit(DesktopEvent::TrayShown(shown));
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
}

/// The shortcut, started when one is first set: global-hotkey's X11
/// backend wakes every 50 ms, which an app without a shortcut need not pay.
struct LazyShortcut {
    started: Option<Result<GlobalShortcut, String>>,
    emit: Emit,
}

impl LazyShortcut {
    fn set(&mut self, text: &str) -> Result<(), String> {
        if parse_hotkey(text)?.is_none() && self.started.is_none() {
            return Ok(());
        }
        let emit = self.emit.clone();
        let started = self.started.get_or_insert_with(|| {
            let started = GlobalShortcut::start(move || emit(DesktopEvent::UploadClipboard));
            if let Err(problem) = &started {
                tracing::info!(%problem, "running without a global shortcut");
            }
            started
        });
        match started {
            Ok(shortcut) => shortcut.set(text),
            Err(problem) => Err(problem.clone()),
        }
    }
}

/// Looks on the session bus whether a panel that shows StatusNotifierItems is there.
#[derive(Default)]
struct TrayHostProbe {
    connection: Option<zbus::blocking::Connection>,
}

impl TrayHostProbe {
    fn present(&mut self) -> bool {
        let result = (|| -> zbus::Result<bool> {
            if self.connection.is_none() {
                self.connection = Some(zbus::blocking::Connection::session()?);
            }
            let Some(connection) = &self.connection else {
                return Ok(false);
            };
            let bus = zbus::blocking::fdo::DBusProxy::new(connection)?;
            Ok(bus.name_has_owner(TRAY_WATCHER.try_into()?)?)
        })();
        result.unwrap_or_else(|error| {
            tracing::debug!(%error, "no session bus to look for a tray host on");
            self.connection = None;
            false
        })
    }
}
