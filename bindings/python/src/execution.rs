//! Running the core's futures for Python: blocking with the GIL released, where Ctrl-C stops the
//! call; or as asyncio awaitables, where cancelling the task stops the call. Neither calls into
//! an interpreter that is shutting down: the package's `atexit` hook stops the runtime first.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use pyo3::prelude::*;
use pyo3::types::PyCFunction;

use crate::errors::panic_to_py_err;
use crate::runtime;

/// How often a blocked call wakes to let Python run its signal handlers (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Set by `shutdown`: from then on no runtime thread attaches to the interpreter.
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);

/// Called once by the package's `atexit` hook, before the interpreter finalizes: stops every
/// task of the runtime (with the GIL released, so that one waiting for it can finish) and keeps
/// runtime threads from attaching afterwards, which would abort the process.
#[pyfunction]
pub(crate) fn shutdown(py: Python<'_>) {
    SHUTTING_DOWN.store(true, Ordering::SeqCst);
    py.detach(runtime::shut_down);
}

/// Runs `work` with the GIL released, so other Python threads run meanwhile. (A daemon thread
/// still blocked here when the interpreter finalizes is ended by CPython itself; calls from
/// non-daemon threads finish before exit begins.) Every
/// `SIGNAL_CHECK` it lets Python check for signals: on Ctrl-C the future is dropped (its
/// connection closes, no retry follows) and `KeyboardInterrupt` is raised. A panic becomes an
/// exception.
pub(crate) fn block_on<T: Send>(py: Python<'_>, work: impl Future<Output = T> + Send) -> PyResult<T> {
    let runtime = runtime::runtime()?;
    let mut work = std::pin::pin!(AssertUnwindSafe(work).catch_unwind());
    loop {
        let waited = py.detach(|| runtime.block_on(async { tokio::time::timeout(SIGNAL_CHECK, work.as_mut()).await }));
        match waited {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(panic)) => return Err(panic_to_py_err(py, panic)),
            Err(_still_running) => py.check_signals()?,
        }
    }
}

/// Runs `work` on the runtime and returns an asyncio future for its result; cancelling that
/// future (`task.cancel()`, `asyncio.wait_for` timing out) aborts `work` where it stands.
pub(crate) fn spawn_awaitable<'py, T, F>(
    py: Python<'py>,
    work: F,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    if SHUTTING_DOWN.load(Ordering::SeqCst) {
        // Its answer could never be handed back: say so rather than leave the caller waiting.
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "agentphone_rs: the interpreter is exiting; async calls can no longer complete",
        ));
    }
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let (loop_ref, future_ref) = (event_loop.unbind(), future.clone().unbind());
    let task = runtime::runtime()?.spawn(async move {
        let outcome = AssertUnwindSafe(work).catch_unwind().await;
        attach(|py| {
            let result = match outcome {
                Ok(value) => convert(py, value),
                Err(panic) => Err(panic_to_py_err(py, panic)),
            };
            settle(py, &loop_ref, &future_ref, result);
        });
    });
    let abort = task.abort_handle();
    let on_done = PyCFunction::new_closure(py, None, None, move |args, _kwargs| -> PyResult<()> {
        if args.get_item(0)?.call_method0("cancelled")?.is_truthy()? {
            abort.abort();
        }
        Ok(())
    })?;
    future.call_method1("add_done_callback", (on_done,))?;
    Ok(future)
}

/// Attaches to the interpreter unless it is shutting down (then `f` does not run).
pub(crate) fn attach(f: impl FnOnce(Python<'_>)) {
    if SHUTTING_DOWN.load(Ordering::SeqCst) {
        return;
    }
    Python::try_attach(f);
}

/// Settles an asyncio future on its loop's own thread; `_resolve` skips futures cancelled
/// meanwhile, and a closed loop has nobody left to tell.
fn settle(py: Python<'_>, event_loop: &Py<PyAny>, future: &Py<PyAny>, outcome: PyResult<Py<PyAny>>) {
    let (ok, value) = match outcome {
        Ok(value) => (true, value),
        Err(error) => (false, error.into_value(py).into_any()),
    };
    if let Ok(helper) = crate::package::resolver(py) {
        let _ = event_loop.call_method1(py, "call_soon_threadsafe", (helper, future.clone_ref(py), ok, value));
    }
}
