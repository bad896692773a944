//! The `agentphone` executable: the library's command line, run with this process's arguments.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(agentphone_cli::main(std::env::args_os()))
}
