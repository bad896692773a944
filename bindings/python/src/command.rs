//! The `agentphone` command inside the wheel: the console script and `python -m agentphone_rs`
//! run the same command line as the Rust binary.

use pyo3::prelude::*;

/// Runs the command line `argv` (the program name first) to the end, with the GIL released, and
/// answers the exit status. The caller decides what Ctrl-C does (the console script restores
/// the default: the command ends as the native binary would).
#[pyfunction]
pub(crate) fn cli_main(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| agentphone_cli::main(argv))
}
