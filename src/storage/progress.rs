//! Byte counts of a running upload, shared between the request body and
//! whoever reports progress.

use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

/// Bytes sent so far. Finished parts go to `done`, the part in flight to
/// `current`, which restarts at zero when the SDK retries a request.
#[derive(Clone, Debug, Default)]
pub struct UploadProgress {
    done: Arc<AtomicU64>,
    current: Arc<AtomicU64>,
}

impl UploadProgress {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn sent_bytes(&self) -> u64 {
        self.done.load(Ordering::Relaxed) + self.current.load(Ordering::Relaxed)
    }

    /// The part in flight failed and will be sent again: its bytes no
    /// longer count as sent.
    pub(crate) fn restart_part(&self) {
        self.current.store(0, Ordering::Relaxed);
    }

    /// The whole upload starts over (a multipart upload restarted with
    /// another checksum): nothing counts as sent.
    pub(crate) fn restart_all(&self) {
        self.current.store(0, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    pub(crate) fn finish_part(&self, part_bytes: u64) {
        self.current.store(0, Ordering::Relaxed);
        self.done.fetch_add(part_bytes, Ordering::Relaxed);
    }

    /// Wraps a request body so the bytes it yields are counted.
    pub(crate) fn counting(&self, body: SdkBody) -> SdkBody {
        let current = self.current.clone();
        body.map_preserve_contents(move |inner| {
            current.store(0, Ordering::Relaxed);
            SdkBody::from_body_1_x(CountingBody {
                inner,
                counter: current.clone(),
            })
        })
    }
}

struct CountingBody {
    inner: SdkBody,
    counter: Arc<AtomicU64>,
}

impl Body for CountingBody {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            self.counter.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        Body::size_hint(&self.inner)
    }
}
