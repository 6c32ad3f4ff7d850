//! "Add images…" with the window's own file browser (what a desktop without
//! a portal or zenity gets): list, enter and leave folders, pick several
//! images, add them; a real worker queues exactly those.

mod common;

use common::TestServer;
use egui::{Key, Modifiers, Role};
use egui_kittest::kittest::Queryable;
use image::ImageFormat;
use picbucket::core::Config;
use picbucket::test_support::write_image;
use picbucket::ui::{MemoryClipboard, PicbucketApp, spawn_worker};
use std::path::{Path, PathBuf};

mod ui_common;

use ui_common::*;

/// a.png, b.jpg, notes.txt and sub/c.png.
fn folder_of_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_image(dir.path(), "a.png", ImageFormat::Png, 32, 24);
    write_image(dir.path(), "b.jpg", ImageFormat::Jpeg, 40, 30);
    std::fs::write(dir.path().join("notes.txt"), "not a picture").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write_image(&dir.path().join("sub"), "c.png", ImageFormat::Png, 16, 16);
    dir
}

/// The window with a real worker (uploads wait for the Upload button) whose
/// "Add images…" opens the built-in browser in `start`.
fn app_browsing(server: &TestServer, start: &Path) -> AppHarness {
    let mut config: Config = server.config();
    config.ui.auto_upload = false;
    let config_path = start.join("config.toml");
    let start = start.to_path_buf();
    let clipboard = MemoryClipboard::new();
    builder().build_eframe(move |cc| {
        let worker = spawn_worker(&cc.egui_ctx, &config).expect("worker starts");
        PicbucketApp::new(cc, config, config_path, worker, Box::new(clipboard)).with_builtin_file_browser(Some(start))
    })
}

fn row_paths(harness: &AppHarness) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = harness.state().rows().iter().map(|row| row.path.clone()).collect();
    paths.sort();
    paths
}

#[test]
fn the_built_in_browser_lists_enters_folders_and_adds_exactly_the_picked_images() {
    let server = TestServer::start();
    let files = folder_of_files();
    let mut harness = app_browsing(&server, files.path());
    step_until(&mut harness, "the store", |h| shows(h, "Uploading to bucket"), 250);

    harness.get_by_role_and_label(Role::Button, "Add images…").click();
    step_until(&mut harness, "the folder's listing", |h| shows(h, "a.png"), 250);
    assert!(shows(&harness, "b.jpg"), "{}", window_text(&harness));
    assert!(shows(&harness, "sub/"), "{}", window_text(&harness));
    assert!(
        !shows(&harness, "notes.txt"),
        "a text file is offered: {}",
        window_text(&harness)
    );

    harness.get_by_label("sub/").click();
    step_until(
        &mut harness,
        "the subfolder's listing",
        |h| shows(h, "c.png") && !shows(h, "a.png"),
        250,
    );
    harness.get_by_label("Up").click();
    step_until(&mut harness, "the folder again", |h| shows(h, "a.png"), 250);

    harness.get_by_label("a.png").click();
    harness.run_ok();
    harness.get_by_label("b.jpg").click();
    harness.run_ok();
    harness.get_by_role_and_label(Role::Button, "Add 2 images").click();
    step_until(&mut harness, "two rows", |h| h.state().rows().len() == 2, 250);
    assert_eq!(
        row_paths(&harness),
        [files.path().join("a.png"), files.path().join("b.jpg")]
    );
    assert!(
        harness.query_by_label("Add 2 images").is_none(),
        "the browser stayed open"
    );
    // Give the worker time to queue anything else it (wrongly) might.
    for _ in 0..10 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(harness.state().rows().len(), 2, "{}", window_text(&harness));
}

#[test]
fn a_typed_folder_is_listed_escape_closes_and_ctrl_o_reopens_where_it_was() {
    let server = TestServer::start();
    let files = folder_of_files();
    let mut harness = app_browsing(&server, files.path());
    step_until(&mut harness, "the store", |h| shows(h, "Uploading to bucket"), 250);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    step_until(&mut harness, "the folder's listing", |h| shows(h, "a.png"), 250);
    let field = harness.get_by_role_and_label(Role::TextInput, "Folder");
    field.set_text_value_accesskit(&files.path().join("sub").display().to_string());
    harness.run_ok();
    harness.get_by_role_and_label(Role::TextInput, "Folder").focus();
    harness.key_press(Key::Enter);
    step_until(
        &mut harness,
        "the typed folder",
        |h| shows(h, "c.png") && !shows(h, "a.png"),
        250,
    );

    let missing = files.path().join("gone");
    harness
        .get_by_role_and_label(Role::TextInput, "Folder")
        .set_text_value_accesskit(&missing.display().to_string());
    harness.run_ok();
    harness.get_by_role_and_label(Role::TextInput, "Folder").focus();
    harness.key_press(Key::Enter);
    step_until(&mut harness, "the error", |h| shows(h, "Cannot open"), 250);
    assert!(
        shows(&harness, &format!("Cannot open {}:", missing.display())),
        "{}",
        window_text(&harness)
    );
    harness.get_by_label("Up").click();
    step_until(&mut harness, "the parent", |h| shows(h, "a.png"), 250);
    harness.get_by_label("sub/").click();
    step_until(&mut harness, "the subfolder", |h| shows(h, "c.png"), 250);

    harness.key_press(Key::Escape);
    step_until(
        &mut harness,
        "the browser to close",
        |h| h.query_by_label("c.png").is_none(),
        250,
    );
    assert!(harness.state().rows().is_empty());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    step_until(&mut harness, "the browser in sub again", |h| shows(h, "c.png"), 250);
    harness.get_by_label("c.png").click();
    harness.run_ok();
    harness.key_press(Key::Enter);
    step_until(&mut harness, "one row", |h| h.state().rows().len() == 1, 250);
    assert_eq!(row_paths(&harness), [files.path().join("sub").join("c.png")]);
}
