//! Every operation as a tool for AI agents: the tool list (generated from the operation table,
//! plus the composite `account_overview`), subsets of it, the OpenAI and Anthropic tool formats,
//! and a dispatcher that answers a model's tool call with JSON. The MCP server (`agentphone mcp`)
//! and the Python and Node tool helpers all use this module.
//!
//! A model's mistakes are answered, not raised: a bad argument, an unknown tool or a refusal from
//! the API comes back as `{"error": ...}` written for the model (which field, what was expected,
//! whether the action may have happened), so a tool loop can hand it straight back.

use std::sync::OnceLock;
use std::time::Duration;

use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::ffi::by_name::{self, Answer};
use crate::ffi::errors::HelperError;
use crate::operations::{GET_USAGE, GET_WEBHOOK, LIST_AGENTS, LIST_NUMBERS};
use crate::request::RequestOptions;
use crate::table::Operation;

/// The composite tool: agents, numbers, the webhook and usage in one call.
pub const ACCOUNT_OVERVIEW: &str = "account_overview";

/// How long a transcript-stream tool listens before answering with what it has.
const STREAM_WINDOW: Duration = Duration::from_secs(10);
/// Most events a transcript-stream tool returns.
const STREAM_EVENTS: usize = 200;

/// One tool.
#[derive(Debug, Clone, Deserialize)]
pub struct Tool {
    /// The operation id (`send_message`), or `account_overview`.
    pub name: String,
    pub title: String,
    pub description: String,
    /// The client resource (`messages`); `account` for the composite.
    pub resource: String,
    /// Only reads.
    pub read_only: bool,
    /// Deletes, or acts in the world: cannot be taken back.
    pub destructive: bool,
    /// Repeating it has no further effect.
    pub idempotent: bool,
    /// Reaches people or the carrier, or spends money.
    pub world_acting: bool,
    /// JSON Schema (2020-12) of the arguments.
    pub input_schema: Value,
}

/// Every tool: one per operation, then the composites.
pub fn all() -> &'static [Tool] {
    static TOOLS: OnceLock<Vec<Tool>> = OnceLock::new();
    TOOLS.get_or_init(|| {
        // Written by the generator from the table; the tests check it has every operation.
        let mut tools: Vec<Tool> = serde_json::from_str(include_str!("../generated/tools.json")).unwrap_or_default();
        tools.push(Tool {
            name: ACCOUNT_OVERVIEW.to_owned(),
            title: "Account overview".to_owned(),
            description: "The account at a glance: its agents, phone numbers, project webhook and usage, in one call.".to_owned(),
            resource: "account".to_owned(),
            read_only: true,
            destructive: false,
            idempotent: true,
            world_acting: false,
            input_schema: json!({ "type": "object", "properties": {}, "required": [], "additionalProperties": false }),
        });
        tools
    })
}

/// Which tools to offer a model.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ToolFilter {
    /// Only tools of these resources (`messages`, `calls`, ... and `account`).
    pub resources: Option<Vec<String>>,
    /// Only tools that read.
    #[serde(alias = "readOnly")]
    pub read_only: bool,
    /// Leave out the tools that reach people or the carrier, or spend money.
    #[serde(alias = "excludeWorldActing")]
    pub exclude_world_acting: bool,
}

impl ToolFilter {
    /// Reads a filter given as JSON (`null`: every tool); unknown options and resources are refused.
    pub fn from_json(value: Value) -> Result<Self, ValidationError> {
        let filter: Self = if value.is_null() {
            Self::default()
        } else {
            serde_json::from_value(value).map_err(|e| ValidationError::new("filter", e.to_string()))?
        };
        for resource in filter.resources.iter().flatten() {
            if !all().iter().any(|t| &t.resource == resource) {
                let known: std::collections::BTreeSet<&str> = all().iter().map(|t| t.resource.as_str()).collect();
                let known: Vec<&str> = known.into_iter().collect();
                return Err(ValidationError::new(
                    "resources",
                    format!("{resource:?} is not a resource; expected one of: {}", known.join(", ")),
                ));
            }
        }
        Ok(filter)
    }

    /// Whether `tool` is offered.
    pub fn allows(&self, tool: &Tool) -> bool {
        self.resources.as_ref().is_none_or(|r| r.contains(&tool.resource))
            && (!self.read_only || tool.read_only)
            && !(self.exclude_world_acting && tool.world_acting)
    }

    /// The tools offered.
    pub fn select(&self) -> Vec<&'static Tool> {
        all().iter().filter(|t| self.allows(t)).collect()
    }
}

/// The tools in OpenAI's function-calling format (Chat Completions `tools`).
pub fn openai(tools: &[&Tool]) -> Value {
    tools
        .iter()
        .map(|t| json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.input_schema}}))
        .collect()
}

/// The tools in Anthropic's format (Messages API `tools`).
pub fn anthropic(tools: &[&Tool]) -> Value {
    tools.iter().map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.input_schema})).collect()
}

/// The tools `filter` offers in `format` (`openai` or `anthropic`).
pub fn definitions(format: &str, filter: &ToolFilter) -> Result<Value, ValidationError> {
    let tools = filter.select();
    match format {
        "openai" => Ok(openai(&tools)),
        "anthropic" => Ok(anthropic(&tools)),
        other => Err(ValidationError::new("format", format!("{other:?} is not a tool format; expected \"openai\" or \"anthropic\""))),
    }
}

/// The tools a filter (as JSON: `{resources, read_only, ...}`) offers, in `format`.
pub fn definitions_json(format: &str, filter: Value) -> Result<Value, HelperError> {
    Ok(definitions(format, &ToolFilter::from_json(filter)?)?)
}

/// What a tool call answers: always a JSON object (MCP's structured content must be one).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutput {
    pub is_error: bool,
    pub content: Value,
}

impl ToolOutput {
    fn ok(value: Value) -> Self {
        let content = match value {
            Value::Object(_) => value,
            Value::Array(items) => json!({ "items": items }),
            other => json!({ "result": other }),
        };
        Self { is_error: false, content }
    }

    fn error(message: String, extra: Map<String, Value>) -> Self {
        let mut content = Map::new();
        content.insert("error".into(), Value::String(message));
        content.extend(extra);
        Self { is_error: true, content: Value::Object(content) }
    }
}

/// Answers a model's call of `name` with `arguments` (a JSON object, or its text as models write
/// it), among the tools `filter` offers.
pub async fn call(client: &Client, filter: &ToolFilter, name: &str, arguments: Value) -> ToolOutput {
    let Some(tool) = all().iter().find(|t| t.name == name && filter.allows(t)) else {
        let offered: Vec<&str> = filter.select().iter().map(|t| t.name.as_str()).collect();
        return ToolOutput::error(format!("There is no tool named {name:?} here. The tools are: {}.", offered.join(", ")), Map::new());
    };
    let arguments = match arguments {
        Value::String(text) if text.trim().is_empty() => json!({}),
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(value) => value,
            Err(e) => {
                return ToolOutput::error(format!("The arguments of {name} are not valid JSON ({e}). Send a JSON object."), Map::new());
            }
        },
        Value::Null => json!({}),
        other => other,
    };
    if !arguments.is_object() {
        return ToolOutput::error(format!("The arguments of {name} must be a JSON object with the fields of its schema."), Map::new());
    }
    let result = if tool.name == ACCOUNT_OVERVIEW {
        account_overview(client).await
    } else {
        match by_name::operation(name) {
            Ok(operation) if operation.is_event_stream() => events_so_far(client, operation, arguments).await,
            Ok(operation) => call_operation(client, operation, arguments).await,
            Err(error) => Err(error),
        }
    };
    match result {
        Ok(value) => ToolOutput::ok(value),
        Err(error) => error_for_model(name, &error),
    }
}

async fn call_operation(client: &Client, operation: &'static Operation, arguments: Value) -> Result<Value, Error> {
    Ok(match by_name::call(client, operation, arguments, &RequestOptions::default()).await? {
        Answer::Json(value) => without_secrets(operation, value),
        // Audio is no use to a model: say what there is and where it can be fetched.
        Answer::Binary(content) => json!({"content_type": content.content_type, "bytes": content.data.len()}),
    })
}

/// A model's context is no place for a signing secret or a password: they are redacted.
fn without_secrets(operation: &Operation, mut value: Value) -> Value {
    if let Some(shape) = operation.shape {
        crate::shape::redact(shape, &mut value);
    }
    value
}

async fn account_overview(client: &Client) -> Result<Value, Error> {
    // The table's own rows: renaming one of these operations breaks the build, not this tool.
    let read = |operation: &'static Operation, args: Value| async move {
        match by_name::call(client, operation, args, &RequestOptions::default()).await? {
            Answer::Json(value) => Ok(without_secrets(operation, value)),
            Answer::Binary(_) => Err(Error::Config(format!("{} answered with a file", operation.id))),
        }
    };
    let (agents, numbers, webhook, usage) = futures_util::future::try_join4(
        read(&LIST_AGENTS, json!({"limit": 100})),
        read(&LIST_NUMBERS, json!({"limit": 100})),
        read(&GET_WEBHOOK, Value::Null),
        read(&GET_USAGE, Value::Null),
    )
    .await?;
    Ok(json!({"agents": agents, "numbers": numbers, "webhook": webhook, "usage": usage}))
}

/// A live stream as a tool: the events that arrive within a window.
async fn events_so_far(client: &Client, operation: &'static Operation, arguments: Value) -> Result<Value, Error> {
    let mut stream = by_name::stream(client, operation, arguments, &RequestOptions::default())?;
    let mut events = Vec::new();
    let window = crate::timer::within(STREAM_WINDOW, async {
        while events.len() < STREAM_EVENTS {
            match stream.next().await {
                Some(event) => events.push(event?),
                None => return Ok(true),
            }
        }
        Ok::<_, Error>(false)
    });
    let complete = window.await.transpose()?.unwrap_or(false);
    Ok(json!({"events": events, "complete": complete}))
}

/// An error as the model should read it.
pub fn error_for_model(tool: &str, error: &Error) -> ToolOutput {
    let mut extra = Map::new();
    extra.insert("may_have_acted".into(), Value::Bool(error.may_have_acted()));
    let message = match error {
        Error::Validation(v) => {
            extra.insert("field".into(), Value::String(v.field.clone()));
            format!("Invalid argument `{}` for {tool}: {}. Fix it and call {tool} again.", v.field, v.problem)
        }
        Error::Api(api) => {
            extra.insert("status".into(), json!(api.status));
            if let Some(code) = &api.code {
                extra.insert("code".into(), json!(code));
            }
            let fields: Vec<String> =
                api.details.iter().map(|d| format!("`{}`: {}", d.field.as_deref().unwrap_or("body"), d.message)).collect();
            let detail = if fields.is_empty() { String::new() } else { format!(" ({})", fields.join("; ")) };
            format!("The AgentPhone API refused {tool} with {}: {}{detail}.", api.status, api.message)
        }
        other => format!("{tool} failed: {other}."),
    };
    let message = if error.may_have_acted() {
        format!("{message} It may have taken effect anyway: check (for example by listing) before calling {tool} again.")
    } else {
        message
    };
    ToolOutput::error(message, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_a_tool_and_the_composite_is_last() {
        let names: Vec<&str> = all().iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), crate::OPERATIONS.len() + 1);
        for op in crate::OPERATIONS {
            assert!(names.contains(&op.id), "{} has no tool", op.id);
        }
        assert_eq!(names.last(), Some(&ACCOUNT_OVERVIEW));
    }

    #[test]
    fn filters_choose_subsets_and_refuse_unknown_resources() {
        let reads = ToolFilter::from_json(json!({"readOnly": true})).unwrap().select();
        assert!(reads.iter().all(|t| t.read_only) && reads.iter().any(|t| t.name == "list_agents"));
        let tame = ToolFilter::from_json(json!({"exclude_world_acting": true})).unwrap().select();
        assert!(!tame.iter().any(|t| t.name == "send_message" || t.name == "buy_number"));
        let messages = ToolFilter::from_json(json!({"resources": ["messages"]})).unwrap().select();
        assert!(messages.iter().all(|t| t.resource == "messages") && !messages.is_empty());
        let error = ToolFilter::from_json(json!({"resources": ["mesages"]})).unwrap_err();
        assert_eq!(error.field, "resources");
        assert!(error.problem.contains("messages"), "{}", error.problem);
    }

    #[test]
    fn formats_carry_name_description_and_schema() {
        let tools = ToolFilter::default().select();
        let (openai, anthropic) = (openai(&tools), anthropic(&tools));
        for (i, tool) in tools.iter().enumerate() {
            let (o, a) = (&openai[i], &anthropic[i]);
            assert_eq!(
                (o["type"].as_str(), o["function"]["name"].as_str(), a["name"].as_str()),
                (Some("function"), Some(&*tool.name), Some(&*tool.name))
            );
            assert_eq!(o["function"]["description"], tool.description.as_str());
            assert!(!tool.description.is_empty(), "{}", tool.name);
            assert_eq!(o["function"]["parameters"], a["input_schema"]);
            assert_eq!(a["input_schema"]["type"], "object", "{}", tool.name);
        }
    }

    #[test]
    fn validation_errors_are_written_for_the_model() {
        let output = error_for_model("send_message", &ValidationError::new("to_number", "\"555\" is not a phone number").into());
        assert!(output.is_error);
        assert_eq!(output.content["field"], "to_number");
        assert!(output.content["error"].as_str().unwrap().contains("Fix it and call send_message again"));
    }
}
