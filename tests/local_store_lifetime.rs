//! The built-in store is started once per worker: Settings changes never move
//! it to another port (links already shared keep working) and never cut it
//! from under uploads that are still running.

mod common;

use common::harness::Harness;
use common::{http_get, read};
use image::ImageFormat;
use picbucket::core::Config;
use picbucket::test_support::write_image;
use picbucket::worker::{Command, Event, FolderMode, WorkerOptions};

/// Uploads one file and returns its link.
trait UploadOne {
    fn upload(&mut self, path: std::path::PathBuf) -> String;
}

impl UploadOne for Harness {
    fn upload(&mut self, path: std::path::PathBuf) -> String {
        self.worker.send(Command::AddFiles {
            paths: vec![path],
            folders: FolderMode::Reject,
        });
        let events = self.until(|e| {
            matches!(
                e,
                Event::Uploaded { .. } | Event::Failed { .. } | Event::Rejected { .. }
            )
        });
        match events.last() {
            Some(Event::Uploaded { link, .. }) => link.url.clone(),
            other => panic!("not uploaded: {other:?}"),
        }
    }
}

fn built_in_store_config(data: &std::path::Path) -> Config {
    let mut config = Config::default();
    config.local.data_dir = Some(data.join("store"));
    config
}

fn store_endpoint(events: &[Event]) -> String {
    events
        .iter()
        .find_map(|e| match e {
            Event::StoreReady(info) => Some(info.endpoint.clone()),
            _ => None,
        })
        .expect("store ready")
}

#[test]
fn changing_the_bucket_of_the_built_in_store_keeps_its_port_and_earlier_links() {
    let dir = tempfile::tempdir().unwrap();
    let config = built_in_store_config(dir.path());
    let mut harness = Harness::new(config.clone(), WorkerOptions::default());
    let first_endpoint = store_endpoint(&harness.until(|e| matches!(e, Event::StoreReady(_))));
    let photo = write_image(dir.path(), "before.png", ImageFormat::Png, 12, 12);
    let old_link = harness.upload(photo.clone());

    let mut changed = config;
    changed.storage.bucket = "holiday".into();
    harness.worker.send(Command::ApplySettings(Box::new(changed)));
    let second_endpoint = store_endpoint(&harness.until(|e| matches!(e, Event::StoreReady(_))));
    assert_eq!(first_endpoint, second_endpoint, "the store moved to another port");
    assert_eq!(http_get(&old_link), Ok(read(&photo)), "an earlier link stopped working");

    let other = write_image(dir.path(), "after.gif", ImageFormat::Gif, 10, 10);
    let new_link = harness.upload(other.clone());
    assert!(new_link.contains("/holiday/"), "{new_link}");
    assert_eq!(http_get(&new_link), Ok(read(&other)));
}

#[test]
fn saving_settings_during_an_upload_to_the_built_in_store_lets_it_finish() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = built_in_store_config(dir.path());
    config.upload.max_size_mb = 100;
    config.upload.multipart_threshold_mb = 5;
    // The padded PNG below is no valid PNG past its header: sent as it is,
    // not walked by the metadata stripper (which would refuse it).
    config.upload.strip_metadata = false;
    // A valid PNG padded to 48 MiB: long enough to be mid-upload when Settings change.
    let path = write_image(dir.path(), "big.png", ImageFormat::Png, 8, 8);
    let mut bytes = read(&path);
    let iend = bytes.split_off(bytes.len() - 12);
    bytes.resize(48 * 1024 * 1024, 0);
    bytes.extend_from_slice(&iend);
    std::fs::write(&path, &bytes).unwrap();

    let mut harness = Harness::new(config.clone(), WorkerOptions::default());
    harness.worker.send(Command::AddFiles {
        paths: vec![path.clone()],
        folders: FolderMode::Reject,
    });
    harness.until(|e| matches!(e, Event::UploadStarted { .. }));
    let mut changed = config;
    changed.storage.bucket = "elsewhere".into();
    changed.upload.concurrency = 2;
    harness.worker.send(Command::ApplySettings(Box::new(changed)));
    let events = harness.until(|e| {
        matches!(
            e,
            Event::Uploaded { .. } | Event::Failed { .. } | Event::Cancelled { .. }
        )
    });
    let Some(Event::Uploaded { link, .. }) = events.last() else {
        panic!("the running upload did not finish: {events:?}")
    };
    assert!(
        link.url.contains("/photos/"),
        "the job moved to the new bucket: {}",
        link.url
    );
    let downloaded = ureq::get(&link.url)
        .call()
        .unwrap()
        .into_body()
        .with_config()
        .limit(100 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    assert!(downloaded == bytes, "the stored object differs from the file");
}
