//! The History view's state: the pages of records on hand, the filter being
//! edited, the links signed so far, thumbnails, and a delete waiting for its
//! confirmation. It never talks to the worker itself: the commands it needs
//! wait in an outbox the app sends after the frame.

use crate::core::thumbnail::Thumbnail;
use crate::library::{RecordId, UploadRecord};
use crate::ui::actions::LinkUse;
use crate::ui::history_pages::{HistoryFilter, HistoryPages};
use crate::ui::history_thumbs::{HistoryThumbs, MAX_HISTORY_TEXTURES};
use crate::worker::{Command, SignedLink};
use egui::Context;
use std::collections::HashMap;
use std::time::Duration;

/// After a change (an upload finished) the list is asked for again at most
/// this often, so a batch of a thousand uploads is not a thousand queries.
const REFRESH_EVERY_SECS: f64 = 0.5;

/// A link asked for by a click, and what to do when it comes.
#[derive(Clone, Debug, PartialEq)]
struct PendingLink {
    record: RecordId,
    name: String,
    link_use: LinkUse,
}

/// What the app does with a link that arrived for a click.
#[derive(Debug, PartialEq)]
pub enum LinkOutcome {
    Copy(String),
    Open(String),
    Failed(String),
}

/// "Delete photo.jpg from bucket photos?", until answered.
#[derive(Clone, Debug, PartialEq)]
pub struct DeleteConfirm {
    pub record: RecordId,
    pub name: String,
    pub bucket: String,
}

#[derive(Default)]
pub struct HistoryView {
    pub(super) pages: HistoryPages,
    /// The filter as the widgets edit it; taken over after each frame.
    pub(super) draft: HistoryFilter,
    pub(super) thumbs: HistoryThumbs,
    /// The newest link signed for each record, for "expires in …".
    links: HashMap<RecordId, SignedLink>,
    pending: Option<PendingLink>,
    pub(super) confirm_delete: Option<DeleteConfirm>,
    /// The history changed since the list was last asked for.
    changed: bool,
    /// `InputState::time` of the last refresh.
    refreshed_at: f64,
    /// The filter changed: show the newest records again.
    pub(super) scroll_to_top: bool,
    outbox: Vec<Command>,
}

impl HistoryView {
    pub fn total(&self) -> u64 {
        self.pages.total()
    }

    pub fn record(&self, index: usize) -> Option<&UploadRecord> {
        self.pages.record(index)
    }

    pub fn link(&self, record: RecordId) -> Option<&SignedLink> {
        self.links.get(&record)
    }

    /// Thumbnail textures alive.
    pub fn texture_count(&self) -> usize {
        self.thumbs.len()
    }

    /// Records held in memory.
    pub fn held(&self) -> usize {
        self.pages.held()
    }

    /// Queues a command for the worker (sent after the frame).
    pub(super) fn send(&mut self, command: Command) {
        self.outbox.push(command);
    }

    /// An upload finished, or a record was deleted or removed.
    pub fn on_history_changed(&mut self) {
        self.changed = true;
    }

    pub fn on_page(&mut self, ticket: u64, total: u64, records: Vec<UploadRecord>) {
        if !self.pages.on_page(ticket, total, records) {
            tracing::debug!(ticket, "stale history page dropped");
        }
    }

    pub fn on_thumbnail(&mut self, ctx: &Context, record: RecordId, thumbnail: &Thumbnail) {
        self.thumbs.insert(ctx, record, thumbnail, MAX_HISTORY_TEXTURES);
    }

    pub fn on_deleted(&mut self, record: RecordId) {
        self.links.remove(&record);
    }

    /// Asks for a record's link, to copy or open when it arrives.
    pub fn request_link(&mut self, record: RecordId, name: String, link_use: LinkUse) {
        self.pending = Some(PendingLink { record, name, link_use });
        self.send(Command::SignRecordLink { record, expiry: None });
    }

    /// A link arrived; what to do with it, when a click was waiting for it.
    pub fn on_link(&mut self, record: RecordId, link: Result<SignedLink, String>) -> Option<LinkOutcome> {
        if let Ok(link) = &link {
            self.links.insert(record, link.clone());
        }
        let pending = self.pending.take_if(|pending| pending.record == record)?;
        Some(match (link, pending.link_use) {
            (Ok(link), LinkUse::Copy(format)) => LinkOutcome::Copy(format.render(&link.url, &pending.name)),
            (Ok(link), LinkUse::Open) => LinkOutcome::Open(link.url),
            (Err(error), _) => LinkOutcome::Failed(error),
        })
    }

    /// After the frame was laid out: takes over the edited filter and, while
    /// the view is `shown`, decides which pages to ask the worker for. Returns
    /// the commands to send and when to look again (a refresh waiting its turn).
    pub fn after_frame(&mut self, time: f64, shown: bool) -> (Vec<Command>, Option<Duration>) {
        let mut wake = None;
        if !shown {
            return (std::mem::take(&mut self.outbox), wake);
        }
        if self.draft != *self.pages.filter() {
            self.pages.set_filter(self.draft.clone());
            self.thumbs.forget_asked();
            self.scroll_to_top = true;
            self.changed = false;
            self.refreshed_at = time;
        } else if self.changed {
            let since = time - self.refreshed_at;
            if since >= REFRESH_EVERY_SECS {
                self.pages.refresh();
                self.thumbs.forget_asked();
                self.changed = false;
                self.refreshed_at = time;
            } else {
                wake = Some(Duration::from_secs_f64(REFRESH_EVERY_SECS - since));
            }
        }
        for (ticket, query) in self.pages.requests() {
            self.outbox.push(Command::QueryHistory { query, ticket });
        }
        (std::mem::take(&mut self.outbox), wake)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::LinkFormat;
    use std::time::SystemTime;

    fn link(url: &str) -> SignedLink {
        SignedLink {
            url: url.into(),
            expires_at: Some(SystemTime::now() + Duration::from_secs(3600)),
            ends_with_credentials: false,
        }
    }

    #[test]
    fn a_link_that_arrives_for_a_click_is_formatted_and_others_are_only_remembered() {
        let mut view = HistoryView::default();
        view.request_link(4, "cat.png".into(), LinkUse::Copy(LinkFormat::Markdown));
        let (commands, _) = view.after_frame(0.0, true);
        assert!(matches!(
            commands[..],
            [
                Command::SignRecordLink {
                    record: 4,
                    expiry: None
                },
                Command::QueryHistory { .. }
            ]
        ));
        assert_eq!(view.on_link(9, Ok(link("http://x/9"))), None);
        assert_eq!(view.link(9).unwrap().url, "http://x/9");
        assert_eq!(
            view.on_link(4, Ok(link("http://x/4"))),
            Some(LinkOutcome::Copy("![cat.png](http://x/4)".into()))
        );
        assert_eq!(view.on_link(4, Ok(link("http://x/4"))), None, "used once");
        view.request_link(5, "dog.png".into(), LinkUse::Open);
        assert_eq!(
            view.on_link(5, Err("No bucket.".into())),
            Some(LinkOutcome::Failed("No bucket.".into()))
        );
    }

    #[test]
    fn changes_refresh_the_list_at_most_twice_a_second() {
        let mut view = HistoryView::default();
        let (commands, _) = view.after_frame(0.0, true);
        let [Command::QueryHistory { ticket, .. }] = commands[..] else {
            panic!("{commands:?}")
        };
        view.on_page(ticket, 0, Vec::new());
        view.on_history_changed();
        let (commands, wake) = view.after_frame(0.2, true);
        assert!(commands.is_empty());
        assert!(wake.is_some_and(|d| (d.as_secs_f64() - 0.3).abs() < 1e-6));
        let (commands, wake) = view.after_frame(0.6, true);
        assert!(matches!(commands[..], [Command::QueryHistory { .. }]));
        assert!(wake.is_none());
    }
}
