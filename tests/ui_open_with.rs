//! `picbucket FILE…` / "Open with picbucket": the window starts with the
//! files queued (it asks the worker to add them before the first frame).

mod ui_common;

use picbucket::core::Config;
use picbucket::ui::{MemoryClipboard, PicbucketApp};
use picbucket::worker::{Command, FolderMode, WorkerHandle};
use std::path::PathBuf;
use tokio::sync::mpsc;

#[test]
fn files_given_at_start_are_added_once_and_none_means_no_command() {
    for (paths, recurse) in [
        (vec![PathBuf::from("/tmp/a b.jpg"), PathBuf::from("/tmp/c.webp")], false),
        (vec![PathBuf::from("/tmp/folder")], true),
        (Vec::new(), false),
    ] {
        let (command_tx, mut commands) = mpsc::unbounded_channel();
        let (_events, event_rx) = mpsc::unbounded_channel();
        let worker = WorkerHandle::from_channels(command_tx, event_rx);
        let mut config = Config::default();
        config.ui.recurse_folders = recurse;
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("config.toml");
        let initial = paths.clone();
        let mut harness = ui_common::builder().build_eframe(move |cc| {
            PicbucketApp::new(cc, config, config_path, worker, Box::new(MemoryClipboard::new()))
                .with_initial_files(initial)
        });
        harness.run_steps(2);
        let mut sent = Vec::new();
        while let Ok(envelope) = commands.try_recv() {
            sent.push(envelope.command);
        }
        let adds: Vec<_> = sent
            .iter()
            .filter_map(|command| match command {
                Command::AddFiles { paths, folders } => Some((paths.clone(), *folders)),
                _ => None,
            })
            .collect();
        if paths.is_empty() {
            assert!(adds.is_empty(), "{sent:?}");
        } else {
            let folders = if recurse {
                FolderMode::Recursive
            } else {
                FolderMode::Flat
            };
            assert_eq!(adds, [(paths, folders)], "{sent:?}");
        }
    }
}
