//! What the app does for the tray and the global shortcut: upload the
//! clipboard and copy the links, keep running hidden when the window is
//! closed, keep the tray's recent links current. Runs in `logic()`, which
//! eframe calls even while the window is hidden.

use crate::core::{LinkFormat, LinkText};
use crate::library::{HistoryQuery, UploadRecord};
use crate::ui::actions::LinkUse;
use crate::ui::actions::View;
use crate::ui::app::PicbucketApp;
use crate::ui::clipboard_read::ClipboardContent;
use crate::ui::desktop::{DesktopEvent, RecentLink};
use crate::ui::state::RowStatus;
use crate::ui::text::clipboard_image_name;
use crate::ui::toast::ToastKind;
use crate::ui::tray::RECENT_LINKS;
use crate::worker::{Command, FolderMode};
use egui::{Context, ViewportCommand};

/// The history page ticket of the tray's recent links (the History view's
/// tickets count up from 0 and never reach it).
pub const RECENT_TICKET: u64 = u64::MAX;

/// The tray's "Recent links": asked for one at a time.
#[derive(Debug, Default)]
pub struct RecentLinks {
    in_flight: bool,
    /// Something changed while a query was running: ask again when it answers.
    stale: bool,
    pub(super) links: Vec<RecentLink>,
}

impl PicbucketApp {
    /// Desktop events, the close button, and the shortcut's uploads.
    pub(super) fn desktop_logic(&mut self, ctx: &Context, frame: &eframe::Frame) {
        while let Some(event) = self.desktop.as_ref().and_then(|desktop| desktop.try_recv()) {
            self.on_desktop_event(ctx, frame, event);
        }
        self.close_to_tray(ctx);
        self.finish_hotkey_uploads(ctx);
    }

    fn on_desktop_event(&mut self, ctx: &Context, frame: &eframe::Frame, event: DesktopEvent) {
        tracing::debug!(?event, "desktop");
        match event {
            DesktopEvent::UploadClipboard => {
                if let Err(error) = self.background.read_clipboard(self.clipboard_source.clone()) {
                    self.tell(ctx, error);
                }
            }
            DesktopEvent::AddImages => {
                show_window(ctx);
                self.view = View::Queue;
                self.pick_files(ctx, frame);
            }
            DesktopEvent::CopyRecent(record) => {
                let name = self.recent.links.iter().find(|link| link.record == record);
                let name = name.map_or_else(|| "the upload".to_owned(), |link| link.name.clone());
                // The tray copies in the chosen format; a custom template needs the
                // image's size, which the record has but the History link path
                // does not take, so it falls back to the plain URL.
                let format = match self.copy_format() {
                    LinkText::Format(format) => format,
                    LinkText::Template(_) => LinkFormat::Url,
                };
                self.history.request_link(record, name, LinkUse::Copy(format));
            }
            DesktopEvent::ShowWindow => show_window(ctx),
            DesktopEvent::Quit => {
                self.quitting = true;
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            DesktopEvent::TrayShown(shown) => {
                self.tray_shown = shown;
                if shown {
                    self.refresh_recent_links();
                }
            }
            DesktopEvent::Shortcut(result) => {
                if let Err(problem) = &result {
                    tracing::warn!(%problem, "global shortcut");
                }
                self.shortcut_problem = result.err();
                if let Some(settings) = &mut self.settings {
                    settings.set_shortcut_problem(self.shortcut_problem.clone(), &self.config.ui.global_hotkey);
                }
            }
        }
    }

    /// The clipboard was read for the shortcut: queue what it held.
    pub(super) fn clipboard_read(&mut self, ctx: &Context, content: Result<ClipboardContent, String>) {
        self.hotkey_uploads.new_press();
        match content {
            Ok(ClipboardContent::Image { width, height, rgba }) => {
                let now = time::OffsetDateTime::now_utc().to_offset(self.utc_offset);
                let name = clipboard_image_name(now);
                self.hotkey_uploads.expect_image(name.clone());
                self.worker.send(Command::AddPixels {
                    name,
                    width,
                    height,
                    rgba,
                });
            }
            Ok(ClipboardContent::Files(paths)) => {
                self.hotkey_uploads.expect_files(&paths);
                self.worker.send(Command::AddFiles {
                    paths,
                    folders: FolderMode::Flat,
                });
            }
            Ok(ClipboardContent::Nothing) => self.tell(
                ctx,
                "Nothing to upload: the clipboard holds no image. Copy a screenshot or image files, then press the shortcut again"
                    .to_owned(),
            ),
            Err(problem) => self.tell(ctx, format!("Nothing uploaded: {problem}")),
        }
    }

    /// When the rows of a shortcut press have all ended, their links go on
    /// the clipboard (in the format of Settings).
    fn finish_hotkey_uploads(&mut self, ctx: &Context) {
        let queue = &self.queue;
        let waiting = self
            .hotkey_uploads
            .jobs()
            .iter()
            .any(|&id| matches!(queue.row(id).map(|row| &row.status), Some(RowStatus::Ready)));
        if waiting {
            // The shortcut means "upload now", even when uploads wait for the Upload button.
            self.worker.send(Command::StartAll);
        }
        let Some(uploaded) = self
            .hotkey_uploads
            .take_finished(|id| queue.row(id).map(|row| &row.status))
        else {
            return;
        };
        if !uploaded.is_empty() {
            self.hotkey_link_copied = true;
            self.request_copy(ctx, uploaded, self.copy_format());
        }
    }

    /// The close button hides the window while a tray icon is shown, unless
    /// Quit was chosen or Settings say otherwise.
    fn close_to_tray(&mut self, ctx: &Context) {
        if !ctx.input(|i| i.viewport().close_requested()) {
            return;
        }
        if self.quitting || !self.tray_shown || !self.config.ui.keep_in_tray {
            return;
        }
        ctx.send_viewport_cmd(ViewportCommand::CancelClose);
        ctx.send_viewport_cmd(ViewportCommand::Visible(false));
        tracing::info!("window closed to the tray");
        if !self.told_about_tray {
            self.told_about_tray = true;
            self.notifications
                .notify("picbucket keeps running in the tray; choose Quit in its menu to end it".to_owned());
        }
    }

    /// Asks for the newest uploads for the tray menu (one query at a time).
    pub(super) fn refresh_recent_links(&mut self) {
        if !self.tray_shown || self.desktop.is_none() {
            return;
        }
        if self.recent.in_flight {
            self.recent.stale = true;
            return;
        }
        self.recent.in_flight = true;
        self.worker.send(Command::QueryHistory {
            query: HistoryQuery {
                limit: RECENT_LINKS as u32,
                ..HistoryQuery::default()
            },
            ticket: RECENT_TICKET,
        });
    }

    pub(super) fn recent_links_arrived(&mut self, records: Vec<UploadRecord>) {
        self.recent.in_flight = false;
        let links: Vec<RecentLink> = records
            .into_iter()
            .map(|record| RecentLink {
                record: record.id,
                name: record.file_name,
            })
            .collect();
        if links != self.recent.links
            && let Some(desktop) = &self.desktop
        {
            desktop.set_recent(links.clone());
        }
        self.recent.links = links;
        if std::mem::take(&mut self.recent.stale) {
            self.refresh_recent_links();
        }
    }

    /// A message for someone who may not be looking at the window: a toast,
    /// and a notification while the window is in the background.
    fn tell(&mut self, ctx: &Context, text: String) {
        if !self.window_in_front(ctx) && self.config.ui.notify_when_done {
            self.notifications.notify(text.clone());
        }
        self.toasts.show(ctx, text, ToastKind::Info);
    }
}

/// Brings the window back from the tray (or from behind other windows).
pub fn show_window(ctx: &Context) {
    ctx.send_viewport_cmd(ViewportCommand::Visible(true));
    ctx.send_viewport_cmd(ViewportCommand::Minimized(false));
    ctx.send_viewport_cmd(ViewportCommand::Focus);
}
