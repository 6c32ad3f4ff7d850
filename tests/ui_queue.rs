//! The queue list, headless with a fake worker: what rejected rows offer,
//! removing a row with its ×, Ctrl+C on selected rows, new rows scrolled
//! into view, and what a folder drop skipped.

use egui::{Key, Modifiers, Role};
use egui_kittest::kittest::{NodeT, Queryable};
use picbucket::core::{Config, Rejection};
use picbucket::ui::MemoryClipboard;
use picbucket::worker::{Command, Event, JobId};
use std::path::PathBuf;

mod ui_common;

use ui_common::*;

/// The value of the footer's progress bar (the only bar when no row uploads).
fn footer_percent(harness: &AppHarness) -> f64 {
    let bar = harness.get(egui_kittest::kittest::by().role(Role::ProgressIndicator));
    bar.accesskit_node().numeric_value().expect("the bar has a value")
}

#[test]
fn a_rejected_row_shows_its_type_and_offers_retry_only_when_a_retry_can_pass() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, fake, _dir) = fake_app(Config::default(), &clipboard);
    let notes = added(&fake, 1, "notes.txt");
    fake.send(Event::Rejected {
        id: notes,
        reason: Rejection::NotAnImage,
    });
    harness.run();
    assert!(
        shows(&harness, "Not uploaded: It is not an image"),
        "{}",
        window_text(&harness)
    );
    assert!(
        harness.query_by_label("TXT").is_some(),
        "the type is shown where a thumbnail would be"
    );
    assert!(
        harness.query_by_label("Retry").is_none(),
        "retrying a text file cannot help"
    );
    assert!(shows(&harness, "0 of 1 uploaded, 1 rejected"));
    assert_eq!(
        footer_percent(&harness),
        0.0,
        "nothing was uploaded, so the bar is empty"
    );

    let big = added(&fake, 2, "big.png");
    fake.send(Event::Rejected {
        id: big,
        reason: Rejection::TooLarge {
            size: 9_000_000,
            max: 5_242_880,
        },
    });
    harness.run();
    assert_eq!(
        harness.query_all_by_label("Retry").count(),
        1,
        "a file over the limit can pass once the limit is raised"
    );
    assert!(harness.query_by_label("PNG").is_some(), "{}", window_text(&harness));
}

#[test]
fn the_cross_removes_its_row_and_ctrl_c_copies_the_selected_links() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    let ids: Vec<JobId> = ["a.png", "b.png", "c.png"]
        .iter()
        .enumerate()
        .map(|(n, name)| added(&fake, n as u64 + 1, name))
        .collect();
    for &id in &ids {
        uploaded(&fake, id, &format!("http://127.0.0.1:9/photos/{}", id.0));
    }
    harness.run();
    assert_eq!(harness.state().rows().len(), 3);
    assert_eq!(footer_percent(&harness), 100.0);

    // Nothing selected: Ctrl+C says how to select.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::C);
    harness.run();
    assert!(clipboard.texts().is_empty());
    assert!(shows(&harness, "Select rows first"), "{}", window_text(&harness));

    harness
        .get_by_role_and_label(Role::ListBoxOption, "a.png")
        .click_accesskit();
    harness.run();
    harness
        .get_by_role_and_label(Role::ListBoxOption, "c.png")
        .click_modifiers(Modifiers::COMMAND);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::C);
    harness.run();
    assert_eq!(
        clipboard.texts(),
        vec!["http://127.0.0.1:9/photos/1\nhttp://127.0.0.1:9/photos/3".to_owned()]
    );
    assert!(shows(&harness, "2 links copied"));

    // The × of the second row removes that row only.
    fake.commands();
    harness.query_all_by_label("×").nth(1).expect("a × per row").click();
    harness.run();
    assert!(matches!(fake.commands()[..], [Command::Remove(JobId(2))]));
    let names: Vec<&str> = harness.state().rows().iter().map(|row| row.name.as_str()).collect();
    assert_eq!(names, ["a.png", "c.png"]);
}

#[test]
fn new_rows_are_scrolled_into_view_and_only_rows_in_view_are_laid_out() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, fake, _dir) = fake_app(Config::default(), &clipboard);
    for n in 1..=200 {
        added(&fake, n, &format!("photo-{n:03}.png"));
    }
    harness.run();
    assert_eq!(harness.state().rows().len(), 200);
    assert!(
        harness
            .query_by_role_and_label(Role::ListBoxOption, "photo-200.png")
            .is_some(),
        "the newest row is in view:\n{}",
        window_text(&harness)
    );
    assert!(
        harness
            .query_by_role_and_label(Role::ListBoxOption, "photo-001.png")
            .is_none(),
        "rows far out of view are not laid out"
    );
    let laid_out = harness
        .query_all(egui_kittest::kittest::by().role(Role::ListBoxOption))
        .count();
    assert!(laid_out < 20, "{laid_out} rows laid out for a 640-point window");
}

#[test]
fn a_dropped_folder_says_what_it_skipped() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, fake, _dir) = fake_app(Config::default(), &clipboard);
    fake.send(Event::FolderScanned {
        path: PathBuf::from("/pictures/Holiday"),
        added: 12,
        not_images: 3,
        subfolders_skipped: 1,
        hit_limit: false,
        recursive: false,
    });
    harness.run();
    assert!(
        shows(
            &harness,
            "Added 12 images from Holiday; skipped 3 files that are not images and 1 subfolder"
        ),
        "{}",
        window_text(&harness)
    );
}

#[test]
fn ctrl_c_uses_the_chosen_link_format() {
    let clipboard = MemoryClipboard::new();
    let mut config = Config::default();
    config.ui.link_format = picbucket::core::LinkFormatSetting::Custom;
    config.ui.link_template = "[img]{url}[/img] {key} {width}x{height}".into();
    let (mut harness, fake, _dir) = fake_app(config, &clipboard);
    let id = added(&fake, 1, "a.png");
    uploaded(&fake, id, "http://127.0.0.1:9/photos/1");
    harness.run();
    harness
        .get_by_role_and_label(Role::ListBoxOption, "a.png")
        .click_accesskit();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::C);
    harness.run();
    assert_eq!(
        clipboard.texts(),
        vec!["[img]http://127.0.0.1:9/photos/1[/img] key-1 1x1".to_owned()]
    );
}

#[test]
fn thumbnails_become_textures_only_for_rows_in_view() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    for n in 1..=200 {
        added(&fake, n, &format!("photo-{n:03}.png"));
    }
    harness.run();
    let thumbnail = || picbucket::core::thumbnail::Thumbnail {
        width: 4,
        height: 3,
        rgba: vec![200; 4 * 3 * 4],
    };
    // The newest row is in view (scrolled to), the first far above it.
    for id in [JobId(1), JobId(2), JobId(200)] {
        fake.send(Event::Thumbnail {
            id,
            thumbnail: thumbnail(),
        });
    }
    harness.run();
    assert_eq!(harness.state().texture_count(), 1, "only the row in view has a texture");
    assert!(
        !fake
            .commands()
            .iter()
            .any(|command| matches!(command, Command::ReloadThumbnail(_))),
        "rows out of view ask for theirs only when they come into view"
    );
}

/// Every filled rectangle painted in the last frame, with its area.
fn filled_rects(shapes: &[egui::epaint::ClippedShape]) -> Vec<(egui::Rect, egui::Color32)> {
    fn walk(shape: &egui::Shape, out: &mut Vec<(egui::Rect, egui::Color32)>) {
        match shape {
            egui::Shape::Rect(rect) if rect.fill != egui::Color32::TRANSPARENT => out.push((rect.rect, rect.fill)),
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|shape| walk(shape, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

#[test]
fn the_panels_leave_their_background_to_the_clear_colour() {
    use eframe::App as _;
    let clipboard = MemoryClipboard::new();
    let (mut harness, fake, _dir) = fake_app(Config::default(), &clipboard);
    for n in 1..=3 {
        added(&fake, n, &format!("photo-{n}.png"));
    }
    harness.run();
    let screen = harness.ctx.content_rect();
    let visuals = harness.ctx.global_style().visuals.clone();
    let panel_fill = visuals.panel_fill;
    // Software renderers shade every filled pixel: a panel filling its area
    // paints the window over again each frame.
    let big: Vec<_> = filled_rects(&harness.output().shapes)
        .into_iter()
        .filter(|(rect, _)| rect.area() > screen.area() / 4.0)
        .collect();
    assert!(big.is_empty(), "large filled shapes in {screen:?}: {big:?}");
    assert_eq!(
        harness.state().clear_color(&visuals),
        panel_fill.to_normalized_gamma_f32(),
        "the frame is cleared with the panels' colour, so the window looks the same"
    );
}
