//! Frame times for measuring the window (`PICBUCKET_FRAME_TIMES=FILE`): one
//! line per frame, the milliseconds eframe spent on the previous frame (the
//! app's code, egui's tessellation and painting), the milliseconds of that
//! spent in the app's own `logic()` and `ui()`, and how many rows the queue
//! had in that frame (so a benchmark can tell the frames with rows from the
//! window's first, empty ones). The file is written by a thread of its own;
//! the UI thread only sends numbers.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;

/// The environment variable naming the file (appended to).
pub const FRAME_TIMES_VAR: &str = "PICBUCKET_FRAME_TIMES";

pub struct FrameLog {
    tx: mpsc::Sender<(f32, f32, usize)>,
}

impl FrameLog {
    /// A log into the file `PICBUCKET_FRAME_TIMES` names, if it is set.
    pub fn from_env() -> Option<Self> {
        let path = PathBuf::from(std::env::var_os(FRAME_TIMES_VAR).filter(|p| !p.is_empty())?);
        match Self::to_file(path.clone()) {
            Ok(log) => Some(log),
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "frame times not logged");
                None
            }
        }
    }

    pub fn to_file(path: PathBuf) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
        let (tx, rx) = mpsc::channel::<(f32, f32, usize)>();
        std::thread::Builder::new()
            .name("picbucket-frame-log".into())
            .spawn(move || {
                let mut out = std::io::BufWriter::new(file);
                // Ends when the window drops its sender. Flushed whenever no
                // frame is waiting, so a reader sees every frame while the
                // window is still open.
                while let Ok(frame) = rx.recv() {
                    let mut pending = Some(frame);
                    while let Some((total, app, rows)) = pending {
                        if writeln!(out, "{total:.3} {app:.3} {rows}").is_err() {
                            return;
                        }
                        pending = rx.try_recv().ok();
                    }
                    if out.flush().is_err() {
                        return;
                    }
                }
            })?;
        Ok(Self { tx })
    }

    /// Records the previous frame's time, in seconds as eframe reports it,
    /// the part of it the app's own code took, and the rows it showed.
    pub fn record(&self, seconds: f32, app_seconds: f32, rows: usize) {
        self.tx.send((seconds * 1000.0, app_seconds * 1000.0, rows)).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_recorded_frame_is_one_line_in_milliseconds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("frames.txt");
        let log = FrameLog::to_file(path.clone()).unwrap();
        for (seconds, rows) in [(0.004, 0), (0.0125, 2000), (0.001, 7)] {
            log.record(seconds, seconds / 2.0, rows);
        }
        drop(log);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(&path).unwrap();
            if text.lines().count() == 3 || std::time::Instant::now() > deadline {
                assert_eq!(text, "4.000 2.000 0\n12.500 6.250 2000\n1.000 0.500 7\n");
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}
