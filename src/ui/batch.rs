//! How a batch of uploads ended, for the notification after it.

use crate::ui::row::{Row, RowStatus};

/// How a batch (the files added since the queue was last idle) ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchSummary {
    pub uploaded: usize,
    pub failed: usize,
    pub rejected: usize,
    pub cancelled: usize,
    /// The first failure or rejection, as its row says it.
    pub first_problem: Option<String>,
    /// The batch was one file (its link may have been copied by itself).
    pub single_file: bool,
}

impl BatchSummary {
    /// How `rows` ended; `None` when none of them has.
    pub(super) fn of<'a>(rows: impl Iterator<Item = &'a Row>, single_file: bool) -> Option<Self> {
        let mut summary = BatchSummary {
            single_file,
            ..BatchSummary::default()
        };
        for row in rows {
            let problem = match &row.status {
                RowStatus::Done { .. } => {
                    summary.uploaded += 1;
                    None
                }
                RowStatus::Failed(reason) => {
                    summary.failed += 1;
                    Some(reason)
                }
                RowStatus::Rejected { reason, .. } => {
                    summary.rejected += 1;
                    Some(reason)
                }
                RowStatus::Cancelled => {
                    summary.cancelled += 1;
                    None
                }
                _ => None,
            };
            if summary.first_problem.is_none() {
                summary.first_problem = problem.map(|reason| format!("{}: {reason}", row.name));
            }
        }
        let ended = summary.uploaded + summary.failed + summary.rejected + summary.cancelled;
        (ended > 0).then_some(summary)
    }

    pub(super) fn merged(self, later: Self) -> Self {
        Self {
            uploaded: self.uploaded + later.uploaded,
            failed: self.failed + later.failed,
            rejected: self.rejected + later.rejected,
            cancelled: self.cancelled + later.cancelled,
            first_problem: self.first_problem.or(later.first_problem),
            single_file: false,
        }
    }
}
