//! When a failed attempt is tried again, and after how long.
//!
//! Reads and other idempotent requests are retried on connection errors, timeouts, 408, 429 and
//! 5xx. A request that acts in the world (sends a message, places a call, buys a number, creates
//! anything) is retried only where the server proves it did not act: a 429, or a connection that
//! failed before the request left this machine. 409 is never retried.

use std::time::Duration;

use web_time::SystemTime;

/// Retry settings, one per client (and overridable per call).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// Delay before the first retry; doubles each time (default 500 ms).
    pub initial_backoff: Duration,
    /// Longest computed backoff (default 8 s).
    pub max_backoff: Duration,
    /// Longest `Retry-After` the client will wait; a longer one is returned to the caller as a
    /// rate-limit error carrying `retry_after` (default 60 s).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// How an attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The server answered with this status.
    Status(u16),
    /// The connection failed before the request was sent.
    NotSent,
    /// A timeout or broken connection after the request may have been sent.
    Lost,
}

impl RetryPolicy {
    /// The delay before the next attempt, or `None` to stop. `retries` is how many retries were
    /// already made; `retry_after` is the response's header, if any.
    pub(crate) fn next_delay(&self, acts: bool, attempt: Attempt, retries: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if retries >= self.max_retries {
            return None;
        }
        let retryable = match attempt {
            Attempt::NotSent | Attempt::Status(429) => true,
            Attempt::Status(408 | 500..=599) | Attempt::Lost => !acts,
            Attempt::Status(_) => false,
        };
        if !retryable {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retries)),
        }
    }

    /// Exponential backoff with "equal jitter": half fixed, half random, so that clients that
    /// failed together do not come back together.
    fn backoff(&self, retries: u32) -> Duration {
        let base = self.initial_backoff.saturating_mul(2u32.saturating_pow(retries)).min(self.max_backoff);
        let half = base / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // Fractional seconds, read as a JSON number: `str::parse::<f64>` would bring the standard
    // library's float parser and its 10 KB table into the wasm build for this alone.
    if let Ok(seconds) = serde_json::from_str::<f64>(value) {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let now = std::time::UNIX_EPOCH + SystemTime::now().duration_since(web_time::UNIX_EPOCH).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn policy() -> RetryPolicy {
        RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(100), ..RetryPolicy::default() }
    }

    #[test]
    fn reads_retry_on_transient_failures() {
        let p = policy();
        for attempt in
            [Attempt::Status(408), Attempt::Status(429), Attempt::Status(500), Attempt::Status(503), Attempt::NotSent, Attempt::Lost]
        {
            assert!(p.next_delay(false, attempt, 0, None).is_some(), "{attempt:?}");
        }
        for status in [400, 401, 404, 409, 422] {
            assert!(p.next_delay(false, Attempt::Status(status), 0, None).is_none(), "{status}");
        }
        assert!(p.next_delay(false, Attempt::Status(503), 2, None).is_none(), "budget exhausted");
    }

    #[test]
    fn actions_retry_only_when_the_server_did_not_act() {
        let p = policy();
        assert!(p.next_delay(true, Attempt::Status(429), 0, None).is_some());
        assert!(p.next_delay(true, Attempt::NotSent, 0, None).is_some());
        for attempt in [
            Attempt::Status(408),
            Attempt::Status(500),
            Attempt::Status(502),
            Attempt::Status(503),
            Attempt::Status(504),
            Attempt::Lost,
            Attempt::Status(409),
        ] {
            assert!(p.next_delay(true, attempt, 0, None).is_none(), "{attempt:?}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        let p = policy();
        for retries in 0..2 {
            let d = p.next_delay(false, Attempt::Status(503), retries, None).unwrap();
            let base = Duration::from_millis(100 * 2u64.pow(retries));
            assert!(d >= base / 2 && d <= base, "{d:?} vs {base:?}");
        }
        let capped = RetryPolicy { max_retries: 40, ..policy() };
        assert!(capped.next_delay(false, Attempt::Lost, 30, None).unwrap() <= capped.max_backoff);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = policy();
        assert_eq!(p.next_delay(true, Attempt::Status(429), 0, Some(Duration::from_secs(3))), Some(Duration::from_secs(3)));
        assert_eq!(p.next_delay(true, Attempt::Status(429), 0, Some(Duration::from_secs(3600))), None);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let parsed = parse_retry_after(&future).unwrap();
        assert!(parsed > Duration::from_secs(100) && parsed <= Duration::from_secs(120), "{parsed:?}");
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
    }
}
