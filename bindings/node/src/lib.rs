//! The native half of the `agentphone-rs` npm package on Node. It converts between JavaScript
//! and the core, and nothing else: requests go through the core's by-name dispatcher, settings
//! and errors through `agentphone::interop` (shared with the wasm build), and errors travel as a
//! JSON description that `js/failure.js` turns into the package's Error classes. The functions it
//! exports beside its classes are generated (`src/generated/`) from one list shared with wasm and Python.

// These types are JavaScript objects; none of them holds the API key in a printable form.
#![allow(missing_debug_implementations)]

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use agentphone::ffi::by_name::{self, Answer, ItemStream};
use agentphone::ffi::cancel;
use agentphone::ffi::errors::{self as interop, HelperError};
use agentphone::ffi::settings::{CallOptions, ClientSettings};
use agentphone::ffi::tools::{self, ToolFilter};
use agentphone::ffi::webhooks;
use agentphone::logging::LogRecord;
use agentphone::{Client, Error as CoreError};
use futures_util::{FutureExt, StreamExt};
use napi::bindgen_prelude::{Buffer, Either, Unknown};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

pub mod generated;
pub mod sandbox;
use napi_derive::napi;
use serde_json::Value;

fn js_error(described: &Value) -> napi::Error {
    napi::Error::from_reason(described.to_string())
}

fn core_error(error: CoreError) -> napi::Error {
    js_error(&interop::describe_error(&error))
}

/// Runs a core future; a panic becomes a rejected promise instead of a crashed process.
async fn guarded<T>(work: impl Future<Output = agentphone::Result<T>>) -> napi::Result<T> {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(result) => result.map_err(core_error),
        Err(panic) => Err(js_error(&interop::describe_panic(panic.as_ref()))),
    }
}

fn request_options(options: Option<Value>) -> napi::Result<agentphone::RequestOptions> {
    CallOptions::from_json(options.unwrap_or(Value::Null)).and_then(CallOptions::into_request_options).map_err(core_error)
}

#[napi(object)]
pub struct BinaryAnswer {
    pub content_type: String,
    pub data: Buffer,
}

/// The request log's callback: `(recordJson) => void`, weak (it keeps no process alive).
/// A call's answer with its status, request id and headers (`name: value` lines).
#[napi(object, object_from_js = false)]
pub struct NativeReply {
    pub answer: Either<Value, BinaryAnswer>,
    pub status: u32,
    pub request_id: Option<String>,
    pub headers: String,
}

type LogCallback = ThreadsafeFunction<String, Unknown<'static>, String, napi::Status, false, true>;

#[napi]
pub struct NativeClient {
    client: Client,
}

#[napi]
impl NativeClient {
    /// `settings`: `{ apiKey, baseUrl, timeout (s), maxRetries, headers, proxy, caCertificates,
    /// logLevel }`; `log` gets each request's record as JSON when `logLevel` is set. It does not keep
    /// the process alive.
    #[napi(constructor)]
    pub fn new(settings: Value, log: Option<LogCallback>) -> napi::Result<Self> {
        let build = |settings: ClientSettings| -> Result<Client, CoreError> {
            // JavaScript's types list every field a model has; the rest go under `extra`.
            let mut builder =
                settings.builder(concat!("node/", env!("CARGO_PKG_VERSION")))?.unknown_fields(agentphone::UnknownFields::UnderExtra);
            if let (Some(level), Some(log)) = (settings.log_level()?, log) {
                builder = builder.log(level, move |record: &LogRecord| {
                    // Non-blocking: a record that cannot be queued (Node shutting down) is dropped.
                    let _ = log.call(record.fields().to_string(), ThreadsafeFunctionCallMode::NonBlocking);
                });
            }
            builder.build()
        };
        let client = ClientSettings::from_json(settings).and_then(build);
        Ok(Self { client: client.map_err(core_error)? })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_owned()
    }

    /// Calls an operation by name with its arguments (snake_case or camelCase names); `cancel`
    /// is a token from `newCancelToken()`.
    #[napi]
    pub async fn call(&self, operation: String, args: Value, options: Option<Value>, cancel: Option<u32>) -> napi::Result<NativeReply> {
        let options = request_options(options)?;
        let call = async { by_name::call_with_response(&self.client, by_name::operation(&operation)?, args, &options).await };
        let reply = guarded(cancel::guarded(cancel, call)).await?;
        let headers = reply.header_lines();
        let answer = match reply.answer {
            Answer::Json(value) => Either::A(value),
            Answer::Binary(content) => Either::B(BinaryAnswer { content_type: content.content_type, data: content.data.to_vec().into() }),
        };
        Ok(NativeReply { answer, status: reply.response.status.into(), request_id: reply.response.request_id, headers })
    }

    /// Answers a model's tool call with JSON text (an `{"error": ...}` object for the model on a mistake).
    #[napi]
    pub async fn call_tool(&self, name: String, arguments: Value, filter: Value) -> napi::Result<String> {
        let filter = ToolFilter::from_json(filter).map_err(|e| core_error(e.into()))?;
        guarded(async { Ok(tools::call(&self.client, &filter, &name, arguments).await.content.to_string()) }).await
    }

    /// The items of a list (page by page) or the events of an event stream.
    #[napi]
    pub fn stream(&self, operation: String, args: Value, options: Option<Value>) -> napi::Result<NativeStream> {
        let options = request_options(options)?;
        let stream = by_name::operation(&operation).and_then(|op| by_name::stream(&self.client, op, args, &options)).map_err(core_error)?;
        Ok(NativeStream { stream: Arc::new(tokio::sync::Mutex::new(Some(stream))) })
    }
}

#[napi]
pub struct NativeStream {
    /// `None` once closed: the stream, and its connection, are dropped.
    stream: Arc<tokio::sync::Mutex<Option<ItemStream>>>,
}

#[napi]
impl NativeStream {
    /// The next item, or `null` after the last (or once closed); `cancel` is a token.
    #[napi]
    pub async fn next(&self, cancel: Option<u32>) -> napi::Result<Option<Value>> {
        let stream = self.stream.clone();
        guarded(cancel::guarded(cancel, async move {
            match stream.lock().await.as_mut() {
                Some(stream) => stream.next().await.transpose(),
                None => Ok(None),
            }
        }))
        .await
    }

    /// Drops the stream and its connection (after an abort, or a `break` out of the loop).
    #[napi]
    pub fn close(&self) {
        if let Ok(mut stream) = self.stream.try_lock() {
            stream.take();
        }
    }
}

fn helper<T>(result: Result<T, HelperError>) -> napi::Result<T> {
    result.map_err(|refusal| js_error(&refusal.describe()))
}

/// Voice replies as they come, as NDJSON lines: all but the last are `interim`.
#[napi]
#[derive(Default)]
pub struct VoiceLines {
    lines: std::sync::Mutex<webhooks::VoiceLines>,
}

#[napi]
impl VoiceLines {
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next reply; returns the line of the one before it, if any.
    #[napi]
    pub fn push(&self, reply: Value) -> napi::Result<Option<String>> {
        helper(self.lines.lock().unwrap_or_else(|p| p.into_inner()).push(reply))
    }

    /// The last reply's line, closing the turn.
    #[napi]
    pub fn finish(&self) -> Option<String> {
        self.lines.lock().unwrap_or_else(|p| p.into_inner()).finish()
    }
}
