//! Running the core's futures for Python: blocking with the GIL released, where Ctrl-C stops the
//! call; or as asyncio awaitables, where cancelling the task stops the call. Neither calls into
//! an interpreter that is shutting down: the package's `atexit` hook stops the runtime first.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyCFunction;

use crate::completions::{self, Completions, Finish};
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
/// non-daemon threads finish before exit begins.) Every `SIGNAL_CHECK` it lets Python check for
/// signals: on Ctrl-C the work is aborted (its connection closes, no retry follows) and
/// `KeyboardInterrupt` is raised. A panic becomes an exception.
///
/// The work runs on a runtime worker, not on the calling thread: the connection's own task runs
/// there too, so a call crosses threads twice (there and back) rather than at every step of the
/// exchange (request, head, body), each crossing a wake-up system call.
pub(crate) fn block_on<T: Send + 'static>(py: Python<'_>, work: impl Future<Output = T> + Send + 'static) -> PyResult<T> {
    let runtime = runtime::runtime()?;
    let mut task = runtime.spawn(AssertUnwindSafe(work).catch_unwind());
    loop {
        let waited = py.detach(|| runtime.block_on(async { tokio::time::timeout(SIGNAL_CHECK, &mut task).await }));
        match waited {
            Ok(Ok(Ok(value))) => return Ok(value),
            Ok(Ok(Err(panic))) => return Err(panic_to_py_err(py, panic)),
            // Only a runtime shutting down (interpreter exit) cancels a task it did not abort.
            Ok(Err(_cancelled)) => return Err(PyRuntimeError::new_err("agentphone_rs: the I/O runtime stopped during the call")),
            Err(_still_running) => {
                if let Err(interrupted) = py.check_signals() {
                    task.abort();
                    return Err(interrupted);
                }
            }
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
        return Err(PyRuntimeError::new_err("agentphone_rs: the interpreter is exiting; async calls can no longer complete"));
    }
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let queue = completions::for_loop(py, &event_loop)?;
    let future = event_loop.call_method0("create_future")?;
    let future_ref = future.clone().unbind();
    let task = runtime::runtime()?.spawn(async move {
        let outcome = AssertUnwindSafe(work).catch_unwind().await;
        let finish: Finish = Box::new(move |py| match outcome {
            Ok(value) => convert(py, value),
            Err(panic) => Err(panic_to_py_err(py, panic)),
        });
        Completions::push(&queue, future_ref, finish);
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
