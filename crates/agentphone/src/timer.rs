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

#[cfg(target_arch = "wasm32")]
pub(crate) async fn sleep(delay: Duration) {
    gloo_timers::future::sleep(delay).await;
}
