//! The core's webhook toolkit for Python: verify, sign, parse events, voice replies. The checks
//! live in `agentphone::ffi::webhooks`, shared with the JavaScript bindings.

use std::sync::Mutex;

use agentphone::ffi::errors::Naming;
use agentphone::ffi::webhooks as interop;
use agentphone::webhook::{self, WebhookError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{to_json, to_py};
use crate::errors::helper_to_py_err;

/// Verifies a delivery; raises `WebhookVerificationError` (`ValidationError` for a bad tolerance).
#[pyfunction]
#[pyo3(signature = (payload, signature, timestamp, secrets, tolerance, now = None))]
pub(crate) fn verify(
    py: Python<'_>,
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> PyResult<()> {
    interop::verify_delivery(payload, signature, timestamp, secrets, tolerance, now).map_err(|e| helper_to_py_err(py, e))
}

/// The signature header value for a payload (for tests of your own endpoint).
#[pyfunction]
pub(crate) fn sign(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    webhook::sign(secret, timestamp, payload)
}

/// Verifies, then parses: `{"envelope", "kind", "data", "raw"}` with canonical wire names.
#[pyfunction]
#[pyo3(signature = (payload, signature, timestamp, secrets, tolerance, now = None))]
pub(crate) fn construct_event(
    py: Python<'_>,
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> PyResult<Py<PyAny>> {
    let event = interop::construct_delivery(payload, signature, timestamp, secrets, tolerance, now, Naming::Python)
        .map_err(|e| helper_to_py_err(py, e))?;
    to_py(py, &event)
}

/// One voice reply as its JSON body.
#[pyfunction]
pub(crate) fn voice_json(py: Python<'_>, reply: &Bound<'_, PyDict>) -> PyResult<String> {
    interop::voice_json(to_json(reply.as_any(), "reply")?).map_err(|e| helper_to_py_err(py, e))
}

/// Replies as NDJSON: all but the last marked `interim`.
#[pyfunction]
pub(crate) fn voice_ndjson(py: Python<'_>, replies: Vec<Bound<'_, PyAny>>) -> PyResult<String> {
    let replies = replies.iter().enumerate().map(|(i, r)| to_json(r, &format!("replies[{i}]"))).collect::<PyResult<Vec<_>>>()?;
    interop::voice_ndjson(replies).map_err(|e| helper_to_py_err(py, e))
}

/// Reads a voice webhook's answer (JSON or NDJSON) into reply dicts.
#[pyfunction]
#[pyo3(signature = (body, content_type = None))]
pub(crate) fn parse_voice_reply(py: Python<'_>, body: &[u8], content_type: Option<&str>) -> PyResult<Py<PyAny>> {
    let replies = webhook::parse_voice_reply(content_type, body).map_err(|e: WebhookError| helper_to_py_err(py, e.into()))?;
    to_py(py, &serde_json::to_value(replies).unwrap_or_default())
}

/// Voice replies as they come, as NDJSON lines: all but the last are `interim` (the rule lives
/// in the core; `voice_stream` and `avoice_stream` only feed it).
#[pyclass(frozen, module = "agentphone_rs._native")]
pub(crate) struct VoiceLines(Mutex<interop::VoiceLines>);

#[pymethods]
impl VoiceLines {
    #[new]
    fn new() -> Self {
        Self(Mutex::new(interop::VoiceLines::default()))
    }

    /// Takes the next reply; returns the line of the one before it, if any.
    fn push(&self, py: Python<'_>, reply: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        let reply = to_json(reply, "reply")?;
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(reply).map_err(|e| helper_to_py_err(py, e))
    }

    /// The last reply's line, closing the turn.
    fn finish(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).finish()
    }
}
