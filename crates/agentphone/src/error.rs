//! The one error type of the SDK, with a kind per case.
//!
//! Nothing in here ever holds the API key: error text that came from the network is scrubbed by the
//! client before an error is built (see `secret.rs`).

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was not sent: an argument is invalid.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The server answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No complete answer within the timeout.
    #[error(transparent)]
    Timeout(TransportError),
    /// The connection failed or broke.
    #[error(transparent)]
    Connection(TransportError),
    /// The server answered with a success status but a body that cannot be read.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The client is misconfigured (no API key, an insecure base URL, a bad header).
    #[error("configuration error: {0}")]
    Config(String),
}

/// What kind of error this is, for bindings that map kinds to exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    Validation,
    BadRequest,
    Authentication,
    InsufficientBalance,
    PermissionDenied,
    NotFound,
    Conflict,
    UnprocessableEntity,
    RateLimit,
    Server,
    /// Any other error status.
    Api,
    Timeout,
    Connection,
    Decode,
    Config,
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Validation(_) => ErrorKind::Validation,
            Self::Api(api) => api.kind(),
            Self::Timeout(_) => ErrorKind::Timeout,
            Self::Connection(_) => ErrorKind::Connection,
            Self::Decode(_) => ErrorKind::Decode,
            Self::Config(_) => ErrorKind::Config,
        }
    }

    /// True when the request may have acted in the world (a message sent, a call placed, a number
    /// bought) even though it failed: check before trying again by hand.
    pub fn may_have_acted(&self) -> bool {
        match self {
            Self::Api(api) => api.may_have_acted,
            Self::Timeout(t) | Self::Connection(t) => t.may_have_acted,
            Self::Decode(d) => d.may_have_acted,
            Self::Validation(_) | Self::Config(_) => false,
        }
    }

    /// The same error, saying the request may have taken effect: an earlier attempt of it did
    /// not come back (a retried `DELETE` that answers 404 may have deleted the thing itself).
    pub(crate) fn after_possible_effect(mut self) -> Self {
        match &mut self {
            Self::Api(api) => api.may_have_acted = true,
            Self::Timeout(t) | Self::Connection(t) => t.may_have_acted = true,
            Self::Decode(d) => d.may_have_acted = true,
            Self::Validation(_) | Self::Config(_) => {}
        }
        self
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Decode(d) => Some(d.status),
            _ => None,
        }
    }

    /// The API error, when the server answered with an error status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }
}

/// A client-side check failed; names the field and what was allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`: {problem}")]
pub struct ValidationError {
    /// The parameter, as users name it (snake_case; `a.b[2]` for nested values).
    pub field: String,
    /// What is wrong and what is allowed.
    pub problem: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self { field: field.into(), problem: problem.into() }
    }
}

/// One problem the server reported about a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetail {
    /// The field, when the server named one (`body.name` style paths are shortened to `name`).
    pub field: Option<String>,
    pub message: String,
    /// The server's machine-readable type for this problem.
    pub kind: Option<String>,
}

/// An error status from the server, parsed from whichever error shape it used.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The operation that failed, e.g. `send_message`.
    pub operation: &'static str,
    pub status: u16,
    /// Machine-readable code, e.g. `INSUFFICIENT_BALANCE`, when the server gave one.
    pub code: Option<String>,
    pub message: String,
    /// The server's error type (`error.type`), when given.
    pub error_type: Option<String>,
    pub details: Vec<ErrorDetail>,
    /// The `X-Request-Id` of the response: quote it to support.
    pub request_id: Option<String>,
    /// How long the server asked to wait (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The body as received (truncated to 64 KiB).
    pub body: String,
    /// True when the request may have acted despite the error (e.g. `409 DELIVERY_UNCONFIRMED`,
    /// a 5xx on a send, or a retried write whose earlier attempt was lost): never repeat it blindly.
    pub may_have_acted: bool,
}

impl ApiError {
    /// The kind, from the status and code.
    pub fn kind(&self) -> ErrorKind {
        match self.status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            402 => ErrorKind::InsufficientBalance,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::RateLimit,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Api,
        }
    }

    /// The parsed body as JSON, when it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with HTTP {}", self.operation, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        for detail in &self.details {
            match &detail.field {
                Some(field) => write!(f, "; {field}: {}", detail.message)?,
                None => write!(f, "; {}", detail.message)?,
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.may_have_acted {
            f.write_str(" [the request may have taken effect; check before repeating it]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A timeout or a connection failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub operation: &'static str,
    pub message: String,
    /// False when the failure happened before the request left this machine.
    pub sent: bool,
    /// True when the request acts in the world and may have reached the server.
    pub may_have_acted: bool,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.operation, self.message)?;
        if self.may_have_acted {
            f.write_str(" [the request may have taken effect; check before repeating it]")?;
        } else if !self.sent {
            f.write_str(" [the request was not sent]")?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {}

/// A success status whose body could not be read as the expected type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub operation: &'static str,
    pub status: u16,
    /// What did not fit, with the JSON path (`data[2].id`).
    pub message: String,
    /// The start of the body, for diagnosis.
    pub excerpt: String,
    /// The request succeeded on the server; only reading the answer failed.
    pub may_have_acted: bool,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: could not read the HTTP {} response: {} (body starts: {:?})",
            self.operation, self.status, self.message, self.excerpt
        )
    }
}

impl std::error::Error for DecodeError {}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The first `max` characters of `text`, cut on a character boundary.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
