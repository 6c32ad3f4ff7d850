//! Desktop notifications for finished batches. Each is sent from a thread of
//! its own (the D-Bus call and the wait for a click must not hold up the
//! window); no notification server is not an error, only a line in the log.

use crate::core::paths::APP_ID;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

/// Notifications waiting for a click at once; more are not shown (each one
/// holds a thread until it is clicked or closed).
const MAX_OPEN: usize = 4;

/// Where the window's notifications go: the desktop, or a recorder in tests.
pub trait NotificationSink {
    fn notify(&mut self, body: String);
    /// Whether a notification was clicked since the last call.
    fn take_clicked(&mut self) -> bool;
}

/// Notifications through the desktop's notification server (D-Bus on Linux).
pub struct DesktopNotifications {
    ctx: egui::Context,
    clicked_tx: mpsc::Sender<()>,
    clicked_rx: mpsc::Receiver<()>,
    open: Arc<AtomicUsize>,
}

impl DesktopNotifications {
    pub fn new(ctx: egui::Context) -> Self {
        let (clicked_tx, clicked_rx) = mpsc::channel();
        Self {
            ctx,
            clicked_tx,
            clicked_rx,
            open: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl NotificationSink for DesktopNotifications {
    fn notify(&mut self, body: String) {
        if self.open.fetch_add(1, Ordering::SeqCst) >= MAX_OPEN {
            self.open.fetch_sub(1, Ordering::SeqCst);
            tracing::debug!(body, "notification not shown: too many open");
            return;
        }
        let (ctx, clicked, open) = (self.ctx.clone(), self.clicked_tx.clone(), self.open.clone());
        let spawned = std::thread::Builder::new()
            .name("picbucket-notification".into())
            .spawn(move || {
                show_and_wait(&body, || {
                    if clicked.send(()).is_ok() {
                        ctx.request_repaint();
                    }
                });
                open.fetch_sub(1, Ordering::SeqCst);
            });
        if let Err(error) = spawned {
            self.open.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!(%error, "cannot start the notification thread");
        }
    }

    fn take_clicked(&mut self) -> bool {
        self.clicked_rx.try_iter().count() > 0
    }
}

/// Shows the notification and, where the platform tells, calls `on_click`
/// when the user clicks it.
fn show_and_wait(body: &str, on_click: impl FnOnce()) {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("picbucket")
        .summary("picbucket")
        .body(body)
        .icon(APP_ID);
    #[cfg(all(unix, not(target_os = "macos")))]
    notification.action("default", "Show picbucket");
    let handle = match notification.show() {
        Ok(handle) => handle,
        Err(error) => {
            tracing::info!(%error, "no notification shown (is a notification server running?)");
            return;
        }
    };
    tracing::debug!(body, "notification shown");
    #[cfg(all(unix, not(target_os = "macos")))]
    handle.wait_for_action(|action| {
        if action == "default" {
            on_click();
        }
    });
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        drop((handle, on_click));
    }
}

/// Records notifications, for tests.
#[derive(Clone, Debug, Default)]
pub struct MemoryNotifications {
    pub shown: Arc<Mutex<Vec<String>>>,
    pub clicked: Arc<Mutex<bool>>,
}

impl MemoryNotifications {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every body shown so far, oldest first.
    pub fn bodies(&self) -> Vec<String> {
        self.shown.lock().map(|shown| shown.clone()).unwrap_or_default()
    }

    /// As if the user clicked the last notification.
    pub fn click(&self) {
        if let Ok(mut clicked) = self.clicked.lock() {
            *clicked = true;
        }
    }
}

impl NotificationSink for MemoryNotifications {
    fn notify(&mut self, body: String) {
        if let Ok(mut shown) = self.shown.lock() {
            shown.push(body);
        }
    }

    fn take_clicked(&mut self) -> bool {
        self.clicked
            .lock()
            .map(|mut clicked| std::mem::take(&mut *clicked))
            .unwrap_or(false)
    }
}
