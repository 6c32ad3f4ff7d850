//! "3 uploads didn't finish — Resume / Discard": offered at start when an
//! earlier run (a crash, a quit mid-upload) left jobs behind.

use crate::ui::actions::Action;
use crate::ui::text::unfinished_text;
use crate::worker::UnfinishedJob;
use egui::{RichText, Ui};

/// File names listed in the tooltip; the rest are counted.
const NAMES_SHOWN: usize = 20;

pub fn resume_banner_ui(ui: &mut Ui, jobs: &[UnfinishedJob], actions: &mut Vec<Action>) {
    if jobs.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{} —", unfinished_text(jobs.len()))).strong())
            .on_hover_text(names_text(jobs));
        if ui
            .button("Resume")
            .on_hover_text("Upload them now, each to the destination it was meant for")
            .clicked()
        {
            actions.push(Action::ResumeUnfinished);
        }
        if ui
            .button("Discard")
            .on_hover_text("Give them up; they are not uploaded")
            .clicked()
        {
            actions.push(Action::DiscardUnfinished);
        }
    });
}

/// One file per line ("cat.jpg → work"), at most [`NAMES_SHOWN`].
fn names_text(jobs: &[UnfinishedJob]) -> String {
    let mut lines: Vec<String> = jobs
        .iter()
        .take(NAMES_SHOWN)
        .map(|job| format!("{} to {}", job.file_name, job.profile))
        .collect();
    if jobs.len() > NAMES_SHOWN {
        lines.push(format!("and {} more", jobs.len() - NAMES_SHOWN));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tooltip_names_the_files_and_counts_the_rest() {
        let jobs: Vec<UnfinishedJob> = (0..22)
            .map(|n| UnfinishedJob {
                record: n,
                file_name: format!("{n}.png"),
                profile: "work".into(),
            })
            .collect();
        assert_eq!(names_text(&jobs[..2]), "0.png to work\n1.png to work");
        let text = names_text(&jobs);
        assert_eq!(text.lines().count(), 21);
        assert!(text.ends_with("and 2 more"), "{text}");
    }
}
