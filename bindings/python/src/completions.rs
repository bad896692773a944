//! Handing finished calls back to their asyncio loop. A runtime thread that finishes a call only
//! queues it; the first to find the queue empty asks the loop (once) to drain it, and the loop's
//! own thread turns every queued answer into Python objects and settles its future.
//!
//! So runtime threads take the GIL once per batch rather than once per call, and do no Python
//! work while holding it: under load, when the loop thread holds the GIL nearly all the time, a
//! thread waiting for it waits for the interpreter's switch interval (5 ms), and calls finishing
//! meanwhile join the batch instead of waiting in turn.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// Turns a call's outcome into its Python answer or exception, on the loop's thread.
pub(crate) type Finish = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// The queue of one event loop.
#[pyclass(frozen, module = "agentphone_rs._native")]
pub(crate) struct Completions {
    event_loop: Py<PyAny>,
    pending: Mutex<Pending>,
}

#[derive(Default)]
struct Pending {
    ready: Vec<(Py<PyAny>, Finish)>,
    /// A drain is scheduled on the loop and has not started yet.
    scheduled: bool,
}

/// Each running loop's queue, dropped with its loop.
static QUEUES: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The queue of `event_loop`, made on its first call.
pub(crate) fn for_loop(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Py<Completions>> {
    let queues =
        QUEUES.get_or_try_init(py, || -> PyResult<_> { Ok(py.import("weakref")?.getattr("WeakKeyDictionary")?.call0()?.unbind()) })?;
    let queues = queues.bind(py);
    if let Some(queue) = queues.call_method1("get", (event_loop,))?.extract::<Option<Py<Completions>>>()? {
        return Ok(queue);
    }
    let queue = Py::new(py, Completions { event_loop: event_loop.clone().unbind(), pending: Mutex::new(Pending::default()) })?;
    queues.set_item(event_loop, queue.clone_ref(py))?;
    Ok(queue)
}

impl Completions {
    /// Queues `future`'s outcome, from any thread, without the GIL unless a drain must be asked for.
    pub(crate) fn push(queue: &Py<Completions>, future: Py<PyAny>, finish: Finish) {
        let this = queue.get();
        let first = {
            let mut pending = this.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            pending.ready.push((future, finish));
            !std::mem::replace(&mut pending.scheduled, true)
        };
        if first {
            crate::execution::attach(|py| {
                let drain = queue.bind(py).getattr("drain");
                let asked = drain.and_then(|drain| this.event_loop.call_method1(py, "call_soon_threadsafe", (drain,)));
                if asked.is_err() {
                    // The loop is closed: nobody is left to await these futures. Drop them here,
                    // with the GIL, and let a later call on a new loop start afresh.
                    let mut pending = this.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    pending.ready.clear();
                    pending.scheduled = false;
                }
            });
        }
    }
}

#[pymethods]
impl Completions {
    /// Settles every queued future (on the loop's thread); a future cancelled meanwhile is skipped.
    fn drain(&self, py: Python<'_>) {
        let ready = {
            let mut pending = self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            pending.scheduled = false;
            std::mem::take(&mut pending.ready)
        };
        for (future, finish) in ready {
            let future = future.bind(py);
            if future.call_method0("cancelled").and_then(|c| c.is_truthy()).unwrap_or(true) {
                continue;
            }
            let settled = match finish(py) {
                Ok(value) => future.call_method1("set_result", (value,)),
                Err(error) => future.call_method1("set_exception", (error.into_value(py),)),
            };
            if let Err(error) = settled {
                error.write_unraisable(py, Some(future));
            }
        }
    }
}
