//! Timestamps as the API writes them (ISO-8601, UTC, seconds).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The last second RFC 3339 can write (9999-12-31T23:59:59Z): the formatter panics past it.
const LAST_SECOND: i64 = 253_402_300_799;

/// Unix seconds as `2025-01-15T10:30:00Z`.
pub(crate) fn iso(unix: i64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(unix.clamp(0, LAST_SECOND) as u64)).to_string()
}

/// Unix milliseconds as `2025-01-15T10:30:00.123Z` (messages: distinct, ordered cursors).
pub(crate) fn iso_ms(unix_ms: i64) -> String {
    let ms = unix_ms.clamp(0, LAST_SECOND.saturating_mul(1000) + 999);
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms as u64)).to_string()
}

/// Parses an ISO-8601 timestamp to unix milliseconds.
pub(crate) fn parse_iso_ms(text: &str) -> Option<i64> {
    let at: SystemTime = humantime::parse_rfc3339_weak(text.trim().trim_end_matches('Z')).ok()?;
    Some(at.duration_since(UNIX_EPOCH).ok()?.as_millis() as i64)
}

/// `YYYY-MM-DD` of unix seconds.
pub(crate) fn day(unix: i64) -> String {
    iso(unix)[..10].to_owned()
}

/// `YYYY-MM` of unix seconds.
pub(crate) fn month(unix: i64) -> String {
    iso(unix)[..7].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(iso(1_736_937_000), "2025-01-15T10:30:00Z");
        assert_eq!(parse_iso_ms("2025-01-15T10:30:00Z"), Some(1_736_937_000_000));
        assert_eq!(parse_iso_ms("yesterday"), None);
        assert_eq!(iso_ms(1_736_937_000_123), "2025-01-15T10:30:00.123Z");
        assert_eq!(parse_iso_ms("2025-01-15T10:30:00.123Z"), Some(1_736_937_000_123));
        assert_eq!(day(1_736_937_000), "2025-01-15");
        assert_eq!(month(1_736_937_000), "2025-01");
    }

    #[test]
    fn times_past_year_9999_are_written_as_its_last_second() {
        assert_eq!(iso(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(iso(400_000_000_000), "9999-12-31T23:59:59Z");
        assert_eq!(iso_ms(i64::MAX), "9999-12-31T23:59:59.999Z");
    }
}
