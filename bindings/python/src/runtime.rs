//! One tokio runtime per process, re-created in a forked child: the child inherits the parent's
//! runtime without its worker threads, and every call on it would hang forever (gunicorn and
//! celery prefork workers fork after import).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::{Builder, Runtime};

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// Which process this is: a number that changes in every forked child, where `after_fork` bumps
/// it. Reading it is an atomic load; `getpid` is a system call, and asking it twice per call
/// cost 4 % of a call's time (py-spy).
static PROCESS: AtomicU32 = AtomicU32::new(0);

pub(crate) fn process() -> u32 {
    PROCESS.load(Ordering::Relaxed)
}

/// Registered by the package with `os.register_at_fork(after_in_child=...)`, which CPython runs in
/// every child forked by Python code or by C code that follows the C API's fork protocol.
#[pyfunction]
pub(crate) fn after_fork() {
    PROCESS.fetch_add(1, Ordering::Relaxed);
}

/// The runtime of this process.
pub(crate) fn runtime() -> PyResult<Arc<Runtime>> {
    let current = process();
    let mut slot = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, runtime)) = slot.as_ref()
        && *owner == current
    {
        return Ok(runtime.clone());
    }
    // Inherited from the parent: its threads are gone, so it cannot even be shut down. Leak it.
    if let Some((_, inherited)) = slot.take() {
        std::mem::forget(inherited);
    }
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("agentphone-rs")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the I/O runtime: {e}")))?;
    let runtime = Arc::new(runtime);
    *slot = Some((current, runtime.clone()));
    Ok(runtime)
}

/// Stops this process's runtime at interpreter exit: its tasks get a moment to finish, then are
/// dropped. A later call builds a new runtime (nothing should call after exit began).
pub(crate) fn shut_down() {
    let Some((owner, runtime)) = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() else { return };
    if owner != process() {
        // A forked child's inherited runtime has no threads to join (dropping it would wait for
        // them forever) and shares the parent's epoll: leave it alone.
        std::mem::forget(runtime);
        return;
    }
    if let Ok(runtime) = Arc::try_unwrap(runtime) {
        runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    }
}
