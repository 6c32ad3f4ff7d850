//! The window, headless: real uploads against the in-process S3 server, and
//! a fake worker (bare channels) to check which command a click sends and
//! what an injected event shows.

mod common;

use common::{TestServer, http_get, read};
use egui::{Key, Modifiers, Role};
use egui_kittest::kittest::Queryable;
use image::ImageFormat;
use picbucket::core::{Config, ImageKind, ValidatedImage};
use picbucket::storage::StorageError;
use picbucket::test_support::write_image;
use picbucket::ui::state::RowStatus;
use picbucket::ui::{MemoryClipboard, PicbucketApp, spawn_worker};
use picbucket::worker::{Command, Event, FolderMode, JobId, SignedLink, StoreInfo};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

mod ui_common;

use ui_common::*;

/// The window with a real worker.
fn real_app(config: Config, config_path: PathBuf, clipboard: &MemoryClipboard) -> AppHarness {
    let clipboard = clipboard.clone();
    builder().build_eframe(move |cc| {
        let worker = spawn_worker(&cc.egui_ctx, &config).expect("worker starts");
        PicbucketApp::new(cc, config, config_path, worker, Box::new(clipboard))
    })
}

fn count(harness: &AppHarness, wanted: fn(&RowStatus) -> bool) -> usize {
    harness.state().rows().iter().filter(|row| wanted(&row.status)).count()
}

#[test]
fn dropped_images_upload_and_show_links_while_a_text_file_shows_why_it_was_rejected() {
    let server = TestServer::start();
    let files = tempfile::tempdir().unwrap();
    let one = write_image(files.path(), "one.png", ImageFormat::Png, 64, 48);
    let two = write_image(files.path(), "second.png", ImageFormat::Png, 80, 60);
    let text = files.path().join("notes.txt");
    std::fs::write(&text, "hello, not a picture").unwrap();
    let clipboard = MemoryClipboard::new();
    let mut harness = real_app(server.config(), files.path().join("config.toml"), &clipboard);
    step_until(
        &mut harness,
        "the store",
        |h| shows(h, "Uploading to bucket `photos` on http://127.0.0.1:"),
        250,
    );

    drop_files(&mut harness, &[one.clone(), two.clone(), text]);
    step_until(
        &mut harness,
        "two uploads and one rejection",
        |h| {
            count(h, |s| matches!(s, RowStatus::Done { .. })) == 2
                && count(h, |s| matches!(s, RowStatus::Rejected { .. })) == 1
        },
        750,
    );
    harness.step();
    assert!(shows(&harness, "not an image"), "{}", window_text(&harness));
    assert!(
        shows(&harness, "2 of 3 uploaded, 1 rejected"),
        "{}",
        window_text(&harness)
    );
    assert!(shows(&harness, "expires in 6 days 23 h"), "{}", window_text(&harness));
    for row in harness.state().rows() {
        if let Some(link) = row.link() {
            assert!(shows(&harness, &link.url), "URL of {} not shown", row.name);
        }
    }
    assert_eq!(server.object_count(), 2);

    // Copy URL puts the link on the clipboard, and the link serves the file.
    harness.get_all_by_label("Copy URL").next().unwrap().click();
    step_until(&mut harness, "the copy", |_| !clipboard.texts().is_empty(), 20);
    assert!(shows(&harness, "Link copied"));
    let copied = clipboard.texts().pop().unwrap();
    let row = harness
        .state()
        .rows()
        .iter()
        .find(|row| row.link().is_some_and(|l| l.url == copied))
        .expect("the copied URL is a row's link")
        .clone();
    assert_eq!(http_get(&copied).unwrap(), read(&row.path));
    assert!(row.path == one || row.path == two);
}

#[test]
fn settings_test_a_missing_bucket_and_save_the_file() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.toml");
    let clipboard = MemoryClipboard::new();
    let mut harness = real_app(server.config(), config_path.clone(), &clipboard);
    step_until(&mut harness, "the store", |h| shows(h, "Uploading to bucket"), 250);

    harness.get_by_role_and_label(Role::Button, "Settings").click();
    harness.run();
    harness
        .get_by_label("Bucket")
        .set_text_value_accesskit("missing-bucket");
    harness.run();
    harness.get_by_label("Test connection").click();
    step_until(&mut harness, "the connection test", |h| shows(h, "does not exist"), 500);
    assert!(
        shows(&harness, "Bucket `missing-bucket` does not exist"),
        "{}",
        window_text(&harness)
    );

    // After a failed test, Save asks first.
    harness.get_by_label("Save").click();
    harness.run();
    assert!(
        shows(&harness, "The connection test failed. Save these settings anyway?"),
        "{}",
        window_text(&harness)
    );
    assert!(!config_path.exists(), "nothing is saved before the answer");
    harness.get_by_label("Save anyway").click();
    step_until(
        &mut harness,
        "the dialog to close",
        |h| h.query_by_label("Save anyway").is_none() && h.query_by_label("Test connection").is_none(),
        250,
    );
    let saved = std::fs::read_to_string(&config_path).unwrap();
    assert!(saved.contains("bucket = \"missing-bucket\""), "{saved}");
    assert_eq!(Config::load(&config_path).unwrap().storage.bucket, "missing-bucket");
    assert_eq!(harness.state().config().storage.bucket, "missing-bucket");
}

#[test]
fn cancel_stops_a_file_that_waits_for_the_upload_button() {
    let server = TestServer::start();
    let files = tempfile::tempdir().unwrap();
    let photo = write_image(files.path(), "photo.png", ImageFormat::Png, 40, 30);
    let mut config = server.config();
    config.ui.auto_upload = false;
    let clipboard = MemoryClipboard::new();
    let mut harness = real_app(config, files.path().join("config.toml"), &clipboard);
    step_until(&mut harness, "the store", |h| shows(h, "Uploading to bucket"), 250);

    drop_files(&mut harness, &[photo]);
    step_until(&mut harness, "the file to be ready", |h| shows(h, "press Upload"), 250);
    assert!(
        harness.query_by_label("Upload").is_some(),
        "the Upload button is offered"
    );
    harness.get_by_label("Cancel").click();
    step_until(
        &mut harness,
        "the cancellation",
        |h| count(h, |s| *s == RowStatus::Cancelled) == 1,
        250,
    );
    harness.step();
    assert!(shows(&harness, "Cancelled"));
    assert!(harness.query_by_label("Retry").is_some());
    assert!(harness.query_by_label("Upload").is_none());
    assert_eq!(server.object_count(), 0);
}

fn link(url: &str, valid_for: Duration) -> SignedLink {
    SignedLink {
        url: url.into(),
        expires_at: Some(SystemTime::now() + valid_for),
        ends_with_credentials: false,
    }
}

#[test]
fn a_failure_shows_its_reason_and_retry_and_delete_send_their_commands() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    fake.send(Event::StoreReady(StoreInfo {
        endpoint: "http://127.0.0.1:9".into(),
        bucket: "photos".into(),
        is_local: true,
        profile: "default".into(),
    }));
    let id = added(&fake, 7, "shot.png");
    fake.send(Event::Failed {
        id,
        error: StorageError::Timeout {
            endpoint: "https://s3.example.com".into(),
        }
        .into(),
    });
    harness.run();
    assert!(shows(
        &harness,
        "Local test store at http://127.0.0.1:9 — links work on this computer only. Open Settings to use your own bucket."
    ));
    assert!(
        shows(&harness, "https://s3.example.com did not answer in time"),
        "{}",
        window_text(&harness)
    );
    assert!(shows(&harness, "0 of 1 uploaded, 1 failed"));

    harness.get_by_label("Retry").click();
    harness.run();
    assert!(matches!(fake.commands()[..], [Command::Retry(JobId(7))]));
    assert!(shows(&harness, "Checking…"));

    harness
        .get_by_role_and_label(Role::ListBoxOption, "shot.png")
        .click_accesskit();
    harness.run();
    assert!(harness.state().rows()[0].selected);
    harness.key_press(Key::Delete);
    harness.run();
    assert!(matches!(fake.commands()[..], [Command::Remove(JobId(7))]));
    assert!(harness.state().rows().is_empty());
    assert!(shows(&harness, "Drop images or folders here"));
}

#[test]
fn copying_a_link_about_to_expire_asks_for_a_fresh_one_first() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    let id = added(&fake, 3, "cat.png");
    fake.send(Event::Uploaded {
        id,
        key: "abc_cat.png".into(),
        link: link("http://127.0.0.1:9/photos/abc_cat.png?old", Duration::from_secs(600)),
    });
    harness.run();
    assert!(shows(&harness, "expires in 10 min") || shows(&harness, "expires in 9 min"));

    harness.get_by_label("Copy Markdown").click();
    harness.run();
    assert!(matches!(fake.commands()[..], [Command::Resign(JobId(3))]));
    assert!(
        clipboard.texts().is_empty(),
        "nothing is copied before the new link arrives"
    );
    let fresh = "http://127.0.0.1:9/photos/abc_cat.png?new";
    fake.send(Event::LinkRefreshed {
        id,
        link: link(fresh, Duration::from_secs(7 * 24 * 3600)),
    });
    harness.run();
    assert_eq!(clipboard.texts(), vec![format!("![cat.png]({fresh})")]);
    assert!(shows(&harness, "Link copied"));

    // A fresh link is copied at once, without asking the worker.
    harness.get_by_label("Copy URL").click();
    harness.run();
    assert!(fake.commands().is_empty());
    assert_eq!(clipboard.texts().last().unwrap(), fresh);
}

#[test]
fn a_single_upload_is_copied_by_itself_when_the_setting_is_on() {
    let mut config = Config::default();
    config.ui.copy_link_after_upload = true;
    let clipboard = MemoryClipboard::new();
    let (mut harness, fake, _dir) = fake_app(config, &clipboard);
    let id = added(&fake, 1, "one.jpg");
    fake.send(Event::Validated {
        id,
        image: ValidatedImage {
            path: "/pictures/one.jpg".into(),
            size_bytes: 3 * 1024 * 1024,
            kind: ImageKind::Jpeg,
            width: 4000,
            height: 3000,
        },
    });
    fake.send(Event::Thumbnail {
        id,
        thumbnail: picbucket::core::thumbnail::Thumbnail {
            width: 4,
            height: 3,
            rgba: vec![200; 4 * 3 * 4],
        },
    });
    harness.run();
    assert!(
        shows(&harness, "3.0 MiB · 4000×3000 px · JPEG"),
        "{}",
        window_text(&harness)
    );
    assert_eq!(harness.state().texture_count(), 1);
    fake.send(Event::Uploaded {
        id,
        key: "k".into(),
        link: link("http://127.0.0.1:9/photos/k", Duration::from_secs(3600 * 24)),
    });
    harness.run();
    assert_eq!(clipboard.texts(), vec!["http://127.0.0.1:9/photos/k".to_owned()]);
}

#[test]
fn drops_and_pasted_paths_become_add_commands_and_a_pasted_screenshot_is_sent_as_pixels() {
    let mut config = Config::default();
    config.ui.recurse_folders = true;
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(config, &clipboard);
    assert!(shows(&harness, "Folders: images in subfolders are included."));

    drop_files(&mut harness, &[PathBuf::from("/pictures/trip")]);
    harness.run();
    let commands = fake.commands();
    let [Command::AddFiles { paths, folders }] = &commands[..] else {
        panic!("{commands:?}")
    };
    assert_eq!(
        (paths.as_slice(), *folders),
        ([PathBuf::from("/pictures/trip")].as_slice(), FolderMode::Recursive)
    );

    harness.event(egui::Event::Paste("file:///tmp/a%20b.png\n/tmp/c.gif".into()));
    harness.run();
    let commands = fake.commands();
    let [Command::AddFiles { paths, .. }] = &commands[..] else {
        panic!("{commands:?}")
    };
    assert_eq!(paths, &[PathBuf::from("/tmp/a b.png"), PathBuf::from("/tmp/c.gif")]);

    let pixels = egui::ColorImage::new([3, 2], vec![egui::Color32::from_rgb(10, 20, 30); 6]);
    harness.event(egui::Event::PasteImage(Arc::new(pixels)));
    let mut seen = Vec::new();
    for _ in 0..200 {
        harness.step();
        seen.extend(fake.commands());
        if !seen.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let [
        Command::AddPixels {
            name,
            width,
            height,
            rgba,
        },
    ] = &seen[..]
    else {
        panic!("{seen:?}")
    };
    assert!(name.starts_with("clipboard-") && name.ends_with(".png"), "{name}");
    assert_eq!((*width, *height), (3, 2));
    assert_eq!(&rgba[..4], &[10, 20, 30, 255]);
}

#[test]
fn keyboard_opens_settings_and_escape_closes_them_without_saving() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, dir) = fake_app(Config::default(), &clipboard);
    fake.send(Event::StoreFailed(
        StorageError::Config {
            detail: "Bucket is empty: enter the name of the bucket to upload to".into(),
        }
        .into(),
    ));
    harness.run();
    assert!(shows(&harness, "The storage settings are not usable"));
    assert!(harness.query_by_label("Open Settings").is_some());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Comma);
    harness.run();
    assert!(harness.query_by_label("Save").is_some(), "settings are open");
    harness.get_by_label("Bucket").set_text_value_accesskit("Not A Bucket");
    harness.run();
    assert!(shows(&harness, "is not a valid name"), "the field is flagged");
    assert!(shows(&harness, "Fix the fields marked in red to save."));

    harness.key_press(Key::Escape);
    harness.run();
    assert!(harness.query_by_label("Save").is_none(), "settings are closed");
    assert_eq!(harness.state().config().storage.bucket, "photos");
    assert!(!dir.path().join("config.toml").exists());
    assert!(fake.commands().is_empty());
}

#[test]
fn upload_copy_all_and_clear_finished_act_on_the_whole_queue() {
    let mut config = Config::default();
    config.ui.auto_upload = false;
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(config, &clipboard);
    let ids: Vec<JobId> = ["a.png", "b.png", "c.txt"]
        .iter()
        .enumerate()
        .map(|(n, name)| added(&fake, n as u64 + 1, name))
        .collect();
    for &id in &ids[..2] {
        validated(&fake, id);
    }
    fake.send(Event::Rejected {
        id: ids[2],
        reason: picbucket::core::Rejection::NotAnImage,
    });
    harness.run();
    assert!(harness.query_by_label("Copy all links").is_some());
    harness.get_by_label("Upload").click();
    harness.run();
    assert!(matches!(fake.commands()[..], [Command::StartAll]));
    assert!(harness.query_by_label("Upload").is_none());
    assert_eq!(harness.query_all_by_label("Waiting to upload").count(), 2);

    for (n, &id) in ids[..2].iter().enumerate() {
        fake.send(Event::Uploaded {
            id,
            key: format!("k{n}"),
            link: link(&format!("http://127.0.0.1:9/photos/k{n}"), Duration::from_secs(86_400)),
        });
    }
    harness.run();
    assert!(shows(&harness, "2 of 3 uploaded, 1 rejected"));
    harness.get_by_label("Copy all links").click();
    harness.run();
    assert_eq!(
        clipboard.texts(),
        vec!["http://127.0.0.1:9/photos/k0\nhttp://127.0.0.1:9/photos/k1".to_owned()]
    );
    assert!(shows(&harness, "2 links copied"));

    harness.get_by_label("Clear finished").click();
    harness.run();
    let removed: Vec<JobId> = fake
        .commands()
        .into_iter()
        .map(|command| match command {
            Command::Remove(id) => id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(removed, ids);
    assert!(harness.state().rows().is_empty());
}
