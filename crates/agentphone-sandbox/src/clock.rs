//! The sandbox clock: real time plus an offset that tests move forward.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

/// How far the clock may run ahead of real time: a thousand years, well inside what timestamps
/// (up to year 9999) can write.
pub(crate) const MAX_OFFSET: i64 = 1000 * 365 * 86_400;

#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_seconds: AtomicI64,
    /// Woken when the clock moves, so that waiting simulations take their next step at once.
    pub moved: Notify,
}

impl Clock {
    pub(crate) fn now(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        real.saturating_add(self.offset_seconds.load(Ordering::Relaxed))
    }

    pub(crate) fn now_ms(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        real.saturating_add(self.offset_seconds.load(Ordering::Relaxed).saturating_mul(1000))
    }

    /// Moves the clock forward, at most to [`MAX_OFFSET`] past real time; returns whether it moved
    /// by the whole amount.
    pub(crate) fn advance(&self, seconds: i64) -> bool {
        let moved = self
            .offset_seconds
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                offset.checked_add(seconds).filter(|total| (0..=MAX_OFFSET).contains(total))
            })
            .is_ok();
        self.moved.notify_waiters();
        moved
    }

    /// Back to real time (a full reset of the sandbox).
    pub(crate) fn reset(&self) {
        self.offset_seconds.store(0, Ordering::Relaxed);
        self.moved.notify_waiters();
    }
}
