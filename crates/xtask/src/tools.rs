//! Tools for AI agents: every operation as a tool with a JSON Schema (2020-12) for its arguments
//! and the hints MCP and LLM tool formats carry. Written as JSON that the core embeds.

use serde_json::{Map, Value, json};

use crate::spec::{Operation, Param, Spec, Ty};

pub fn document(spec: &Spec) -> Value {
    Value::Array(spec.operations.iter().map(|op| tool(op, spec)).collect())
}

fn tool(op: &Operation, spec: &Spec) -> Value {
    let read_only = op.http_method == "GET";
    // Deleting, and the world-acting operations that cannot be undone (a released number is gone).
    let destructive = op.http_method == "DELETE";
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
        properties.insert(param.name.clone(), param_schema(param, spec));
    }
    let required: Vec<&str> = op.params.iter().filter(|p| p.required).map(|p| p.name.as_str()).collect();
    let mut schema = json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false });
    // "Exactly one of" (send_message: to_number or recipients) is part of the contract too.
    if !op.one_of.is_empty() {
        schema["oneOf"] = op.one_of.iter().map(|field| json!({ "required": [field] })).collect();
    }
    schema
}

fn param_schema(p: &Param, spec: &Spec) -> Value {
    let mut schema = type_schema(&p.ty, spec);
    let object = schema.as_object_mut().expect("schemas are objects");
    if let Some(min) = p.min {
        object.insert("minimum".into(), number(min));
    }
    if let Some(max) = p.max {
        object.insert("maximum".into(), number(max));
    }
    let (min_key, max_key) = if matches!(p.ty, Ty::List(_)) { ("minItems", "maxItems") } else { ("minLength", "maxLength") };
    if let Some(min) = p.min_len {
        object.insert(min_key.into(), json!(min));
    }
    if let Some(max) = p.max_len {
        object.insert(max_key.into(), json!(max));
    }
    if let Some(default) = &p.default {
        object.insert("default".into(), default.clone());
    }
    // The parameter's own words first, then what its type adds (how phone numbers are written).
    let described = match object.get("description").and_then(Value::as_str) {
        Some(note) => format!("{} {note}", p.doc),
        None => p.doc.clone(),
    };
    object.insert("description".into(), json!(described));
    if p.nullable {
        return json!({ "anyOf": [schema, { "type": "null" }], "description": p.doc });
    }
    schema
}

/// Self-contained schemas (no `$ref`): tool formats take each tool's schema on its own.
fn type_schema(ty: &Ty, spec: &Spec) -> Value {
    match ty {
        Ty::String => json!({ "type": "string" }),
        Ty::Phone => {
            json!({ "type": "string", "description": "A phone number; E.164 (+14155550100) preferred, national formats are normalized." })
        }
        Ty::Url => json!({ "type": "string", "format": "uri" }),
        Ty::Int => json!({ "type": "integer" }),
        Ty::Float => json!({ "type": "number" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Json => json!({}),
        Ty::Object => json!({ "type": "object" }),
        Ty::StringMap => json!({ "type": "object", "additionalProperties": { "type": "string" } }),
        Ty::List(inner) => json!({ "type": "array", "items": type_schema(inner, spec) }),
        Ty::Enum(name) => {
            let values = spec.enum_def(name).map(|e| e.values.clone()).unwrap_or_default();
            json!({ "type": "string", "enum": values })
        }
        Ty::Model(name) => match spec.model(name) {
            Some(model) => {
                let properties: Map<String, Value> =
                    model.fields.iter().map(|f| (f.wire.clone(), with_doc(type_schema(&f.ty, spec), &f.doc))).collect();
                let required: Vec<&str> = model.fields.iter().filter(|f| f.required).map(|f| f.wire.as_str()).collect();
                json!({ "type": "object", "description": model.doc, "properties": properties, "required": required })
            }
            None => json!({ "type": "object" }),
        },
    }
}

fn with_doc(mut schema: Value, doc: &str) -> Value {
    if !doc.is_empty() && schema.get("description").is_none() {
        schema["description"] = json!(doc);
    }
    schema
}

fn number(v: f64) -> Value {
    if v.fract() == 0.0 { json!(v as i64) } else { json!(v) }
}

/// `send_message` as "Send message".
fn sentence(id: &str) -> String {
    let words = id.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
