//! The command table's types, and the clap commands built from it at start-up.

use clap::{Arg, ArgAction, Command, value_parser};

/// How an argument's text becomes a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArgKind {
    Text,
    Int,
    Float,
    Bool,
    /// Comma-separated or repeated.
    List,
    /// A JSON document (objects, lists of objects, `null`).
    Json,
}

#[derive(Debug)]
pub(crate) struct ArgSpec {
    /// The argument name in the table (snake_case).
    pub name: &'static str,
    /// The `--flag` (kebab-case).
    pub flag: &'static str,
    pub help: &'static str,
    pub kind: ArgKind,
    pub required: bool,
    /// Path parameters are positional: `agentphone agents get <agent_id>`.
    pub positional: bool,
    /// The only values the server accepts, when it checks strictly.
    pub values: &'static [&'static str],
}

#[derive(Debug)]
pub(crate) struct CommandSpec {
    pub operation: &'static agentphone::table::Operation,
    pub name: &'static str,
    pub about: &'static str,
    /// Answers with a file (recording): saved with `--output`.
    pub binary: bool,
    /// Answers with a live event stream: followed like `calls watch`.
    pub stream: bool,
    pub args: &'static [ArgSpec],
}

#[derive(Debug)]
pub(crate) struct ResourceSpec {
    pub name: &'static str,
    pub about: &'static str,
    pub commands: &'static [CommandSpec],
}

/// The clap subcommand of one operation.
pub(crate) fn command(spec: &'static CommandSpec) -> Command {
    let mut command = Command::new(spec.name).about(spec.about);
    for arg in spec.args {
        let mut clap_arg = Arg::new(arg.name).help(arg.help).required(arg.required);
        clap_arg = clap_arg.value_name(arg.name.to_uppercase());
        if !arg.positional {
            clap_arg = clap_arg.long(arg.flag);
        }
        clap_arg = match arg.kind {
            ArgKind::Int => clap_arg.value_parser(value_parser!(i64)).allow_negative_numbers(true),
            ArgKind::Float => clap_arg.value_parser(value_parser!(f64)).allow_negative_numbers(true),
            ArgKind::Bool => clap_arg.value_parser(value_parser!(bool)),
            ArgKind::List => clap_arg.action(ArgAction::Append).value_delimiter(',').num_args(1..),
            ArgKind::Text if !arg.values.is_empty() => clap_arg.value_parser(arg.values.to_vec()),
            ArgKind::Text | ArgKind::Json => clap_arg,
        };
        command = command.arg(clap_arg);
    }
    if spec.binary {
        command = command.arg(Arg::new("output").long("output").short('o').help("Where to save the file (default: recording-<id>.wav)"));
    } else if !spec.stream {
        command = command.arg(Arg::new("quiet").long("quiet").short('q').action(ArgAction::SetTrue).help("Print only ids, one a line"));
    }
    if spec.operation.is_list() {
        command = command.arg(Arg::new("all").long("all").action(ArgAction::SetTrue).help("Every item, fetching page after page"));
    }
    command
}
