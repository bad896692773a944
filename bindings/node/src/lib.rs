//! The native half of the `agentphone-rs` npm package. It converts between JavaScript and the
//! core, and nothing else: requests go through the core's by-name dispatcher, and errors travel
//! as a JSON description that `js/errors.js` turns into the package's Error classes.

// These types are JavaScript objects; `ClientSettings` holds the API key and must never be printed.
#![allow(missing_debug_implementations)]

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use agentphone::dynamic::{Answer, ItemStream};
use agentphone::generated::dispatch;
use agentphone::webhook::{self, Verifier, WebhookEvent};
use agentphone::{Client, Error as CoreError, RequestOptions, RetryPolicy, VoiceReply};
use futures_util::{FutureExt, StreamExt};
use napi::bindgen_prelude::{Buffer, Either};
use napi_derive::napi;
use serde_json::{Value, json};

/// An error for JavaScript: its message is the JSON the package's `toError` reads.
fn js_error(kind: &str, message: String, attributes: Value) -> napi::Error {
    let described = json!({"agentphone": {"kind": kind, "message": message, "attributes": attributes}});
    napi::Error::from_reason(described.to_string())
}

fn core_error(error: CoreError) -> napi::Error {
    let mut attributes = json!({"mayHaveActed": error.may_have_acted()});
    let kind = format!("{:?}", error.kind());
    match &error {
        CoreError::Validation(v) => {
            attributes["field"] = json!(v.field);
            attributes["problem"] = json!(v.problem);
        }
        CoreError::Api(api) => {
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
        CoreError::Timeout(t) | CoreError::Connection(t) => {
            attributes["operation"] = json!(t.operation);
            attributes["sent"] = json!(t.sent);
        }
        CoreError::Decode(d) => {
            attributes["operation"] = json!(d.operation);
            attributes["status"] = json!(d.status);
            attributes["excerpt"] = json!(d.excerpt);
        }
        _ => {}
    }
    js_error(&kind, error.to_string(), attributes)
}

fn panic_error(panic: Box<dyn std::any::Any + Send>) -> napi::Error {
    let message =
        panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned())).unwrap_or_default();
    js_error("Internal", format!("internal error in agentphone-rs (please report it): {message}"), json!({}))
}

/// Runs a core future; a panic becomes a rejected promise instead of a crashed process.
async fn guarded<T>(work: impl Future<Output = agentphone::Result<T>>) -> napi::Result<T> {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(result) => result.map_err(core_error),
        Err(panic) => Err(panic_error(panic)),
    }
}

#[napi(object)]
pub struct ClientSettings {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    /// Seconds per attempt.
    pub timeout: Option<f64>,
    pub max_retries: Option<u32>,
    pub headers: Option<std::collections::HashMap<String, String>>,
}

#[napi(object)]
pub struct CallOptions {
    /// Seconds for this call.
    pub timeout: Option<f64>,
    pub headers: Option<std::collections::HashMap<String, String>>,
}

#[napi(object)]
pub struct BinaryAnswer {
    pub content_type: String,
    pub data: Buffer,
}

fn request_options(options: Option<CallOptions>) -> RequestOptions {
    let options = options.unwrap_or(CallOptions { timeout: None, headers: None });
    RequestOptions {
        timeout: options.timeout.map(Duration::from_secs_f64),
        max_retries: None,
        headers: options.headers.map(|h| h.into_iter().collect()).unwrap_or_default(),
    }
}

#[napi]
pub struct NativeClient {
    client: Client,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(settings: ClientSettings) -> napi::Result<Self> {
        let mut builder = Client::builder().user_agent_suffix(concat!("node/", env!("CARGO_PKG_VERSION")));
        if let Some(key) = settings.api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = settings.base_url {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = settings.timeout {
            builder = builder.timeout(Duration::from_secs_f64(timeout));
        }
        if let Some(max_retries) = settings.max_retries {
            builder = builder.retry_policy(RetryPolicy { max_retries, ..RetryPolicy::default() });
        }
        for (name, value) in settings.headers.unwrap_or_default() {
            builder = builder.header(name, value);
        }
        Ok(Self { client: builder.build().map_err(core_error)? })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.base_url().trim_end_matches('/').to_owned()
    }

    /// Calls an operation by name with its arguments (snake_case or camelCase names).
    #[napi]
    pub async fn call(&self, operation: String, args: Value, options: Option<CallOptions>) -> napi::Result<Either<Value, BinaryAnswer>> {
        let options = request_options(options);
        match guarded(dispatch::call(&self.client, &operation, args, &options)).await? {
            Answer::Json(value) => Ok(Either::A(value)),
            Answer::Binary(content) => {
                Ok(Either::B(BinaryAnswer { content_type: content.content_type, data: content.data.to_vec().into() }))
            }
        }
    }

    /// The items of a list (page by page) or the events of an event stream.
    #[napi]
    pub fn stream(&self, operation: String, args: Value) -> napi::Result<NativeStream> {
        let stream = dispatch::stream(&self.client, &operation, args).map_err(core_error)?;
        Ok(NativeStream { stream: Arc::new(tokio::sync::Mutex::new(stream)) })
    }
}

#[napi]
pub struct NativeStream {
    stream: Arc<tokio::sync::Mutex<ItemStream>>,
}

#[napi]
impl NativeStream {
    /// The next item, or `null` after the last.
    #[napi]
    pub async fn next(&self) -> napi::Result<Option<Value>> {
        let stream = self.stream.clone();
        guarded(async move { stream.lock().await.next().await.transpose() }).await
    }
}

fn verification_error(error: &webhook::WebhookError) -> napi::Error {
    js_error("WebhookVerification", error.to_string(), json!({}))
}

fn verify_bytes(
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> napi::Result<()> {
    let verifier = Verifier::with_secrets(secrets).tolerance(tolerance.map(Duration::from_secs_f64));
    verifier.verify_at(payload, signature, timestamp, now.unwrap_or_else(webhook::unix_now)).map_err(|e| verification_error(&e))
}

fn parse_bytes(payload: &[u8]) -> napi::Result<Value> {
    Ok(WebhookEvent::parse(payload).map_err(|e| verification_error(&e))?.to_json())
}

/// Verifies a delivery; throws when it does not verify.
#[napi]
pub fn verify(
    payload: Buffer,
    signature: Option<String>,
    timestamp: Option<String>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> napi::Result<()> {
    verify_bytes(&payload, signature.as_deref(), timestamp.as_deref(), secrets, tolerance, now)
}

/// The signature header value for a payload.
#[napi]
pub fn sign(secret: String, timestamp: i64, payload: Buffer) -> String {
    webhook::sign(&secret, timestamp, &payload)
}

/// Parses a delivery: `{envelope, kind, data, raw}`.
#[napi]
pub fn parse_event(payload: Buffer) -> napi::Result<Value> {
    parse_bytes(&payload)
}

/// Verifies, then parses, in one call.
#[napi]
pub fn construct_event(
    payload: Buffer,
    signature: Option<String>,
    timestamp: Option<String>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> napi::Result<Value> {
    verify_bytes(&payload, signature.as_deref(), timestamp.as_deref(), secrets, tolerance, now)?;
    parse_bytes(&payload)
}

fn reply_of(value: Value) -> napi::Result<VoiceReply> {
    serde_json::from_value(value)
        .map_err(|e| js_error("Validation", format!("not a voice reply: {e}"), json!({"field": "reply", "problem": e.to_string()})))
}

/// One voice reply as its JSON body.
#[napi]
pub fn voice_json(reply: Value) -> napi::Result<String> {
    Ok(reply_of(reply)?.to_json())
}

/// Replies as NDJSON, all but the last `interim`.
#[napi]
pub fn voice_ndjson(replies: Vec<Value>) -> napi::Result<String> {
    let replies = replies.into_iter().map(reply_of).collect::<napi::Result<Vec<_>>>()?;
    Ok(webhook::voice_ndjson(&replies))
}

/// The operation table: `[id, resource, method, isList]`.
#[napi]
pub fn operations() -> Vec<Vec<String>> {
    agentphone::OPERATIONS
        .iter()
        .map(|op| vec![op.id.to_owned(), op.resource.to_owned(), op.name.to_owned(), dispatch::PAGED.contains(&op.id).to_string()])
        .collect()
}

/// The user agent the client sends.
#[napi]
pub fn user_agent() -> String {
    agentphone::USER_AGENT.to_owned()
}
