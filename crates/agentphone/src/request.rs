//! What a request is before it meets the network: the operation's facts from the table (with the
//! rules of its parameters), and the method, path, query, headers and JSON body that the checker
//! in `arguments.rs` builds from them.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::arguments::ValueType;
use crate::error::{Result, ValidationError};
use crate::response::RawResponse;
use crate::shape::Shape;
use crate::validate;

/// HTTP methods used by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// How a successful response is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    /// A JSON document of the operation's model.
    Json,
    /// JSON that may be `null` (e.g. "no webhook set").
    NullableJson,
    /// No body (204).
    Empty,
    /// A binary body (audio).
    Bytes,
    /// A `text/event-stream`.
    EventStream,
}

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Body,
    Header,
}

/// The JSON shape of a parameter's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Int,
    Float,
    Bool,
    /// A list; in a query it is sent comma-joined.
    List,
    /// A JSON object or any JSON value.
    Object,
}

/// One parameter of an operation, with the rules its value must follow.
#[derive(Debug)]
pub struct ParamInfo {
    /// What users write (snake_case).
    pub name: &'static str,
    /// What goes on the wire.
    pub wire: &'static str,
    pub location: ParamLocation,
    pub ty: ValueType,
    pub required: bool,
    /// `null` is sent as such (it clears the field) instead of meaning "not given".
    pub nullable: bool,
    /// Bounds of a number.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Bounds of a string's characters or a list's items.
    pub min_len: Option<usize>,
    pub max_len: Option<usize>,
    /// Other names accepted for it (camelCase, and older names).
    pub aliases: &'static [&'static str],
}

impl ParamInfo {
    /// The JSON shape of its value.
    pub fn kind(&self) -> ParamKind {
        match self.ty {
            ValueType::String | ValueType::Url | ValueType::Phone | ValueType::Enum { .. } => ParamKind::String,
            ValueType::Int => ParamKind::Int,
            ValueType::Float => ParamKind::Float,
            ValueType::Bool => ParamKind::Bool,
            ValueType::List(_) => ParamKind::List,
            ValueType::StringMap | ValueType::Object | ValueType::Json | ValueType::Model(_) => ParamKind::Object,
        }
    }
}

/// Where a page of a list operation keeps its items, under their wire names.
#[derive(Debug, Clone, Copy)]
pub struct PageShape {
    pub items: &'static str,
    pub has_more: Option<&'static str>,
    pub total: Option<&'static str>,
    /// The item field whose value asks for the next (older) page, for lists paged back in time.
    pub cursor: Option<&'static str>,
}

/// One row of the operation table, as the client needs it at run time.
#[derive(Debug)]
pub struct Operation {
    /// Stable id, e.g. `send_message`.
    pub id: &'static str,
    /// Client resource, e.g. `messages`.
    pub resource: &'static str,
    /// Verb on the resource, e.g. `send`.
    pub name: &'static str,
    pub method: Method,
    /// Path template with `{params}`.
    pub path: &'static str,
    /// Acts in the world (sends, calls, buys, creates): never retried unless the server proves
    /// it did not act.
    pub acts: bool,
    /// Sends the API key (false only for the public recording download).
    pub auth: bool,
    pub response: ResponseKind,
    /// Status of a successful answer (200, 201 or 204).
    pub status: u16,
    pub params: &'static [ParamInfo],
    /// Parameters of which exactly one must be given.
    pub one_of: &'static [&'static str],
    /// The shape of a JSON answer (none for empty, binary and event-stream answers).
    pub shape: Option<&'static Shape>,
    /// For list operations: where a page keeps its items.
    pub page: Option<PageShape>,
    /// One-line description.
    pub doc: &'static str,
}

impl Operation {
    /// Matches a concrete path (`/v1/agents/agt_1`, percent-decoded) against this operation's
    /// template, returning the path parameters.
    pub fn match_path<'p>(&self, path: &'p str) -> Option<Vec<(&'static str, &'p str)>> {
        let mut template = self.path.split('/');
        let mut actual = path.split('/');
        let mut params = Vec::new();
        loop {
            match (template.next(), actual.next()) {
                (None, None) => return Some(params),
                (Some(t), Some(a)) => match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    Some(name) if !a.is_empty() => {
                        let name = self.params.iter().find(|p| p.name == name).map_or("", |p| p.name);
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
}

/// The operation that serves `method` and `path` (percent-decoded, without the query), with its
/// path parameters. A literal segment wins over a parameter (`/v1/agents/voices` is not an agent).
pub fn route(method: Method, path: &str) -> Option<(&'static Operation, Vec<(&'static str, &str)>)> {
    crate::OPERATIONS
        .iter()
        .filter(|op| op.method == method)
        .filter_map(|op| op.match_path(path).map(|params| (*op, params)))
        .min_by_key(|(_, params)| params.len())
}

impl std::str::FromStr for Method {
    type Err = ValidationError;
    fn from_str(text: &str) -> Result<Self, ValidationError> {
        Ok(match text.to_ascii_uppercase().as_str() {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            _ => return Err(ValidationError::new("method", format!("{text:?} is not one of GET, POST, PUT, PATCH, DELETE"))),
        })
    }
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
    const OPERATION: &'static Operation;
    /// [`Self::OPERATION`], for a value at hand.
    fn operation(&self) -> &'static Operation {
        Self::OPERATION
    }
    /// Validates the parameters and builds the request.
    fn to_request(&self) -> Result<RequestParts, ValidationError>;
}

/// A request whose answer is one body, read whole.
pub trait Endpoint: Request {
    /// What the operation returns.
    type Output;
    /// Reads a successful response.
    fn decode(response: RawResponse) -> Result<Self::Output>;
}

/// Serde helper for nullable request fields: `Option<Option<T>>` where the outer `None` is "not
/// set" (nothing is sent) and `Some(None)` is an explicit `null` (the field is cleared).
pub mod nullable {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
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
