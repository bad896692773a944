//! Core errors as the package's exception classes (defined in Python, generated from
//! `spec/errors.toml`, so they pickle and subclass like any Python exception).

use std::any::Any;

use agentphone::Error;
use agentphone::ffi::errors::{self as interop, HelperError, Naming};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::package::error_class;
use crate::to_python::to_py;

/// The exception a core error becomes.
pub(crate) fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = error_class(py, interop::class_name(error.kind()))?;
        let attributes = PyDict::new(py);
        for (name, value) in interop::error_attributes(&error, Naming::Python) {
            attributes.set_item(name, to_py(py, &value)?)?;
        }
        let instance = class.call((error.to_string(),), Some(&attributes))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|e| e)
}

/// A panic inside the core, as an ordinary exception rather than pyo3's `PanicException`
/// (a `BaseException` that `except Exception` would miss).
pub(crate) fn panic_to_py_err(py: Python<'_>, panic: Box<dyn Any + Send>) -> PyErr {
    let message = interop::panic_message(panic.as_ref());
    let build = || -> PyResult<PyErr> {
        let class = error_class(py, "AgentPhoneError")?;
        Ok(PyErr::from_value(class.call1((message.clone(),))?))
    };
    build().unwrap_or_else(|_| PyRuntimeError::new_err(message))
}

/// A webhook helper's refusal: `WebhookVerificationError`, or `ValidationError` for a bad argument.
pub(crate) fn helper_to_py_err(py: Python<'_>, refusal: HelperError) -> PyErr {
    if let Some(error) = refusal.as_core() {
        return to_py_err(py, error);
    }
    let build = || -> PyResult<PyErr> {
        let class = error_class(py, "WebhookVerificationError")?;
        Ok(PyErr::from_value(class.call1((refusal.to_string(),))?))
    };
    build().unwrap_or_else(|e| e)
}
