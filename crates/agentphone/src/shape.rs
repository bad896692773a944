//! The by-shape reader: checks a JSON value against a model of the table (`table::Shape`) as the
//! typed models' decoders do, keeping unknown fields and open enum values as received. The
//! bindings read every answer this way, so a build for them carries tables instead of a decoder
//! per model (what keeps the wasm build small); the argument checker reads model-typed arguments
//! with it too. The `decode_responses` fuzz target checks that it agrees with the typed decoders.

use serde_json::{Map, Value};

use crate::table::{ModelShape, Shape};

/// Where an answer does not fit, and how (worded as serde words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    /// `data[2].id`, or `.` for the whole answer.
    pub path: String,
    pub message: String,
}

/// Where an object keeps the fields its model does not know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnknownFields {
    /// After the known ones, as the typed models write them back (Rust, Python's `raw`).
    #[default]
    AfterKnown,
    /// Under `extra`, so that JavaScript's types list every other field exactly.
    UnderExtra,
}

/// Reads `value` as `shape`: the answer as the typed models would write it back (fields in the
/// model's order under their wire names, absent and `null` optional fields left out, floats as
/// floats, unknown fields after the known ones).
pub fn read(shape: &Shape, value: Value) -> Result<Value, Misfit> {
    read_with(shape, value, UnknownFields::AfterKnown)
}

/// [`read`], keeping unknown fields where `unknown` says.
pub fn read_with(shape: &Shape, value: Value, unknown: UnknownFields) -> Result<Value, Misfit> {
    let mut path = Vec::new();
    read_at(shape, value, &mut path, unknown).map_err(|message| Misfit { path: render(&path), message })
}

/// A step of the path to a misfit.
enum Step {
    Field(&'static str),
    Key(String),
    Index(usize),
}

fn render(path: &[Step]) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for step in path {
        match step {
            Step::Field(name) => push_key(&mut out, name),
            Step::Key(key) => push_key(&mut out, key),
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn push_key(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
}

/// On error the path is left pointing at the misfit.
fn read_at(shape: &Shape, value: Value, path: &mut Vec<Step>, unknown: UnknownFields) -> Result<Value, String> {
    let wrong = |value: &Value, expected: &str| format!("invalid type: {}, expected {expected}", unexpected(value));
    match shape {
        Shape::String if value.is_string() => Ok(value),
        Shape::String => Err(wrong(&value, "a string")),
        Shape::Int => match &value {
            Value::Number(n) if n.is_i64() => Ok(value),
            Value::Number(n) if n.is_u64() => Err(format!("invalid value: integer `{n}`, expected i64")),
            _ => Err(wrong(&value, "i64")),
        },
        Shape::Float => value.as_f64().map(Value::from).ok_or_else(|| wrong(&value, "f64")),
        Shape::Bool if value.is_boolean() => Ok(value),
        Shape::Bool => Err(wrong(&value, "a boolean")),
        Shape::Object if value.is_object() => Ok(value),
        Shape::Object => Err(wrong(&value, "a map")),
        Shape::Json => Ok(value),
        Shape::StringMap => {
            let Value::Object(map) = value else { return Err(wrong(&value, "a map")) };
            let mut entries: Vec<(String, Value)> = Vec::with_capacity(map.len());
            for (key, item) in map {
                if !item.is_string() {
                    path.push(Step::Key(key));
                    return Err(wrong(&item, "a string"));
                }
                entries.push((key, item));
            }
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(Value::Object(entries.into_iter().collect()))
        }
        Shape::List(item) => {
            let Value::Array(items) = value else { return Err(wrong(&value, "a sequence")) };
            let mut out = Vec::with_capacity(items.len());
            for (i, value) in items.into_iter().enumerate() {
                path.push(Step::Index(i));
                out.push(read_at(item, value, path, unknown)?);
                path.pop();
            }
            Ok(Value::Array(out))
        }
        Shape::Model(model) => read_model(model, value, path, unknown),
    }
}

/// Fields are read in the order the answer gives them, so the first misfit reported is the one
/// the typed decoders report; missing fields are reported after all were read, as they do.
fn read_model(model: &ModelShape, value: Value, path: &mut Vec<Step>, unknown: UnknownFields) -> Result<Value, String> {
    let Value::Object(input) = value else {
        return Err(format!("invalid type: {}, expected struct {}", unexpected(&value), model.name));
    };
    let mut known: Vec<Option<Value>> = vec![None; model.fields.len()];
    let mut seen = vec![false; model.fields.len()];
    let mut extra = Map::new();
    for (key, value) in input {
        let Some(i) = model.fields.iter().position(|f| f.wire == key || f.aliases.contains(&key.as_str())) else {
            extra.insert(key, value);
            continue;
        };
        let field = &model.fields[i];
        if std::mem::replace(&mut seen[i], true) {
            return Err(format!("duplicate field `{}`", field.wire));
        }
        // An optional field given as null is left out, as the typed models do.
        if value.is_null() && !field.required {
            continue;
        }
        path.push(Step::Field(field.wire));
        known[i] = Some(read_at(&field.shape, value, path, unknown)?);
        path.pop();
    }
    if let Some(missing) = model.fields.iter().zip(&seen).find(|(f, seen)| f.required && !**seen) {
        return Err(format!("missing field `{}`", missing.0.wire));
    }
    let mut out = Map::new();
    for (field, value) in model.fields.iter().zip(known) {
        if let Some(value) = value {
            out.insert(field.wire.to_owned(), value);
        }
    }
    match unknown {
        UnknownFields::AfterKnown => out.extend(extra),
        // A model of no documented fields is a free-form object: nothing in it is unknown.
        UnknownFields::UnderExtra if !extra.is_empty() && !model.fields.is_empty() => {
            out.insert("extra".to_owned(), Value::Object(extra));
        }
        UnknownFields::UnderExtra if model.fields.is_empty() => out.extend(extra),
        UnknownFields::UnderExtra => {}
    }
    Ok(Value::Object(out))
}

/// What a value is, worded as serde words it (`string "x"`, ``integer `5` ``).
pub(crate) fn unexpected(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

/// Whether an answer of this shape can carry a secret field.
pub(crate) fn has_secret(shape: &Shape) -> bool {
    fn walk(shape: &Shape, depth: usize) -> bool {
        match shape {
            _ if depth > 16 => false,
            Shape::List(item) => walk(item, depth + 1),
            Shape::Model(model) => model.fields.iter().any(|f| f.secret || walk(&f.shape, depth + 1)),
            _ => false,
        }
    }
    walk(shape, 0)
}

/// Replaces every secret field of `value` (read as `shape`) with `[REDACTED]`: for what leaves the
/// process in text (a tool's answer for a model, a debug log).
pub(crate) fn redact(shape: &Shape, value: &mut Value) {
    fn walk(shape: &Shape, value: &mut Value, depth: usize) {
        if depth > 16 {
            return;
        }
        match (shape, value) {
            (Shape::List(item), Value::Array(items)) => items.iter_mut().for_each(|v| walk(item, v, depth + 1)),
            (Shape::Model(model), Value::Object(map)) => {
                for field in model.fields {
                    let Some(inner) = map.get_mut(field.wire) else { continue };
                    if field.secret && !inner.is_null() {
                        *inner = Value::String("[REDACTED]".to_owned());
                    } else {
                        walk(&field.shape, inner, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
    walk(shape, value, 0);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::generated::shapes::{AGENT, CALL_LIST};

    #[test]
    fn reads_as_the_typed_models_write_back() {
        let body = json!({"later": [1], "name": "Ava", "id": "agt_1", "voiceSpeed": 1, "voiceMode": "telepathy", "description": null});
        let read = read(&Shape::Model(&AGENT), body.clone()).unwrap();
        let typed = serde_json::to_value(serde_json::from_value::<crate::Agent>(body).unwrap()).unwrap();
        assert_eq!(read, typed);
        assert_eq!(serde_json::to_string(&read).unwrap(), serde_json::to_string(&typed).unwrap(), "in the same order");
    }

    #[test]
    fn secrets_are_found_and_redacted_by_shape() {
        use crate::generated::shapes::{SIP_TRUNK, WEBHOOK};
        assert!(has_secret(&Shape::Model(&WEBHOOK)) && has_secret(&Shape::Model(&SIP_TRUNK)) && !has_secret(&Shape::Model(&AGENT)));
        let mut trunk = json!({"id": "t", "credentials": [{"username": "u", "password": "hunter2"}]});
        redact(&Shape::Model(&SIP_TRUNK), &mut trunk);
        assert_eq!(trunk["credentials"][0], json!({"username": "u", "password": "[REDACTED]"}));
    }

    #[test]
    fn misfits_name_the_path() {
        let misfit = read(&Shape::Model(&CALL_LIST), json!({"data": [{"id": "c1"}, {"id": 5}]})).unwrap_err();
        assert_eq!(misfit, Misfit { path: "data[1].id".into(), message: "invalid type: integer `5`, expected a string".into() });
        let misfit = read(&Shape::Model(&AGENT), json!({"name": "Ava"})).unwrap_err();
        assert_eq!((misfit.path.as_str(), misfit.message.as_str()), (".", "missing field `id`"));
        let misfit = read(&Shape::Model(&AGENT), json!([1])).unwrap_err();
        assert_eq!(misfit.message, "invalid type: sequence, expected struct Agent");
    }
}
