//! The window's worker keeps off one core and below the UI thread's
//! priority (README, "The window"): read from the kernel for the worker's
//! own thread, as the window starts it (`ui::worker_options`).
#![cfg(target_os = "linux")]

use picbucket::core::Config;
use picbucket::ui::worker_options;
use picbucket::worker::{LibraryLocation, WorkerHandle, WorkerOptions};
use rustix::process::Pid;
use rustix::thread::{CpuSet, sched_getaffinity};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn cores(set: &CpuSet) -> Vec<usize> {
    (0..CpuSet::MAX_CPU).filter(|&cpu| set.is_set(cpu)).collect()
}

/// The thread this process named `picbucket-worker` (the kernel keeps 15 characters).
fn worker_thread() -> Option<i32> {
    std::fs::read_dir("/proc/self/task").ok()?.flatten().find_map(|task| {
        let comm = std::fs::read_to_string(task.path().join("comm")).ok()?;
        (comm.trim() == "picbucket-worke").then(|| task.file_name().to_str()?.parse().ok())?
    })
}

fn nice_of(tid: i32) -> i32 {
    rustix::process::getpriority_process(Pid::from_raw(tid)).unwrap()
}

#[test]
fn the_windows_worker_runs_below_the_ui_thread_and_off_its_core() {
    let all = cores(&sched_getaffinity(None).unwrap());
    let ui_nice = rustix::process::getpriority_process(None).unwrap();
    let options = WorkerOptions {
        library: LibraryLocation::Off,
        ..worker_options(&Config::default())
    };
    assert!(options.below_the_window, "the window's options lower the worker");
    let worker = WorkerHandle::spawn(Config::default(), options, Arc::new(|| {})).unwrap();
    let expected = if all.len() >= 2 { all[1..].to_vec() } else { all.clone() };
    // The thread lowers itself as it starts: wait for that, up to a bound.
    let deadline = Instant::now() + Duration::from_secs(5);
    let (seen_cores, seen_nice) = loop {
        let seen = worker_thread().map(|tid| {
            let set = sched_getaffinity(Pid::from_raw(tid))
                .map(|set| cores(&set))
                .unwrap_or_default();
            (set, nice_of(tid))
        });
        match seen {
            Some((set, nice)) if set == expected && nice != ui_nice => break (set, nice),
            other if Instant::now() > deadline => break other.unwrap_or_default(),
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    assert_eq!(seen_cores, expected, "every core but the lowest, of {all:?}");
    assert_eq!(seen_nice, (ui_nice + 10).min(19));
    assert_eq!(
        cores(&sched_getaffinity(None).unwrap()),
        all,
        "the UI thread keeps every core"
    );
    drop(worker);
}
