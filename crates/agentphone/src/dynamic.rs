//! Operations called by name with JSON arguments: the bridge the bindings and the conformance
//! runner use, so that a binding converts values and never re-implements a request.

use std::marker::PhantomData;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::{Client, RequestOptions};
use crate::error::{Error, Result, ValidationError};
use crate::pagination::{CursorPaged, OffsetPaged, Page};
use crate::request::{Endpoint, Operation, ParamKind, ParamLocation, Request, RequestParts, ResponseKind};
use crate::response::{BinaryContent, RawResponse};

/// What an operation called by name returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The decoded model, re-encoded with its wire names (`null` for "none" and for 204s).
    Json(serde_json::Value),
    /// A binary body.
    Binary(BinaryContent),
}

/// Every item of a list operation, as JSON with wire names, fetched page by page as it is read.
#[cfg(not(target_arch = "wasm32"))]
pub type ItemStream = Pin<Box<dyn Stream<Item = Result<serde_json::Value>> + Send>>;
/// Every item of a list operation, as JSON with wire names, fetched page by page as it is read.
#[cfg(target_arch = "wasm32")]
pub type ItemStream = Pin<Box<dyn Stream<Item = Result<serde_json::Value>>>>;

/// `Send` where streams cross threads (native), nothing in the single-threaded browser.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send> MaybeSend for T {}
/// `Send` where streams cross threads (native), nothing in the single-threaded browser.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T> MaybeSend for T {}

fn item_to_json<T: Serialize>(item: Result<T>) -> Result<serde_json::Value> {
    item.and_then(|item| serde_json::to_value(item).map_err(|e| Error::Config(format!("cannot re-encode an item: {e}"))))
}

/// The arguments of `P`'s operation by name, standing in for `P` itself: list walks and event
/// streams run on them without a parameter struct being built (or its decoder linked in).
struct ByName<P> {
    args: serde_json::Value,
    of: PhantomData<fn() -> P>,
}

impl<P> Clone for ByName<P> {
    fn clone(&self) -> Self {
        Self { args: self.args.clone(), of: PhantomData }
    }
}

impl<P: Request> ByName<P> {
    /// Checks the arguments now, so that a mistake fails the call rather than the first page.
    fn new(args: serde_json::Value) -> Result<Self> {
        let args = if args.is_null() { serde_json::Value::Object(Default::default()) } else { args };
        crate::arguments::build(P::OPERATION, args.clone())?;
        Ok(Self { args, of: PhantomData })
    }

    fn set(&mut self, name: &str, value: serde_json::Value) {
        if let Some(args) = self.args.as_object_mut() {
            args.insert(name.to_owned(), value);
        }
    }
}

impl<P: Request> Request for ByName<P> {
    const OPERATION: &'static Operation = P::OPERATION;

    fn to_request(&self) -> Result<RequestParts, ValidationError> {
        crate::arguments::build(P::OPERATION, self.args.clone())
    }
}

impl<P: Request> Endpoint for ByName<P> {
    type Output = serde_json::Value;

    fn decode(response: RawResponse) -> Result<serde_json::Value> {
        match read_answer(P::OPERATION, response)? {
            Answer::Json(value) => Ok(value),
            Answer::Binary(_) => Err(Error::Config(format!("{} answers with a file, not a page", P::OPERATION.id))),
        }
    }
}

impl<P: Request> ByName<P> {
    /// A page of items, read from where the table says this list keeps them.
    fn page(mut output: serde_json::Value) -> Page<serde_json::Value> {
        let Some(shape) = P::OPERATION.page else { return Page { items: Vec::new(), has_more: Some(false), total: None } };
        let items = match output.get_mut(shape.items).map(serde_json::Value::take) {
            Some(serde_json::Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let has_more = shape.has_more.and_then(|wire| output.get(wire)).and_then(serde_json::Value::as_bool);
        let total = shape.total.and_then(|wire| output.get(wire)).and_then(serde_json::Value::as_i64);
        Page { items, has_more, total }
    }
}

impl<P: Request> OffsetPaged for ByName<P> {
    type Item = serde_json::Value;

    fn offset(&self) -> i64 {
        self.args.get("offset").and_then(serde_json::Value::as_i64).unwrap_or(0)
    }

    fn set_offset(&mut self, offset: i64) {
        self.set("offset", offset.into());
    }

    fn into_page(output: serde_json::Value) -> Page<serde_json::Value> {
        Self::page(output)
    }
}

impl<P: Request> CursorPaged for ByName<P> {
    type Item = serde_json::Value;

    fn set_before(&mut self, before: String) {
        self.set("before", before.into());
    }

    fn into_page(output: serde_json::Value) -> Page<serde_json::Value> {
        Self::page(output)
    }

    fn cursor(item: &serde_json::Value) -> Option<&str> {
        P::OPERATION.page.and_then(|page| page.cursor).and_then(|wire| item.get(wire)).and_then(serde_json::Value::as_str)
    }

    fn id(item: &serde_json::Value) -> &str {
        item.get("id").and_then(serde_json::Value::as_str).unwrap_or_default()
    }
}

pub(crate) fn offset_stream<P: Request + 'static>(
    client: &Client,
    args: serde_json::Value,
    options: &RequestOptions,
) -> Result<ItemStream> {
    let params = ByName::<P>::new(args)?;
    Ok(Box::pin(crate::pagination::offset_items_with(client.clone(), params, options.clone())))
}

pub(crate) fn cursor_stream<P: Request + 'static>(
    client: &Client,
    args: serde_json::Value,
    options: &RequestOptions,
) -> Result<ItemStream> {
    let params = ByName::<P>::new(args)?;
    Ok(Box::pin(crate::pagination::cursor_items_with(client.clone(), params, options.clone())))
}

pub(crate) fn event_stream<P, M>(client: &Client, args: serde_json::Value, options: &RequestOptions) -> Result<ItemStream>
where
    P: Request + 'static,
    M: From<crate::events::SseEvent> + Serialize + MaybeSend,
{
    let params = ByName::<P>::new(args)?;
    Ok(Box::pin(crate::events::events_with(client.clone(), params, options.clone()).map(|event| item_to_json(event.map(M::from)))))
}

/// Reads an answer of `operation` by the shape of its model (`crate::shape`).
pub(crate) fn read_answer(operation: &'static Operation, response: RawResponse) -> Result<Answer> {
    let value = match operation.response {
        ResponseKind::Bytes => return Ok(Answer::Binary(response.binary()?)),
        ResponseKind::Empty => return Ok(Answer::Json(serde_json::Value::Null)),
        ResponseKind::EventStream => return Err(not_called(operation.id)),
        ResponseKind::NullableJson => match response.nullable_json::<serde_json::Value>()? {
            Some(value) => value,
            None => return Ok(Answer::Json(serde_json::Value::Null)),
        },
        ResponseKind::Json => response.json::<serde_json::Value>()?,
    };
    let Some(shape) = operation.shape else { return Ok(Answer::Json(value)) };
    crate::shape::read(shape, value).map(Answer::Json).map_err(|misfit| {
        let message = if misfit.path == "." { misfit.message } else { format!("at `{}`: {}", misfit.path, misfit.message) };
        response.decode_error(message)
    })
}

/// The operation called `id`.
pub(crate) fn operation(id: &str) -> Result<&'static Operation> {
    crate::OPERATIONS.iter().copied().find(|op| op.id == id).ok_or_else(|| unknown_operation(id))
}

pub(crate) fn not_called(id: &str) -> Error {
    ValidationError::new("operation", format!("{id:?} answers with a stream of events; follow it with stream(), not call()")).into()
}

pub(crate) fn not_streamed(id: &str) -> Error {
    let streamed: Vec<&str> = crate::generated::dispatch::PAGED.iter().chain(crate::generated::dispatch::EVENT_STREAMS).copied().collect();
    ValidationError::new("operation", format!("{id:?} is neither a list nor an event stream; expected one of: {}", streamed.join(", ")))
        .into()
}

/// Reads the arguments into the operation's parameter struct; a problem names the argument.
pub fn parse_args<P: DeserializeOwned>(args: serde_json::Value) -> Result<P, ValidationError> {
    let args = match args {
        serde_json::Value::Null => serde_json::Value::Object(Default::default()),
        other => other,
    };
    serde_path_to_error::deserialize(args).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = if path == "." { backticked(&message).unwrap_or("arguments").to_owned() } else { path };
        ValidationError::new(field, message)
    })
}

/// The arguments a user would have passed, read back from a request as it came over the wire
/// (for servers such as the sandbox). Query values are typed by the table; wire names become
/// argument names; fields the table does not know are ignored, as the API ignores them.
pub fn args_from_wire<'a>(
    operation: &Operation,
    path: &[(&str, &str)],
    query: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: Option<&serde_json::Map<String, serde_json::Value>>,
    header: impl Fn(&str) -> Option<String>,
) -> Result<serde_json::Value, ValidationError> {
    use serde_json::Value;
    let mut args = serde_json::Map::new();
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

/// serde names the missing or unknown field between backticks.
fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

pub(crate) fn decoded<P>(response: RawResponse) -> Result<Answer>
where
    P: Endpoint,
    P::Output: Serialize,
{
    reencoded(P::decode(response)?)
}

pub(crate) fn decoded_binary<P: Endpoint<Output = BinaryContent>>(response: RawResponse) -> Result<Answer> {
    Ok(Answer::Binary(P::decode(response)?))
}

fn reencoded(output: impl Serialize) -> Result<Answer> {
    let value = serde_json::to_value(output).map_err(|e| Error::Config(format!("cannot re-encode the response: {e}")))?;
    Ok(Answer::Json(value))
}

pub(crate) fn unknown_operation(id: &str) -> Error {
    let known: Vec<&str> = crate::OPERATIONS.iter().map(|op| op.id).collect();
    ValidationError::new("operation", format!("{id:?} is not an operation; expected one of: {}", known.join(", "))).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CreateAgentParams, UpdateConversationParams};

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
    fn recorded_answers_decode_by_operation() {
        use crate::generated::{dispatch, operations};
        let body = r#"{"id": "agt_1", "name": "Ava", "voiceMode": "robot", "later": 1}"#;
        let Answer::Json(agent) = dispatch::decode("get_agent", RawResponse::new(&operations::GET_AGENT, 200, body)).unwrap() else {
            panic!("an agent is JSON")
        };
        assert_eq!((agent["voiceMode"].as_str(), agent["later"].as_i64()), (Some("robot"), Some(1)), "unknown values are kept");
        let err = dispatch::decode("get_agent", RawResponse::new(&operations::GET_AGENT, 200, "[1]")).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        let wav = RawResponse { content_type: Some("audio/wav".into()), ..RawResponse::new(&operations::GET_CALL_RECORDING, 200, "RIFF") };
        assert!(matches!(dispatch::decode("get_call_recording", wav), Ok(Answer::Binary(b)) if b.content_type == "audio/wav"));
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
}
