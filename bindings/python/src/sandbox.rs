//! The sandbox in-process, for `agentphone_rs.testing`: the same server as `agentphone sandbox`,
//! on a free loopback port, running on this process's runtime.

use std::sync::{Arc, Mutex};

use agentphone_sandbox::{Sandbox, SandboxOptions};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::execution::block_on;
use crate::from_python::to_json;
use crate::to_python::to_py;

#[pyclass(module = "agentphone_rs._native", frozen)]
pub(crate) struct NativeSandbox {
    /// `None` once closed.
    sandbox: Mutex<Option<Arc<Sandbox>>>,
    url: String,
}

impl NativeSandbox {
    fn running(&self) -> PyResult<Arc<Sandbox>> {
        self.sandbox
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| PyRuntimeError::new_err("the sandbox is closed"))
    }
}

#[pymethods]
impl NativeSandbox {
    /// `options`: the fields of `SandboxOptions` (`testing.Sandbox` names them).
    #[new]
    fn new(py: Python<'_>, options: &Bound<'_, PyAny>) -> PyResult<Self> {
        let options = SandboxOptions::from_json(to_json(options, "options")?).map_err(PyValueError::new_err)?;
        let sandbox = block_on(py, Sandbox::start(options.config()))?
            .map_err(|e| PyRuntimeError::new_err(format!("the sandbox cannot listen on 127.0.0.1: {e}")))?;
        Ok(Self { url: sandbox.url(), sandbox: Mutex::new(Some(Arc::new(sandbox))) })
    }

    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// One request to the sandbox, in-process: `(status, body, refusal)`, the refusal (an error
    /// answer in one line, as the client words API errors) only for a status of 400 or more.
    #[pyo3(signature = (method, path, api_key = None, body = None))]
    fn request(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        api_key: Option<&str>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(u16, Py<PyAny>, Option<String>)> {
        let sandbox = self.running()?;
        let body = body.map(|body| to_json(body, "body")).transpose()?;
        let (method, path, api_key) = (method.to_owned(), path.to_owned(), api_key.map(str::to_owned));
        let (status, answer) = block_on(py, async move { sandbox.request(&method, &path, api_key.as_deref(), body.as_ref()).await })?
            .map_err(PyValueError::new_err)?;
        let refusal = (status >= 400).then(|| agentphone::ffi::errors::refusal(status, &answer));
        Ok((status, to_py(py, &answer)?, refusal))
    }

    /// Stops the server and waits until it has (see `Sandbox::close`). Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let sandbox = self.sandbox.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        match sandbox {
            Some(sandbox) => block_on(py, async move { sandbox.close().await }),
            None => Ok(()),
        }
    }
}
