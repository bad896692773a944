//! Tools for AI agents: every operation as a tool with a JSON Schema (2020-12) for its arguments
//! and the hints MCP and LLM tool formats carry. Written as JSON that the core embeds.

use serde_json::{Map, Value, json};

use crate::schema::{Dialect, param_schema};
use crate::spec::{Operation, Spec};

/// The tools as a JSON array, one tool a line: compact, because every build embeds it (the wasm
/// one included), and still one line of diff per changed tool.
pub fn document(spec: &Spec) -> String {
    let lines: Vec<String> = spec.operations.iter().map(|op| tool(op, spec).to_string()).collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
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
    // "At most one of": no two of them together.
    let pairs: Vec<Value> = op
        .at_most_one
        .iter()
        .enumerate()
        .flat_map(|(i, a)| op.at_most_one[i + 1..].iter().map(move |b| json!({ "required": [a, b] })))
        .collect();
    if !pairs.is_empty() {
        schema["not"] = json!({ "anyOf": pairs });
    }
    for limit in &op.text_limits {
        if let Some(text) = at_path(&mut schema, &limit.path) {
            text["maxLength"] = json!(limit.max_chars);
        }
    }
    schema
}

/// The schema of the strings at a text limit's path (`buttons[]`, `cta.display_text`).
fn at_path<'a>(schema: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut node = schema;
    for step in path.split('.') {
        let (key, items) = step.strip_suffix("[]").map_or((step, false), |key| (key, true));
        node = node.get_mut("properties")?.get_mut(key)?;
        if items {
            node = node.get_mut("items")?;
        }
    }
    Some(node)
}

/// `send_message` as "Send message".
fn sentence(id: &str) -> String {
    let words = id.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
