//! Request logging: a record per attempt (operation, method, path, status, attempt, elapsed time,
//! request id, the error if any), and at debug level the bodies, with secret fields and the API key
//! redacted. Off unless the client has a sink (or `AGENTPHONE_LOG` names a level): then all it costs
//! an attempt is one check that there is none.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::response::RawResponse;
use crate::secret::ApiKey;
use crate::table::{Shape, ValueType};
use crate::transport::Failure;

/// Environment variable naming the level (`info` or `debug`) when no sink is given.
pub const LOG_ENV: &str = "AGENTPHONE_LOG";

/// Most of a body a debug record keeps.
const MAX_BODY: usize = 4096;

/// How much is logged: `Info`, a line per attempt; `Debug`, with the bodies too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Info,
    Debug,
}

impl std::str::FromStr for LogLevel {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "info" => Ok(Self::Info),
            "debug" => Ok(Self::Debug),
            _ => Err(format!("{LOG_ENV}: {text:?} is not a level; expected info or debug")),
        }
    }
}

/// One attempt of a call, as logged.
#[derive(Debug, Clone, Serialize)]
pub struct LogRecord {
    pub level: LogLevel,
    pub operation: &'static str,
    pub method: &'static str,
    pub path: String,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// The answer's status; none when no answer came (a timeout, a refused connection).
    pub status: Option<u16>,
    pub elapsed_ms: f64,
    pub request_id: Option<String>,
    pub error: Option<String>,
    /// Debug level only: the JSON sent, secret fields redacted.
    pub request_body: Option<String>,
    /// Debug level only: what came back, secret fields and the API key redacted.
    pub response_body: Option<String>,
}

impl LogRecord {
    /// The record as the bindings hand it to their loggers: its fields (snake_case) and `message`,
    /// the line [`Display`](fmt::Display) writes.
    pub fn fields(&self) -> Value {
        let mut fields = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = fields.as_object_mut() {
            object.insert("message".to_owned(), Value::String(self.to_string()));
        }
        fields
    }
}

impl fmt::Display for LogRecord {
    /// `POST /v1/messages -> 200 (send_message, attempt 1, 212.4 ms, request req_1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = match (self.status, &self.error) {
            (Some(status), _) => status.to_string(),
            (None, Some(error)) => format!("failed: {error}"),
            (None, None) => "no answer".to_owned(),
        };
        write!(f, "{} {} -> {outcome} ({}, attempt {}, {:.1} ms", self.method, self.path, self.operation, self.attempt, self.elapsed_ms)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request {id}")?;
        }
        f.write_str(")")?;
        for (what, body) in [("sent", &self.request_body), ("received", &self.response_body)] {
            if let Some(body) = body {
                write!(f, "\n  {what}: {body}")?;
            }
        }
        Ok(())
    }
}

/// Where records go.
pub type LogSink = Arc<dyn Fn(&LogRecord) + Send + Sync>;

/// A client's logging: the level, and where records go.
#[derive(Clone)]
pub(crate) struct Logger {
    pub level: LogLevel,
    pub sink: LogSink,
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger").field("level", &self.level).finish_non_exhaustive()
    }
}

impl Logger {
    /// `AGENTPHONE_LOG=info|debug`: records as lines on stderr. Unset (or empty): none.
    pub(crate) fn from_env() -> crate::Result<Option<Self>> {
        match std::env::var(LOG_ENV).ok().filter(|level| !level.trim().is_empty()) {
            None => Ok(None),
            Some(level) => {
                let level = level.parse().map_err(crate::Error::Config)?;
                Ok(Some(Self { level, sink: Arc::new(|record: &LogRecord| eprintln!("agentphone: {record}")) }))
            }
        }
    }

    /// Logs one attempt's outcome.
    pub(crate) fn attempt(
        &self,
        parts: &crate::request::RequestParts,
        attempt: u32,
        outcome: &Result<RawResponse, Failure>,
        elapsed: Duration,
        key: &ApiKey,
    ) {
        let op = parts.operation;
        let debug = self.level >= LogLevel::Debug;
        let (status, request_id, error, response_body) = match outcome {
            Ok(response) => {
                let body = debug.then(|| response_text(response, key));
                (Some(response.status), response.request_id.clone(), None, body)
            }
            Err(failure) => (None, None, Some(key.scrub(&failure.error.to_string())), None),
        };
        let record = LogRecord {
            level: if debug { LogLevel::Debug } else { LogLevel::Info },
            operation: op.id,
            method: op.method.as_str(),
            path: parts.path.clone(),
            attempt,
            status,
            elapsed_ms: elapsed.as_secs_f64() * 1000.0,
            request_id,
            error,
            request_body: if debug { request_text(parts) } else { None },
            response_body,
        };
        (self.sink)(&record);
    }
}

/// The body sent, with the secret fields of model arguments redacted.
fn request_text(parts: &crate::request::RequestParts) -> Option<String> {
    let mut body = Value::Object(parts.body.clone()?);
    for param in parts.operation.params {
        let (model, listed) = match param.ty {
            ValueType::Model(model) => (model, false),
            ValueType::List(ValueType::Model(model)) => (*model, true),
            _ => continue,
        };
        let shape = Shape::Model(model);
        match body.get_mut(param.wire) {
            Some(Value::Array(items)) if listed => items.iter_mut().for_each(|item| crate::shape::redact(&shape, item)),
            Some(value) if !listed => crate::shape::redact(&shape, value),
            _ => {}
        }
    }
    Some(cut(body.to_string()))
}

/// The body received: JSON with its model's secret fields redacted, anything else by its size; the
/// key, were a server to echo it, is redacted too.
fn response_text(response: &RawResponse, key: &ApiKey) -> String {
    let parsed = serde_json::from_slice::<Value>(&response.body).ok();
    let text = match (parsed, response.operation.shape) {
        (Some(mut value), Some(shape)) if (200..300).contains(&response.status) => {
            crate::shape::redact(shape, &mut value);
            value.to_string()
        }
        (Some(value), _) => value.to_string(),
        (None, _) if response.body.is_empty() => "(empty)".to_owned(),
        (None, _) => format!("[{} bytes of {}]", response.body.len(), response.content_type.as_deref().unwrap_or("unknown type")),
    };
    cut(key.scrub(&text))
}

fn cut(text: String) -> String {
    if text.len() <= MAX_BODY {
        return text;
    }
    let end = (0..=MAX_BODY).rev().find(|at| text.is_char_boundary(*at)).unwrap_or(0);
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}
