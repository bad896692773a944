//! Core errors as the package's exception classes (defined in Python, `agentphone_rs._errors`,
//! so they pickle and subclass like any Python exception).

use std::any::Any;

use agentphone::{Error, ErrorKind};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

fn class_name(error: &Error) -> &'static str {
    match error.kind() {
        ErrorKind::Validation => "ValidationError",
        ErrorKind::BadRequest => "BadRequestError",
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::InsufficientBalance => "PaymentRequiredError",
        ErrorKind::PermissionDenied => "PermissionDeniedError",
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Conflict => "ConflictError",
        ErrorKind::UnprocessableEntity => "UnprocessableEntityError",
        ErrorKind::RateLimit => "RateLimitError",
        ErrorKind::Server => "InternalServerError",
        ErrorKind::Timeout => "APITimeoutError",
        ErrorKind::Connection => "APIConnectionError",
        ErrorKind::Decode => "APIResponseValidationError",
        ErrorKind::Config => "ConfigurationError",
        _ => "APIError",
    }
}

fn attributes<'py>(py: Python<'py>, error: &Error) -> PyResult<Bound<'py, PyDict>> {
    let attrs = PyDict::new(py);
    attrs.set_item("may_have_acted", error.may_have_acted())?;
    match error {
        Error::Validation(v) => {
            attrs.set_item("field", &v.field)?;
            attrs.set_item("problem", &v.problem)?;
        }
        Error::Api(api) => {
            attrs.set_item("operation", api.operation)?;
            attrs.set_item("status_code", api.status)?;
            attrs.set_item("code", &api.code)?;
            attrs.set_item("message", &api.message)?;
            attrs.set_item("error_type", &api.error_type)?;
            attrs.set_item("request_id", &api.request_id)?;
            attrs.set_item("retry_after", api.retry_after.map(|d| d.as_secs_f64()))?;
            attrs.set_item("body", &api.body)?;
            let details = PyList::empty(py);
            for detail in &api.details {
                let item = PyDict::new(py);
                item.set_item("field", &detail.field)?;
                item.set_item("message", &detail.message)?;
                item.set_item("type", &detail.kind)?;
                details.append(item)?;
            }
            attrs.set_item("details", details)?;
        }
        Error::Timeout(t) | Error::Connection(t) => {
            attrs.set_item("operation", t.operation)?;
            attrs.set_item("sent", t.sent)?;
        }
        Error::Decode(d) => {
            attrs.set_item("operation", d.operation)?;
            attrs.set_item("status_code", d.status)?;
            attrs.set_item("excerpt", &d.excerpt)?;
        }
        Error::Config(_) => {}
        _ => {}
    }
    Ok(attrs)
}

/// The exception a core error becomes.
pub(crate) fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("agentphone_rs._errors")?.getattr(class_name(&error))?;
        let instance = class.call((error.to_string(),), Some(&attributes(py, &error)?))?;
        Ok(PyErr::from_value(instance))
    };
    build().unwrap_or_else(|e| e)
}

/// A panic inside the core, as an ordinary exception rather than pyo3's `PanicException`
/// (a `BaseException` that `except Exception` would miss).
pub(crate) fn panic_to_py_err(py: Python<'_>, panic: Box<dyn Any + Send>) -> PyErr {
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".to_owned());
    let build = || -> PyResult<PyErr> {
        let class = py.import("agentphone_rs._errors")?.getattr("AgentPhoneError")?;
        Ok(PyErr::from_value(class.call1((format!("internal error in agentphone-rs (please report it): {message}"),))?))
    };
    build().unwrap_or_else(|_| PyRuntimeError::new_err(message))
}
