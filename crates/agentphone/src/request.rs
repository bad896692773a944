//! What a request is before it meets the network: the path, query, headers and JSON body that the
//! checker in `arguments.rs` builds from an operation's arguments, the per-call options it is sent
//! with, and the traits the typed parameter structs implement.

use std::time::Duration;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::error::{Result, ValidationError};
use crate::response::RawResponse;
use crate::table::Operation;
use crate::validate;

/// Settings for one call, over the client's.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// How long the whole call may take: every attempt, the backoff between them and any
    /// `Retry-After` wait. For an event stream: the wait for its headers, and the longest silence.
    pub timeout: Option<Duration>,
    /// How long one attempt may take (by default, as long as the call has left).
    pub attempt_timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Extra headers for this call.
    pub headers: Vec<(String, String)>,
}

/// A request ready to send.
#[derive(Debug, Clone)]
pub struct RequestParts {
    pub operation: &'static Operation,
    /// Path with parameters filled in and percent-encoded.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Map<String, Value>>,
}

/// Characters left as they are in a path segment: RFC 3986 unreserved. Everything else,
/// `/`, `?`, `#`, `%` and `+` included, is encoded, so an id can never change the route.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'+')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'!')
    .add(b'$')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b',');

/// Encodes one path parameter after checking it is not empty.
pub fn path_segment(field: &str, value: &str) -> Result<String, ValidationError> {
    validate::path_param(field, value)?;
    Ok(utf8_percent_encode(value, PATH_SEGMENT).to_string())
}

impl RequestParts {
    pub fn new(operation: &'static Operation, path: String) -> Self {
        Self { operation, path, query: Vec::new(), headers: Vec::new(), body: None }
    }

    pub fn query(&mut self, wire: &'static str, value: impl ToString) {
        self.query.push((wire, value.to_string()));
    }

    pub fn header(&mut self, wire: &'static str, value: impl Into<String>) {
        self.headers.push((wire, value.into()));
    }

    /// Sends an explicit `null` (clears a nullable field).
    pub fn body_null(&mut self, wire: &'static str) {
        self.body.get_or_insert_with(Map::new).insert(wire.to_owned(), Value::Null);
    }
}

/// A request of one operation: its generated parameter struct (or its arguments by name).
pub trait Request {
    /// The operation's row of the table.
    fn operation(&self) -> &'static Operation;
    /// Validates the parameters and builds the request.
    fn to_request(&self) -> Result<RequestParts, ValidationError>;
}

/// A request whose answer is one body, read whole.
pub trait Endpoint: Request {
    /// What the operation returns.
    type Output;
    /// Reads a successful response (which names its operation).
    fn decode(response: RawResponse) -> Result<Self::Output>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(path_segment("id", "agt_1").as_deref(), Ok("agt_1"));
        assert_eq!(path_segment("id", "../x?y#z").as_deref(), Ok("..%2Fx%3Fy%23z"));
        assert_eq!(path_segment("id", "+14155550100").as_deref(), Ok("%2B14155550100"));
        assert_eq!(path_segment("id", "ä b").as_deref(), Ok("%C3%A4%20b"));
        assert!(path_segment("agent_id", " ").is_err());
        assert!(path_segment("agent_id", "..").is_err());
    }
}
