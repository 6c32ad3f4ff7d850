//! Lowering the worker's threads below the window's UI thread (Linux).

/// How much nicer than the UI thread the worker's threads are (0 to 19).
/// At 4 a frame drawn while uploads kept both cores busy still waited for a
/// core (p99 15.8 ms with 2,000 rows on 2 cores); at 10 the window takes its
/// core when it wakes (p99 9.2–12.2 ms), and the uploads use the rest.
#[cfg(target_os = "linux")]
const NICER_BY: i32 = 10;

/// Makes the calling thread nicer. On Linux every thread has its own nice
/// value, so this leaves the UI thread as it was. A refusal (some sandboxes)
/// costs only smoothness, so it is logged and otherwise ignored.
pub fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        let now = rustix::process::getpriority_process(Some(thread)).unwrap_or(0);
        if let Err(error) = rustix::process::setpriority_process(Some(thread), (now + NICER_BY).min(19)) {
            tracing::debug!(%error, "worker thread priority not lowered");
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn only_the_calling_thread_gets_nicer() {
        let before = rustix::process::getpriority_process(None).unwrap();
        let lowered = std::thread::Builder::new()
            .spawn(|| {
                lower_this_thread();
                rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(lowered, (before + NICER_BY).min(19));
        let after = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap();
        assert_eq!(after, before, "the calling thread is untouched");
    }
}
