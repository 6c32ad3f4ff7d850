//! The window's log file, kept over several runs: each start moves
//! `picbucket.log` to `picbucket.1.log`, `.1` to `.2` and so on, so the
//! errors of the run before (often the one a user asks about) survive it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The current run's log in the data directory.
pub const LOG_FILE_NAME: &str = "picbucket.log";

/// Log files kept: this run's plus the four before it.
pub const KEPT_LOGS: usize = 5;

/// `picbucket.log` for `index` 0, `picbucket.{index}.log` for older runs.
pub fn log_path(dir: &Path, index: usize) -> PathBuf {
    match index {
        0 => dir.join(LOG_FILE_NAME),
        n => dir.join(format!("picbucket.{n}.log")),
    }
}

/// Shifts the earlier runs' logs one place older (dropping the oldest, so
/// `kept` files remain) and creates an empty `picbucket.log` for this run.
/// A log that cannot be moved is overwritten rather than stopping the start.
pub fn rotate_and_create(dir: &Path, kept: usize) -> io::Result<(PathBuf, File)> {
    std::fs::create_dir_all(dir)?;
    let kept = kept.max(1);
    // Oldest first, so no rename lands on a file still to be moved.
    for index in (0..kept - 1).rev() {
        let from = log_path(dir, index);
        let to = log_path(dir, index + 1);
        match std::fs::rename(&from, &to) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            // Windows refuses to rename onto an existing file: remove it first.
            Err(_) => {
                std::fs::remove_file(&to).ok();
                std::fs::rename(&from, &to).ok();
            }
        }
    }
    let path = log_path(dir, 0);
    let file = File::create(&path)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn start(dir: &Path, run: usize) {
        let (_, mut file) = rotate_and_create(dir, KEPT_LOGS).unwrap();
        writeln!(file, "run {run}").unwrap();
    }

    #[test]
    fn six_starts_keep_the_last_five_runs_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        for run in 1..=6 {
            start(dir.path(), run);
        }
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "picbucket.1.log",
                "picbucket.2.log",
                "picbucket.3.log",
                "picbucket.4.log",
                "picbucket.log"
            ]
        );
        for (index, run) in [(0, 6), (1, 5), (2, 4), (3, 3), (4, 2)] {
            let text = std::fs::read_to_string(log_path(dir.path(), index)).unwrap();
            assert_eq!(text, format!("run {run}\n"), "file {index}");
        }
    }

    #[test]
    fn the_first_start_makes_one_empty_log() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("new folder");
        let (path, _) = rotate_and_create(&logs, KEPT_LOGS).unwrap();
        assert_eq!(path, logs.join("picbucket.log"));
        assert_eq!(std::fs::read_dir(&logs).unwrap().count(), 1);
        assert_eq!(std::fs::read(&path).unwrap(), b"");
    }
}
