//! Lowering the worker's threads below the window's UI thread (Linux).

/// How much nicer than the UI thread the worker's threads are (0 to 19).
/// At 4 a frame drawn while uploads kept both cores busy still waited for a
/// core (p99 15.8 ms with 2,000 rows on 2 cores); at 10 the window takes its
/// core when it wakes (p99 9.2–12.2 ms), and the uploads use the rest.
#[cfg(target_os = "linux")]
const NICER_BY: i32 = 10;

/// The priority the worker's threads run at: [`NICER_BY`] below the thread
/// that starts the worker (the window's UI thread).
///
/// It is a fixed level, not "nicer than now": a new thread inherits its
/// creator's nice value, and tokio's blocking threads are started by worker
/// threads already lowered, so lowering each new thread by [`NICER_BY`]
/// again put them at 19 rather than 10.
#[derive(Clone, Copy, Debug)]
pub struct Lowered {
    #[cfg(target_os = "linux")]
    nice: i32,
}

impl Lowered {
    /// [`NICER_BY`] below the calling thread.
    pub fn below_this_thread() -> Self {
        #[cfg(target_os = "linux")]
        {
            let now = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap_or(0);
            Self {
                nice: (now + NICER_BY).min(19),
            }
        }
        #[cfg(not(target_os = "linux"))]
        Self {}
    }

    /// Puts the calling thread at this level. On Linux every thread has its
    /// own nice value, so this leaves the UI thread as it was. A refusal
    /// (some sandboxes) costs only smoothness, so it is logged and otherwise
    /// ignored.
    pub fn apply_to_this_thread(self) {
        #[cfg(target_os = "linux")]
        if let Err(error) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), self.nice) {
            tracing::debug!(%error, "worker thread priority not lowered");
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn nice_of_this_thread() -> i32 {
        rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap()
    }

    fn on_a_new_thread<T: Send + 'static>(run: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new().spawn(run).unwrap().join().unwrap()
    }

    #[test]
    fn only_the_calling_thread_gets_nicer() {
        let before = nice_of_this_thread();
        let level = Lowered::below_this_thread();
        let lowered = on_a_new_thread(move || {
            level.apply_to_this_thread();
            nice_of_this_thread()
        });
        assert_eq!(lowered, (before + NICER_BY).min(19));
        assert_eq!(nice_of_this_thread(), before, "the calling thread is untouched");
    }

    #[test]
    fn a_thread_started_by_a_lowered_thread_is_lowered_once() {
        let before = nice_of_this_thread();
        let level = Lowered::below_this_thread();
        // As tokio's blocking threads are: started by a worker thread that
        // was itself lowered, and lowered again when they start.
        let grandchild = on_a_new_thread(move || {
            level.apply_to_this_thread();
            on_a_new_thread(move || {
                level.apply_to_this_thread();
                nice_of_this_thread()
            })
        });
        assert_eq!(grandchild, (before + NICER_BY).min(19));
    }
}
