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
use std::time::{Duration, Instant};

/// The environment variable naming the file (appended to).
pub const FRAME_TIMES_VAR: &str = "PICBUCKET_FRAME_TIMES";

pub struct FrameLog {
    tx: mpsc::Sender<(f32, f32, usize)>,
    /// When this frame's app code began, how long the last frame's took,
    /// and the rows it showed.
    app_started: Option<Instant>,
    last_app_time: Duration,
    last_rows: usize,
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
        Ok(Self {
            tx,
            app_started: None,
            last_app_time: Duration::ZERO,
            last_rows: 0,
        })
    }

    /// The app's code for this frame begins (`logic()`).
    pub fn app_code_began(&mut self) {
        self.app_started = Some(Instant::now());
    }

    /// The app's code for this frame is done (end of `ui()`); it showed `rows`.
    pub fn app_code_ended(&mut self, rows: usize) {
        if let Some(started) = self.app_started.take() {
            self.last_app_time = started.elapsed();
            self.last_rows = rows;
        }
    }

    /// Records the previous frame: `seconds` as eframe reports it, with the
    /// app's part and rows noted by [`Self::app_code_ended`].
    pub fn record_previous_frame(&self, seconds: f32) {
        self.record(seconds, self.last_app_time.as_secs_f32(), self.last_rows);
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

    /// The file's text once it has `lines` lines (or after 10 s).
    fn written(path: &std::path::Path, lines: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(path).unwrap();
            if text.lines().count() == lines || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn each_recorded_frame_is_one_line_in_milliseconds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("frames.txt");
        let log = FrameLog::to_file(path.clone()).unwrap();
        for (seconds, rows) in [(0.004, 0), (0.0125, 2000), (0.001, 7)] {
            log.record(seconds, seconds / 2.0, rows);
        }
        drop(log);
        assert_eq!(written(&path, 3), "4.000 2.000 0\n12.500 6.250 2000\n1.000 0.500 7\n");
    }

    #[test]
    fn the_previous_frame_is_recorded_with_its_app_time_and_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("frames.txt");
        let mut log = FrameLog::to_file(path.clone()).unwrap();
        log.app_code_began();
        std::thread::sleep(Duration::from_millis(20));
        log.app_code_ended(42);
        log.record_previous_frame(0.5);
        drop(log);
        let text = written(&path, 1);
        let fields: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(fields.len(), 3, "{text:?}");
        assert_eq!(fields[0], "500.000");
        let app_ms: f32 = fields[1].parse().unwrap();
        assert!((20.0..500.0).contains(&app_ms), "app time {app_ms} ms");
        assert_eq!(fields[2], "42");
    }
}
