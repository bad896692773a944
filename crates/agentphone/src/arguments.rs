//! Arguments checked against the operation table and built into a request: the one place where
//! parameters are validated. The typed parameter structs serialize into it; the bindings, the
//! tools and the CLI hand it their JSON arguments directly. The rules are data in the table
//! (types, ranges, lengths, alternatives), so a build carries one checker instead of code per
//! operation, which is what keeps the wasm build small.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ValidationError;
use crate::request::{Request, RequestParts, path_segment};
use crate::shape::unexpected;
use crate::table::{Operation, ParamInfo, ParamLocation, Shape, ValueType};
use crate::validate;

/// Validates `args` (named as in the table, snake_case or camelCase; `null` for none) for
/// `operation` and builds its request. A problem names the argument and what was allowed.
pub fn build(operation: &'static Operation, args: Value) -> Result<RequestParts, ValidationError> {
    // Every value is checked first, so a wrong value is reported before a wrong combination.
    let mut checked = Vec::with_capacity(operation.params.len());
    for (param, value) in operation.params.iter().zip(name_arguments(operation, args)?) {
        checked.push(match value {
            // Only nullable parameters keep a null (it clears the field); see `name_arguments`.
            Some(Value::Null) | None => value,
            Some(value) if param.location == ParamLocation::Path => {
                let Value::String(text) = value else {
                    return Err(ValidationError::new(param.name, format!("invalid type: {}, expected a string", unexpected(&value))));
                };
                Some(Value::String(path_segment(param.name, &text)?))
            }
            Some(value) => Some(check(param, param.name, &param.ty, value, true)?),
        });
    }
    let value_of = |name: &str| operation.params.iter().zip(&checked).find(|(p, _)| p.name == name).and_then(|(_, v)| v.as_ref());
    for limit in operation.text_limits {
        let head = limit.path.split(['.', '[']).next().unwrap_or_default();
        if let Some(value) = value_of(head) {
            within_chars(head.to_owned(), &limit.path[head.len()..], value, limit.max_chars)?;
        }
    }
    let given = |names: &[&str]| -> Vec<bool> { names.iter().map(|name| value_of(name).is_some()).collect() };
    if !operation.one_of.is_empty() {
        validate::exactly_one(&given(operation.one_of), operation.one_of)?;
    }
    validate::at_most_one(&given(operation.at_most_one), operation.at_most_one)?;
    let mut path = operation.path.to_owned();
    let mut request = RequestParts::new(operation, String::new());
    for (param, value) in operation.params.iter().zip(checked) {
        let value = if value.is_none() && param.always { Some(Value::String(String::new())) } else { value };
        let Some(value) = value else { continue };
        match param.location {
            ParamLocation::Path => path = path.replace(&format!("{{{}}}", param.name), &query_text(&value)),
            ParamLocation::Query => request.query(param.wire, query_text(&value)),
            ParamLocation::Header => {
                let text = query_text(&value);
                // What a header cannot carry fails here, naming the argument, before anything is sent.
                if !text.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
                    return Err(ValidationError::new(
                        param.name,
                        "has characters an HTTP header cannot carry (control characters or non-ASCII)",
                    ));
                }
                request.header(param.wire, text);
            }
            ParamLocation::Body => {
                request.body.get_or_insert_with(Map::new).insert(param.wire.to_owned(), value);
            }
        }
    }
    request.path = path;
    Ok(request)
}

/// Validates a typed parameter struct through the same rules (its fields are the table's names).
pub(crate) fn build_params<P: Request + Serialize>(params: &P) -> Result<RequestParts, ValidationError> {
    let args = serde_json::to_value(params).map_err(|e| ValidationError::new("arguments", format!("cannot be encoded as JSON: {e}")))?;
    build(params.operation(), args)
}

/// Each parameter's argument, in table order: `None` when not given (an optional argument given
/// as `null` counts as not given, unless `null` means "clear it").
fn name_arguments(operation: &Operation, args: Value) -> Result<Vec<Option<Value>>, ValidationError> {
    let args = match args {
        Value::Null => Map::new(),
        Value::Object(map) => map,
        other => return Err(ValidationError::new("arguments", format!("invalid type: {}, expected an object", unexpected(&other)))),
    };
    let mut given: Vec<Option<Value>> = vec![None; operation.params.len()];
    let mut named = vec![false; operation.params.len()];
    for (key, value) in args {
        let Some(index) = operation.params.iter().position(|p| p.name == key || p.aliases.contains(&key.as_str())) else {
            let known: Vec<String> = operation.params.iter().map(|p| format!("`{}`", p.name)).collect();
            let expected = if known.is_empty() { "there are none".to_owned() } else { format!("expected one of {}", known.join(", ")) };
            // A nameless argument is named by its place, so the error always names something.
            let field = if key.trim().is_empty() { "arguments".to_owned() } else { key.clone() };
            return Err(ValidationError::new(field, format!("unknown field `{key}`, {expected}")));
        };
        let param = &operation.params[index];
        if named[index] {
            return Err(ValidationError::new(param.name, format!("duplicate field `{}`", param.name)));
        }
        named[index] = true;
        given[index] = if value.is_null() && !param.nullable && !param.required { None } else { Some(value) };
    }
    for (param, value) in operation.params.iter().zip(&given) {
        match value {
            None if param.required => return Err(ValidationError::new(param.name, format!("missing field `{}`", param.name))),
            Some(Value::Null) if param.required => {
                return Err(ValidationError::new(param.name, format!("invalid type: null, expected {}", expected(&param.ty))));
            }
            _ => {}
        }
    }
    Ok(given)
}

/// Checks the characters of every string at `rest` (`.field` and `[]` steps, see [`TextLimit`])
/// inside `value`, which `at` names; what is absent has nothing to check.
///
/// [`TextLimit`]: crate::table::TextLimit
fn within_chars(at: String, rest: &str, value: &Value, max: usize) -> Result<(), ValidationError> {
    if let Some(rest) = rest.strip_prefix("[]") {
        for (i, item) in value.as_array().into_iter().flatten().enumerate() {
            within_chars(format!("{at}[{i}]"), rest, item, max)?;
        }
        return Ok(());
    }
    if let Some(rest) = rest.strip_prefix('.') {
        let (key, rest) = rest.split_at(rest.find(['.', '[']).unwrap_or(rest.len()));
        return match value.get(key) {
            Some(inner) => within_chars(format!("{at}.{key}"), rest, inner, max),
            None => Ok(()),
        };
    }
    value.as_str().map_or(Ok(()), |text| validate::str_len(&at, text, None, Some(max)))
}

/// Deepest nesting an argument may have. Encoding JSON recurses, so a depth bomb is refused here,
/// naming the argument, instead of overflowing the stack on the way out.
pub(crate) const MAX_DEPTH: usize = 64;

/// Whether `value` nests at most [`MAX_DEPTH`] levels, counted without recursion.
fn within_depth(value: &Value) -> bool {
    let mut stack = vec![(value, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return false;
        }
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|item| (item, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|item| (item, depth + 1))),
            _ => {}
        }
    }
    true
}

/// Checks one value (`field` names it, `media_urls[2]` inside a list) and returns it as it is
/// sent. Length bounds belong to the parameter itself (`whole`), not to the items of a list.
fn check(param: &ParamInfo, field: &str, ty: &ValueType, value: Value, whole: bool) -> Result<Value, ValidationError> {
    let wrong = |value: &Value| ValidationError::new(field, format!("invalid type: {}, expected {}", unexpected(value), expected(ty)));
    if !within_depth(&value) {
        return Err(ValidationError::new(field, format!("nested deeper than {MAX_DEPTH} levels")));
    }
    let bounded = whole && (param.min_len.is_some() || param.max_len.is_some());
    match ty {
        ValueType::String | ValueType::Url | ValueType::Phone | ValueType::Recipient | ValueType::Enum { .. } => {
            let Value::String(text) = value else { return Err(wrong(&value)) };
            match ty {
                ValueType::Enum { known, strict } => {
                    if *strict {
                        validate::known_value(field, &text, known.contains(&text.as_str()), known)?;
                    }
                    return Ok(Value::String(text));
                }
                _ if bounded => validate::str_len(field, &text, param.min_len, param.max_len)?,
                _ => {}
            }
            match ty {
                ValueType::Url => validate::url(field, &text)?,
                ValueType::Phone => return Ok(Value::String(crate::normalize_e164(field, &text)?)),
                ValueType::Recipient => return Ok(Value::String(crate::phone::recipient(field, &text)?)),
                _ => {}
            }
            Ok(Value::String(text))
        }
        ValueType::Int => {
            let number = value.as_i64().ok_or_else(|| wrong(&value))?;
            validate::range(field, number, param.min.map(|m| m as i64), param.max.map(|m| m as i64))?;
            Ok(Value::from(number))
        }
        ValueType::Float => {
            let number = value.as_f64().ok_or_else(|| wrong(&value))?;
            validate::float_range(field, number, param.min, param.max)?;
            Ok(Value::from(number))
        }
        ValueType::Bool if value.is_boolean() => Ok(value),
        ValueType::List(item) => {
            let Value::Array(items) = value else { return Err(wrong(&value)) };
            if bounded {
                validate::list_len(field, items.len(), param.min_len, param.max_len)?;
            }
            let items = items.into_iter().enumerate().map(|(i, v)| check(param, &format!("{field}[{i}]"), item, v, false));
            Ok(Value::Array(items.collect::<Result<_, _>>()?))
        }
        ValueType::StringMap => {
            let Value::Object(map) = value else { return Err(wrong(&value)) };
            if let Some((key, bad)) = map.iter().find(|(_, v)| !v.is_string()) {
                return Err(ValidationError::new(
                    format!("{field}.{key}"),
                    format!("invalid type: {}, expected a string", unexpected(bad)),
                ));
            }
            // In key order, as the typed structs' maps send them.
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(Value::Object(entries.into_iter().collect()))
        }
        ValueType::Object if value.is_object() => Ok(value),
        ValueType::Model(model) if value.is_object() => crate::shape::read(&Shape::Model(model), value).map_err(|misfit| {
            let at = if misfit.path == "." { field.to_owned() } else { format!("{field}.{}", misfit.path) };
            ValidationError::new(at, misfit.message)
        }),
        ValueType::Json => Ok(value),
        ValueType::Bool | ValueType::Object | ValueType::Model(_) => Err(wrong(&value)),
    }
}

/// A value as text (a query value, a header, an encoded path segment): lists go comma-joined,
/// numbers and booleans as written.
fn query_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(query_text).collect::<Vec<_>>().join(","),
        Value::Number(number) => match number.as_i64() {
            Some(int) => int.to_string(),
            None => number.as_f64().map_or_else(|| number.to_string(), |f| f.to_string()),
        },
        other => other.to_string(),
    }
}

fn expected(ty: &ValueType) -> &'static str {
    match ty {
        ValueType::String | ValueType::Url | ValueType::Phone | ValueType::Recipient | ValueType::Enum { .. } => "a string",
        ValueType::Int => "i64",
        ValueType::Float => "f64",
        ValueType::Bool => "a boolean",
        ValueType::List(_) => "a sequence",
        ValueType::StringMap | ValueType::Object | ValueType::Model(_) => "a map",
        ValueType::Json => "any value",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::operations::{CREATE_AGENT, CREATE_CALL, LIST_AGENTS, SEND_MESSAGE, UPDATE_CONTACT, UPDATE_CONVERSATION};

    fn problem(operation: &'static Operation, args: Value) -> (String, String) {
        let err = build(operation, args).unwrap_err();
        (err.field, err.problem)
    }

    #[test]
    fn each_problem_names_the_argument_and_what_was_allowed() {
        assert_eq!(problem(&CREATE_AGENT, json!({})), ("name".into(), "missing field `name`".into()));
        let (field, text) = problem(&CREATE_AGENT, json!({"name": "A", "nmae": 1}));
        assert!(field == "nmae" && text.starts_with("unknown field `nmae`, expected one of `name`"), "{text}");
        assert_eq!(problem(&CREATE_AGENT, json!({"name": "A", "voiceSpeed": 1, "voice_speed": 1})).1, "duplicate field `voice_speed`");
        assert_eq!(problem(&CREATE_AGENT, json!({"name": 5})).1, "invalid type: integer `5`, expected a string");
        assert_eq!(problem(&CREATE_AGENT, json!({"name": null})).1, "invalid type: null, expected a string");
        assert_eq!(problem(&LIST_AGENTS, json!({"limit": 1.5})).1, "invalid type: floating point `1.5`, expected i64");
        assert_eq!(problem(&LIST_AGENTS, json!({"limit": 0})).1, "0 is out of range; allowed: 1 to 100");
        assert_eq!(problem(&CREATE_CALL, json!({"agent_id": "a", "to_number": "+1415"})).0, "to_number");
        assert_eq!(problem(&SEND_MESSAGE, json!({"agent_id": "a", "body": "x"})).0, "to_number | recipients");
        let (field, _) = problem(
            &SEND_MESSAGE,
            json!({"agent_id": "a", "to_number": "+14155550100", "media_urls": ["https://a.example/x", "http://b.example/y"]}),
        );
        assert_eq!(field, "media_urls[1]");
        assert_eq!(problem(&LIST_AGENTS, json!([1])).1, "invalid type: sequence, expected an object");
        // Found by the `arguments` fuzz target: a nameless argument named nothing.
        assert_eq!(problem(&LIST_AGENTS, json!({"": 0})).0, "arguments");
        let mut deep = json!({});
        for _ in 0..MAX_DEPTH {
            deep = json!({ "deep": deep });
        }
        let (field, text) = problem(&UPDATE_CONVERSATION, json!({"conversation_id": "c", "metadata": deep}));
        assert_eq!((field.as_str(), text.as_str()), ("metadata", "nested deeper than 64 levels"));
    }

    /// WhatsApp's rich kinds exclude each other, and their labels are at most 20 characters: both
    /// refused before anything is sent, naming where.
    #[test]
    fn whatsapp_rich_messages_follow_their_limits() {
        let send = |extra: Value| {
            let mut args = json!({"agent_id": "a", "to_number": "+14155550100", "channel": "whatsapp"});
            args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            build(&SEND_MESSAGE, args)
        };
        let cta = json!({"display_text": "Open the menu", "url": "https://example.com/menu"});
        let two = send(json!({"buttons": ["Yes"], "cta": cta})).unwrap_err();
        assert_eq!(
            (two.field.as_str(), two.problem.as_str()),
            ("buttons | cta", "buttons and cta exclude each other: give at most one of buttons, list, cta, template")
        );
        let long = send(json!({"buttons": ["Yes", "A label far past twenty"]})).unwrap_err();
        assert_eq!((long.field.as_str(), long.problem.as_str()), ("buttons[1]", "is 23 characters long; allowed length: at most 20"));
        let label = send(json!({"cta": {"display_text": "See every dish we have", "url": "https://example.com"}})).unwrap_err();
        assert_eq!(label.field, "cta.display_text");
        // Twenty characters, counted as characters rather than bytes, are fine.
        let sent = send(json!({"buttons": ["ééééééééééééééééééé!"], "body": "Pick one"})).unwrap().body.unwrap();
        assert_eq!(sent["buttons"][0], "ééééééééééééééééééé!");
        assert!(send(json!({"cta": cta})).is_ok());
    }

    /// The API requires `body` on a send, empty for media or a template alone: it always goes out.
    #[test]
    fn a_send_always_carries_its_body() {
        let media = json!({"agent_id": "a", "to_number": "+14155550100", "media_urls": ["https://a.example/x.jpg"]});
        let sent = build(&SEND_MESSAGE, media).unwrap().body.unwrap();
        assert_eq!(sent["body"], "");
        let text = build(&SEND_MESSAGE, json!({"agent_id": "a", "to_number": "+14155550100", "body": "Hi"})).unwrap().body.unwrap();
        assert_eq!(text["body"], "Hi");
        use crate::request::Request;
        let typed = crate::SendMessageParams {
            to_number: Some("+14155550100".into()),
            template: Some(crate::WhatsAppTemplate { name: "order_ready".into(), ..Default::default() }),
            ..Default::default()
        };
        assert_eq!(typed.to_request().unwrap().body.unwrap()["body"], "");
    }

    #[test]
    fn typed_structs_meet_the_same_rules() {
        use crate::request::Request;
        // JSON has no NaN: it must be refused, not turned into "not given".
        let nan = crate::CreateAgentParams { name: "A".into(), voice_speed: Some(f64::NAN), ..Default::default() };
        assert_eq!(nan.to_request().unwrap_err().field, "voice_speed");
        let empty = crate::CreateAgentParams::default();
        assert_eq!(empty.to_request().unwrap_err().problem, "is empty; allowed length: at least 1");
        // A key given twice is refused whichever comes first, a null included.
        assert_eq!(problem(&CREATE_AGENT, json!({"name": "A", "voice_speed": null, "voiceSpeed": 1.0})).1, "duplicate field `voice_speed`");
        // Maps go in key order, whichever way they were given.
        let parts = build(&CREATE_CALL, json!({"agent_id": "a", "to_number": "+14155550100", "variables": {"b": "1", "a": "2"}})).unwrap();
        assert_eq!(serde_json::to_string(&parts.body.unwrap()["variables"]).unwrap(), r#"{"a":"2","b":"1"}"#);
    }

    #[test]
    fn values_are_sent_normalized_where_the_table_puts_them() {
        let parts = build(&CREATE_CALL, json!({"agentId": "agt_1", "to_number": "(415) 555-0100", "voice": null})).unwrap();
        assert_eq!(parts.body, json!({"agentId": "agt_1", "toNumber": "+14155550100"}).as_object().cloned());
        let (field, _) = problem(&LIST_AGENTS, json!({"sub_account_id": "sa_1\r\nX-Evil: 1"}));
        assert_eq!(field, "sub_account_id", "a header value that cannot be sent names its argument");
        let parts = build(&LIST_AGENTS, json!({"limit": 5, "offset": null, "sub_account_id": "sa_1"})).unwrap();
        assert_eq!((parts.query, parts.headers), (vec![("limit", "5".to_owned())], vec![("X-Sub-Account-Id", "sa_1".to_owned())]));
        // `null` clears a nullable field; for any other optional field it means "not given".
        let parts = build(&UPDATE_CONTACT, json!({"contact_id": "c/1", "email": null})).unwrap();
        assert_eq!((parts.path.as_str(), parts.body), ("/v1/contacts/c%2F1", json!({"email": null}).as_object().cloned()));
    }
}
