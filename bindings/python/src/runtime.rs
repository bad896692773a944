//! One tokio runtime per process, re-created in a forked child: the child inherits the parent's
//! runtime without its worker threads, and every call on it would hang forever (gunicorn and
//! celery prefork workers fork after import).

use std::sync::{Arc, Mutex};

use pyo3::PyResult;
use pyo3::exceptions::PyRuntimeError;
use tokio::runtime::{Builder, Runtime};

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of this process.
pub(crate) fn runtime() -> PyResult<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, runtime)) = slot.as_ref()
        && *owner == pid
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
    *slot = Some((pid, runtime.clone()));
    Ok(runtime)
}

/// Stops this process's runtime at interpreter exit: its tasks get a moment to finish, then are
/// dropped. A later call builds a new runtime (nothing should call after exit began).
pub(crate) fn shut_down() {
    let Some((owner, runtime)) = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() else { return };
    if owner != std::process::id() {
        // A forked child's inherited runtime has no threads to join (dropping it would wait for
        // them forever) and shares the parent's epoll: leave it alone.
        std::mem::forget(runtime);
        return;
    }
    if let Ok(runtime) = Arc::try_unwrap(runtime) {
        runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    }
}
