//! When a failed request is tried again, and how long to wait first.
//!
//! The SDK's own retries are off (one attempt, see `client.rs`) so that this
//! loop is in control: each try re-reads the file from disk and recomputes
//! its checksum, which the SDK's retry could not do for a damaged body.

use crate::storage::error::StorageError;
use std::future::Future;
use std::time::Duration;

/// First wait's upper bound; doubles with each failed try.
const BASE_DELAY: Duration = Duration::from_millis(200);
/// No single wait is longer than this.
const MAX_DELAY: Duration = Duration::from_secs(10);
/// `upload.max_attempts` is validated to this range; clamped here too.
const ATTEMPTS_RANGE: std::ops::RangeInclusive<u32> = 1..=20;

/// How many tries a request gets and how the waits between them grow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl RetryPolicy {
    pub fn new(max_attempts: u32) -> Self {
        Self {
            max_attempts: max_attempts.clamp(*ATTEMPTS_RANGE.start(), *ATTEMPTS_RANGE.end()),
            base_delay: BASE_DELAY,
            max_delay: MAX_DELAY,
        }
    }

    /// Longest wait after try number `failed_attempt` (1-based) failed:
    /// `base × 2^(n−1)`, capped at `max_delay`.
    pub fn ceiling(&self, failed_attempt: u32) -> Duration {
        let doublings = failed_attempt.saturating_sub(1).min(31);
        self.base_delay.saturating_mul(1 << doublings).min(self.max_delay)
    }

    /// "Full jitter": a wait drawn uniformly from zero to the ceiling, so
    /// many uploads failing together do not come back together. `unit` is a
    /// random number in [0, 1).
    pub fn delay(&self, failed_attempt: u32, unit: f64) -> Duration {
        self.ceiling(failed_attempt).mul_f64(unit.clamp(0.0, 1.0))
    }

    /// Runs `op` until it succeeds, fails permanently, or used up its tries,
    /// sleeping with random jitter between tries.
    pub async fn run<T, Op, Fut>(&self, what: &str, op: Op) -> Result<T, StorageError>
    where
        Op: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, StorageError>>,
    {
        run_with(self, what, op, fastrand::f64, tokio::time::sleep).await
    }
}

/// [`RetryPolicy::run`] with the randomness and the sleep injected, so tests
/// neither wait nor depend on chance. `op` gets the 1-based try number.
pub(crate) async fn run_with<T, Op, Fut, Pause, PauseFut>(
    policy: &RetryPolicy,
    what: &str,
    mut op: Op,
    mut jitter: impl FnMut() -> f64,
    mut pause: Pause,
) -> Result<T, StorageError>
where
    Op: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, StorageError>>,
    Pause: FnMut(Duration) -> PauseFut,
    PauseFut: Future<Output = ()>,
{
    let mut attempt = 1;
    loop {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) if attempt < policy.max_attempts && is_retryable(&error) => {
                let wait = policy.delay(attempt, jitter());
                tracing::info!(what, attempt, wait_ms = wait.as_millis() as u64, %error, "retrying");
                pause(wait).await;
                attempt += 1;
            }
            Err(error) => {
                if attempt > 1 {
                    tracing::warn!(what, attempts = attempt, %error, "giving up");
                }
                return Err(error);
            }
        }
    }
}

/// Failures that another try may cure: the network (refused, reset, timed
/// out), a busy or failing server (500, 502, 503, 504, SlowDown,
/// RequestTimeout), and bytes damaged on the way (checksum mismatch).
/// Everything else — bad keys, denied access, a missing bucket, a file that
/// changed on disk, a refused checksum header — fails at once.
pub(crate) fn is_retryable(error: &StorageError) -> bool {
    match error {
        StorageError::Unreachable { .. } | StorageError::Timeout { .. } | StorageError::ChecksumMismatch { .. } => true,
        StorageError::Server { status, code, .. } => {
            matches!(status, Some(500 | 502 | 503 | 504))
                || matches!(
                    code.as_str(),
                    "SlowDown" | "RequestTimeout" | "InternalError" | "ServiceUnavailable"
                )
        }
        _ => false,
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
