//! Tools for AI agents: every operation as a tool with a JSON Schema (2020-12) for its arguments
//! and the hints MCP and LLM tool formats carry. Written as JSON that the core embeds.

use serde_json::{Map, Value, json};

use crate::schema::{Dialect, param_schema};
use crate::spec::{Operation, Spec};

pub fn document(spec: &Spec) -> Value {
    Value::Array(spec.operations.iter().map(|op| tool(op, spec)).collect())
}

fn tool(op: &Operation, spec: &Spec) -> Value {
    let read_only = op.http_method == "GET";
    // Deleting, and acting in the world: neither can be taken back (a sent message, a released number).
    let destructive = op.http_method == "DELETE" || op.world;
    let mut description = op.doc.trim_end_matches('.').to_owned() + ".";
    if op.world {
        description.push_str(" This acts in the real world (it reaches people or the carrier, or spends money): confirm with the user first, and do not repeat it after an error that says it may have happened.");
    }
    json!({
        "name": op.id,
        "title": sentence(&op.id),
        "description": description,
        "resource": op.resource,
        "read_only": read_only,
        "destructive": destructive,
        "idempotent": matches!(op.http_method.as_str(), "GET" | "PUT" | "DELETE"),
        "world_acting": op.world,
        "input_schema": input_schema(op, spec),
    })
}

fn input_schema(op: &Operation, spec: &Spec) -> Value {
    let mut properties = Map::new();
    for param in &op.params {
        properties.insert(param.name.clone(), param_schema(param, Dialect::Tools(spec)));
    }
    let required: Vec<&str> = op.params.iter().filter(|p| p.required).map(|p| p.name.as_str()).collect();
    let mut schema = json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false });
    // "Exactly one of" and "at least one of" (send_message: a recipient, and a sender) are part
    // of the contract too.
    if !op.one_of.is_empty() {
        schema["oneOf"] = op.one_of.iter().map(|field| json!({ "required": [field] })).collect();
    }
    if !op.any_of.is_empty() {
        schema["anyOf"] = op.any_of.iter().map(|field| json!({ "required": [field] })).collect();
    }
    schema
}

/// `send_message` as "Send message".
fn sentence(id: &str) -> String {
    let words = id.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
