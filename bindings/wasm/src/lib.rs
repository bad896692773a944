//! The wasm half of the `agentphone-rs` npm package, for browsers, Deno and edge workers. It
//! exports the same functions as the Node addon (`bindings/node`), so the package's JavaScript
//! runs unchanged on either; like the addon, it only converts: requests go through the core's
//! by-name dispatcher and settings, webhooks and errors through `agentphone::interop`.

// These types are JavaScript objects; none of them holds the API key in a printable form.
#![allow(missing_debug_implementations)]

use std::rc::Rc;

use agentphone::ffi::by_name::{self, Answer, ItemStream, Reply};
use agentphone::ffi::cancel;
use agentphone::ffi::errors::{self as interop, HelperError};
use agentphone::ffi::settings::{CallOptions, ClientSettings};
use agentphone::ffi::tools::{self, ToolFilter};
use agentphone::ffi::webhooks;
use agentphone::{Client, Error as CoreError};
use futures_util::StreamExt;
use futures_util::lock::Mutex;
use js_sys::{Object, Promise, Reflect, Uint8Array};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

pub mod generated;

/// An Error whose message is the JSON description `errors.js` reads.
fn js_error(described: &Value) -> JsValue {
    js_sys::Error::new(&described.to_string()).into()
}

fn core_error(error: &CoreError) -> JsValue {
    js_error(&interop::describe_error(error))
}

fn helper<T>(result: Result<T, HelperError>) -> Result<T, JsValue> {
    result.map_err(|refusal| js_error(&refusal.describe()))
}

fn request_options(options: JsValue) -> Result<agentphone::RequestOptions, JsValue> {
    CallOptions::from_json(from_js(options, "options")?).and_then(CallOptions::into_request_options).map_err(|e| core_error(&e))
}

/// A JavaScript value as JSON (`undefined` is `null`); what cannot be JSON is refused, naming `what`.
fn from_js(value: JsValue, what: &str) -> Result<Value, JsValue> {
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| core_error(&CoreError::Config(format!("{what}: {e}"))))
}

/// JSON as a plain JavaScript value (objects, not Maps).
fn to_js(value: &Value) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| core_error(&CoreError::Config(format!("cannot convert an answer: {e}"))))
}

fn answer_to_js(answer: Answer) -> Result<JsValue, JsValue> {
    match answer {
        Answer::Json(value) => to_js(&value),
        Answer::Binary(content) => {
            let object = Object::new();
            Reflect::set(&object, &"contentType".into(), &content.content_type.into())?;
            Reflect::set(&object, &"data".into(), &Uint8Array::from(content.data.as_ref()).into())?;
            Ok(object.into())
        }
    }
}

/// `{ answer, status, requestId, headers }`, as the Node addon's `NativeReply`.
fn reply_to_js(reply: Reply) -> Result<JsValue, JsValue> {
    let object = Object::new();
    Reflect::set(&object, &"headers".into(), &reply.header_lines().into())?;
    Reflect::set(&object, &"status".into(), &reply.response.status.into())?;
    Reflect::set(&object, &"requestId".into(), &reply.response.request_id.into())?;
    Reflect::set(&object, &"answer".into(), &answer_to_js(reply.answer)?)?;
    Ok(object.into())
}

#[wasm_bindgen]
pub struct NativeClient {
    client: Client,
}

#[wasm_bindgen]
impl NativeClient {
    /// `settings`: `{ apiKey, baseUrl, timeout (s), maxRetries, headers }` (request logging is the
    /// native build's: `client.js` refuses `logger` here).
    #[wasm_bindgen(constructor)]
    pub fn new(settings: JsValue) -> Result<NativeClient, JsValue> {
        let settings = from_js(settings, "client options")?;
        // JavaScript's types list every field a model has; the rest go under `extra`.
        let client = ClientSettings::from_json(settings).and_then(|s| {
            s.builder(concat!("wasm/", env!("CARGO_PKG_VERSION")))?.unknown_fields(agentphone::UnknownFields::UnderExtra).build()
        });
        Ok(Self { client: client.map_err(|e| core_error(&e))? })
    }

    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.client.base_url().to_owned()
    }

    /// Calls an operation by name with its arguments (snake_case or camelCase names); `cancel`
    /// is a token from `newCancelToken()`.
    pub fn call(&self, operation: String, args: JsValue, options: JsValue, cancel: Option<u32>) -> Promise {
        let client = self.client.clone();
        let inputs = from_js(args, "arguments").and_then(|args| Ok((args, request_options(options)?)));
        future_to_promise(async move {
            let (args, options) = inputs?;
            let call = async { by_name::call_with_response(&client, by_name::operation(&operation)?, args, &options).await };
            reply_to_js(cancel::guarded(cancel, call).await.map_err(|e| core_error(&e))?)
        })
    }

    /// Answers a model's tool call with JSON text (an `{"error": ...}` object for the model on a mistake).
    #[wasm_bindgen(js_name = callTool)]
    pub fn call_tool(&self, name: String, arguments: JsValue, filter: JsValue) -> Promise {
        let client = self.client.clone();
        let inputs = from_js(arguments, "arguments").and_then(|a| Ok((a, tool_filter(filter)?)));
        future_to_promise(async move {
            let (arguments, filter) = inputs?;
            Ok(tools::call(&client, &filter, &name, arguments).await.content.to_string().into())
        })
    }

    /// The items of a list (page by page) or the events of an event stream.
    pub fn stream(&self, operation: String, args: JsValue, options: JsValue) -> Result<NativeStream, JsValue> {
        let (args, options) = (from_js(args, "arguments")?, request_options(options)?);
        let stream =
            by_name::operation(&operation).and_then(|op| by_name::stream(&self.client, op, args, &options)).map_err(|e| core_error(&e))?;
        Ok(NativeStream { stream: Rc::new(Mutex::new(Some(stream))) })
    }
}

#[wasm_bindgen]
pub struct NativeStream {
    /// `None` once closed: the stream, and its connection, are dropped.
    stream: Rc<Mutex<Option<ItemStream>>>,
}

#[wasm_bindgen]
impl NativeStream {
    /// The next item, or `null` after the last (or once closed); `cancel` is a token.
    pub fn next(&self, cancel: Option<u32>) -> Promise {
        let stream = self.stream.clone();
        future_to_promise(async move {
            let next = cancel::guarded(cancel, async move {
                match stream.lock().await.as_mut() {
                    Some(stream) => stream.next().await.transpose(),
                    None => Ok(None),
                }
            });
            match next.await.map_err(|e| core_error(&e))? {
                Some(item) => to_js(&item),
                None => Ok(JsValue::NULL),
            }
        })
    }

    /// Drops the stream and its connection (after an abort, or a `break` out of the loop).
    pub fn close(&self) {
        if let Some(mut stream) = self.stream.try_lock() {
            stream.take();
        }
    }
}

fn tool_filter(filter: JsValue) -> Result<ToolFilter, JsValue> {
    ToolFilter::from_json(from_js(filter, "filter")?).map_err(|e| core_error(&e.into()))
}

// JavaScript numbers are f64; Unix seconds fit exactly.
#[allow(clippy::cast_possible_truncation)]
fn unix_seconds(value: f64) -> i64 {
    value as i64
}

/// Voice replies as they come, as NDJSON lines: all but the last are `interim`.
#[wasm_bindgen]
#[derive(Default)]
pub struct VoiceLines {
    lines: webhooks::VoiceLines,
}

#[wasm_bindgen]
impl VoiceLines {
    #[wasm_bindgen(constructor)]
    pub fn new() -> VoiceLines {
        Self::default()
    }

    /// Takes the next reply; returns the line of the one before it, if any.
    pub fn push(&mut self, reply: JsValue) -> Result<Option<String>, JsValue> {
        helper(self.lines.push(from_js(reply, "reply")?))
    }

    /// The last reply's line, closing the turn.
    pub fn finish(&mut self) -> Option<String> {
        self.lines.finish()
    }
}
