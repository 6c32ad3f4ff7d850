//! What the app does with worker events, background results and user
//! actions: the only place that sends commands to the worker.

use crate::core::{LinkFormat, LinkInfo, LinkText};
use crate::ui::actions::{Action, View};
use crate::ui::app::PicbucketApp;
use crate::ui::background::{SavePurpose, UiMessage};
use crate::ui::settings_view::{SettingsOutcome, SettingsView};
use crate::ui::state::{QueueFollowup, RowStatus};
use crate::ui::text::{FolderScanText, clipboard_image_name, link_needs_refresh};
use crate::ui::thumbs::MAX_TEXTURES;
use crate::ui::toast::ToastKind;
use crate::worker::{Command, Event, FolderMode, JobId};
use egui::Context;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// Problems kept on display; the oldest make room for new ones.
const MAX_NOTICES: usize = 5;

/// How long a copy waits for renewed links before copying what it has.
const RESIGN_WAIT_SECS: f64 = 5.0;

/// A copy waiting for the worker to sign fresh links.
#[derive(Debug)]
pub struct PendingCopy {
    ids: Vec<JobId>,
    format: LinkText,
    awaiting: BTreeSet<JobId>,
    /// `InputState::time` after which it copies anyway.
    deadline: f64,
}

impl PicbucketApp {
    pub(super) fn on_event(&mut self, ctx: &Context, event: Event) {
        if let Event::Added { id, path, name } = &event {
            self.hotkey_uploads.on_added(*id, path, name);
        }
        match event {
            Event::ConnectionTested(result) => {
                if let Some(settings) = &mut self.settings {
                    settings.connection_tested(result.map_err(|e| e.to_string()));
                }
            }
            Event::RegionCorrected { profile, region } => self.region_corrected(ctx, &profile, region),
            Event::Warning(problem) => {
                if self.notices.len() >= MAX_NOTICES {
                    self.notices.remove(0);
                }
                self.notices.push(problem);
                // A link that could not be renewed is reported as a problem.
                if let Some(pending) = &mut self.pending_copy {
                    pending.awaiting.clear();
                }
            }
            Event::FolderScanned {
                path,
                added,
                not_images,
                subfolders_skipped,
                hit_limit,
                recursive,
            } => {
                let name = path
                    .file_name()
                    .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into());
                let scan = FolderScanText {
                    added,
                    not_images,
                    subfolders_skipped,
                    hit_limit,
                    recursive,
                };
                self.toasts.show(ctx, scan.text(&name), ToastKind::Info);
            }
            event @ (Event::UnfinishedFound(_)
            | Event::ResumeClaimed { .. }
            | Event::HistoryChanged
            | Event::HistoryPage { .. }
            | Event::RecordLink { .. }
            | Event::RecordDeleted { .. }
            | Event::RecordThumbnail { .. }) => self.on_history_event(ctx, event),
            event => {
                if let Some(followup) = self.queue.apply(event) {
                    self.on_followup(ctx, followup);
                }
            }
        }
    }

    /// Keeps the thumbnail textures bounded. Once per frame: sorting the
    /// finished rows for every thumbnail of a 2,000-file drop cost 10–50 ms
    /// frames.
    pub(super) fn evict_textures(&mut self) {
        if self.thumbs.len() > MAX_TEXTURES {
            self.thumbs
                .evict(MAX_TEXTURES, &self.queue.finished_oldest_first(), &self.rows_on_screen);
        }
    }

    fn on_followup(&mut self, ctx: &Context, followup: QueueFollowup) {
        match followup {
            // Evicted once per frame, after all events (see `evict_textures`).
            QueueFollowup::Thumbnail { id, thumbnail } => {
                let on_screen = self.rows_on_screen.contains(&id)
                    || (self.queue.position(id)).is_some_and(|at| self.rows_in_view.contains(&at));
                self.thumbs.insert(ctx, id, &thumbnail, on_screen);
            }
            QueueFollowup::Uploaded { id, only_file_in_batch } => {
                self.refresh_recent_links();
                if only_file_in_batch && self.config.ui.copy_link_after_upload {
                    self.request_copy(ctx, vec![id], self.copy_format());
                }
            }
            QueueFollowup::LinkRefreshed(id) => {
                if let Some(pending) = &mut self.pending_copy {
                    pending.awaiting.remove(&id);
                }
            }
        }
    }

    pub(super) fn on_message(&mut self, ctx: &Context, message: UiMessage) {
        match message {
            UiMessage::FilesPicked(pick) => self.system_picked(ctx, pick),
            UiMessage::FolderListed(listing) => self.folder_listed(listing),
            UiMessage::SettingsSaved {
                result,
                purpose: SavePurpose::Destination,
                ..
            } => self.destination_saved(result),
            UiMessage::SettingsSaved {
                config,
                result,
                purpose: SavePurpose::Settings,
            } => match result {
                Ok(()) => {
                    self.apply_config(*config);
                    self.settings = None;
                    self.toasts.show(ctx, "Settings saved", ToastKind::Info);
                }
                Err(error) => match &mut self.settings {
                    Some(settings) => settings.save_failed(error),
                    None => self.notices.push(error),
                },
            },
            UiMessage::ClipboardRead(content) => self.clipboard_read(ctx, content),
            UiMessage::PastedImageReady {
                name,
                width,
                height,
                rgba,
            } => {
                self.view = View::Queue;
                self.worker.send(Command::AddPixels {
                    name,
                    width,
                    height,
                    rgba,
                });
            }
        }
    }

    pub(super) fn perform(&mut self, ctx: &Context, frame: &eframe::Frame, action: Action) {
        match action {
            Action::PickFiles => self.pick_files(ctx, frame),
            Action::AddPaths(paths) => self.add_paths(paths),
            Action::AddPastedImage(image) => {
                let now = time::OffsetDateTime::now_utc().to_offset(self.utc_offset);
                if let Err(error) = self.background.convert_pasted_image(image, clipboard_image_name(now)) {
                    self.toasts.show(ctx, error, ToastKind::Error);
                }
            }
            Action::PastedNothingUsable => self.toasts.show(
                ctx,
                "The clipboard holds text, not an image or file paths",
                ToastKind::Info,
            ),
            Action::OpenSettings => {
                if self.settings.is_none() {
                    let mut settings = SettingsView::new(&self.config);
                    settings.set_shortcut_problem(self.shortcut_problem.clone(), &self.config.ui.global_hotkey);
                    self.settings = Some(settings);
                }
            }
            Action::Settings(outcome) => self.settings_outcome(outcome),
            Action::StartAll => {
                self.worker.send(Command::StartAll);
                self.queue.mark_started_all();
            }
            Action::ClearFinished => self.remove_rows(self.queue.clearable_ids()),
            Action::CopyAllLinks => self.request_copy(ctx, self.queue.done_ids(), LinkFormat::Url.into()),
            Action::Copy { id, format } => self.request_copy(ctx, vec![id], format.into()),
            Action::Cancel(id) => {
                self.worker.send(Command::Cancel(id));
                self.queue.mark_cancel_requested(id);
            }
            Action::Retry(id) => {
                self.worker.send(Command::Retry(id));
                self.queue.mark_retrying(id);
            }
            Action::Select { id, extend } => self.queue.select(id, extend),
            Action::RemoveSelected => self.remove_rows(self.queue.selected_ids()),
            Action::Remove(id) => self.remove_rows(vec![id]),
            Action::CopySelected => {
                let selected = self.queue.selected_ids();
                if selected.is_empty() {
                    self.toasts.show(
                        ctx,
                        "Select rows first (click a row; Ctrl+click adds more)",
                        ToastKind::Info,
                    );
                } else {
                    self.request_copy(ctx, selected, self.copy_format());
                }
            }
            Action::DismissNotice(index) => {
                if index < self.notices.len() {
                    self.notices.remove(index);
                }
            }
            Action::ShowView(view) => self.view = view,
            Action::ToggleHistory => {
                self.view = match self.view {
                    View::Queue => View::History,
                    View::History => View::Queue,
                }
            }
            Action::History(action) => self.history_action(ctx, action),
            Action::ResumeUnfinished => self.unfinished_action(true),
            Action::DiscardUnfinished => self.unfinished_action(false),
            Action::SwitchDestination(name) => self.switch_destination(ctx, &name),
        }
    }

    /// The format Ctrl+C and automatic copying use (`[ui] link_format`).
    pub(super) fn copy_format(&self) -> LinkText {
        self.config.ui.link_text()
    }

    fn settings_outcome(&mut self, outcome: SettingsOutcome) {
        let Some(settings) = &mut self.settings else { return };
        match outcome {
            SettingsOutcome::Cancel => self.settings = None,
            SettingsOutcome::Test(config) => {
                settings.test_started();
                self.worker.send(Command::TestConnection(config));
            }
            SettingsOutcome::Save(config) => {
                settings.save_started();
                let saved = self
                    .background
                    .save_settings(config, self.config_path.clone(), SavePurpose::Settings);
                if let Err(error) = saved {
                    settings.save_failed(error);
                }
            }
        }
    }

    pub(super) fn add_paths(&mut self, paths: Vec<PathBuf>) {
        // New files show up in the queue: show it.
        self.view = View::Queue;
        let folders = if self.config.ui.recurse_folders {
            FolderMode::Recursive
        } else {
            FolderMode::Flat
        };
        self.worker.send(Command::AddFiles { paths, folders });
    }

    fn remove_rows(&mut self, ids: Vec<JobId>) {
        for &id in &ids {
            self.worker.send(Command::Remove(id));
        }
        self.queue.remove(&ids);
        self.thumbs.remove(&ids);
    }

    /// Copies the links of `ids`, first renewing those about to expire.
    pub(super) fn request_copy(&mut self, ctx: &Context, ids: Vec<JobId>, format: LinkText) {
        let now = SystemTime::now();
        let lifetime = self.config.upload.link_expiry.as_duration();
        let awaiting: BTreeSet<JobId> = ids
            .iter()
            .copied()
            .filter(|&id| {
                let link = self.queue.row(id).and_then(|row| row.link());
                link.is_some_and(|link| link_needs_refresh(link, now, lifetime))
            })
            .collect();
        for &id in &awaiting {
            self.worker.send(Command::Resign(id));
        }
        let deadline = ctx.input(|i| i.time) + RESIGN_WAIT_SECS;
        if !awaiting.is_empty() {
            ctx.request_repaint_after(Duration::from_secs_f64(RESIGN_WAIT_SECS));
        }
        self.pending_copy = Some(PendingCopy {
            ids,
            format,
            awaiting,
            deadline,
        });
        self.copy_when_due(ctx);
    }

    /// Copies the pending links once all were renewed, or the wait is over.
    pub(super) fn copy_when_due(&mut self, ctx: &Context) {
        let Some(pending) = &self.pending_copy else { return };
        let waited_out = ctx.input(|i| i.time) >= pending.deadline;
        if !pending.awaiting.is_empty() && !waited_out {
            return;
        }
        let Some(pending) = self.pending_copy.take() else {
            return;
        };
        let texts: Vec<String> = pending
            .ids
            .iter()
            .filter_map(|&id| self.queue.row(id))
            .filter_map(|row| {
                let RowStatus::Done { key, link } = &row.status else {
                    return None;
                };
                let info = LinkInfo {
                    url: &link.url,
                    filename: &row.name,
                    key,
                    dimensions: row.dimensions,
                };
                Some(pending.format.render(&info))
            })
            .collect();
        if texts.is_empty() {
            self.toasts.show(ctx, "There is no link to copy", ToastKind::Info);
            return;
        }
        let count = texts.len();
        match self.clipboard.set_text(texts.join("\n")) {
            Ok(()) if count == 1 => self.toasts.show(ctx, "Link copied", ToastKind::Info),
            Ok(()) => self.toasts.show(ctx, format!("{count} links copied"), ToastKind::Info),
            Err(error) => self
                .toasts
                .show(ctx, format!("Could not copy: {error}"), ToastKind::Error),
        }
    }
}
