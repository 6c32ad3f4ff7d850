//! Keeping the worker's threads out of the window's way (Linux): a lower
//! priority than the UI thread, and off one core.

/// How much nicer than the UI thread the worker's threads are (0 to 19).
/// At 4 a frame drawn while uploads kept both cores busy still waited for a
/// core (p99 15.8 ms with 2,000 rows on 2 cores); at 10, 9.2–12.2 ms. The
/// rest came from leaving the window a core (see [`Lowered`]).
#[cfg(target_os = "linux")]
const NICER_BY: i32 = 10;

/// The priority and the cores the worker's threads run on: [`NICER_BY`]
/// below the thread that starts the worker (the window's UI thread), and
/// every core it may use but one.
///
/// The nice value is a fixed level, not "nicer than now": a new thread
/// inherits its creator's nice value, and tokio's blocking threads are
/// started by worker threads already lowered, so lowering each new thread by
/// [`NICER_BY`] again put them at 19 rather than 10.
///
/// The core left out is the window's. Nice alone did not keep frames on
/// time: a frame waits on the display server about ten times, and the UI
/// thread, the X server and the GL rasterizer's threads each waited for a
/// core the lowered threads held when they woke. With 2,000 rows
/// during a drop on 2 cores, p99 of the frames was 9.1–10.6 ms with every
/// core shared and 2.5–4.3 ms with one left to the window, for uploads
/// about a fifth slower. Thumbnails, which the window is waiting to show,
/// may use every core (see [`Lowered::every_core_for_now`]).
#[derive(Clone, Copy)]
pub struct Lowered {
    #[cfg(target_os = "linux")]
    nice: i32,
    /// The cores background work may use, and all the calling thread may
    /// (`None` with a single core: nothing to leave out).
    #[cfg(target_os = "linux")]
    cores: Option<(rustix::thread::CpuSet, rustix::thread::CpuSet)>,
}

impl Lowered {
    /// [`NICER_BY`] below the calling thread, on all its cores but one.
    pub fn below_this_thread() -> Self {
        #[cfg(target_os = "linux")]
        {
            let now = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap_or(0);
            let cores = rustix::thread::sched_getaffinity(None)
                .ok()
                .and_then(|all| Some((all_but_the_first(&all)?, all)));
            Self {
                nice: (now + NICER_BY).min(19),
                cores,
            }
        }
        #[cfg(not(target_os = "linux"))]
        Self {}
    }

    /// Puts the calling thread at this level, on the background cores. On
    /// Linux every thread has its own nice value and cores, so this leaves
    /// the UI thread as it was. A refusal (some sandboxes) costs only
    /// smoothness, so it is logged and otherwise ignored.
    pub fn apply_to_this_thread(self) {
        #[cfg(target_os = "linux")]
        {
            if let Err(error) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), self.nice) {
                tracing::debug!(%error, "worker thread priority not lowered");
            }
            if let Some((background, _)) = &self.cores
                && let Err(error) = rustix::thread::sched_setaffinity(None, background)
            {
                tracing::debug!(%error, "worker thread not kept off the window's core");
            }
        }
    }

    /// Lets the calling thread use every core until the guard is dropped:
    /// for work the window is waiting to show.
    pub fn every_core_for_now(self) -> EveryCore {
        #[cfg(target_os = "linux")]
        if let Some((_, all)) = &self.cores {
            rustix::thread::sched_setaffinity(None, all).ok();
        }
        EveryCore(self)
    }
}

/// Back on the background cores when dropped.
pub struct EveryCore(Lowered);

impl Drop for EveryCore {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some((background, _)) = &self.0.cores {
            rustix::thread::sched_setaffinity(None, background).ok();
        }
    }
}

/// `all` without its lowest core, or `None` if that leaves nothing.
#[cfg(target_os = "linux")]
fn all_but_the_first(all: &rustix::thread::CpuSet) -> Option<rustix::thread::CpuSet> {
    let first = (0..rustix::thread::CpuSet::MAX_CPU).find(|&cpu| all.is_set(cpu))?;
    let mut rest = *all;
    rest.unset(first);
    (rest.count() > 0).then_some(rest)
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

    fn cores_of_this_thread() -> Vec<usize> {
        let set = rustix::thread::sched_getaffinity(None).unwrap();
        let cores: Vec<usize> = (0..rustix::thread::CpuSet::MAX_CPU)
            .filter(|&cpu| set.is_set(cpu))
            .collect();
        assert_eq!(cores.len(), set.count() as usize);
        cores
    }

    fn set_of(cores: &[usize]) -> rustix::thread::CpuSet {
        let mut set = rustix::thread::CpuSet::new();
        cores.iter().for_each(|&cpu| set.set(cpu));
        set
    }

    #[test]
    fn the_window_keeps_the_lowest_core_unless_it_is_the_only_one() {
        let rest = all_but_the_first(&set_of(&[2, 5, 7])).unwrap();
        assert!(!rest.is_set(2) && rest.is_set(5) && rest.is_set(7));
        assert_eq!(rest.count(), 2);
        assert!(
            all_but_the_first(&set_of(&[3])).is_none(),
            "one core: nothing to leave out"
        );
    }

    #[test]
    fn a_lowered_thread_leaves_the_first_core_to_the_window() {
        let all = cores_of_this_thread();
        assert_eq!(
            all.len(),
            rustix::thread::sched_getaffinity(None).unwrap().count() as usize
        );
        let level = Lowered::below_this_thread();
        let (lowered, widened, narrowed_again) = on_a_new_thread(move || {
            level.apply_to_this_thread();
            let lowered = cores_of_this_thread();
            let every_core = level.every_core_for_now();
            let widened = cores_of_this_thread();
            drop(every_core);
            (lowered, widened, cores_of_this_thread())
        });
        if all.len() < 2 {
            // One core: nothing to leave out.
            assert_eq!(lowered, all);
        } else {
            assert_eq!(lowered, all[1..], "every core but the first");
        }
        assert_eq!(widened, all, "work the window waits for may use every core");
        assert_eq!(narrowed_again, lowered);
        assert_eq!(cores_of_this_thread(), all, "the calling thread is untouched");
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
