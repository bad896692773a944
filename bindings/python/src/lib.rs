//! The native half of the `agentphone_rs` Python package. It converts between Python and the
//! core, and nothing else: requests go through the core's by-name dispatcher, errors become the
//! package's exception classes, and the Python half (`py/agentphone_rs`, generated from the
//! operation table) gives every operation its typed method.

mod client;
mod convert;
mod errors;
mod package;
mod runtime;
mod webhooks;

use pyo3::prelude::*;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add("USER_AGENT", agentphone::USER_AGENT)?;
    module.add("DEFAULT_TOLERANCE", agentphone::ffi::webhooks::DEFAULT_TOLERANCE_SECONDS)?;
    module.add_class::<client::NativeClient>()?;
    module.add_class::<client::NativePages>()?;
    module.add_class::<webhooks::VoiceLines>()?;
    module.add_function(wrap_pyfunction!(webhooks::verify, module)?)?;
    module.add_function(wrap_pyfunction!(webhooks::sign, module)?)?;
    module.add_function(wrap_pyfunction!(webhooks::construct_event, module)?)?;
    module.add_function(wrap_pyfunction!(webhooks::voice_json, module)?)?;
    module.add_function(wrap_pyfunction!(webhooks::voice_ndjson, module)?)?;
    module.add_function(wrap_pyfunction!(webhooks::parse_voice_reply, module)?)?;
    module.add_function(wrap_pyfunction!(normalize_e164, module)?)?;
    module.add_function(wrap_pyfunction!(package::bind, module)?)?;
    module.add_function(wrap_pyfunction!(client::operations, module)?)?;
    module.add_function(wrap_pyfunction!(client::tool_definitions, module)?)?;
    Ok(())
}

/// Normalizes a phone number to E.164 (`ValidationError` names the field).
#[pyfunction]
#[pyo3(signature = (number, field = "phone_number"))]
fn normalize_e164(py: Python<'_>, number: &str, field: &str) -> PyResult<String> {
    agentphone::normalize_e164(field, number).map_err(|e| errors::to_py_err(py, agentphone::Error::Validation(e)))
}
