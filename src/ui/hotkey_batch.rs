//! Which queue rows a press of the shortcut added, so that their links go
//! on the clipboard once they are all up. Pure: unit-tested without a window.

use crate::ui::state::RowStatus;
use crate::worker::JobId;
use std::path::{Path, PathBuf};

/// The rows of shortcut presses not finished yet.
#[derive(Debug, Default)]
pub struct HotkeyUploads {
    /// Names of saved clipboard images whose rows have not appeared yet.
    expected_names: Vec<String>,
    /// Copied files whose rows have not appeared yet.
    expected_paths: Vec<PathBuf>,
    /// Rows added by the shortcut, in the order added.
    jobs: Vec<JobId>,
}

impl HotkeyUploads {
    /// A new press: what earlier presses still expect will not come any
    /// more (a file that could not be queued), so it is forgotten.
    pub fn new_press(&mut self) {
        self.expected_names.clear();
        self.expected_paths.clear();
    }

    /// A clipboard image was sent to the worker under `name`.
    pub fn expect_image(&mut self, name: String) {
        self.expected_names.push(name);
    }

    /// Copied files were sent to the worker.
    pub fn expect_files(&mut self, paths: &[PathBuf]) {
        self.expected_paths.extend_from_slice(paths);
    }

    /// A row appeared; `true` when a shortcut press added it.
    pub fn on_added(&mut self, id: JobId, path: &Path, name: &str) -> bool {
        let position = match self.expected_paths.iter().position(|p| p == path) {
            Some(i) => {
                self.expected_paths.swap_remove(i);
                true
            }
            None => match self.expected_names.iter().position(|n| same_saved_name(n, name)) {
                Some(i) => {
                    self.expected_names.swap_remove(i);
                    true
                }
                None => false,
            },
        };
        if position {
            self.jobs.push(id);
        }
        position
    }

    /// The rows shortcut presses added that have not been reported yet.
    pub fn jobs(&self) -> &[JobId] {
        &self.jobs
    }

    /// Once every row the shortcut added has ended and no row is still
    /// expected: the rows that went up (possibly none), to copy their links.
    /// A row that is gone (removed) counts as ended.
    pub fn take_finished<'a>(&mut self, status: impl Fn(JobId) -> Option<&'a RowStatus>) -> Option<Vec<JobId>> {
        if self.jobs.is_empty() || !self.expected_names.is_empty() || !self.expected_paths.is_empty() {
            return None;
        }
        if self.jobs.iter().any(|&id| status(id).is_some_and(RowStatus::is_active)) {
            return None;
        }
        let uploaded = self
            .jobs
            .drain(..)
            .filter(|&id| matches!(status(id), Some(RowStatus::Done { .. })))
            .collect();
        Some(uploaded)
    }
}

/// The worker saves a clipboard image as `name`, or `stem-2.ext`… when that
/// file exists already.
fn same_saved_name(expected: &str, saved: &str) -> bool {
    if expected == saved {
        return true;
    }
    let (stem, ext) = expected.rsplit_once('.').unwrap_or((expected, ""));
    saved
        .strip_prefix(stem)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_suffix(ext))
        .and_then(|number| number.strip_suffix('.'))
        .is_some_and(|number| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
#[path = "hotkey_batch_tests.rs"]
mod tests;
