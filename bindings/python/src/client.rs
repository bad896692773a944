//! `NativeClient`: calls operations by name, blocking (with the GIL released) or as asyncio
//! awaitables, and walks list operations page by page.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use agentphone::ffi::by_name::{self, Answer, ItemStream, Reply};
use agentphone::ffi::settings::{CallOptions, ClientSettings};
use agentphone::ffi::tools::{self, ToolFilter};
use agentphone::logging::{LogLevel, LogRecord};
use agentphone::{Client, RequestOptions};
use futures_util::StreamExt;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use crate::errors::to_py_err;
use crate::execution::{block_on, spawn_awaitable};
use crate::from_python::to_json;
use crate::to_python::to_py;

const RUNTIME: &str = concat!("python/", env!("CARGO_PKG_VERSION"));

#[pyclass(frozen, module = "agentphone_rs._native")]
pub(crate) struct NativeClient {
    /// Kept so that a forked child can build its own client.
    settings: ClientSettings,
    /// The level and the callable (`_client._log_sink`) that records go to, when logging is on.
    log: Option<(LogLevel, Arc<Py<PyAny>>)>,
    /// The core client and the process it was built in (connection pools do not survive fork).
    client: Mutex<Option<(u32, Client)>>,
}

/// The core client of these settings, logging to `log`'s callable (`(level, message, fields)`)
/// when given. A callable that raises is reported as unraisable: logging never fails a call.
fn build(settings: &ClientSettings, log: Option<&(LogLevel, Arc<Py<PyAny>>)>) -> agentphone::Result<Client> {
    let mut builder = settings.builder(RUNTIME)?;
    if let Some((level, callable)) = log {
        let callable = callable.clone();
        builder = builder.log(*level, move |record: &LogRecord| {
            crate::execution::attach(|py| {
                let fields = record.fields();
                let level = if record.level == LogLevel::Debug { "debug" } else { "info" };
                let called = to_py(py, &fields).and_then(|fields| callable.call1(py, (level, record.to_string(), fields)));
                if let Err(error) = called {
                    error.write_unraisable(py, None);
                }
            });
        });
    }
    builder.build()
}

fn headers_of(headers: Option<&Bound<'_, PyDict>>) -> PyResult<BTreeMap<String, String>> {
    headers
        .map(|h| h.iter().map(|(k, v)| Ok((k.extract::<String>()?, v.extract::<String>()?))).collect())
        .unwrap_or_else(|| Ok(BTreeMap::new()))
}

fn answer_to_py(py: Python<'_>, answer: Answer) -> PyResult<Py<PyAny>> {
    match answer {
        Answer::Json(value) => to_py(py, &value),
        Answer::Binary(content) => {
            Ok(PyTuple::new(py, [content.content_type.into_pyobject(py)?.into_any(), PyBytes::new(py, &content.data).into_any()])?
                .into_any()
                .unbind())
        }
    }
}

/// `(answer, request_id, status, headers)`: the headers (a list of `(name, value)`) only when
/// asked for, since converting them costs every call that does not use them.
fn reply_to_py(py: Python<'_>, reply: agentphone::Result<Reply>, with_headers: bool) -> PyResult<Py<PyAny>> {
    let Reply { answer, response } = reply.map_err(|e| to_py_err(py, e))?;
    let headers = if with_headers { response.headers.into_pyobject(py)?.into_any().unbind() } else { py.None() };
    Ok((answer_to_py(py, answer)?, response.request_id, response.status, headers).into_pyobject(py)?.into_any().unbind())
}

fn options(
    py: Python<'_>,
    timeout: Option<f64>,
    extra_headers: Option<&Bound<'_, PyDict>>,
    max_retries: Option<i64>,
) -> PyResult<RequestOptions> {
    CallOptions { timeout, max_retries, headers: headers_of(extra_headers)? }.into_request_options().map_err(|e| to_py_err(py, e))
}

impl NativeClient {
    fn core(&self, py: Python<'_>) -> PyResult<Client> {
        let process = crate::runtime::process();
        let mut slot = self.client.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some((owner, client)) if *owner == process => Ok(client.clone()),
            _ => {
                let client = build(&self.settings, self.log.as_ref()).map_err(|e| to_py_err(py, e))?;
                *slot = Some((process, client.clone()));
                Ok(client)
            }
        }
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (api_key = None, base_url = None, timeout = None, max_retries = None, headers = None, anonymous = false, proxy = None, ca_certificates = None, log_level = None, log = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<i64>,
        headers: Option<&Bound<'_, PyDict>>,
        anonymous: bool,
        proxy: Option<String>,
        ca_certificates: Option<String>,
        log_level: Option<&str>,
        log: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let settings = ClientSettings {
            api_key,
            base_url,
            timeout,
            max_retries,
            headers: headers_of(headers)?,
            anonymous,
            proxy,
            ca_certificates,
            log_level: log_level.map(str::to_owned),
        };
        let level = settings.log_level().map_err(|e| to_py_err(py, e))?;
        let log = level.zip(log).map(|(level, callable)| (level, Arc::new(callable)));
        // Built now so that a missing key or a bad URL fails at construction, not at the first call.
        let client = build(&settings, log.as_ref()).map_err(|e| to_py_err(py, e))?;
        Ok(Self { settings, log, client: Mutex::new(Some((crate::runtime::process(), client))) })
    }

    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.base_url().to_owned())
    }

    /// Calls an operation and waits, with the GIL released: `(answer, request_id, status, headers)`.
    #[pyo3(signature = (operation, args, timeout = None, extra_headers = None, max_retries = None, with_headers = false))]
    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        py: Python<'_>,
        operation: &str,
        args: &Bound<'_, PyDict>,
        timeout: Option<f64>,
        extra_headers: Option<&Bound<'_, PyDict>>,
        max_retries: Option<i64>,
        with_headers: bool,
    ) -> PyResult<Py<PyAny>> {
        let args = to_json(args.as_any(), "arguments")?;
        let options = options(py, timeout, extra_headers, max_retries)?;
        let (client, operation) = (self.core(py)?, operation.to_owned());
        let reply =
            block_on(py, async move { by_name::call_with_response(&client, by_name::operation(&operation)?, args, &options).await })?;
        reply_to_py(py, reply, with_headers)
    }

    /// `call`, as an awaitable on the running asyncio loop.
    #[pyo3(signature = (operation, args, timeout = None, extra_headers = None, max_retries = None, with_headers = false))]
    #[allow(clippy::too_many_arguments)]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        operation: String,
        args: &Bound<'py, PyDict>,
        timeout: Option<f64>,
        extra_headers: Option<&Bound<'py, PyDict>>,
        max_retries: Option<i64>,
        with_headers: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = to_json(args.as_any(), "arguments")?;
        let options = options(py, timeout, extra_headers, max_retries)?;
        let client = self.core(py)?;
        spawn_awaitable(
            py,
            async move {
                let reply = async { by_name::call_with_response(&client, by_name::operation(&operation)?, args, &options).await };
                (reply.await, with_headers)
            },
            |py, (reply, with_headers)| reply_to_py(py, reply, with_headers),
        )
    }

    /// Answers a model's tool call with JSON text (an `{"error": ...}` object for the model on a mistake), GIL released.
    fn call_tool(&self, py: Python<'_>, name: &str, arguments: &Bound<'_, PyAny>, filter: &Bound<'_, PyAny>) -> PyResult<String> {
        let (arguments, filter) = tool_inputs(py, arguments, filter)?;
        let client = self.core(py)?;
        let name = name.to_owned();
        let output = block_on(py, async move { tools::call(&client, &filter, &name, arguments).await })?;
        Ok(output.content.to_string())
    }

    /// `call_tool`, awaitable on the running asyncio loop.
    fn call_tool_async<'py>(
        &self,
        py: Python<'py>,
        name: String,
        arguments: &Bound<'py, PyAny>,
        filter: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (arguments, filter) = tool_inputs(py, arguments, filter)?;
        let client = self.core(py)?;
        spawn_awaitable(py, async move { tools::call(&client, &filter, &name, arguments).await.content.to_string() }, |py, text| {
            Ok(text.into_pyobject(py)?.into_any().unbind())
        })
    }

    /// The items of a list operation (fetched page by page) or the events of an event stream, as they are read.
    #[pyo3(signature = (operation, args, timeout = None, extra_headers = None, max_retries = None))]
    fn pages(
        &self,
        py: Python<'_>,
        operation: &str,
        args: &Bound<'_, PyDict>,
        timeout: Option<f64>,
        extra_headers: Option<&Bound<'_, PyDict>>,
        max_retries: Option<i64>,
    ) -> PyResult<NativePages> {
        let args = to_json(args.as_any(), "arguments")?;
        let options = options(py, timeout, extra_headers, max_retries)?;
        let client = self.core(py)?;
        let stream =
            by_name::operation(operation).and_then(|op| by_name::stream(&client, op, args, &options)).map_err(|e| to_py_err(py, e))?;
        Ok(NativePages { stream: Arc::new(tokio::sync::Mutex::new(stream)), process: crate::runtime::process() })
    }
}

/// A list operation's items; `next()` blocks (GIL released), `next_async()` is awaitable.
/// Both return `None` after the last item.
#[pyclass(frozen, module = "agentphone_rs._native")]
pub(crate) struct NativePages {
    stream: Arc<tokio::sync::Mutex<ItemStream>>,
    /// The process it was made in: its connection is the parent's after a fork.
    process: u32,
}

impl NativePages {
    /// A walk made before `fork()` would read on the parent's connection and stall: refused.
    fn same_process(&self, py: Python<'_>) -> PyResult<()> {
        if self.process == crate::runtime::process() {
            return Ok(());
        }
        let message = "this iterator was made before fork(); its connection belongs to the parent process. Start a new one here";
        Err(to_py_err(py, agentphone::Error::Config(message.to_owned())))
    }
}

fn item_to_py(py: Python<'_>, item: Option<agentphone::Result<serde_json::Value>>) -> PyResult<Py<PyAny>> {
    match item {
        None => Ok(py.None()),
        Some(Ok(value)) => to_py(py, &value),
        Some(Err(error)) => Err(to_py_err(py, error)),
    }
}

#[pymethods]
impl NativePages {
    fn next(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.same_process(py)?;
        let stream = self.stream.clone();
        let item = block_on(py, async move { stream.lock().await.next().await })?;
        item_to_py(py, item)
    }

    fn next_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.same_process(py)?;
        let stream = self.stream.clone();
        spawn_awaitable(py, async move { stream.lock().await.next().await }, item_to_py)
    }
}

/// A tool call's arguments (a dict or the model's JSON text) and the tool filter, as JSON.
fn tool_inputs(py: Python<'_>, arguments: &Bound<'_, PyAny>, filter: &Bound<'_, PyAny>) -> PyResult<(serde_json::Value, ToolFilter)> {
    let arguments = to_json(arguments, "arguments")?;
    let filter = ToolFilter::from_json(to_json(filter, "filter")?).map_err(|e| to_py_err(py, e.into()))?;
    Ok((arguments, filter))
}
