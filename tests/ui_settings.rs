//! The Settings dialog, headless with a fake worker: Enter saves, a test
//! result disappears when the draft changes, Save after a failed test asks
//! first, and problems appearing under a field move nothing.

use egui::Key;
use egui_kittest::kittest::Queryable;
use picbucket::core::Config;
use picbucket::storage::ConnectionReport;
use picbucket::ui::MemoryClipboard;
use picbucket::worker::{Command, Event, Failure};
use std::time::Duration;

mod ui_common;

use ui_common::*;

fn open_settings(harness: &mut AppHarness) {
    harness.get_by_label("Settings").click();
    harness.run();
    assert!(harness.query_by_label("Test connection").is_some(), "settings are open");
}

fn wait_until_closed(harness: &mut AppHarness) {
    step_until(
        harness,
        "the dialog to close",
        |h| h.query_by_label("Test connection").is_none(),
        250,
    );
}

fn tested(fake: &mut FakeWorker) -> bool {
    fake.commands().iter().any(|c| matches!(c, Command::TestConnection(_)))
}

#[test]
fn enter_saves_the_settings() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, _fake, dir) = fake_app(Config::default(), &clipboard);
    open_settings(&mut harness);
    harness.get_by_label("Bucket").focus();
    harness
        .get_by_label("Bucket")
        .set_text_value_accesskit("holiday-photos");
    harness.run();
    harness.key_press(Key::Enter);
    wait_until_closed(&mut harness);
    let config_path = dir.path().join("config.toml");
    assert_eq!(Config::load(&config_path).unwrap().storage.bucket, "holiday-photos");
    assert!(shows(&harness, "Settings saved"));
}

#[test]
fn a_test_result_is_cleared_when_the_draft_changes_and_a_late_answer_is_ignored() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    open_settings(&mut harness);
    harness.get_by_label("Test connection").click();
    harness.step();
    assert!(tested(&mut fake));
    fake.send(Event::ConnectionTested(Err(Failure {
        message: "Bucket `photos` does not exist on the built-in store".into(),
        may_retry: false,
    })));
    harness.run();
    assert!(shows(&harness, "does not exist"));

    harness.get_by_label("Bucket").set_text_value_accesskit("other-bucket");
    harness.run();
    assert!(!shows(&harness, "does not exist"), "the result was about another draft");

    // A test answered after the draft changed says nothing about the new draft.
    harness.get_by_label("Test connection").click();
    harness.step();
    harness.get_by_label("Bucket").set_text_value_accesskit("third-bucket");
    harness.run();
    fake.send(Event::ConnectionTested(Err(Failure {
        message: "Bucket `other-bucket` does not exist".into(),
        may_retry: false,
    })));
    harness.run();
    assert!(!shows(&harness, "does not exist"), "{}", window_text(&harness));
}

#[test]
fn save_after_a_failed_test_asks_first_and_keep_editing_saves_nothing() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, fake, dir) = fake_app(Config::default(), &clipboard);
    open_settings(&mut harness);
    harness.get_by_label("Test connection").click();
    harness.step();
    fake.send(Event::ConnectionTested(Err(Failure {
        message: "Cannot reach http://127.0.0.1:9".into(),
        may_retry: true,
    })));
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    assert!(shows(&harness, "Save these settings anyway?"));
    harness.get_by_label("Keep editing").click();
    harness.run();
    assert!(!shows(&harness, "Save these settings anyway?"));
    assert!(harness.query_by_label("Test connection").is_some(), "still open");
    assert!(!dir.path().join("config.toml").exists());

    // Enter asks too, and a second Enter saves.
    harness.key_press(Key::Enter);
    harness.run();
    assert!(shows(&harness, "Save these settings anyway?"));
    harness.key_press(Key::Enter);
    wait_until_closed(&mut harness);
    assert!(dir.path().join("config.toml").exists());
}

#[test]
fn a_problem_appearing_under_a_field_moves_no_other_field() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, _fake, _dir) = fake_app(Config::default(), &clipboard);
    open_settings(&mut harness);
    let before = harness.get_by_label("Link expiry").rect();
    let save_before = harness.get_by_label("Save").rect();
    harness.get_by_label("Bucket").set_text_value_accesskit("Not A Bucket");
    harness.run();
    assert!(shows(&harness, "is not a valid name"), "{}", window_text(&harness));
    assert_same_place(harness.get_by_label("Link expiry").rect(), before);
    assert_same_place(harness.get_by_label("Save").rect(), save_before);
    harness.get_by_label("Bucket").set_text_value_accesskit("photos");
    harness.run();
    assert!(!shows(&harness, "is not a valid name"));
    assert_same_place(harness.get_by_label("Link expiry").rect(), before);
    assert_same_place(harness.get_by_label("Save").rect(), save_before);
}

/// Within a pixel (layout rounds to physical pixels).
fn assert_same_place(now: egui::Rect, before: egui::Rect) {
    assert!(
        (now.min - before.min).length() < 1.0,
        "moved from {before:?} to {now:?}"
    );
}

#[test]
fn a_region_the_server_corrected_is_put_in_the_draft_and_saved() {
    let clipboard = MemoryClipboard::new();
    let mut config = Config::default();
    config.storage.endpoint = "http://127.0.0.1:9".into();
    let (mut harness, fake, dir) = fake_app(config, &clipboard);
    open_settings(&mut harness);
    harness.get_by_label("Test connection").click();
    harness.step();
    fake.send(Event::ConnectionTested(Ok(ConnectionReport {
        endpoint: "http://127.0.0.1:9".into(),
        bucket: "photos".into(),
        region: "garage".into(),
        region_corrected_from: Some("us-east-1".into()),
        round_trip: Duration::from_millis(12),
    })));
    harness.run();
    assert!(
        shows(&harness, "Region corrected from `us-east-1` to `garage`"),
        "{}",
        window_text(&harness)
    );
    assert!(
        shows(&harness, "Save to keep it"),
        "the result stays: the draft now holds it"
    );
    harness.get_by_label("Save").click();
    wait_until_closed(&mut harness);
    let saved = Config::load(&dir.path().join("config.toml")).unwrap();
    assert_eq!(saved.storage.region, "garage");
}

#[test]
fn a_region_corrected_during_uploads_is_written_into_the_settings_file() {
    let clipboard = MemoryClipboard::new();
    let mut config = Config::default();
    config.storage.endpoint = "http://127.0.0.1:9".into();
    let (mut harness, fake, dir) = fake_app(config, &clipboard);
    fake.send(Event::RegionCorrected {
        profile: "default".into(),
        region: "garage".into(),
    });
    let config_path = dir.path().join("config.toml");
    step_until(&mut harness, "the settings to be saved", |_| config_path.exists(), 250);
    assert!(
        shows(&harness, "Region of default set to `garage`"),
        "{}",
        window_text(&harness)
    );
    assert_eq!(harness.state().config().storage.region, "garage");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while Config::load(&config_path).map(|c| c.storage.region).ok().as_deref() != Some("garage") {
        assert!(std::time::Instant::now() < deadline, "the file never got the region");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn public_base_url_and_proxy_are_checked_as_typed_and_saved() {
    let clipboard = MemoryClipboard::new();
    let mut config = Config::default();
    config.storage.endpoint = "http://127.0.0.1:9".into();
    let (mut harness, _fake, dir) = fake_app(config, &clipboard);
    open_settings(&mut harness);
    harness
        .get_by_label("Public base URL")
        .set_text_value_accesskit("cdn.example.com");
    harness.get_by_label("Proxy").set_text_value_accesskit("proxy.lan:3128");
    harness.run();
    assert!(
        shows(&harness, "Public base URL must start with https:// or http://"),
        "{}",
        window_text(&harness)
    );
    assert!(shows(&harness, "Proxy must start with http:// or https://"));
    assert!(shows(&harness, "Fix the fields marked in red to save."));

    harness
        .get_by_label("Public base URL")
        .set_text_value_accesskit("https://cdn.example.com/photos");
    harness
        .get_by_label("Proxy")
        .set_text_value_accesskit("http://proxy.lan:3128");
    harness.run();
    harness.get_by_label("Save").click();
    wait_until_closed(&mut harness);
    let saved = Config::load(&dir.path().join("config.toml")).unwrap();
    assert_eq!(saved.storage.public_base_url, "https://cdn.example.com/photos");
    assert_eq!(saved.storage.proxy.as_str(), "http://proxy.lan:3128");
}

#[test]
fn the_global_shortcut_is_checked_as_typed_and_saved_with_keep_in_tray() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, _fake, dir) = fake_app(Config::default(), &clipboard);
    open_settings(&mut harness);
    harness
        .get_by_label("Global shortcut")
        .set_text_value_accesskit("Ctrl+Shift+");
    harness.run();
    assert!(
        shows(
            &harness,
            "is not a shortcut: write the modifiers, then one key, like Ctrl+Shift+U"
        ),
        "{}",
        window_text(&harness)
    );
    assert!(shows(&harness, "Fix the fields marked in red to save."));

    harness
        .get_by_label("Global shortcut")
        .set_text_value_accesskit("Ctrl+Alt+P");
    harness
        .get_by_label("Keep running in the tray when the window is closed")
        .click_accesskit();
    harness.run();
    harness.get_by_label("Save").click();
    wait_until_closed(&mut harness);
    let saved = Config::load(&dir.path().join("config.toml")).unwrap();
    assert_eq!(saved.ui.global_hotkey, "Ctrl+Alt+P");
    assert!(!saved.ui.keep_in_tray, "the box was on by default and clicked off");
}
