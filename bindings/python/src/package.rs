//! What the Python package hands the native layer when it loads (`_native.bind(...)`): its
//! exception classes. The native layer never imports
//! the package back, so it works whatever the package's layout, and never runs Python imports
//! from a runtime thread.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

struct Package {
    /// The module that defines the exception classes (`agentphone_rs._generated.errors`).
    errors: Py<PyModule>,
}

static PACKAGE: PyOnceLock<Package> = PyOnceLock::new();

/// Called once by the package as it loads.
#[pyfunction]
pub(crate) fn bind(py: Python<'_>, errors: Bound<'_, PyModule>) -> PyResult<()> {
    PACKAGE
        .set(py, Package { errors: errors.unbind() })
        .map_err(|_| PyRuntimeError::new_err("agentphone_rs._native is already bound to its package"))
}

fn package(py: Python<'_>) -> PyResult<&Package> {
    PACKAGE.get(py).ok_or_else(|| PyRuntimeError::new_err("agentphone_rs._native is used before its package bound it"))
}

/// The package's exception class called `name`.
pub(crate) fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    package(py)?.errors.bind(py).getattr(name)
}
