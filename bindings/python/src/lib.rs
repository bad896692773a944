//! The native half of the `agentphone_rs` Python package. It converts between Python and the
//! core, and nothing else: requests go through the core's by-name dispatcher, errors become the
//! package's exception classes, and the Python half (`py/agentphone_rs`, generated from the
//! operation table) gives every operation its typed method.

mod client;
mod command;
mod completions;
mod errors;
mod execution;
mod from_python;
mod generated;
mod package;
mod runtime;
mod sandbox;
mod to_python;
mod webhooks;

use pyo3::prelude::*;

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add("USER_AGENT", agentphone::USER_AGENT)?;
    module.add("DEFAULT_TOLERANCE", agentphone::ffi::webhooks::DEFAULT_TOLERANCE_SECONDS)?;
    module.add_class::<client::NativeClient>()?;
    module.add_class::<client::NativePages>()?;
    module.add_class::<webhooks::VoiceLines>()?;
    module.add_class::<sandbox::NativeSandbox>()?;
    module.add_class::<completions::Completions>()?;
    module.add_function(wrap_pyfunction!(command::cli_main, module)?)?;
    module.add_function(wrap_pyfunction!(package::bind, module)?)?;
    module.add_function(wrap_pyfunction!(execution::shutdown, module)?)?;
    module.add_function(wrap_pyfunction!(runtime::after_fork, module)?)?;
    generated::exports::register(module)?;
    Ok(())
}
