//! What the two JavaScript bindings (the Node addon and the wasm build) share, so that each of
//! them only converts values: the client settings and per-call options as JavaScript passes them,
//! and errors described as the JSON that the package's `errors.js` turns into Error classes.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::RequestOptions;
use crate::config::ClientBuilder;
use crate::error::Error;
use crate::generated::dispatch;
use crate::generated::models::VoiceReply;
use crate::secret::ApiKey;
use crate::webhook::{self, Verifier, WebhookError, WebhookEvent};

/// A result whose error is already described for JavaScript (see [`describe`]).
pub type Described<T> = Result<T, Value>;

/// `new AgentPhone({ apiKey, baseUrl, timeout, maxRetries, defaultHeaders })`, after the package
/// has read the environment. `timeout` is in seconds here (the package converts from ms).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientSettings {
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<u32>,
    headers: Option<BTreeMap<String, String>>,
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
    pub fn builder(self, runtime: &str) -> Result<ClientBuilder, Error> {
        let mut builder = ClientBuilder::default().user_agent_suffix(runtime);
        if let Some(key) = self.api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(seconds("timeout", timeout)?);
        }
        if let Some(max_retries) = self.max_retries {
            builder = builder.max_retries(max_retries);
        }
        for (name, value) in self.headers.unwrap_or_default() {
            builder = builder.header(name, value);
        }
        Ok(builder)
    }
}

/// The options every method takes last: `{ timeout, headers }` (`signal` stays in JavaScript).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CallOptions {
    timeout: Option<f64>,
    headers: Option<BTreeMap<String, String>>,
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
            headers: self.headers.map(|h| h.into_iter().collect()).unwrap_or_default(),
        })
    }
}

fn seconds(field: &str, value: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(value).map_err(|_| Error::Config(format!("{field}: expected a positive number, got {value}")))
}

/// An error as `{"agentphone": {kind, message, attributes}}`, the form `errors.js` reads. The
/// attributes are the error's fields in camelCase; none of them can hold the API key (the core
/// scrubs it from everything it keeps).
pub fn describe_error(error: &Error) -> Value {
    let mut attributes = json!({"mayHaveActed": error.may_have_acted()});
    match error {
        Error::Validation(v) => {
            attributes["field"] = json!(v.field);
            attributes["problem"] = json!(v.problem);
        }
        Error::Api(api) => {
            attributes["operation"] = json!(api.operation);
            attributes["status"] = json!(api.status);
            attributes["code"] = json!(api.code);
            attributes["apiMessage"] = json!(api.message);
            attributes["errorType"] = json!(api.error_type);
            attributes["requestId"] = json!(api.request_id);
            attributes["retryAfter"] = json!(api.retry_after.map(|d| d.as_secs_f64()));
            attributes["body"] = json!(api.body);
            attributes["details"] =
                json!(api.details.iter().map(|d| json!({"field": d.field, "message": d.message, "type": d.kind})).collect::<Vec<_>>());
        }
        Error::Timeout(t) | Error::Connection(t) => {
            attributes["operation"] = json!(t.operation);
            attributes["sent"] = json!(t.sent);
        }
        Error::Decode(d) => {
            attributes["operation"] = json!(d.operation);
            attributes["status"] = json!(d.status);
            attributes["excerpt"] = json!(d.excerpt);
        }
        _ => {}
    }
    describe(&format!("{:?}", error.kind()), &error.to_string(), attributes)
}

/// Any other error (`kind` is one `errors.js` knows, such as `WebhookVerification`).
pub fn describe(kind: &str, message: &str, attributes: Value) -> Value {
    json!({"agentphone": {"kind": kind, "message": message, "attributes": attributes}})
}

/// A panic caught at the boundary, described as an internal error.
pub fn describe_panic(panic: &(dyn std::any::Any + Send)) -> Value {
    let message =
        panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned())).unwrap_or_default();
    describe("Internal", &format!("internal error in agentphone-rs (please report it): {message}"), json!({}))
}

fn verification_error(error: &WebhookError) -> Value {
    describe("WebhookVerification", &error.to_string(), json!({}))
}

/// Checks a delivery's signature and freshness (`now` in Unix seconds, default the clock).
pub fn verify_delivery(
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> Described<()> {
    let tolerance = tolerance.map(|t| seconds("tolerance", t)).transpose().map_err(|e| describe_error(&e))?;
    let verifier = Verifier::with_secrets(secrets).tolerance(tolerance);
    verifier.verify_at(payload, signature, timestamp, now.unwrap_or_else(webhook::unix_now)).map_err(|e| verification_error(&e))
}

/// Parses a delivery: `{envelope, kind, data, raw}`.
pub fn parse_delivery(payload: &[u8]) -> Described<Value> {
    Ok(WebhookEvent::parse(payload).map_err(|e| verification_error(&e))?.to_json())
}

fn voice_reply(value: Value) -> Described<VoiceReply> {
    serde_json::from_value(value)
        .map_err(|e| describe("Validation", &format!("not a voice reply: {e}"), json!({"field": "reply", "problem": e.to_string()})))
}

/// One voice reply (`{text, hangup, action, digits, interim}`) as its JSON body.
pub fn voice_json(reply: Value) -> Described<String> {
    Ok(voice_reply(reply)?.to_json())
}

/// Replies as one NDJSON body, all but the last `interim`.
pub fn voice_ndjson(replies: Vec<Value>) -> Described<String> {
    let replies = replies.into_iter().map(voice_reply).collect::<Described<Vec<_>>>()?;
    Ok(webhook::voice_ndjson(&replies))
}

/// The operation table as `[id, resource, method, isList]` rows.
pub fn operations() -> Vec<Vec<String>> {
    crate::OPERATIONS
        .iter()
        .map(|op| vec![op.id.to_owned(), op.resource.to_owned(), op.name.to_owned(), dispatch::PAGED.contains(&op.id).to_string()])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_unknown_options_and_never_print_the_key() {
        let error = ClientSettings::from_json(json!({"apiKey": "sk_live_secret", "baseURL": "x"})).unwrap_err();
        assert!(error.to_string().contains("baseURL"), "{error}");
        let settings = ClientSettings::from_json(json!({"apiKey": "sk_live_secret"})).unwrap();
        assert!(!format!("{settings:?}").contains("secret"));
    }

    #[test]
    fn timeouts_must_be_positive_numbers() {
        let options = CallOptions::from_json(json!({"timeout": -1.0})).unwrap();
        assert!(options.into_request_options().unwrap_err().to_string().contains("timeout"));
    }

    #[test]
    fn errors_are_described_with_their_fields() {
        let described = describe_error(&Error::Validation(crate::ValidationError::new("to_number", "must be E.164")));
        assert_eq!(described["agentphone"]["kind"], "Validation");
        assert_eq!(described["agentphone"]["attributes"]["field"], "to_number");
    }
}
