//! The History list as pages fetched from the worker. Pure (no egui, no I/O).
//!
//! The window never holds the whole history: it knows the total count and
//! keeps the pages of [`PAGE_SIZE`] records around the rows in view, asking the
//! worker for missing ones by offset. Every request carries its own ticket;
//! an answer whose ticket is no longer awaited (the search, filter or history
//! changed since) is dropped, so a slow old answer never overwrites a newer one.

use crate::library::{HistoryQuery, UploadRecord};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Records per request.
pub const PAGE_SIZE: u64 = 100;
/// Pages kept on each side of the visible ones; farther pages are dropped.
const KEEP_AROUND: u64 = 2;
/// Rows beyond the visible ones whose pages are fetched ahead, so that
/// scrolling rarely shows a row still loading.
const PREFETCH_ROWS: u64 = 40;

/// What the list shows: the search box, the destination and "show deleted".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// Part of a file name; blank lists everything.
    pub search: String,
    /// Only this destination; `None` for all of them.
    pub profile: Option<String>,
    pub include_deleted: bool,
}

impl HistoryFilter {
    fn query(&self, page: u64) -> HistoryQuery {
        let search = self.search.trim();
        HistoryQuery {
            search: (!search.is_empty()).then(|| search.to_owned()),
            profile: self.profile.clone(),
            include_deleted: self.include_deleted,
            limit: PAGE_SIZE as u32,
            before_id: None,
            offset: page * PAGE_SIZE,
        }
    }
}

#[derive(Debug)]
struct Page {
    records: Vec<UploadRecord>,
    /// Answered since the last refresh; a stale page is shown until its
    /// fresh copy arrives, so the list does not blink after every upload.
    fresh: bool,
}

/// The pages the window holds, and the requests it is waiting for.
#[derive(Debug, Default)]
pub struct HistoryPages {
    filter: HistoryFilter,
    /// Count of records matching `filter`; `None` until the first answer.
    total: Option<u64>,
    pages: BTreeMap<u64, Page>,
    /// Requests in flight: ticket → page.
    awaited: HashMap<u64, u64>,
    next_ticket: u64,
    /// Rows laid out in the last frame.
    visible: Range<usize>,
    /// The filter changed: the next answer replaces every page held.
    replace_all: bool,
}

impl HistoryPages {
    pub fn filter(&self) -> &HistoryFilter {
        &self.filter
    }

    /// Shows another selection, from the top. What is held stays on display
    /// (no blank list between keystrokes) until the first answer replaces it.
    pub fn set_filter(&mut self, filter: HistoryFilter) {
        if filter != self.filter {
            self.filter = filter;
            self.refresh();
            self.replace_all = true;
            self.visible = 0..0;
        }
    }

    /// The history changed: ask again for every page, showing the old ones meanwhile.
    pub fn refresh(&mut self) {
        self.awaited.clear();
        for page in self.pages.values_mut() {
            page.fresh = false;
        }
    }

    /// Records matching the filter, as far as known (0 before the first answer).
    pub fn total(&self) -> u64 {
        self.total.unwrap_or(0)
    }

    /// Whether the count is known (an answer came for the current filter).
    pub fn loaded(&self) -> bool {
        self.total.is_some()
    }

    /// The record at row `index` (0 = newest), if its page is here.
    pub fn record(&self, index: usize) -> Option<&UploadRecord> {
        let index = index as u64;
        let page = self.pages.get(&(index / PAGE_SIZE))?;
        page.records.get((index % PAGE_SIZE) as usize)
    }

    /// Records held in memory (for tests and the log).
    pub fn held(&self) -> usize {
        self.pages.values().map(|page| page.records.len()).sum()
    }

    /// Notes the rows laid out this frame.
    pub fn set_visible(&mut self, rows: Range<usize>) {
        self.visible = rows;
    }

    /// The pages under the visible rows and those just beyond; only the first
    /// while the count is unknown.
    fn wanted(&self) -> Range<u64> {
        let Some(total) = self.total else { return 0..1 };
        let last_page = total.saturating_sub(1) / PAGE_SIZE;
        let start = (self.visible.start as u64).saturating_sub(PREFETCH_ROWS);
        let end = self.visible.end.max(self.visible.start + 1) as u64 + PREFETCH_ROWS;
        let first = (start / PAGE_SIZE).min(last_page);
        let last = (end - 1) / PAGE_SIZE;
        first..last.min(last_page) + 1
    }

    /// Drops pages far from the visible rows, and returns the requests to send
    /// for visible pages that are missing or stale: `(ticket, query)`.
    pub fn requests(&mut self) -> Vec<(u64, HistoryQuery)> {
        let wanted = self.wanted();
        let keep = wanted.start.saturating_sub(KEEP_AROUND)..wanted.end + KEEP_AROUND;
        self.pages.retain(|page, _| keep.contains(page));
        let mut requests = Vec::new();
        for page in wanted {
            let have = self.pages.get(&page).is_some_and(|p| p.fresh);
            let asked = self.awaited.values().any(|&p| p == page);
            if !have && !asked {
                self.next_ticket += 1;
                let ticket = self.next_ticket;
                self.awaited.insert(ticket, page);
                requests.push((ticket, self.filter.query(page)));
            }
        }
        requests
    }

    /// Takes an answer; false when it was not awaited (stale or unknown).
    pub fn on_page(&mut self, ticket: u64, total: u64, records: Vec<UploadRecord>) -> bool {
        let Some(page) = self.awaited.remove(&ticket) else {
            return false;
        };
        if std::mem::take(&mut self.replace_all) {
            self.pages.clear();
        }
        if self.total != Some(total) {
            self.total = Some(total);
            let pages = total.div_ceil(PAGE_SIZE);
            self.pages.retain(|&held, _| held < pages);
        }
        self.pages.insert(page, Page { records, fresh: true });
        true
    }
}

#[cfg(test)]
#[path = "history_pages_tests.rs"]
pub(crate) mod tests;
