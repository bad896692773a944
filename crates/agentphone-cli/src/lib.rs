//! `agentphone`: every operation of the AgentPhone API as a command, a local sandbox, and a demo.
//!
//! A library as well as a binary so that the Python wheel and the npm addon carry the same command
//! (`agentphone` console script, `npx agentphone-rs`) without a second executable: [`main`] takes
//! the arguments and answers the exit code.

// A command-line program: printing is its job.
#![allow(clippy::print_stdout)]

mod demo;
#[allow(clippy::all)]
mod generated;
mod mcp;
mod output;
mod run;
mod table;
mod watch;

use std::ffi::OsString;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use agentphone::{Client, ErrorKind};
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use crate::generated::commands::RESOURCES;

/// Exit statuses: success, any failure, and bad input (a usage or validation error, as clap does).
const SUCCESS: u8 = 0;
const FAILURE: u8 = 1;
const USAGE: u8 = 2;

fn cli() -> Command {
    let mut root = Command::new("agentphone")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The AgentPhone API from the command line: agents, numbers, calls, messages, webhooks and usage")
        .subcommand_required(true)
        .arg_required_else_help(true);
    for resource in RESOURCES {
        let mut command = Command::new(resource.name).about(resource.about).subcommand_required(true);
        for spec in resource.commands {
            command = command.subcommand(table::command(spec));
        }
        if resource.name == "calls" {
            let watch = Command::new("watch")
                .about("Follow a call live until it ends; exits 1 when the call failed (not answered, or cut off)")
                .arg(Arg::new("call_id").required(true));
            command = command.subcommand(watch);
        }
        root = root.subcommand(api_flags(command, true));
    }
    let mcp = Command::new("mcp")
        .about("Serve every operation as a tool over the Model Context Protocol (stdio), for AI agents")
        .arg(
            Arg::new("resources")
                .long("resources")
                .value_name("LIST")
                .value_delimiter(',')
                .help("Only the tools of these resources (e.g. messages,calls,account)"),
        )
        .arg(Arg::new("read_only").long("read-only").action(ArgAction::SetTrue).help("Only tools that read"))
        .arg(
            Arg::new("exclude_world_acting")
                .long("exclude-world-acting")
                .action(ArgAction::SetTrue)
                .help("Leave out tools that reach people or the carrier, or spend money"),
        );
    root.subcommand(sandbox_command(
        "sandbox",
        "Run the local AgentPhone sandbox (a stateful emulator of the API), its browser console at /console/",
    ))
    .subcommand(sandbox_command(
        "console",
        "Run the sandbox and print the address of its browser console (agents, numbers, live calls, conversations, webhooks, usage)",
    ))
    .subcommand(api_flags(mcp, false))
    .subcommand(
        Command::new("demo")
            .about("A guided tour against an embedded sandbox: agent, number, SMS, signed webhook, call, transcript, usage"),
    )
    .subcommand(
        Command::new("completions")
            .about("Print the shell completion script: agentphone completions bash > /etc/bash_completion.d/agentphone")
            .arg(Arg::new("shell").required(true).value_parser(value_parser!(clap_complete::Shell))),
    )
}

/// The flags of the commands that call the API (and only theirs: `sandbox`, `demo` and
/// `completions` take none of them); `output` adds `--json`.
fn api_flags(command: Command, output: bool) -> Command {
    let command = command
        .arg(Arg::new("api_key").long("api-key").value_name("KEY").global(true).help("API key (default: $AGENTPHONE_API_KEY)"))
        .arg(
            Arg::new("base_url")
                .long("base-url")
                .value_name("URL")
                .global(true)
                .help("API host (default: $AGENTPHONE_BASE_URL, then https://api.agentphone.ai)"),
        )
        .arg(
            Arg::new("max_retries")
                .long("max-retries")
                .value_name("N")
                .global(true)
                .value_parser(|text: &str| {
                    text.parse::<i64>()
                        .map_err(|_| format!("{text:?} is not a whole number"))
                        .and_then(|n| agentphone::ffi::settings::retries(n).map_err(|e| e.problem))
                })
                .help("Retries after the first attempt (default 2; calls that act are retried only when the server proves it did not act)"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .global(true)
                .value_parser(positive_seconds)
                .help("Seconds the call may take in all, retries included (default 30)"),
        );
    if !output {
        return command;
    }
    command.arg(
        Arg::new("json")
            .long("json")
            .global(true)
            .action(ArgAction::SetTrue)
            .help("Print JSON instead of tables, and errors as JSON on stderr"),
    )
}

/// `sandbox` and `console`: the same server with the same settings; `console` leads with the
/// console's address.
fn sandbox_command(name: &'static str, about: &'static str) -> Command {
    Command::new(name)
        .about(about)
        .arg(Arg::new("port").long("port").short('p').value_parser(value_parser!(u16)).default_value("8787"))
        .arg(Arg::new("host").long("host").value_parser(value_parser!(IpAddr)).default_value("127.0.0.1"))
        .arg(
            Arg::new("turn_delay_ms")
                .long("turn-delay-ms")
                .value_parser(value_parser!(u64))
                .default_value("700")
                .help("Real time between call turns"),
        )
        .arg(
            Arg::new("balance_cents")
                .long("balance-cents")
                .value_parser(value_parser!(i64))
                .default_value("10000")
                .help("Starting balance of each project"),
        )
        .arg(
            Arg::new("number_limit")
                .long("number-limit")
                .value_parser(value_parser!(i64))
                .default_value("10")
                .help("Active numbers a project may hold"),
        )
        .arg(
            Arg::new("message_capacity")
                .long("message-capacity")
                .value_parser(value_parser!(usize))
                .help("Messages each project keeps (default 10000; the oldest go first)"),
        )
        .arg(
            Arg::new("call_capacity")
                .long("call-capacity")
                .value_parser(value_parser!(usize))
                .help("Ended calls each project keeps (default 10000; the oldest go first)"),
        )
        .arg(
            Arg::new("no_rate_limits")
                .long("no-rate-limits")
                .action(ArgAction::SetTrue)
                .help("Lift the API's per-minute limits (sign-up 10, buying a number 20, ...)"),
        )
        .arg(Arg::new("fast").long("fast").action(ArgAction::SetTrue).help("Test timing: calls and webhook redeliveries take milliseconds"))
}

/// `--timeout`: a positive number of seconds, checked as the bindings check theirs.
fn positive_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|seconds| agentphone::ffi::settings::seconds("--timeout", seconds).ok())
        .ok_or_else(|| format!("{text:?} is not a positive number of seconds"))
}

/// The client of the command line's settings; `signup` commands run without an API key.
fn client(matches: &ArgMatches, anonymous: bool) -> agentphone::Result<Client> {
    let mut builder = if anonymous { Client::builder().anonymous() } else { Client::builder() };
    if let Some(key) = matches.get_one::<String>("api_key") {
        builder = builder.api_key(key);
    }
    if let Some(url) = matches.get_one::<String>("base_url") {
        builder = builder.base_url(url);
    }
    if let Some(retries) = matches.get_one::<u32>("max_retries") {
        builder = builder.max_retries(*retries);
    }
    if let Some(timeout) = matches.get_one::<Duration>("timeout") {
        builder = builder.timeout(*timeout);
    }
    builder.user_agent_suffix("agentphone-cli").build()
}

async fn sandbox(matches: &ArgMatches, console_first: bool) -> u8 {
    let host = *matches.get_one::<IpAddr>("host").expect("has a default");
    let port = *matches.get_one::<u16>("port").expect("has a default");
    // The turn delay's default (700 ms) is the interactive one; `--fast` brings its own unless the
    // delay is given explicitly.
    let turn_delay_ms = match matches.value_source("turn_delay_ms") {
        Some(clap::parser::ValueSource::CommandLine) => matches.get_one::<u64>("turn_delay_ms").copied(),
        _ => None,
    };
    let config = agentphone_sandbox::SandboxOptions {
        fast: matches.get_flag("fast"),
        turn_delay_ms,
        balance_cents: matches.get_one::<i64>("balance_cents").copied(),
        number_limit: matches.get_one::<i64>("number_limit").copied(),
        message_capacity: matches.get_one::<usize>("message_capacity").copied(),
        call_capacity: matches.get_one::<usize>("call_capacity").copied(),
        rate_limits: matches.get_flag("no_rate_limits").then_some(false),
    }
    .config();
    let listener = match tokio::net::TcpListener::bind(SocketAddr::new(host, port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {host}:{port}: {e}");
            return FAILURE;
        }
    };
    let url = format!("http://{}", listener.local_addr().map_or_else(|_| format!("{host}:{port}"), |a| a.to_string()));
    let console = if agentphone_sandbox::console::built() {
        format!("{url}/console/")
    } else {
        "not in this build (compiled without the wasm build: bash scripts/wasm-build.sh, then build again)".to_owned()
    };
    if console_first {
        println!("AgentPhone console: {console}");
        println!("  served by the sandbox listening on {url}; any key of the form sk_test_... is its own project");
    } else {
        println!("AgentPhone sandbox listening on {url}");
        println!("  any key of the form sk_test_... is its own project; test controls live under {url}/sandbox");
        println!("  AGENTPHONE_BASE_URL={url} AGENTPHONE_API_KEY=sk_test_me agentphone agents list");
        println!("  browser console: {console}");
    }
    tokio::select! {
        served = agentphone_sandbox::run(listener, config) => match served {
            Ok(()) => SUCCESS,
            Err(e) => {
                eprintln!("error: {}", output::printable(&e.to_string()));
                FAILURE
            }
        },
        _ = tokio::signal::ctrl_c() => SUCCESS,
    }
}

async fn mcp_server(client: Client, matches: &ArgMatches) -> u8 {
    let filter = serde_json::json!({
        "resources": matches.get_many::<String>("resources").map(|r| r.cloned().collect::<Vec<_>>()),
        "read_only": matches.get_flag("read_only"),
        "exclude_world_acting": matches.get_flag("exclude_world_acting"),
    });
    let filter = match agentphone::ffi::tools::ToolFilter::from_json(filter) {
        Ok(filter) => filter,
        Err(e) => return fail(&e.into(), false),
    };
    match mcp::serve(client, filter).await {
        Ok(()) => SUCCESS,
        Err(e) => {
            eprintln!("error: {}", output::printable(&e.to_string()));
            FAILURE
        }
    }
}

/// Reports a failure on stderr (as JSON with `--json`: the error's class, message and attributes)
/// and answers the exit status: 2 for bad input, 1 otherwise.
fn fail(error: &agentphone::Error, json: bool) -> u8 {
    if json {
        let mut described = agentphone::ffi::errors::error_attributes(error, agentphone::ffi::errors::Naming::Python);
        described.insert("class".into(), agentphone::ffi::errors::class_name(error.kind()).into());
        described.insert("message".into(), error.to_string().into());
        eprintln!("{}", serde_json::json!({ "error": described }));
    } else {
        eprintln!("error: {}", output::printable(&error.to_string()));
    }
    match error.kind() {
        ErrorKind::Validation | ErrorKind::Config => USAGE,
        _ => FAILURE,
    }
}

/// Runs the command line `args` (the program name first, as in `std::env::args_os`) to the end and
/// answers its exit status. It starts its own Tokio runtime, so it must not be called from inside
/// one; `--help`, `--version` and usage errors print as clap prints them and answer its codes.
pub fn main<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match cli().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(e) => {
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let code = runtime.block_on(command(matches));
    // A command that ends leaves nothing behind: background tasks (a sandbox's connections) stop now
    // rather than holding the host process, which may be a Python or Node program.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

async fn command(matches: ArgMatches) -> u8 {
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    match name {
        "sandbox" | "console" => return sandbox(sub, name == "console").await,
        "demo" => {
            return match demo::run().await {
                Ok(()) => SUCCESS,
                Err(e) => {
                    eprintln!("error: {}", output::printable(&e.to_string()));
                    FAILURE
                }
            };
        }
        "completions" => {
            let shell = *sub.get_one::<clap_complete::Shell>("shell").expect("required");
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli(), "agentphone", &mut script);
            output::emit(String::from_utf8_lossy(&script).trim_end());
            return SUCCESS;
        }
        _ => {}
    }
    // The API's commands carry their flags; a resource's are read where its verb was parsed.
    let (verb, flags) = sub.subcommand().map_or((None, sub), |(verb, args)| (Some(verb), args));
    let json = flags.try_get_one::<bool>("json").ok().flatten().copied().unwrap_or(false);
    let client = match client(flags, name == "signup") {
        Ok(client) => client,
        Err(e) => return fail(&e, json),
    };
    let Some(verb) = verb else { return mcp_server(client, sub).await };
    let resource = RESOURCES.iter().find(|r| r.name == name).expect("clap only accepts known resources");
    let result = match resource.commands.iter().find(|c| c.name == verb) {
        Some(spec) if spec.stream => run::follow(&client, spec, flags, json).await,
        Some(spec) => run::run(&client, spec, flags, json).await,
        // `calls watch` follows the call by polling it, which works against any server.
        None => {
            let call_id = flags.get_one::<String>("call_id").expect("call_id is required");
            match watch::watch(&client, call_id, json).await {
                Ok(call) if call.status == Some(agentphone::CallStatus::Failed) => {
                    let message = format!("call {call_id} failed: it was not answered, or it was cut off");
                    if json {
                        eprintln!("{}", serde_json::json!({"error": {"class": "CallFailed", "message": message, "call_id": call_id}}));
                    } else {
                        eprintln!("error: {}", output::printable(&message));
                    }
                    return FAILURE;
                }
                other => other.map(|_| ()),
            }
        }
    };
    match result {
        Ok(()) => SUCCESS,
        Err(e) => fail(&e, json),
    }
}
