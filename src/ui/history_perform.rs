//! What the app does for History, the resume banner and the destination
//! switch: worker events folded in, and the user's actions carried out.

use crate::core::Config;
use crate::library::RecordId;
use crate::ui::actions::{HistoryAction, View};
use crate::ui::app::PicbucketApp;
use crate::ui::background::SavePurpose;
use crate::ui::desktop_perform::RECENT_TICKET;
use crate::ui::history_view::{DeleteConfirm, LinkOutcome};
use crate::ui::toast::ToastKind;
use crate::worker::{Command, Event, SignedLink};
use egui::{Context, OpenUrl};

/// Whether the worker's built-in store stays the same (then it is not restarted).
pub fn same_local_store(old: &Config, new: &Config) -> bool {
    old.storage.uses_local_store()
        && new.storage.uses_local_store()
        && old.local == new.local
        && old.storage.bucket == new.storage.bucket
}

/// A destination switch being written to `config.toml`.
#[derive(Debug, Default)]
pub struct DestinationSave {
    running: bool,
    /// Switched again meanwhile: write once more when this one is done.
    again: bool,
}

impl PicbucketApp {
    /// Events of the library: history pages, links, thumbnails, unfinished jobs.
    pub(super) fn on_history_event(&mut self, ctx: &Context, event: Event) {
        match event {
            Event::UnfinishedFound(jobs) => self.unfinished = jobs,
            Event::ResumeClaimed { count: 0 } => {
                self.toasts.show(
                    ctx,
                    "Nothing was left to resume: another picbucket took it",
                    ToastKind::Info,
                );
            }
            Event::ResumeClaimed { count } => {
                let text = if count == 1 {
                    "Resuming 1 upload".to_owned()
                } else {
                    format!("Resuming {count} uploads")
                };
                self.toasts.show(ctx, text, ToastKind::Info);
            }
            Event::HistoryChanged => {
                self.refresh_recent_links();
                self.history.on_history_changed();
                ctx.request_repaint();
            }
            Event::HistoryPage { records, ticket, .. } if ticket == RECENT_TICKET => self.recent_links_arrived(records),
            Event::HistoryPage { ticket, total, records } => self.history.on_page(ticket, total, records),
            Event::RecordLink { record, link } => self.on_record_link(ctx, record, link),
            Event::RecordDeleted { record, name } => {
                self.history.on_deleted(record);
                self.toasts
                    .show(ctx, format!("{name} was deleted from its bucket"), ToastKind::Info);
            }
            Event::RecordThumbnail { record, thumbnail } => self.history.on_thumbnail(ctx, record, &thumbnail),
            // The app routes only the events above here.
            _ => {}
        }
    }

    fn on_record_link(&mut self, ctx: &Context, record: RecordId, link: Result<SignedLink, String>) {
        match self.history.on_link(record, link) {
            None => {}
            Some(LinkOutcome::Copy(text)) => match self.clipboard.set_text(text) {
                Ok(()) => self.toasts.show(ctx, "Link copied", ToastKind::Info),
                Err(error) => self
                    .toasts
                    .show(ctx, format!("Could not copy: {error}"), ToastKind::Error),
            },
            Some(LinkOutcome::Open(url)) => ctx.open_url(OpenUrl::new_tab(url)),
            Some(LinkOutcome::Failed(error)) => {
                self.toasts.show(ctx, format!("No link: {error}"), ToastKind::Error);
            }
        }
    }

    pub(super) fn history_action(&mut self, ctx: &Context, action: HistoryAction) {
        match action {
            HistoryAction::Link { record, name, link_use } => self.history.request_link(record, name, link_use),
            HistoryAction::AskDelete { record, name, bucket } => {
                self.history.confirm_delete = Some(DeleteConfirm { record, name, bucket });
            }
            HistoryAction::ConfirmDelete(record) => {
                if self.history.confirm_delete.take().is_some_and(|c| c.record == record) {
                    self.worker.send(Command::DeleteRemote(record));
                }
            }
            HistoryAction::CancelDelete => self.history.confirm_delete = None,
            HistoryAction::Remove(record) => {
                self.worker.send(Command::RemoveRecord(record));
                self.toasts.show(
                    ctx,
                    "Removed from the history; the file stays in its bucket",
                    ToastKind::Info,
                );
            }
        }
    }

    /// Resume (or discard) what earlier runs left unfinished; the banner goes.
    pub(super) fn unfinished_action(&mut self, resume: bool) {
        let ids: Vec<RecordId> = self.unfinished.drain(..).map(|job| job.record).collect();
        if ids.is_empty() {
            return;
        }
        if resume {
            self.worker.send(Command::ResumeUnfinished(ids));
            self.view = View::Queue;
        } else {
            self.worker.send(Command::DiscardUnfinished(ids));
        }
    }

    /// Makes `name` the active destination now, and writes that to
    /// `config.toml` off the UI thread. Queued files keep their destination:
    /// the worker binds each job when it is queued.
    pub(super) fn switch_destination(&mut self, ctx: &Context, name: &str) {
        let mut config = self.config.clone();
        if name == config.profile || !config.switch_profile(name) {
            return;
        }
        self.apply_config(config);
        self.toasts
            .show(ctx, format!("New uploads go to {name}"), ToastKind::Info);
        if self.destination_save.running {
            self.destination_save.again = true;
        } else {
            self.save_destination();
        }
    }

    /// Keeps the region the server asked for in that destination's settings
    /// (once: later uploads report the same region, which is then in them).
    pub(super) fn region_corrected(&mut self, ctx: &Context, profile: &str, region: String) {
        let settings = if profile == self.config.profile {
            Some(&mut self.config.storage)
        } else {
            self.config.other_profiles.get_mut(profile)
        };
        let Some(settings) = settings.filter(|settings| settings.region != region) else {
            return;
        };
        let text = format!("Region of {profile} set to `{region}`, the region its server asked for");
        settings.region = region;
        self.toasts.show(ctx, text, ToastKind::Info);
        if self.destination_save.running {
            self.destination_save.again = true;
        } else {
            self.save_destination();
        }
    }

    fn save_destination(&mut self) {
        let config = Box::new(self.config.clone());
        match self
            .background
            .save_settings(config, self.config_path.clone(), SavePurpose::Destination)
        {
            Ok(()) => self.destination_save.running = true,
            Err(error) => self.destination_not_saved(error),
        }
    }

    pub(super) fn destination_saved(&mut self, result: Result<(), String>) {
        self.destination_save.running = false;
        if std::mem::take(&mut self.destination_save.again) {
            self.save_destination();
        } else if let Err(error) = result {
            self.destination_not_saved(error);
        }
    }

    fn destination_not_saved(&mut self, error: String) {
        self.notices.push(format!(
            "{} is used until picbucket closes, but the choice was not saved: {error}",
            self.config.profile
        ));
    }

    /// Uses `config` from now on: the worker gets it at once.
    pub(super) fn apply_config(&mut self, config: Config) {
        if !same_local_store(&self.config, &config) {
            self.queue.set_connecting();
        }
        self.queue.set_starts_automatically(config.ui.auto_upload);
        self.worker.send(Command::ApplySettings(Box::new(config.clone())));
        if config.ui.global_hotkey != self.config.ui.global_hotkey
            && let Some(desktop) = &self.desktop
        {
            desktop.set_shortcut(config.ui.global_hotkey.clone());
        }
        self.config = config;
    }
}
