//! Reading requests back from the wire: which operation of the table serves a method and path,
//! and the arguments a user would have passed (query values typed by the table, wire names
//! turned back into argument names). The wire tests read the official SDKs' captured requests
//! with it too.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use agentphone::table::{Method, Operation, ParamKind, ParamLocation};
use agentphone::{OPERATIONS, ValidationError};

/// Matches a concrete path (`/v1/agents/agt_1`, percent-decoded) against `operation`'s template,
/// returning the path parameters.
pub fn match_path<'p>(operation: &Operation, path: &'p str) -> Option<Vec<(&'static str, &'p str)>> {
    let mut template = operation.path.split('/');
    let mut actual = path.split('/');
    let mut params = Vec::new();
    loop {
        match (template.next(), actual.next()) {
            (None, None) => return Some(params),
            (Some(t), Some(a)) => match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !a.is_empty() => {
                    let name = operation.params.iter().find(|p| p.name == name).map_or("", |p| p.name);
                    params.push((name, a));
                }
                Some(_) => return None,
                None if t == a => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

/// The operation that serves `method` and `path` (percent-decoded, without the query), with its
/// path parameters. A literal segment wins over a parameter (`/v1/agents/voices` is not an agent).
pub fn route(method: Method, path: &str) -> Option<(&'static Operation, Vec<(&'static str, &str)>)> {
    OPERATIONS
        .iter()
        .filter(|op| op.method == method)
        .filter_map(|op| match_path(op, path).map(|params| (*op, params)))
        .min_by_key(|(_, params)| params.len())
}

/// The arguments a user would have passed, read back from a request as it came over the wire.
/// Query values are typed by the table; wire names become argument names; fields the table does
/// not know are ignored, as the API ignores them.
pub fn args_from_wire<'a>(
    operation: &Operation,
    path: &[(&str, &str)],
    query: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: Option<&Map<String, Value>>,
    header: impl Fn(&str) -> Option<String>,
) -> Result<Value, ValidationError> {
    let mut args = Map::new();
    for (name, value) in path {
        args.insert((*name).to_owned(), Value::String((*value).to_owned()));
    }
    let find = |location: ParamLocation, wire: &str| operation.params.iter().find(|p| p.location == location && p.wire == wire);
    for (wire, text) in query {
        let Some(param) = find(ParamLocation::Query, wire) else { continue };
        let bad = |what: &str| ValidationError::new(param.name, format!("{text:?} is not {what}"));
        let value = match param.kind() {
            ParamKind::Int => Value::from(text.parse::<i64>().map_err(|_| bad("an integer"))?),
            ParamKind::Float => Value::from(text.parse::<f64>().map_err(|_| bad("a number"))?),
            ParamKind::Bool => Value::Bool(text.parse::<bool>().map_err(|_| bad("true or false"))?),
            ParamKind::List => Value::from(text.split(',').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>()),
            ParamKind::String | ParamKind::Object => Value::String(text.to_owned()),
        };
        args.insert(param.name.to_owned(), value);
    }
    for (wire, value) in body.into_iter().flatten() {
        if let Some(param) = find(ParamLocation::Body, wire) {
            args.insert(param.name.to_owned(), value.clone());
        }
    }
    for param in operation.params.iter().filter(|p| p.location == ParamLocation::Header) {
        if let Some(value) = header(param.wire) {
            args.insert(param.name.to_owned(), Value::String(value));
        }
    }
    Ok(Value::Object(args))
}

/// Reads checked arguments into a handler's parameter struct; a problem names the argument.
pub(crate) fn parse_args<P: serde::de::DeserializeOwned>(args: Value) -> Result<P, ValidationError> {
    let args = if args.is_null() { Value::Object(Map::new()) } else { args };
    serde_path_to_error::deserialize(args).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = if path == "." { backticked(&message).unwrap_or("arguments").to_owned() } else { path };
        ValidationError::new(field, message)
    })
}

/// serde names the missing or unknown field between backticks.
fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// For nullable parameters: `Option<Option<T>>` where the outer `None` is "not given" and
/// `Some(None)` an explicit `null` (the field is cleared).
pub(crate) fn nullable<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::requests::{CreateAgentParams, UpdateConversationParams};

    #[test]
    fn argument_problems_name_the_argument() {
        let err = parse_args::<CreateAgentParams>(serde_json::json!({})).unwrap_err();
        assert_eq!(err.field, "name");
        let err = parse_args::<CreateAgentParams>(serde_json::json!({"name": "a", "nmae": 1})).unwrap_err();
        assert_eq!(err.field, "nmae");
        assert!(err.problem.contains("expected one of"), "{}", err.problem);
        let err = parse_args::<CreateAgentParams>(serde_json::json!({"name": "a", "max_silence_ms": "long"})).unwrap_err();
        assert_eq!(err.field, "max_silence_ms");
    }

    #[test]
    fn camel_case_and_explicit_null() {
        let p: UpdateConversationParams =
            parse_args(serde_json::json!({"conversationId": "c", "metadata": null, "groupName": "G"})).unwrap();
        assert_eq!(p.metadata, Some(None));
        assert_eq!(p.group_name.as_deref(), Some("G"));
        let p: UpdateConversationParams = parse_args(serde_json::json!({"conversation_id": "c"})).unwrap();
        assert_eq!(p.metadata, None);
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        let (op, params) = route(Method::Get, "/v1/agents/voices").unwrap();
        assert_eq!((op.id, params.len()), ("list_voices", 0));
        let (op, params) = route(Method::Get, "/v1/agents/agt_1").unwrap();
        assert_eq!((op.id, params), ("get_agent", vec![("agent_id", "agt_1")]));
    }
}
