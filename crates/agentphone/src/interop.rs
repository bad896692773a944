//! What the language bindings (Python, the Node addon, the wasm build) share, so that each of
//! them only converts values: client settings and per-call options, the error classes and
//! their attributes, webhook verification and voice replies with their input checks, and the
//! operation table. JavaScript receives errors as the JSON [`describe_error`] writes, which the
//! package's `errors.js` turns into its Error classes.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::client::{Client, RequestOptions};
use crate::config::ClientBuilder;
use crate::error::{Error, ValidationError};
use crate::generated::dispatch;
use crate::generated::models::VoiceReply;
use crate::secret::ApiKey;
use crate::webhook::{self, Verifier, WebhookError};

/// A client's settings as a binding receives them (JavaScript: `{ apiKey, baseUrl, timeout,
/// maxRetries, defaultHeaders }`, after the package read the environment; `timeout` in seconds).
/// Kept by the Python binding so that a forked child can build its own client.
#[derive(Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientSettings {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub timeout: Option<f64>,
    pub max_retries: Option<u32>,
    #[serde(default, alias = "defaultHeaders")]
    pub headers: BTreeMap<String, String>,
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("api_key", &self.api_key.as_ref().map(ApiKey::new))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientSettings {
    /// Reads the settings object; unknown names are refused, naming them.
    pub fn from_json(value: Value) -> Result<Self, Error> {
        if value.is_null() {
            return Ok(Self::default());
        }
        serde_json::from_value(value).map_err(|e| Error::Config(format!("client options: {e}")))
    }

    /// A builder with these settings; `runtime` goes into the user agent (`node/0.1.0`).
    pub fn builder(&self, runtime: &str) -> Result<ClientBuilder, Error> {
        let mut builder = ClientBuilder::default().user_agent_suffix(runtime);
        if let Some(key) = &self.api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(seconds("timeout", timeout)?);
        }
        if let Some(max_retries) = self.max_retries {
            builder = builder.max_retries(max_retries);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        Ok(builder)
    }

    /// The client these settings describe.
    pub fn build(&self, runtime: &str) -> Result<Client, Error> {
        self.builder(runtime)?.build()
    }
}

/// The options every method takes last: `{ timeout, headers }` (JavaScript keeps `signal`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CallOptions {
    pub timeout: Option<f64>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl CallOptions {
    /// Reads the options object (`null` or absent: none).
    pub fn from_json(value: Value) -> Result<Self, Error> {
        if value.is_null() {
            return Ok(Self::default());
        }
        serde_json::from_value(value).map_err(|e| Error::Config(format!("call options: {e}")))
    }

    /// The core's request options.
    pub fn into_request_options(self) -> Result<RequestOptions, Error> {
        Ok(RequestOptions {
            timeout: self.timeout.map(|t| seconds("timeout", t)).transpose()?,
            max_retries: None,
            headers: self.headers.into_iter().collect(),
        })
    }
}

/// A number of seconds from a binding; negative, NaN or endless values are refused by name.
fn seconds(field: &str, value: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(value).map_err(|_| Error::Config(format!("{field}: expected a positive number of seconds, got {value}")))
}

/// An error's fields, with the names Python uses (snake_case; the API's own text is `message`).
pub fn error_attributes(error: &Error) -> Map<String, Value> {
    let mut attributes = Map::new();
    let mut set = |name: &str, value: Value| {
        attributes.insert(name.to_owned(), value);
    };
    set("may_have_acted", json!(error.may_have_acted()));
    match error {
        Error::Validation(v) => {
            set("field", json!(v.field));
            set("problem", json!(v.problem));
        }
        Error::Api(api) => {
            set("operation", json!(api.operation));
            set("status", json!(api.status));
            set("code", json!(api.code));
            set("message", json!(api.message));
            set("error_type", json!(api.error_type));
            set("request_id", json!(api.request_id));
            set("retry_after", json!(api.retry_after.map(|d| d.as_secs_f64())));
            set("body", json!(api.body));
            set("details", api.details.iter().map(|d| json!({"field": d.field, "message": d.message, "type": d.kind})).collect());
        }
        Error::Timeout(t) | Error::Connection(t) => {
            set("operation", json!(t.operation));
            set("sent", json!(t.sent));
        }
        Error::Decode(d) => {
            set("operation", json!(d.operation));
            set("status", json!(d.status));
            set("excerpt", json!(d.excerpt));
        }
        Error::Config(_) => {}
    }
    attributes
}

/// An error as `{"agentphone": {class, message, attributes}}`, the form `errors.js` reads:
/// attributes in camelCase, the API's own text as `apiMessage` (`message` is the whole text).
/// None of them can hold the API key (the core scrubs it from everything it keeps).
pub fn describe_error(error: &Error) -> Value {
    let attributes = error_attributes(error)
        .into_iter()
        .map(|(name, value)| (if name == "message" { "apiMessage".to_owned() } else { camel(&name) }, value))
        .collect();
    describe(error.kind().class_name(), &error.to_string(), Value::Object(attributes))
}

fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Any error as `errors.js` reads it (`class`: one of the package's Error classes).
pub fn describe(class: &str, message: &str, attributes: Value) -> Value {
    json!({"agentphone": {"class": class, "message": message, "attributes": attributes}})
}

/// What a panic caught at a binding's boundary says.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let detail = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()));
    format!("internal error in agentphone-rs (please report it): {}", detail.unwrap_or_else(|| "unknown panic".to_owned()))
}

/// A panic caught at the boundary, described for JavaScript.
pub fn describe_panic(panic: &(dyn std::any::Any + Send)) -> Value {
    describe("AgentPhoneError", &panic_message(panic), json!({}))
}

/// Why a webhook helper refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelperError {
    /// The delivery did not verify or parse.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    /// An argument was not what the helper takes.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

impl HelperError {
    /// The error for JavaScript.
    pub fn describe(&self) -> Value {
        match self {
            Self::Webhook(error) => describe("WebhookVerificationError", &error.to_string(), json!({})),
            Self::Invalid(invalid) => describe_error(&Error::Validation(invalid.clone())),
        }
    }
}

/// Checks a delivery's signature and freshness: `tolerance` in seconds (`None`: no freshness
/// check), `now` in Unix seconds (default the clock).
/// How old a delivery may be when no tolerance is given, in seconds: every runtime's default.
pub const DEFAULT_TOLERANCE_SECONDS: f64 = webhook::DEFAULT_TOLERANCE.as_secs_f64();

pub fn verify_delivery(
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> Result<(), HelperError> {
    let tolerance = tolerance
        .map(|t| {
            Duration::try_from_secs_f64(t)
                .map_err(|_| ValidationError::new("tolerance", format!("expected a positive number of seconds, got {t}")))
        })
        .transpose()?;
    let verifier = Verifier::with_secrets(secrets).tolerance(tolerance);
    Ok(verifier.verify_at(payload, signature, timestamp, now.unwrap_or_else(webhook::unix_now))?)
}

/// Parses a delivery: `{envelope, kind, data, raw}`.
fn parse_delivery(payload: &[u8]) -> Result<Value, HelperError> {
    Ok(webhook::event_json(payload)?)
}

/// Verifies a delivery, then parses it: `{envelope, kind, data, raw}`.
pub fn construct_delivery(
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> Result<Value, HelperError> {
    verify_delivery(payload, signature, timestamp, secrets, tolerance, now)?;
    parse_delivery(payload)
}

fn voice_reply(value: Value, path: &str) -> Result<VoiceReply, ValidationError> {
    serde_json::from_value(value).map_err(|e| ValidationError::new(path, format!("not a voice reply: {e}")))
}

/// One voice reply (`{text, hangup, action, digits, interim}`) as its JSON body.
pub fn voice_json(reply: Value) -> Result<String, HelperError> {
    Ok(voice_reply(reply, "reply")?.to_json())
}

/// Replies as one NDJSON body, all but the last `interim`.
pub fn voice_ndjson(replies: Vec<Value>) -> Result<String, HelperError> {
    let replies =
        replies.into_iter().enumerate().map(|(i, reply)| voice_reply(reply, &format!("replies[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    Ok(webhook::voice_ndjson(&replies))
}

/// The operation table: `{id, resource, method, isList}` per operation.
pub fn operations() -> Value {
    crate::OPERATIONS
        .iter()
        .map(|op| json!({"id": op.id, "resource": op.resource, "method": op.name, "isList": dispatch::PAGED.contains(&op.id)}))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_unknown_options_and_never_print_the_key() {
        let error = ClientSettings::from_json(json!({"apiKey": "sk_live_secret", "baseURL": "x"})).unwrap_err();
        assert!(error.to_string().contains("baseURL"), "{error}");
        let settings = ClientSettings::from_json(json!({"apiKey": "sk_live_secret", "defaultHeaders": {"X-A": "1"}})).unwrap();
        assert_eq!(settings.headers["X-A"], "1");
        assert!(!format!("{settings:?}").contains("secret"));
    }

    #[test]
    fn timeouts_and_tolerances_must_be_positive_numbers() {
        let options = CallOptions::from_json(json!({"timeout": -1.0})).unwrap();
        assert!(options.into_request_options().unwrap_err().to_string().contains("timeout"));
        let settings = ClientSettings { timeout: Some(f64::NAN), ..ClientSettings::default() };
        assert!(settings.builder("test").unwrap_err().to_string().contains("timeout"));
        let refused = verify_delivery(b"{}", Some("sha256=0"), Some("1"), vec!["s".into()], Some(-1.0), None).unwrap_err();
        assert_eq!(refused, HelperError::Invalid(ValidationError::new("tolerance", "expected a positive number of seconds, got -1")));
    }

    #[test]
    fn errors_are_described_with_their_class_and_fields() {
        let described = describe_error(&Error::Validation(ValidationError::new("to_number", "must be E.164")));
        assert_eq!(described["agentphone"]["class"], "ValidationError");
        assert_eq!(described["agentphone"]["attributes"]["field"], "to_number");
        let mut response = crate::RawResponse::new(&crate::generated::operations::GET_AGENT, 404, r#"{"detail": "Agent not found"}"#);
        response.request_id = Some("req_1".into());
        let api = crate::ApiError::from_response(&response, None);
        let described = describe_error(&Error::Api(Box::new(api)));
        let attributes = &described["agentphone"]["attributes"];
        assert_eq!(described["agentphone"]["class"], "NotFoundError");
        assert_eq!((attributes["status"].as_u64(), attributes["requestId"].as_str()), (Some(404), Some("req_1")));
        assert_eq!(attributes["apiMessage"], "Agent not found");
        assert_eq!(attributes["mayHaveActed"], false);
    }

    #[test]
    fn voice_replies_name_the_reply_at_fault() {
        let refused = voice_ndjson(vec![json!({"text": "a"}), json!({"hangup": "yes"})]).unwrap_err();
        assert!(matches!(&refused, HelperError::Invalid(v) if v.field == "replies[1]"), "{refused:?}");
    }
}
