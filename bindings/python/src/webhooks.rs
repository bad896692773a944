//! The stateful voice-reply encoder for Python's `voice_stream`; the webhook functions are
//! generated (`generated/exports.rs`) and the checks live in `agentphone::ffi::webhooks`.

use std::sync::Mutex;

use agentphone::ffi::webhooks as interop;
use pyo3::prelude::*;

use crate::errors::helper_to_py_err;
use crate::from_python::to_json;

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
