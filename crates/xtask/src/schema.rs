//! JSON Schema (2020-12) for the table's types, parameters and models, shared by the OpenAPI
//! document and the tools for AI agents. The two differ only in what they describe: OpenAPI the
//! wire (models by `$ref`, phone numbers in E.164), tools what the SDK accepts (each schema on
//! its own, phone numbers in any format it normalizes).

use serde_json::{Map, Value, json};

use crate::spec::{Model, Param, Spec, Ty};

#[derive(Clone, Copy)]
pub enum Dialect<'a> {
    /// Enums and models by reference to `#/components/schemas`.
    OpenApi,
    /// Self-contained: enums and models inlined from the spec.
    Tools(&'a Spec),
}

pub fn type_schema(ty: &Ty, dialect: Dialect<'_>) -> Value {
    match (ty, dialect) {
        (Ty::String, _) => json!({ "type": "string" }),
        (Ty::Phone, Dialect::OpenApi) => json!({ "type": "string", "pattern": "^\\+[1-9][0-9]{7,14}$" }),
        (Ty::Phone, Dialect::Tools(_)) => {
            json!({ "type": "string", "description": "A phone number; E.164 (+14155550100) preferred, national formats are normalized." })
        }
        (Ty::Recipient, _) => json!({
            "type": "string",
            "description": "A phone number (E.164, +14155550100; national formats are normalized), a short code, an email address (iMessage) or a grp_ group id."
        }),
        (Ty::Url, _) => json!({ "type": "string", "format": "uri" }),
        (Ty::Int, _) => json!({ "type": "integer" }),
        (Ty::Float, _) => json!({ "type": "number" }),
        (Ty::Bool, _) => json!({ "type": "boolean" }),
        (Ty::Json, _) => json!({}),
        (Ty::Object, _) => json!({ "type": "object" }),
        (Ty::StringMap, _) => json!({ "type": "object", "additionalProperties": { "type": "string" } }),
        (Ty::List(inner), _) => json!({ "type": "array", "items": type_schema(inner, dialect) }),
        (Ty::Enum(name) | Ty::Model(name), Dialect::OpenApi) => json!({ "$ref": format!("#/components/schemas/{name}") }),
        (Ty::Enum(name), Dialect::Tools(spec)) => {
            json!({ "type": "string", "enum": spec.enum_def(name).map(|e| e.values.clone()).unwrap_or_default() })
        }
        (Ty::Model(name), Dialect::Tools(spec)) => {
            spec.model(name).map_or_else(|| json!({ "type": "object" }), |m| model_schema(m, dialect))
        }
    }
}

/// A parameter: its type, range, lengths, default and description (its own words, then what its
/// type adds).
pub fn param_schema(p: &Param, dialect: Dialect<'_>) -> Value {
    let mut schema = type_schema(&p.ty, dialect);
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
    let description = match object.get("description").and_then(Value::as_str) {
        Some(note) => format!("{} {note}", p.doc),
        None => p.doc.clone(),
    };
    object.insert("description".into(), json!(description));
    if p.nullable {
        return json!({ "anyOf": [schema, { "type": "null" }], "description": description });
    }
    schema
}

/// A model: its fields by wire name; optional fields may be null.
pub fn model_schema(model: &Model, dialect: Dialect<'_>) -> Value {
    let mut properties = Map::new();
    for field in &model.fields {
        let schema = type_schema(&field.ty, dialect);
        let mut schema = if field.required { schema } else { json!({ "anyOf": [schema, { "type": "null" }] }) };
        if !field.doc.is_empty() {
            schema["description"] = json!(field.doc);
        }
        properties.insert(field.wire.clone(), schema);
    }
    let required: Vec<&str> = model.fields.iter().filter(|f| f.required).map(|f| f.wire.as_str()).collect();
    json!({ "type": "object", "description": model.doc, "properties": properties, "required": required, "additionalProperties": true })
}

fn number(v: f64) -> Value {
    if v.fract() == 0.0 { json!(v as i64) } else { json!(v) }
}
