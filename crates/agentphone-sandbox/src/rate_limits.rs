//! The API's published per-minute limits (the REST reference names these five; it publishes no
//! others), counted over the last 60 s of the sandbox clock for each project, and for the sign-up
//! flow, which has no project yet, for the whole sandbox (the API counts it by address, and every
//! client of a sandbox has the same one). Advancing the clock frees the window.

use std::collections::{HashMap, VecDeque};

use agentphone::table::Operation;

use crate::error_reply::Failure;

const WINDOW_MS: i64 = 60_000;

/// Requests a minute, by operation.
const PER_MINUTE: [(&str, usize); 5] =
    [("sign_up", 10), ("verify_sign_up", 20), ("buy_number", 20), ("send_verification", 60), ("check_verification", 120)];

/// When each owner's recent limited requests were made, by owner and operation.
#[derive(Debug, Default)]
pub(crate) struct Windows {
    recent: HashMap<(String, &'static str), VecDeque<i64>>,
}

impl Windows {
    /// Counts a request of `op` by `owner` made at `now_ms`, or answers 429 with `Retry-After`
    /// (the seconds until the window has room) when the minute's allowance is spent.
    pub(crate) fn admit(&mut self, owner: &str, op: &'static Operation, now_ms: i64) -> Result<(), Failure> {
        let Some(&(_, limit)) = PER_MINUTE.iter().find(|(id, _)| *id == op.id) else { return Ok(()) };
        // Owners whose windows have emptied are forgotten, so keys used once cost nothing later.
        if self.recent.len() > 1_024 {
            self.recent.retain(|_, times| times.back().is_some_and(|last| now_ms - last < WINDOW_MS));
        }
        let times = self.recent.entry((owner.to_owned(), op.id)).or_default();
        while times.front().is_some_and(|first| now_ms - first >= WINDOW_MS) {
            times.pop_front();
        }
        if let Some(first) = times.front().filter(|_| times.len() >= limit) {
            let wait_ms = first + WINDOW_MS - now_ms;
            let mut failure =
                Failure::coded(429, "RATE_LIMITED", format!("{} is limited to {limit} requests a minute; try again later", op.id));
            failure.retry_after = Some(((wait_ms + 999) / 1000).max(1).to_string());
            return Err(failure);
        }
        times.push_back(now_ms);
        Ok(())
    }
}
