use super::*;
use std::cell::RefCell;

fn server(status: Option<u16>, code: &str) -> StorageError {
    StorageError::Server {
        status,
        code: code.into(),
        message: String::new(),
    }
}

#[test]
fn network_busy_server_and_damaged_bytes_are_retried() {
    let retried = [
        StorageError::Unreachable {
            endpoint: "e".into(),
            reason: crate::storage::NetProblem::Closed,
        },
        StorageError::Timeout { endpoint: "e".into() },
        StorageError::ChecksumMismatch {
            code: "BadDigest".into(),
        },
        server(Some(500), "InternalError"),
        server(Some(502), ""),
        server(Some(503), "SlowDown"),
        server(Some(504), ""),
        server(Some(400), "RequestTimeout"),
    ];
    for error in retried {
        assert!(is_retryable(&error), "{error}");
        assert!(error.is_transient(), "{error}");
    }
}

#[test]
fn permanent_failures_are_not_retried() {
    let permanent = [
        StorageError::BadCredentials {
            code: "SignatureDoesNotMatch".into(),
        },
        StorageError::AccessDenied {
            bucket: "b".into(),
            detail: "d".into(),
        },
        StorageError::BucketMissing {
            bucket: "b".into(),
            endpoint: "e".into(),
        },
        StorageError::File {
            detail: "the file changed".into(),
        },
        StorageError::ChecksumRefused {
            header: "x-amz-checksum-crc32c".into(),
            code: "NotImplemented".into(),
        },
        StorageError::Cancelled,
        server(Some(501), "NotImplemented"),
        server(Some(400), "InvalidArgument"),
        server(Some(404), "NoSuchKey"),
    ];
    for error in permanent {
        assert!(!is_retryable(&error), "{error}");
    }
}

#[test]
fn the_backoff_ceiling_doubles_from_the_base_and_stops_at_the_cap() {
    let policy = RetryPolicy::new(20);
    assert_eq!(policy.ceiling(1), Duration::from_millis(200));
    assert_eq!(policy.ceiling(2), Duration::from_millis(400));
    assert_eq!(policy.ceiling(3), Duration::from_millis(800));
    assert_eq!(policy.ceiling(6), Duration::from_millis(6400));
    assert_eq!(policy.ceiling(7), Duration::from_secs(10));
    assert_eq!(policy.ceiling(u32::MAX), Duration::from_secs(10));
}

#[test]
fn full_jitter_stays_between_zero_and_the_ceiling() {
    let policy = RetryPolicy::new(5);
    assert_eq!(policy.delay(3, 0.0), Duration::ZERO);
    assert_eq!(policy.delay(3, 0.5), Duration::from_millis(400));
    assert_eq!(policy.delay(3, 1.0), policy.ceiling(3));
    // Out-of-range randomness cannot push the wait past the bounds.
    assert_eq!(policy.delay(3, 7.0), policy.ceiling(3));
    assert_eq!(policy.delay(3, -1.0), Duration::ZERO);
    for _ in 0..1000 {
        let wait = policy.delay(4, fastrand::f64());
        assert!(wait <= policy.ceiling(4), "{wait:?}");
    }
}

#[test]
fn max_attempts_is_clamped_to_one_through_twenty() {
    assert_eq!(RetryPolicy::new(0).max_attempts, 1);
    assert_eq!(RetryPolicy::new(99).max_attempts, 20);
}

/// Runs `run_with` on a current-thread runtime, recording the waits.
fn drive(
    policy: RetryPolicy,
    outcomes: Vec<Result<u32, StorageError>>,
) -> (Result<u32, StorageError>, Vec<u32>, Vec<Duration>) {
    let outcomes = RefCell::new(outcomes.into_iter());
    let tries = RefCell::new(Vec::new());
    let waits = RefCell::new(Vec::new());
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let result = runtime.block_on(run_with(
        &policy,
        "test",
        |attempt| {
            tries.borrow_mut().push(attempt);
            let next = outcomes.borrow_mut().next().unwrap();
            async move { next }
        },
        || 0.5,
        |wait| {
            waits.borrow_mut().push(wait);
            async {}
        },
    ));
    (result, tries.into_inner(), waits.into_inner())
}

#[test]
fn transient_failures_are_retried_with_growing_waits_until_success() {
    let slow = || Err(server(Some(503), "SlowDown"));
    let (result, tries, waits) = drive(RetryPolicy::new(5), vec![slow(), slow(), Ok(7)]);
    assert_eq!(result, Ok(7));
    assert_eq!(tries, [1, 2, 3]);
    assert_eq!(waits, [Duration::from_millis(100), Duration::from_millis(200)]);
}

#[test]
fn a_permanent_failure_ends_after_one_try() {
    let denied = StorageError::BadCredentials {
        code: "InvalidAccessKeyId".into(),
    };
    let (result, tries, waits) = drive(RetryPolicy::new(5), vec![Err(denied.clone()), Ok(1)]);
    assert_eq!(result, Err(denied));
    assert_eq!(tries, [1]);
    assert!(waits.is_empty());
}

#[test]
fn the_last_transient_failure_is_reported_when_tries_run_out() {
    let reset = || {
        Err(StorageError::Unreachable {
            endpoint: "e".into(),
            reason: crate::storage::NetProblem::Closed,
        })
    };
    let (result, tries, waits) = drive(RetryPolicy::new(3), vec![reset(), reset(), reset(), Ok(1)]);
    assert!(matches!(result, Err(StorageError::Unreachable { .. })));
    assert_eq!(tries, [1, 2, 3]);
    assert_eq!(waits.len(), 2);
}
