//! Faults injected on demand: a status (with `Retry-After`) for the next N matching requests,
//! added latency, or a dropped connection.

use std::time::Duration;

use serde::Deserialize;

/// A fault waiting for requests; `POST /sandbox/faults` adds one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fault {
    /// Operation id (`send_message`) or route (`POST /v1/messages`); absent matches every route.
    #[serde(default)]
    pub operation: Option<String>,
    /// Only requests with this API key (set from the control request's key when absent).
    #[serde(default)]
    pub api_key: Option<String>,
    /// How many requests it hits (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Answer with this status instead of handling the request (nothing happens).
    #[serde(default)]
    pub status: Option<u16>,
    /// `Retry-After` seconds sent with the status.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// How `retry_after` is written: `"seconds"` (default) or `"http_date"` (that many seconds
    /// from now, as an IMF-fixdate: clients must read both forms).
    #[serde(default)]
    pub retry_after_format: RetryAfterFormat,
    /// Wait this long before answering (after the request took effect).
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop: bool,
    /// With `drop`: whether the request took effect first (default true: the answer was lost).
    #[serde(default = "yes")]
    pub acted: bool,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RetryAfterFormat {
    #[default]
    Seconds,
    HttpDate,
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

impl Fault {
    /// The `Retry-After` header's value, in the asked form.
    pub(crate) fn retry_after_value(&self) -> Option<String> {
        let seconds = self.retry_after?;
        Some(match self.retry_after_format {
            RetryAfterFormat::Seconds => seconds.to_string(),
            // A date the format can write: at most ten years ahead (an HTTP date past 9999 panics).
            RetryAfterFormat::HttpDate => {
                let wait = Duration::from_secs(seconds.min(10 * 365 * 86_400));
                httpdate::fmt_http_date(std::time::SystemTime::now().checked_add(wait).unwrap_or_else(std::time::SystemTime::now))
            }
        })
    }

    /// Why the fault could never hit, if so: an `operation` that names no operation of the table
    /// (by id or by route) would wait forever and leave the test wondering.
    pub(crate) fn problem(&self) -> Option<String> {
        let target = self.operation.as_deref()?;
        let known = agentphone::operations::OPERATIONS.iter().any(|op| self.operation_matches(target, op));
        (!known)
            .then(|| format!("{target:?} is no operation: give an operation id (e.g. `list_agents`) or a route (e.g. `POST /v1/messages`)"))
    }

    fn operation_matches(&self, target: &str, op: &agentphone::table::Operation) -> bool {
        target == op.id
            || target.split_once(' ').is_some_and(|(method, path)| method.eq_ignore_ascii_case(op.method.as_str()) && path == op.path)
    }

    fn matches(&self, key: Option<&str>, op: &agentphone::table::Operation) -> bool {
        let key_ok = self.api_key.as_deref().is_none_or(|k| Some(k) == key);
        let op_ok = self.operation.as_deref().is_none_or(|target| self.operation_matches(target, op));
        key_ok && op_ok && self.count > 0
    }
}

/// Takes one hit of the first fault matching the request.
pub(crate) fn take(faults: &mut Vec<Fault>, key: Option<&str>, op: &agentphone::table::Operation) -> Option<Fault> {
    let index = faults.iter().position(|f| f.matches(key, op))?;
    faults[index].count -= 1;
    let fault = faults[index].clone();
    if faults[index].count == 0 {
        faults.remove(index);
    }
    Some(fault)
}
