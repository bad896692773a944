//! `NativeClient`: calls operations by name, blocking (with the GIL released) or as asyncio
//! awaitables, and walks list operations page by page.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentphone::dynamic::{Answer, ItemStream};
use agentphone::generated::dispatch;
use agentphone::tools::{self, ToolFilter};
use agentphone::{Client, RequestOptions, RetryPolicy};
use futures_util::{FutureExt, StreamExt};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use crate::convert::{to_json, to_py};
use crate::errors::{panic_to_py_err, to_py_err};
use crate::runtime::runtime;

/// How to build the core client, kept so that a forked child can build its own.
#[derive(Clone)]
struct Settings {
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<u32>,
    headers: Vec<(String, String)>,
}

impl Settings {
    fn build(&self) -> agentphone::Result<Client> {
        let mut builder = Client::builder().user_agent_suffix(concat!("python/", env!("CARGO_PKG_VERSION")));
        if let Some(key) = &self.api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(Duration::from_secs_f64(timeout));
        }
        if let Some(max_retries) = self.max_retries {
            builder = builder.retry_policy(RetryPolicy { max_retries, ..RetryPolicy::default() });
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.build()
    }
}

#[pyclass(frozen, module = "agentphone_rs._native")]
pub(crate) struct NativeClient {
    settings: Settings,
    /// The core client and the process it was built in (connection pools do not survive fork).
    client: Mutex<Option<(u32, Client)>>,
}

fn headers_of(headers: Option<&Bound<'_, PyDict>>) -> PyResult<Vec<(String, String)>> {
    headers.map(|h| h.iter().map(|(k, v)| Ok((k.extract::<String>()?, v.extract::<String>()?))).collect()).unwrap_or_else(|| Ok(Vec::new()))
}

fn answer_to_py(py: Python<'_>, answer: agentphone::Result<Answer>) -> PyResult<Py<PyAny>> {
    match answer.map_err(|e| to_py_err(py, e))? {
        Answer::Json(value) => to_py(py, &value),
        Answer::Binary(content) => {
            Ok(PyTuple::new(py, [content.content_type.into_pyobject(py)?.into_any(), PyBytes::new(py, &content.data).into_any()])?
                .into_any()
                .unbind())
        }
    }
}

/// Resolves an asyncio future from a runtime thread, on the loop's own thread.
fn resolve(event_loop: &Py<PyAny>, future: &Py<PyAny>, outcome: PyResult<Py<PyAny>>) {
    Python::attach(|py| {
        let (ok, value) = match outcome {
            Ok(value) => (true, value),
            Err(error) => (false, error.into_value(py).into_any()),
        };
        // `_resolve` skips futures cancelled meanwhile; a closed loop has nobody left to tell.
        if let Ok(helper) = py.import("agentphone_rs._client").and_then(|m| m.getattr("_resolve")) {
            let _ = event_loop.call_method1(py, "call_soon_threadsafe", (helper, future.clone_ref(py), ok, value));
        }
    });
}

/// Runs `work` to completion with the GIL released, so other Python threads run meanwhile; a
/// panic becomes an exception.
fn block_on_detached<T: Send>(py: Python<'_>, work: impl Future<Output = T> + Send) -> PyResult<T> {
    let runtime = runtime()?;
    py.detach(|| std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(work)))).map_err(|panic| panic_to_py_err(py, panic))
}

/// Runs `work` on the runtime and returns an asyncio future for its result.
fn spawn_awaitable<'py, T, F>(py: Python<'py>, work: F, convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let (loop_ref, future_ref) = (event_loop.unbind(), future.clone().unbind());
    runtime()?.spawn(async move {
        let outcome = AssertUnwindSafe(work).catch_unwind().await;
        let result = Python::attach(|py| match outcome {
            Ok(value) => convert(py, value),
            Err(panic) => Err(panic_to_py_err(py, panic)),
        });
        resolve(&loop_ref, &future_ref, result);
    });
    Ok(future)
}

fn options(timeout: Option<f64>, extra_headers: Option<&Bound<'_, PyDict>>) -> PyResult<RequestOptions> {
    Ok(RequestOptions { timeout: timeout.map(Duration::from_secs_f64), max_retries: None, headers: headers_of(extra_headers)? })
}

impl NativeClient {
    fn core(&self, py: Python<'_>) -> PyResult<Client> {
        let pid = std::process::id();
        let mut slot = self.client.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some((owner, client)) if *owner == pid => Ok(client.clone()),
            _ => {
                let client = self.settings.build().map_err(|e| to_py_err(py, e))?;
                *slot = Some((pid, client.clone()));
                Ok(client)
            }
        }
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (api_key = None, base_url = None, timeout = None, max_retries = None, headers = None))]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        headers: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let settings = Settings { api_key, base_url, timeout, max_retries, headers: headers_of(headers)? };
        // Built now so that a missing key or a bad URL fails at construction, not at the first call.
        let client = settings.build().map_err(|e| to_py_err(py, e))?;
        Ok(Self { settings, client: Mutex::new(Some((std::process::id(), client))) })
    }

    #[getter]
    fn base_url(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.core(py)?.base_url().trim_end_matches('/').to_owned())
    }

    /// Calls an operation and waits, with the GIL released.
    #[pyo3(signature = (operation, args, timeout = None, extra_headers = None))]
    fn call(
        &self,
        py: Python<'_>,
        operation: &str,
        args: &Bound<'_, PyDict>,
        timeout: Option<f64>,
        extra_headers: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let args = to_json(args.as_any(), "arguments")?;
        let options = options(timeout, extra_headers)?;
        let client = self.core(py)?;
        let answer = block_on_detached(py, async move { dispatch::call(&client, operation, args, &options).await })?;
        answer_to_py(py, answer)
    }

    /// Calls an operation; returns an awaitable on the running asyncio loop.
    #[pyo3(signature = (operation, args, timeout = None, extra_headers = None))]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        operation: String,
        args: &Bound<'py, PyDict>,
        timeout: Option<f64>,
        extra_headers: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = to_json(args.as_any(), "arguments")?;
        let options = options(timeout, extra_headers)?;
        let client = self.core(py)?;
        spawn_awaitable(py, async move { dispatch::call(&client, &operation, args, &options).await }, answer_to_py)
    }

    /// Answers a model's tool call with JSON text (an `{"error": ...}` object for the model on a mistake), GIL released.
    fn call_tool(&self, py: Python<'_>, name: &str, arguments: &Bound<'_, PyAny>, filter: &Bound<'_, PyAny>) -> PyResult<String> {
        let (arguments, filter) = tool_inputs(py, arguments, filter)?;
        let client = self.core(py)?;
        let output = block_on_detached(py, async move { tools::call(&client, &filter, name, arguments).await })?;
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
    #[pyo3(signature = (operation, args, timeout = None, extra_headers = None))]
    fn pages(
        &self,
        py: Python<'_>,
        operation: &str,
        args: &Bound<'_, PyDict>,
        timeout: Option<f64>,
        extra_headers: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<NativePages> {
        let args = to_json(args.as_any(), "arguments")?;
        // Per-call options apply to every page: a client with them folded in.
        let mut settings = self.settings.clone();
        settings.timeout = timeout.or(settings.timeout);
        settings.headers.extend(headers_of(extra_headers)?);
        let client =
            if timeout.is_none() && extra_headers.is_none() { self.core(py)? } else { settings.build().map_err(|e| to_py_err(py, e))? };
        let stream = dispatch::stream(&client, operation, args).map_err(|e| to_py_err(py, e))?;
        Ok(NativePages { stream: Arc::new(tokio::sync::Mutex::new(stream)) })
    }
}

/// A list operation's items; `next()` blocks (GIL released), `next_async()` is awaitable.
/// Both return `None` after the last item.
#[pyclass(frozen, module = "agentphone_rs._native")]
pub(crate) struct NativePages {
    stream: Arc<tokio::sync::Mutex<ItemStream>>,
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
        let stream = self.stream.clone();
        let item = block_on_detached(py, async move { stream.lock().await.next().await })?;
        item_to_py(py, item)
    }

    fn next_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
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

/// The tools a filter offers, in `format` (`openai` or `anthropic`).
#[pyfunction]
pub(crate) fn tool_definitions(py: Python<'_>, format: &str, filter: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let filter = ToolFilter::from_json(to_json(filter, "filter")?).map_err(|e| to_py_err(py, e.into()))?;
    let definitions = tools::definitions(format, &filter).map_err(|e| to_py_err(py, e.into()))?;
    to_py(py, &definitions)
}

/// The operation table as the package needs it: id, resource, method name, and whether it is a
/// list (which also has a `<method>_all` iterator).
#[pyfunction]
pub(crate) fn operations() -> Vec<(&'static str, &'static str, &'static str, bool)> {
    agentphone::OPERATIONS.iter().map(|op| (op.id, op.resource, op.name, dispatch::PAGED.contains(&op.id))).collect()
}
