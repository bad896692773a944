//! Operations called by their row of the table with JSON arguments: the one crossing every
//! binding makes, so that a binding converts values and never re-implements a request. Nothing
//! here is generic over a parameter struct: the row says how to build, send and read it.

use std::pin::Pin;

use futures_core::Stream;
use futures_util::StreamExt;
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result, ValidationError};
use crate::models::TranscriptEvent;
use crate::pagination::{CursorPaged, OffsetPaged, Page};
use crate::request::{Endpoint, Request, RequestOptions, RequestParts};
use crate::response::{BinaryContent, RawResponse, ResponseInfo};
use crate::shape::UnknownFields;
use crate::table::{Operation, ResponseKind, Shape};

/// What an operation called by name returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The answer read by its model's shape, with its wire names (`null` for "none" and for 204s).
    Json(Value),
    /// A binary body.
    Binary(BinaryContent),
}

/// Every item of a list operation or event of an event stream, as JSON with wire names, fetched
/// as it is read.
#[cfg(not(target_arch = "wasm32"))]
pub type ItemStream = Pin<Box<dyn Stream<Item = Result<Value>> + Send>>;
/// Every item of a list operation or event of an event stream, as JSON with wire names, fetched
/// as it is read.
#[cfg(target_arch = "wasm32")]
pub type ItemStream = Pin<Box<dyn Stream<Item = Result<Value>>>>;

/// The operation called `id`: a binary search of the table's sorted index.
pub fn operation(id: &str) -> Result<&'static Operation> {
    let by_id = crate::operations::BY_ID;
    let found = by_id.binary_search_by(|(known, _)| (*known).cmp(id)).ok().map(|at| crate::OPERATIONS[by_id[at].1]);
    found.ok_or_else(|| {
        let known: Vec<&str> = crate::OPERATIONS.iter().map(|op| op.id).collect();
        ValidationError::new("operation", format!("{id:?} is not an operation; expected one of: {}", known.join(", "))).into()
    })
}

/// Validates the arguments (named as in the table, snake_case or camelCase) and builds the
/// request without sending it.
pub fn build(operation: &'static Operation, args: Value) -> Result<RequestParts> {
    Ok(crate::arguments::build(operation, args)?)
}

/// An answer with what came with it: the bindings' raw responses and request ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub answer: Answer,
    pub response: ResponseInfo,
}

impl Reply {
    /// The headers as `name: value` lines: one string crosses into JavaScript, which splits it
    /// only when asked (header values cannot hold a line break).
    pub fn header_lines(&self) -> String {
        let lines: Vec<String> = self.response.headers.iter().map(|(name, value)| format!("{name}: {value}")).collect();
        lines.join("\n")
    }
}

/// Calls `operation` with its arguments and reads the answer by shape.
pub async fn call(client: &Client, operation: &'static Operation, args: Value, options: &RequestOptions) -> Result<Answer> {
    call_with_response(client, operation, args, options).await.map(|reply| reply.answer)
}

/// [`call`], answering the status, headers and request id too.
pub async fn call_with_response(client: &Client, operation: &'static Operation, args: Value, options: &RequestOptions) -> Result<Reply> {
    if operation.is_event_stream() {
        let message = format!("{:?} answers with a stream of events; follow it with stream(), not call()", operation.id);
        return Err(ValidationError::new("operation", message).into());
    }
    let mut response = client.execute(&build(operation, args)?, options).await?;
    let info = response.take_info();
    Ok(Reply { answer: decode(response)?, response: info })
}

/// Reads an answer by the shape of its operation's model (`crate::shape`), as a call does: for
/// recorded traffic and fuzzing too.
pub fn decode(response: RawResponse) -> Result<Answer> {
    let operation = response.operation;
    let value = match operation.response {
        ResponseKind::Bytes => return Ok(Answer::Binary(response.binary()?)),
        ResponseKind::Empty => return Ok(Answer::Json(Value::Null)),
        ResponseKind::EventStream => return Err(Error::Config(format!("{} answers with events, not one body", operation.id))),
        ResponseKind::NullableJson => match response.nullable_json::<Value>()? {
            Some(value) => value,
            None => return Ok(Answer::Json(Value::Null)),
        },
        ResponseKind::Json => response.json::<Value>()?,
    };
    let Some(shape) = operation.shape else { return Ok(Answer::Json(value)) };
    crate::shape::read_with(shape, value, response.unknown_fields).map(Answer::Json).map_err(|misfit| {
        let message = if misfit.path == "." { misfit.message } else { format!("at `{}`: {}", misfit.path, misfit.message) };
        response.decode_error(message)
    })
}

/// The items of a list operation (page after page) or the events of an event stream, as they
/// are read. The arguments are checked now, so a mistake fails the call rather than the first page.
pub fn stream(client: &Client, operation: &'static Operation, args: Value, options: &RequestOptions) -> Result<ItemStream> {
    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
    crate::arguments::build(operation, args.clone())?;
    let params = ByName { operation, args };
    let (client, options) = (client.clone(), options.clone());
    match operation.page {
        Some(page) if page.cursor.is_some() => Ok(Box::pin(crate::pagination::cursor_items_with(client, params, options))),
        Some(_) => Ok(Box::pin(crate::pagination::offset_items_with(client, params, options))),
        None if operation.is_event_stream() => {
            // Every event stream of the table carries transcript events.
            let unknown = client.unknown_fields();
            let events = crate::events::events_with(client, params, options);
            Ok(Box::pin(events.map(move |event| event.map(|event| to_json(TranscriptEvent::from(event), unknown)))))
        }
        None => {
            let streamed: Vec<&str> = crate::OPERATIONS.iter().filter(|op| op.is_list() || op.is_event_stream()).map(|op| op.id).collect();
            let message = format!("{:?} is neither a list nor an event stream; expected one of: {}", operation.id, streamed.join(", "));
            Err(ValidationError::new("operation", message).into())
        }
    }
}

/// An event as JSON, its unknown fields where the client keeps them.
fn to_json(event: TranscriptEvent, unknown: UnknownFields) -> Value {
    let value = serde_json::to_value(event).unwrap_or(Value::Null);
    crate::shape::read_with(&Shape::Model(&crate::generated::shapes::TRANSCRIPT_EVENT), value.clone(), unknown).unwrap_or(value)
}

/// An operation's arguments by name, standing in for its parameter struct: list walks and event
/// streams run on them.
#[derive(Clone)]
struct ByName {
    operation: &'static Operation,
    args: Value,
}

impl ByName {
    fn set(&mut self, name: &str, value: Value) {
        if let Some(args) = self.args.as_object_mut() {
            args.insert(name.to_owned(), value);
        }
    }

    /// A page of items, read from where the table says this list keeps them.
    fn page(&self, mut output: Value) -> Page<Value> {
        let Some(shape) = self.operation.page else { return Page { items: Vec::new(), has_more: Some(false), total: None } };
        let items = match output.get_mut(shape.items).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let has_more = shape.has_more.and_then(|wire| output.get(wire)).and_then(Value::as_bool);
        let total = shape.total.and_then(|wire| output.get(wire)).and_then(Value::as_i64);
        Page { items, has_more, total }
    }
}

impl Request for ByName {
    fn operation(&self) -> &'static Operation {
        self.operation
    }

    fn to_request(&self) -> Result<RequestParts, ValidationError> {
        crate::arguments::build(self.operation, self.args.clone())
    }
}

impl Endpoint for ByName {
    type Output = Value;

    fn decode(response: RawResponse) -> Result<Value> {
        let operation = response.operation;
        match decode(response)? {
            Answer::Json(value) => Ok(value),
            Answer::Binary(_) => Err(Error::Config(format!("{} answers with a file, not a page", operation.id))),
        }
    }
}

impl OffsetPaged for ByName {
    type Item = Value;

    fn offset(&self) -> i64 {
        self.args.get("offset").and_then(Value::as_i64).unwrap_or(0)
    }

    fn set_offset(&mut self, offset: i64) {
        self.set("offset", offset.into());
    }

    fn page_of(&self, output: Value) -> Page<Value> {
        self.page(output)
    }
}

impl CursorPaged for ByName {
    type Item = Value;

    fn set_before(&mut self, before: String) {
        self.set("before", before.into());
    }

    fn page_of(&self, output: Value) -> Page<Value> {
        self.page(output)
    }

    fn cursor<'i>(&self, item: &'i Value) -> Option<&'i str> {
        self.operation.page.and_then(|page| page.cursor).and_then(|wire| item.get(wire)).and_then(Value::as_str)
    }

    fn id<'i>(&self, item: &'i Value) -> &'i str {
        item.get("id").and_then(Value::as_str).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::{GET_AGENT, GET_CALL_RECORDING};

    #[test]
    fn recorded_answers_decode_by_operation() {
        let body = r#"{"id": "agt_1", "name": "Ava", "voiceMode": "robot", "later": 1}"#;
        let Answer::Json(agent) = decode(RawResponse::new(&GET_AGENT, 200, body)).unwrap() else { panic!("an agent is JSON") };
        assert_eq!((agent["voiceMode"].as_str(), agent["later"].as_i64()), (Some("robot"), Some(1)), "unknown values are kept");
        let err = decode(RawResponse::new(&GET_AGENT, 200, "[1]")).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        let wav = RawResponse { content_type: Some("audio/wav".into()), ..RawResponse::new(&GET_CALL_RECORDING, 200, "RIFF") };
        assert!(matches!(decode(wav), Ok(Answer::Binary(b)) if b.content_type == "audio/wav"));
    }

    #[test]
    fn operations_are_found_by_place_and_by_name() {
        assert_eq!(operation("get_agent").unwrap().index, GET_AGENT.index);
        for op in crate::OPERATIONS {
            assert!(std::ptr::eq(operation(op.id).unwrap(), *op), "{}", op.id);
        }
        assert!(operation("get_agnet").unwrap_err().to_string().contains("expected one of"));
    }
}
