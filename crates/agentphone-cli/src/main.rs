//! `agentphone`: every operation of the AgentPhone API as a command, a local sandbox, and a demo.

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

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use agentphone::{Client, ErrorKind};
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use crate::generated::commands::RESOURCES;

fn cli() -> Command {
    let mut root = Command::new("agentphone")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The AgentPhone API from the command line: agents, numbers, calls, messages, webhooks and usage")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(Arg::new("api_key").long("api-key").value_name("KEY").global(true).help("API key (default: $AGENTPHONE_API_KEY)"))
        .arg(
            Arg::new("base_url")
                .long("base-url")
                .value_name("URL")
                .global(true)
                .help("API host (default: $AGENTPHONE_BASE_URL, then https://api.agentphone.ai)"),
        )
        .arg(Arg::new("json").long("json").global(true).action(ArgAction::SetTrue).help("Print JSON instead of tables"));
    for resource in RESOURCES {
        let mut command = Command::new(resource.name).about(resource.about).subcommand_required(true);
        for spec in resource.commands {
            command = command.subcommand(table::command(spec));
        }
        if resource.name == "calls" {
            command =
                command.subcommand(Command::new("watch").about("Follow a call live until it ends").arg(Arg::new("call_id").required(true)));
        }
        root = root.subcommand(command);
    }
    root.subcommand(
        Command::new("sandbox")
            .about("Run the local AgentPhone sandbox (a stateful emulator of the API)")
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
                Arg::new("fast")
                    .long("fast")
                    .action(ArgAction::SetTrue)
                    .help("Test timing: calls and webhook redeliveries take milliseconds"),
            ),
    )
    .subcommand(
        Command::new("mcp")
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
            ),
    )
    .subcommand(
        Command::new("demo")
            .about("A guided tour against an embedded sandbox: agent, number, SMS, signed webhook, call, transcript, usage"),
    )
}

fn client(matches: &ArgMatches) -> agentphone::Result<Client> {
    let mut builder = Client::builder();
    if let Some(key) = matches.get_one::<String>("api_key") {
        builder = builder.api_key(key);
    }
    if let Some(url) = matches.get_one::<String>("base_url") {
        builder = builder.base_url(url);
    }
    builder.user_agent_suffix("agentphone-cli").build()
}

async fn sandbox(matches: &ArgMatches) -> ExitCode {
    let host = *matches.get_one::<IpAddr>("host").expect("has a default");
    let port = *matches.get_one::<u16>("port").expect("has a default");
    let base =
        if matches.get_flag("fast") { agentphone_sandbox::SandboxConfig::fast() } else { agentphone_sandbox::SandboxConfig::default() };
    let turn_delay = match matches.value_source("turn_delay_ms") {
        Some(clap::parser::ValueSource::CommandLine) | None => {
            Duration::from_millis(*matches.get_one::<u64>("turn_delay_ms").expect("has a default"))
        }
        Some(_) => base.turn_delay,
    };
    let config = agentphone_sandbox::SandboxConfig {
        turn_delay,
        balance_cents: *matches.get_one::<i64>("balance_cents").expect("has a default"),
        number_limit: *matches.get_one::<i64>("number_limit").expect("has a default"),
        ..base
    };
    let listener = match tokio::net::TcpListener::bind(SocketAddr::new(host, port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {host}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = format!("http://{}", listener.local_addr().map_or_else(|_| format!("{host}:{port}"), |a| a.to_string()));
    println!("AgentPhone sandbox listening on {url}");
    println!("  any key of the form sk_test_... is its own project; test controls live under {url}/sandbox");
    println!("  AGENTPHONE_BASE_URL={url} AGENTPHONE_API_KEY=sk_test_me agentphone agents list");
    tokio::select! {
        served = agentphone_sandbox::run(listener, config) => match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {}", output::printable(&e.to_string()));
                ExitCode::FAILURE
            }
        },
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}

async fn mcp_server(client: Client, matches: &ArgMatches) -> ExitCode {
    let filter = serde_json::json!({
        "resources": matches.get_many::<String>("resources").map(|r| r.cloned().collect::<Vec<_>>()),
        "read_only": matches.get_flag("read_only"),
        "exclude_world_acting": matches.get_flag("exclude_world_acting"),
    });
    let filter = match agentphone::ffi::tools::ToolFilter::from_json(filter) {
        Ok(filter) => filter,
        Err(e) => return fail(&e.into()),
    };
    match mcp::serve(client, filter).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", output::printable(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn fail(error: &agentphone::Error) -> ExitCode {
    eprintln!("error: {}", output::printable(&error.to_string()));
    match error.kind() {
        ErrorKind::Validation | ErrorKind::Config => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let matches = cli().get_matches();
    let json = matches.get_flag("json");
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    match name {
        "sandbox" => return sandbox(sub).await,
        "demo" => {
            return match demo::run().await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {}", output::printable(&e.to_string()));
                    ExitCode::FAILURE
                }
            };
        }
        _ => {}
    }
    let client = match client(&matches) {
        Ok(client) => client,
        Err(e) => return fail(&e),
    };
    if name == "mcp" {
        return mcp_server(client, sub).await;
    }
    let (verb, args) = sub.subcommand().expect("a subcommand is required");
    let resource = RESOURCES.iter().find(|r| r.name == name).expect("clap only accepts known resources");
    let spec = resource.commands.iter().find(|c| c.name == verb);
    let result = match spec {
        Some(spec) if spec.stream => run::follow(&client, spec, args, json).await,
        Some(spec) => run::run(&client, spec, args, json).await,
        // `calls watch` follows the call by polling it, which works against any server.
        None => {
            let call_id = args.get_one::<String>("call_id").expect("call_id is required");
            watch::watch(&client, call_id, json).await.map(|_| ())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}
