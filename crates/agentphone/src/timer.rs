//! Waiting, on every target: tokio's timer natively, the browser's in wasm.

use std::time::Duration;

/// `work`'s output, or `None` if it takes longer than `limit` (on every target).
pub(crate) async fn within<T>(limit: Duration, work: impl Future<Output = T>) -> Option<T> {
    let work = std::pin::pin!(work);
    let deadline = std::pin::pin!(sleep(limit));
    match futures_util::future::select(work, deadline).await {
        futures_util::future::Either::Left((output, _)) => Some(output),
        futures_util::future::Either::Right(_) => None,
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn sleep(delay: Duration) {
    tokio::time::sleep(delay).await;
}

/// The browser's timers take at most 2^31 - 1 ms (about 24.8 days) and trap on more: a longer
/// wait is taken in pieces.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn sleep(delay: Duration) {
    const LONGEST: Duration = Duration::from_millis(i32::MAX as u64);
    let mut left = delay;
    while !left.is_zero() {
        let step = left.min(LONGEST);
        gloo_timers::future::sleep(step).await;
        left -= step;
    }
}

/// When a call must be over. `web_time` is `std::time` natively and `performance.now()` in wasm.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(web_time::Instant);

impl Deadline {
    /// `limit` from now (a limit too large to represent is as good as none: a century).
    pub(crate) fn after(limit: Duration) -> Self {
        let now = web_time::Instant::now();
        Self(now.checked_add(limit).unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400)))
    }

    pub(crate) fn remaining(self) -> Duration {
        self.0.saturating_duration_since(web_time::Instant::now())
    }
}
