//! The operation table's data types: what `spec/` says about each operation, its parameters and
//! the models of its answers, as the client reads it at run time. This is the bottom module of
//! the crate: every other module reads these types, and this one imports nothing of theirs. The
//! rows themselves (`crate::operations`) and the model shapes are generated from `spec/`.

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

/// The JSON a parameter takes, and how it is normalized before it is sent.
#[derive(Debug, Clone, Copy)]
pub enum ValueType {
    String,
    /// An HTTPS URL (plain `http` only to loopback).
    Url,
    /// A phone number, sent in E.164.
    Phone,
    /// Whom a message goes to: a phone number (sent in E.164), a short code, an email address
    /// (iMessage) or a `grp_` group id.
    Recipient,
    Int,
    Float,
    Bool,
    /// A string of an enumeration; `strict` ones must be `known` (the server refuses others).
    Enum {
        known: &'static [&'static str],
        strict: bool,
    },
    List(&'static ValueType),
    /// An object of strings.
    StringMap,
    /// Any JSON object.
    Object,
    /// Any JSON value.
    Json,
    /// An object of one of the table's models, read by its shape.
    Model(&'static ModelShape),
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
    /// Sent empty when not given: a string field the API requires that may be empty.
    pub always: bool,
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
            ValueType::String | ValueType::Url | ValueType::Phone | ValueType::Recipient | ValueType::Enum { .. } => ParamKind::String,
            ValueType::Int => ParamKind::Int,
            ValueType::Float => ParamKind::Float,
            ValueType::Bool => ParamKind::Bool,
            ValueType::List(_) => ParamKind::List,
            ValueType::StringMap | ValueType::Object | ValueType::Json | ValueType::Model(_) => ParamKind::Object,
        }
    }
}

/// A bound on the characters of the strings at `path` inside an argument: `.field` steps into an
/// object, `[]` into each item of a list (`buttons[]`, `cta.display_text`). A bound of one
/// operation's nested values is a row here rather than a column of every parameter and model field,
/// which every build would carry.
#[derive(Debug, Clone, Copy)]
pub struct TextLimit {
    pub path: &'static str,
    pub max_chars: usize,
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
    /// Its place in [`crate::OPERATIONS`].
    pub index: usize,
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
    /// Parameters that exclude each other: at most one may be given.
    pub at_most_one: &'static [&'static str],
    /// Bounds on the characters of strings inside arguments (WhatsApp's labels).
    pub text_limits: &'static [TextLimit],
    /// The shape of a JSON answer (none for empty, binary and event-stream answers).
    pub shape: Option<&'static Shape>,
    /// For list operations: where a page keeps its items.
    pub page: Option<PageShape>,
    // The description stays in the rustdoc of each `static` (spec/operations.toml has it): as
    // data, every build would carry it, the wasm one included, and nothing reads it at run time.
}

impl Operation {
    /// Made before there is any account (the sign-up flow): no key, and no record in the path
    /// whose owner it could belong to.
    pub fn is_account_less(&self) -> bool {
        !self.auth && !self.path.contains('{')
    }

    /// A list operation, whose items can be walked page by page.
    pub fn is_list(&self) -> bool {
        self.page.is_some()
    }

    /// An operation that answers with server-sent events.
    pub fn is_event_stream(&self) -> bool {
        self.response == ResponseKind::EventStream
    }
}

/// A model of the table.
#[derive(Debug)]
pub struct ModelShape {
    pub name: &'static str,
    pub fields: &'static [FieldShape],
}

/// One field of a model.
#[derive(Debug)]
pub struct FieldShape {
    /// The name on the wire, which the answer keeps.
    pub wire: &'static str,
    /// Other names the API has used for it, read as `wire`.
    pub aliases: &'static [&'static str],
    pub shape: Shape,
    pub required: bool,
    /// A secret (a signing secret, a password, a token): kept out of printed forms.
    pub secret: bool,
}

/// What a value must be.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A string (enumerations are open: any string).
    String,
    Int,
    Float,
    Bool,
    /// Any JSON object.
    Object,
    /// Any JSON value.
    Json,
    /// An object of strings (sent back with its keys in order).
    StringMap,
    List(&'static Shape),
    Model(&'static ModelShape),
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Ok(match text.to_ascii_uppercase().as_str() {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            _ => return Err(format!("{text:?} is not one of GET, POST, PUT, PATCH, DELETE")),
        })
    }
}
