//! Lowering the worker's threads below the window's UI thread (Linux).
//!
//! Two settings per thread, both only ever making it yield sooner:
//! - a higher nice value, so the UI thread gets a core's time when it wants it;
//! - a short time slice (Linux 6.12 and later). The scheduler lets a running
//!   thread finish its slice, 1.4 ms by default here, before a thread that
//!   just woke up may take its core. Every frame makes about ten round trips
//!   to the X server (egui-winit asks for the window's size, position and
//!   state), and each time the server woke behind an upload thread it waited
//!   out that slice: 0.7–1.7 ms per round trip, frames of 8–16 ms. With 0.1 ms
//!   slices, 2,000 rows uploading under Xvfb on 2 cores: frames over 8 ms 2, 1,
//!   2, 4 per run instead of 16, 8, 4, 4; p95 4.5–6.2 ms instead of 6.0–8.6.

/// How much nicer than the UI thread the worker's threads are (0 to 19).
/// At 4 a frame drawn while uploads kept both cores busy still waited for a
/// core (p99 15.8 ms with 2,000 rows on 2 cores); at 10 the window takes its
/// core when it wakes (p99 9.2–12.2 ms), and the uploads use the rest.
#[cfg(target_os = "linux")]
const NICER_BY: i32 = 10;

/// The time slice the worker's threads ask for: the kernel's shortest.
#[cfg(target_os = "linux")]
const WORKER_SLICE_NS: u64 = 100_000;

/// Makes the calling thread nicer and its slices short. On Linux every
/// thread has its own nice value and slice, so this leaves the UI thread as
/// it was. A refusal (some sandboxes, older kernels) costs only smoothness,
/// so it is logged and otherwise ignored.
pub fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        let now = rustix::process::getpriority_process(Some(thread)).unwrap_or(0);
        let nice = (now + NICER_BY).min(19);
        if let Err(error) = rustix::process::setpriority_process(Some(thread), nice) {
            tracing::debug!(%error, "worker thread priority not lowered");
        }
        let nice = rustix::process::getpriority_process(Some(thread)).unwrap_or(now);
        if let Err(error) = shorten_slice(nice) {
            tracing::debug!(%error, "worker thread slice not shortened");
        }
    }
}

/// Asks for [`WORKER_SLICE_NS`] slices for the calling thread, keeping its
/// policy (normal) and its nice value. Kernels before 6.12 accept and ignore it.
#[cfg(target_os = "linux")]
fn shorten_slice(nice: i32) -> std::io::Result<()> {
    let attr = libc::sched_attr {
        size: std::mem::size_of::<libc::sched_attr>() as u32,
        sched_policy: libc::SCHED_OTHER as u32,
        sched_flags: 0,
        sched_nice: nice,
        sched_priority: 0,
        sched_runtime: WORKER_SLICE_NS,
        sched_deadline: 0,
        sched_period: 0,
    };
    // SAFETY: sched_setattr(2) with pid 0 (the calling thread) reads `size`
    // bytes from a pointer to a live, fully initialised `sched_attr` of that
    // size, and keeps no reference to it. Neither rustix nor libc wraps it.
    let result = unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &raw const attr, 0) };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The calling thread's slice as sched_getattr(2) reports it (0 on
    /// kernels without custom slices).
    fn slice_of_this_thread() -> u64 {
        // SAFETY: zeroes are a valid `sched_attr` (plain integers).
        let mut attr: libc::sched_attr = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::sched_attr>() as u32;
        // SAFETY: sched_getattr(2) writes at most `size` bytes into `attr`,
        // which lives until the call returns.
        let result = unsafe { libc::syscall(libc::SYS_sched_getattr, 0, &raw mut attr, size, 0) };
        assert_eq!(result, 0, "{}", std::io::Error::last_os_error());
        attr.sched_runtime
    }

    fn on_a_new_thread<T: Send + 'static>(lower: bool, read: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .name("priority-test".into())
            .spawn(move || {
                if lower {
                    lower_this_thread();
                }
                read()
            })
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn only_the_calling_thread_gets_nicer() {
        let before = rustix::process::getpriority_process(None).unwrap();
        let lowered = on_a_new_thread(true, || {
            rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap()
        });
        assert_eq!(lowered, (before + NICER_BY).min(19));
        let after = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap();
        assert_eq!(after, before, "the calling thread is untouched");
    }

    /// True on Linux 6.12 and later, which report (and honour) custom slices.
    fn kernel_has_custom_slices() -> bool {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let mut numbers = release
            .split(|c: char| !c.is_ascii_digit())
            .map(|n| n.parse::<u32>().unwrap_or(0));
        let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
        (major, minor) >= (6, 12)
    }

    #[test]
    fn shortening_the_slice_is_accepted() {
        let nice = rustix::process::getpriority_process(None).unwrap();
        let result = on_a_new_thread(false, move || shorten_slice(nice).map_err(|e| e.to_string()));
        assert_eq!(result, Ok(()));
    }

    #[test]
    fn a_lowered_thread_asks_for_short_slices() {
        let default = on_a_new_thread(false, slice_of_this_thread);
        if !kernel_has_custom_slices() {
            eprintln!("before Linux 6.12 there are no custom slices: nothing to check");
            return;
        }
        assert_ne!(default, 0, "Linux 6.12+ reports each thread's slice");
        assert_ne!(
            default, WORKER_SLICE_NS,
            "the default slice must differ for this test to mean anything"
        );
        assert_eq!(on_a_new_thread(true, slice_of_this_thread), WORKER_SLICE_NS);
        assert_eq!(slice_of_this_thread(), default, "the calling thread is untouched");
    }
}
