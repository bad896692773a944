//! The core's webhook toolkit for Python: verify, sign, parse events, voice replies.

use agentphone::VoiceReply;
use agentphone::webhook::{self, Verifier, WebhookError, WebhookEvent};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{to_json, to_py};

fn verification_error(py: Python<'_>, error: &WebhookError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("agentphone_rs._errors")?.getattr("WebhookVerificationError")?;
        Ok(PyErr::from_value(class.call1((error.to_string(),))?))
    };
    build().unwrap_or_else(|e| e)
}

/// Verifies a delivery; raises `WebhookVerificationError`.
#[pyfunction]
#[pyo3(signature = (payload, signature, timestamp, secrets, tolerance = Some(300.0), now = None))]
pub(crate) fn verify(
    py: Python<'_>,
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> PyResult<()> {
    let verifier = Verifier::with_secrets(secrets).tolerance(tolerance.map(std::time::Duration::from_secs_f64));
    verifier.verify_at(payload, signature, timestamp, now.unwrap_or_else(webhook::unix_now)).map_err(|e| verification_error(py, &e))
}

/// The signature header value for a payload (for tests of your own endpoint).
#[pyfunction]
pub(crate) fn sign(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    webhook::sign(secret, timestamp, payload)
}

/// Parses a delivery: `{"envelope", "kind", "data", "raw"}` with canonical wire names.
#[pyfunction]
pub(crate) fn parse_event(py: Python<'_>, payload: &[u8]) -> PyResult<Py<PyAny>> {
    let event = WebhookEvent::parse(payload).map_err(|e| verification_error(py, &e))?;
    to_py(py, &event.to_json())
}

/// Verifies, then parses, in one call.
#[pyfunction]
#[pyo3(signature = (payload, signature, timestamp, secrets, tolerance = Some(300.0), now = None))]
pub(crate) fn construct_event(
    py: Python<'_>,
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> PyResult<Py<PyAny>> {
    verify(py, payload, signature, timestamp, secrets, tolerance, now)?;
    parse_event(py, payload)
}

fn reply_of(value: &Bound<'_, PyAny>, path: &str) -> PyResult<VoiceReply> {
    serde_json::from_value(to_json(value, path)?)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("{path}: not a voice reply: {e}")))
}

/// One voice reply as its JSON body.
#[pyfunction]
pub(crate) fn voice_json(reply: &Bound<'_, PyDict>) -> PyResult<String> {
    Ok(reply_of(reply.as_any(), "reply")?.to_json())
}

/// Replies as NDJSON: all but the last marked `interim`.
#[pyfunction]
pub(crate) fn voice_ndjson(replies: Vec<Bound<'_, PyAny>>) -> PyResult<String> {
    let replies = replies.iter().enumerate().map(|(i, r)| reply_of(r, &format!("replies[{i}]"))).collect::<PyResult<Vec<_>>>()?;
    Ok(webhook::voice_ndjson(&replies))
}

/// Reads a voice webhook's answer (JSON or NDJSON) into reply dicts.
#[pyfunction]
#[pyo3(signature = (body, content_type = None))]
pub(crate) fn parse_voice_reply(py: Python<'_>, body: &[u8], content_type: Option<&str>) -> PyResult<Py<PyAny>> {
    let replies = webhook::parse_voice_reply(content_type, body).map_err(|e| verification_error(py, &e))?;
    to_py(py, &serde_json::to_value(replies).unwrap_or_default())
}
