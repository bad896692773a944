//! Running an operation from the command line: arguments to JSON, the call by name, the answer.

use std::path::PathBuf;

use agentphone::ffi::by_name::{self, Answer};
use agentphone::{Client, RequestOptions};
use clap::ArgMatches;
use serde_json::{Map, Value};

use crate::output;
use crate::table::{ArgKind, CommandSpec};

/// The operation's arguments, as the table names them.
pub(crate) fn arguments(spec: &CommandSpec, matches: &ArgMatches) -> Result<Value, String> {
    let mut args = Map::new();
    for arg in spec.args {
        let value = match arg.kind {
            ArgKind::Int => matches.get_one::<i64>(arg.name).map(|v| Value::from(*v)),
            ArgKind::Float => matches.get_one::<f64>(arg.name).map(|v| Value::from(*v)),
            ArgKind::Bool => matches.get_one::<bool>(arg.name).map(|v| Value::Bool(*v)),
            ArgKind::List => matches.get_many::<String>(arg.name).map(|values| Value::from(values.cloned().collect::<Vec<_>>())),
            ArgKind::Text => matches.get_one::<String>(arg.name).map(|v| Value::String(v.clone())),
            ArgKind::Json => match matches.get_one::<String>(arg.name) {
                Some(text) => Some(
                    serde_json::from_str(text)
                        .map_err(|e| format!("--{} takes JSON ({e}); for example '{{\"key\": \"value\"}}'", arg.flag))?,
                ),
                None => None,
            },
        };
        if let Some(value) = value {
            args.insert(arg.name.to_owned(), value);
        }
    }
    Ok(Value::Object(args))
}

/// Calls the operation and prints the answer (`--all`: every item of every page; `-q`: ids only).
pub(crate) async fn run(client: &Client, spec: &CommandSpec, matches: &ArgMatches, json: bool) -> Result<(), agentphone::Error> {
    use futures_util::TryStreamExt;

    let args = arguments(spec, matches).map_err(|problem| agentphone::ValidationError::new("arguments", problem))?;
    let flag = |name: &str| matches.try_get_one::<bool>(name).ok().flatten().copied().unwrap_or(false);
    let answer = if flag("all") {
        let items: Vec<Value> = by_name::stream(client, spec.operation, args.clone(), &RequestOptions::default())?.try_collect().await?;
        Answer::Json(Value::Array(items))
    } else {
        by_name::call(client, spec.operation, args.clone(), &RequestOptions::default()).await?
    };
    match answer {
        Answer::Json(value) if flag("quiet") => {
            let ids = output::ids(&value);
            if !ids.is_empty() {
                output::emit(ids);
            }
        }
        Answer::Json(value) => output::emit(output::render(&value, json)),
        Answer::Binary(content) => {
            let id = args.get("call_id").and_then(Value::as_str).unwrap_or("call");
            let path = matches.get_one::<String>("output").map_or_else(|| PathBuf::from(format!("recording-{id}.wav")), PathBuf::from);
            std::fs::write(&path, &content.data).map_err(|e| agentphone::Error::Config(format!("cannot write {}: {e}", path.display())))?;
            output::emit(format_args!("saved {} bytes ({}) to {}", content.data.len(), content.content_type, path.display()));
        }
    }
    Ok(())
}

/// Follows an event stream (the live transcript), printing each event as it arrives.
pub(crate) async fn follow(client: &Client, spec: &CommandSpec, matches: &ArgMatches, json: bool) -> Result<(), agentphone::Error> {
    use futures_util::StreamExt;

    let args = arguments(spec, matches).map_err(|problem| agentphone::ValidationError::new("arguments", problem))?;
    let mut events = by_name::stream(client, spec.operation, args, &RequestOptions::default())?;
    while let Some(event) = events.next().await {
        let event = event?;
        if json {
            output::emit(event);
            continue;
        }
        let name = event["event"].as_str().unwrap_or("message");
        let data = &event["data"];
        match (data["role"].as_str(), data["content"].as_str()) {
            (Some(role), Some(content)) => output::emit(format_args!("  {role:<6} {}", output::printable(content))),
            _ => output::emit(format_args!("  [{}] {data}", output::printable(name))),
        }
    }
    Ok(())
}
