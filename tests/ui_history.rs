//! The History view, the resume banner and the destination switch, headless:
//! a fake worker (bare channels) checks which command a click sends and what
//! an answer shows; one test runs the real worker, library and S3 server.

mod common;

use common::{TestServer, http_get, read};
use egui::{Key, Modifiers, Role};
use egui_kittest::kittest::{NodeT, Queryable};
use image::ImageFormat;
use picbucket::core::{Config, StorageConfig};
use picbucket::library::{HistoryQuery, RecordId, UploadRecord, UploadState};
use picbucket::test_support::write_image;
use picbucket::ui::state::RowStatus;
use picbucket::ui::{MemoryClipboard, PicbucketApp, View};
use picbucket::worker::{Command, Event, LibraryLocation, SignedLink, UnfinishedJob, WorkerHandle, WorkerOptions};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

mod ui_common;

use ui_common::*;

/// The history queries the window sent so far, and every other command apart.
trait HistoryQueries {
    fn queries(&mut self) -> (Vec<(u64, HistoryQuery)>, Vec<Command>);
}

impl HistoryQueries for FakeWorker {
    fn queries(&mut self) -> (Vec<(u64, HistoryQuery)>, Vec<Command>) {
        let mut queries = Vec::new();
        let mut others = Vec::new();
        for command in self.commands() {
            match command {
                Command::QueryHistory { query, ticket } => queries.push((ticket, query)),
                other => others.push(other),
            }
        }
        (queries, others)
    }
}

fn record(id: RecordId, name: &str) -> UploadRecord {
    UploadRecord {
        id,
        profile: "default".into(),
        endpoint: "http://127.0.0.1:9".into(),
        bucket: "photos".into(),
        region: "us-east-1".into(),
        object_key: format!("key-{id}"),
        file_name: name.into(),
        source_path: PathBuf::from("/pictures").join(name),
        size_bytes: 3 * 1024 * 1024,
        content_type: "image/jpeg".into(),
        width: 4000,
        height: 3000,
        sha256: None,
        source_mtime: None,
        created_at: 1_700_000_000_000,
        uploaded_at: Some(1_700_000_000_000),
        state_changed_at: 1_700_000_000_000,
        state: UploadState::Done,
        last_error: None,
        attempts: 1,
        multipart_upload_id: None,
        thumbnail: None,
        owner: None,
        lease_until: 0,
    }
}

fn week_link(url: &str) -> SignedLink {
    SignedLink {
        url: url.into(),
        expires_at: Some(SystemTime::now() + Duration::from_secs(7 * 24 * 3600)),
        ends_with_credentials: false,
    }
}

/// Opens History (Ctrl+H) and answers its first query with `records` of `total`.
fn open_history(harness: &mut AppHarness, fake: &mut FakeWorker, total: u64, records: Vec<UploadRecord>) {
    harness.key_press_modifiers(Modifiers::CTRL, Key::H);
    harness.run();
    assert_eq!(harness.state().view(), View::History);
    let (queries, others) = fake.queries();
    assert!(others.is_empty(), "{others:?}");
    let [(ticket, query)] = &queries[..] else {
        panic!("one query expected: {queries:?}")
    };
    assert_eq!((query.offset, query.limit, query.include_deleted), (0, 100, false));
    assert_eq!((&query.search, &query.profile), (&None, &None));
    fake.send(Event::HistoryPage {
        ticket: *ticket,
        total,
        records,
    });
    harness.run();
}

#[test]
fn history_lists_its_records_and_copies_each_format_of_a_freshly_signed_link() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    open_history(
        &mut harness,
        &mut fake,
        2,
        vec![record(2, "cat.jpg"), record(1, "dog.jpg")],
    );
    assert!(
        shows(&harness, "cat.jpg") && shows(&harness, "dog.jpg"),
        "{}",
        window_text(&harness)
    );
    assert!(shows(&harness, "2 uploads"));
    assert!(
        shows(&harness, "3.0 MiB · 4000×3000 px · 2023-11-14"),
        "{}",
        window_text(&harness)
    );
    assert!(shows(&harness, "to default"));

    // The first row is the newest: cat.jpg.
    harness.get_all_by_label("Copy URL").next().unwrap().click();
    harness.run();
    let (_, commands) = fake.queries();
    assert!(
        matches!(
            commands[..],
            [Command::SignRecordLink {
                record: 2,
                expiry: None
            }]
        ),
        "{commands:?}"
    );
    assert!(
        clipboard.texts().is_empty(),
        "nothing is copied before the link arrives"
    );
    let url = "http://127.0.0.1:9/photos/key-2?X-Amz-Signature=ab&X-Amz-Expires=604800";
    fake.send(Event::RecordLink {
        record: 2,
        link: Ok(week_link(url)),
    });
    harness.run();
    assert_eq!(clipboard.texts(), vec![url.to_owned()]);
    assert!(shows(&harness, "Link copied"));
    assert!(shows(&harness, "expires in 6 days 23 h"), "{}", window_text(&harness));

    let expected = [
        ("Copy Markdown", format!("![cat.jpg]({url})")),
        (
            "Copy HTML",
            format!("<img src=\"{}\" alt=\"cat.jpg\">", url.replace('&', "&amp;")),
        ),
        ("Copy BBCode", format!("[img]{url}[/img]")),
    ];
    for (button, text) in expected {
        harness.get_all_by_label(button).next().unwrap().click();
        harness.run();
        let (_, commands) = fake.queries();
        assert!(matches!(commands[..], [Command::SignRecordLink { record: 2, .. }]));
        fake.send(Event::RecordLink {
            record: 2,
            link: Ok(week_link(url)),
        });
        harness.run();
        assert_eq!(clipboard.texts().last().unwrap(), &text, "{button}");
    }

    // "Open in browser" hands the fresh link to the platform.
    harness.get_all_by_label("Open in browser").next().unwrap().click();
    harness.run();
    let (_, commands) = fake.queries();
    assert!(matches!(commands[..], [Command::SignRecordLink { record: 2, .. }]));
    fake.send(Event::RecordLink {
        record: 2,
        link: Ok(week_link(url)),
    });
    harness.step();
    let opened: Vec<&str> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|command| match command {
            egui::OutputCommand::OpenUrl(open) => Some(open.url.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(opened, vec![url]);
    harness.run();

    // A link that cannot be signed says why, and copies nothing.
    harness.get_all_by_label("Copy URL").nth(1).unwrap().click();
    harness.run();
    fake.send(Event::RecordLink {
        record: 1,
        link: Err("The destination default is not in the settings.".into()),
    });
    harness.run();
    assert_eq!(clipboard.texts().len(), 4);
    assert!(shows(
        &harness,
        "No link: The destination default is not in the settings."
    ));
}

#[test]
fn search_and_the_destination_filter_ask_again_from_the_top_and_ignore_stale_answers() {
    let mut config = Config::default();
    config.other_profiles.insert("work".into(), StorageConfig::default());
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(config, &clipboard);
    open_history(
        &mut harness,
        &mut fake,
        2,
        vec![record(2, "cat.jpg"), record(1, "dog.jpg")],
    );

    let search = harness.get_by_role_and_label(Role::TextInput, "Search");
    search.focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Search")
        .type_text("cat");
    harness.run();
    let (queries, _) = fake.queries();
    let (ticket, query) = queries.last().expect("a query for the search");
    assert_eq!((query.search.as_deref(), query.offset), (Some("cat"), 0));
    fake.send(Event::HistoryPage {
        ticket: *ticket,
        total: 1,
        records: vec![record(2, "cat.jpg")],
    });
    // An answer to an older query (the list before the search), arriving late, is ignored.
    fake.send(Event::HistoryPage {
        ticket: ticket - 1,
        total: 7,
        records: vec![record(9, "stale.jpg")],
    });
    harness.run();
    assert!(shows(&harness, "1 upload") && !shows(&harness, "dog.jpg") && !shows(&harness, "stale.jpg"));

    harness.get_by_role_and_label(Role::ComboBox, "Destination").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "work").click();
    harness.run();
    let (queries, _) = fake.queries();
    let (_, query) = queries.last().expect("a query for the destination");
    assert_eq!(query.profile.as_deref(), Some("work"));
    assert_eq!(query.search.as_deref(), Some("cat"));
}

#[test]
fn delete_from_bucket_asks_first_and_only_delete_sends_it() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    open_history(&mut harness, &mut fake, 1, vec![record(5, "photo.jpg")]);

    harness.get_by_label("Delete from bucket").click();
    harness.run();
    let question = "Delete photo.jpg from bucket photos? Its link stops working.";
    assert!(shows(&harness, question), "{}", window_text(&harness));
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(!shows(&harness, question));
    assert!(fake.commands().is_empty(), "Cancel sends nothing");

    harness.get_by_label("Delete from bucket").click();
    harness.run();
    harness.get_by_label("Delete").click();
    harness.run();
    assert!(!shows(&harness, question));
    let (_, commands) = fake.queries();
    assert!(matches!(commands[..], [Command::DeleteRemote(5)]), "{commands:?}");

    // The worker's answer: a toast, and the list is asked for again.
    fake.send(Event::RecordDeleted {
        record: 5,
        name: "photo.jpg".into(),
    });
    fake.send(Event::HistoryChanged);
    harness.run_steps(4);
    assert!(shows(&harness, "photo.jpg was deleted from its bucket"));
    let (queries, _) = fake.queries();
    assert_eq!(queries.len(), 1, "one refresh: {queries:?}");

    // Remove from history needs no question and is local.
    harness.get_by_label("Remove from history").click();
    harness.run();
    let (_, commands) = fake.queries();
    assert!(matches!(commands[..], [Command::RemoveRecord(5)]), "{commands:?}");
}

#[test]
fn the_resume_banner_resumes_or_discards_what_earlier_runs_left() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    let jobs = |first: RecordId| -> Vec<UnfinishedJob> {
        (first..first + 3)
            .map(|record| UnfinishedJob {
                record,
                file_name: format!("{record}.png"),
                profile: "default".into(),
            })
            .collect()
    };
    harness.key_press_modifiers(Modifiers::CTRL, Key::H);
    fake.send(Event::UnfinishedFound(jobs(10)));
    harness.run();
    assert!(
        shows(&harness, "3 uploads didn't finish —"),
        "{}",
        window_text(&harness)
    );
    fake.commands();

    harness.get_by_label("Resume").click();
    harness.run();
    let (_, commands) = fake.queries();
    let [Command::ResumeUnfinished(ids)] = &commands[..] else {
        panic!("{commands:?}")
    };
    assert_eq!(ids, &[10, 11, 12]);
    assert_eq!(harness.state().view(), View::Queue, "resumed files show in the queue");
    assert!(!shows(&harness, "didn't finish"));
    fake.send(Event::ResumeClaimed { count: 3 });
    harness.run();
    assert!(shows(&harness, "Resuming 3 uploads"));

    fake.send(Event::UnfinishedFound(jobs(20)));
    harness.run();
    harness.get_by_label("Discard").click();
    harness.run();
    let commands = fake.commands();
    let [Command::DiscardUnfinished(ids)] = &commands[..] else {
        panic!("{commands:?}")
    };
    assert_eq!(ids, &[20, 21, 22]);
    assert!(!shows(&harness, "didn't finish"));
}

#[test]
fn choosing_another_destination_applies_it_at_once_and_saves_it() {
    let mut config = Config::default();
    let work = StorageConfig {
        endpoint: "https://s3.example.com".into(),
        bucket: "work-bucket".into(),
        ..StorageConfig::default()
    };
    config.other_profiles.insert("work".into(), work);
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, dir) = fake_app(config, &clipboard);

    harness.get_by_role_and_label(Role::ComboBox, "Upload to").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "work").click();
    harness.run();
    let commands = fake.commands();
    let [Command::ApplySettings(applied)] = &commands[..] else {
        panic!("{commands:?}")
    };
    assert_eq!(applied.profile, "work");
    assert_eq!(applied.storage.bucket, "work-bucket");
    assert!(applied.other_profiles.contains_key("default"));
    assert_eq!(harness.state().config().profile, "work");
    assert!(shows(&harness, "New uploads go to work"));

    let path = dir.path().join("config.toml");
    step_until(&mut harness, "the saved file", |_| path.exists(), 250);
    let saved = Config::load(&path).unwrap();
    assert_eq!(
        (saved.profile.as_str(), saved.storage.bucket.as_str()),
        ("work", "work-bucket")
    );
}

/// Sorted, middle value.
fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

#[test]
fn ten_thousand_records_lay_out_only_the_rows_in_view_and_page_as_they_scroll() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    let page = |offset: u64| -> Vec<UploadRecord> {
        (offset..offset + 100)
            .map(|n| record(10_000 - n as i64, &format!("photo-{n:05}.jpg")))
            .collect()
    };
    // For comparison: frames of the empty queue.
    let baseline = median(
        (0..20)
            .map(|_| {
                let start = Instant::now();
                harness.step();
                start.elapsed()
            })
            .collect(),
    );
    open_history(&mut harness, &mut fake, 10_000, page(0));
    assert!(shows(&harness, "10000 uploads"));
    let laid_out = harness.query_all_by_label_contains("photo-").count();
    assert!(
        (3..30).contains(&laid_out),
        "{laid_out} rows laid out of the 100 on hand"
    );
    assert!(shows(&harness, "photo-00000.jpg"));
    assert!(harness.state().history().held() <= 100);

    // Frames while still: the whole window, 20 times.
    let mut still = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        harness.step();
        still.push(start.elapsed());
    }
    // Frames while scrolling down with the wheel, pages answered as asked.
    harness.hover_at(egui::pos2(450.0, 400.0));
    let mut scrolling = Vec::new();
    let mut asked = Vec::new();
    for _ in 0..20 {
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -2_000.0),
            modifiers: Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        let start = Instant::now();
        harness.step();
        scrolling.push(start.elapsed());
        let (queries, _) = fake.queries();
        for (ticket, query) in queries {
            asked.push(query.offset);
            fake.send(Event::HistoryPage {
                ticket,
                total: 10_000,
                records: page(query.offset),
            });
        }
    }
    // Let the scroll settle, answering what it still asks for.
    for _ in 0..10 {
        harness.step();
        for (ticket, query) in fake.queries().0 {
            asked.push(query.offset);
            fake.send(Event::HistoryPage {
                ticket,
                total: 10_000,
                records: page(query.offset),
            });
        }
    }
    harness.run();
    let (still, scrolling) = (median(still), median(scrolling));
    println!(
        "frame median: empty queue {baseline:?}, history still {still:?}, scrolling {scrolling:?}; \
         {laid_out} rows laid out; pages asked at offsets {asked:?}"
    );
    assert!(still < Duration::from_millis(50), "still frame median {still:?}");
    assert!(
        scrolling < Duration::from_millis(50),
        "scrolling frame median {scrolling:?}"
    );

    // Scrolled far down: later pages were asked for, far ones dropped.
    assert!(asked.iter().any(|&offset| offset >= 300), "{asked:?}");
    assert!(!shows(&harness, "photo-00000.jpg"));
    let laid_out = harness.query_all_by_label_contains("photo-").count();
    assert!((3..30).contains(&laid_out), "{laid_out} rows laid out");
    assert!(
        harness.state().history().held() <= 600,
        "{}",
        harness.state().history().held()
    );
}

#[test]
fn an_upload_through_the_window_is_listed_in_history_with_its_thumbnail_and_a_working_link() {
    let server = TestServer::start();
    let files = tempfile::tempdir().unwrap();
    let photo = write_image(files.path(), "beach.png", ImageFormat::Png, 64, 48);
    let library = files.path().join("library.sqlite3");
    let clipboard = MemoryClipboard::new();
    let config = server.config();
    let config_path = files.path().join("config.toml");
    let sink = clipboard.clone();
    let mut harness = builder().build_eframe(move |cc| {
        let ctx = cc.egui_ctx.clone();
        let options = WorkerOptions {
            thumbnails: true,
            library: LibraryLocation::File(library),
            offer_unfinished: true,
            ..WorkerOptions::default()
        };
        let worker = WorkerHandle::spawn(config.clone(), options, Arc::new(move || ctx.request_repaint())).unwrap();
        PicbucketApp::new(cc, config, config_path, worker, Box::new(sink))
    });
    step_until(&mut harness, "the store", |h| shows(h, "Uploading to bucket"), 250);
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(TestDrop(photo.clone())));
    step_until(
        &mut harness,
        "the upload",
        |h| {
            h.state()
                .rows()
                .iter()
                .any(|r| matches!(r.status, RowStatus::Done { .. }))
        },
        500,
    );

    harness.get_by_role_and_label(Role::Button, "History").click();
    step_until(
        &mut harness,
        "the history row and its thumbnail",
        |h| h.state().history().total() == 1 && h.state().history().texture_count() == 1,
        250,
    );
    assert!(shows(&harness, "beach.png"));
    assert!(shows(&harness, "64×48 px"), "{}", window_text(&harness));
    assert!(shows(&harness, "to default"));

    harness.get_by_label("Copy URL").click();
    step_until(&mut harness, "the copied link", |_| !clipboard.texts().is_empty(), 250);
    let url = clipboard.texts().pop().unwrap();
    assert_eq!(http_get(&url).unwrap(), read(&photo));
    assert!(shows(&harness, "expires in 6 days 23 h"), "{}", window_text(&harness));
}

#[test]
fn a_narrow_window_folds_the_rarer_buttons_into_more() {
    let clipboard = MemoryClipboard::new();
    let (mut harness, mut fake, _dir) = fake_app(Config::default(), &clipboard);
    harness.set_size(egui::vec2(640.0, 480.0));
    open_history(&mut harness, &mut fake, 1, vec![record(8, "tree.jpg")]);
    let right_edges: Vec<f64> = ["Copy URL", "Copy Markdown", "Open in browser", "More"]
        .into_iter()
        .map(|label| harness.get_by_label(label).accesskit_node().bounding_box().unwrap().x1)
        .collect();
    assert!(right_edges.iter().all(|&x| x < 640.0), "{right_edges:?}");
    assert!(harness.query_by_label("Delete from bucket").is_none());

    harness.get_by_label("More").click();
    harness.run();
    harness.get_by_label("Delete from bucket").click();
    harness.run();
    assert!(shows(
        &harness,
        "Delete tree.jpg from bucket photos? Its link stops working."
    ));
    harness.get_by_label("Delete").click();
    harness.run();
    let (_, commands) = fake.queries();
    assert!(matches!(commands[..], [Command::DeleteRemote(8)]), "{commands:?}");
}
