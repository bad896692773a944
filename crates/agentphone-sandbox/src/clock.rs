//! The sandbox clock: real time plus an offset that tests move forward.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_seconds: AtomicI64,
    /// Woken when the clock moves, so that waiting simulations take their next step at once.
    pub moved: Notify,
}

impl Clock {
    pub(crate) fn now(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        real + self.offset_seconds.load(Ordering::Relaxed)
    }

    pub(crate) fn now_ms(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        real + self.offset_seconds.load(Ordering::Relaxed) * 1000
    }

    pub(crate) fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed);
        self.moved.notify_waiters();
    }
}
