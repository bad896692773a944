//! From an HTTP request to a handler and back: authentication, faults, reading the arguments
//! through the core's own parameter types (so the sandbox validates exactly as the table says),
//! the handler under the state lock, and its side effects after the lock is released.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use agentphone::request::{Operation, ParamLocation};
use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tower_http::cors::CorsLayer;

use crate::failure::Failure;
use crate::state::{Project, State, World};
use crate::{calls, control, faults, ids};

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What a handler answers.
pub(crate) enum Reply {
    Json(u16, Value),
    Empty,
    Bytes {
        content_type: &'static str,
        filename: String,
        data: Vec<u8>,
    },
    /// The live transcript of a call, as server-sent events.
    TranscriptStream(String),
    /// An answer that needs I/O (a test delivery): computed after the state lock is released.
    Later(BoxFuture<Result<Reply, Failure>>),
}

impl Reply {
    pub(crate) fn json(value: impl serde::Serialize) -> Self {
        Self::Json(200, serde_json::to_value(value).unwrap_or(Value::Null))
    }

    pub(crate) fn created(value: impl serde::Serialize) -> Self {
        Self::Json(201, serde_json::to_value(value).unwrap_or(Value::Null))
    }
}

/// What a handler sees: the world, the caller's key, the state (locked) and a list of side
/// effects to start once the lock is released.
pub(crate) struct Cx<'a> {
    pub world: &'a Arc<World>,
    pub key: String,
    pub state: &'a mut State,
    pub now: i64,
    pub effects: Vec<BoxFuture<()>>,
}

impl Cx<'_> {
    pub(crate) fn project(&mut self) -> &mut Project {
        self.state.project(&self.key, &self.world.config)
    }

    pub(crate) fn spawn(&mut self, effect: impl Future<Output = ()> + Send + 'static) {
        self.effects.push(Box::pin(effect));
    }
}

pub(crate) type Handler<P> = fn(&mut Cx<'_>, P) -> Result<Reply, Failure>;

/// The axum handler of one operation.
pub(crate) fn endpoint<P>(
    op: &'static Operation,
    handler: Handler<P>,
) -> impl Fn(AxumState<Arc<World>>, Request) -> BoxFuture<Response> + Clone + Send + Sync + 'static
where
    P: DeserializeOwned + agentphone::request::Request + Send + 'static,
{
    move |AxumState(world), request| Box::pin(handle(world, request, op, handler))
}

pub(crate) fn router(world: Arc<World>) -> axum::Router {
    let cors = CorsLayer::permissive().expose_headers([
        axum::http::HeaderName::from_static("x-request-id"),
        axum::http::HeaderName::from_static("retry-after"),
        axum::http::HeaderName::from_static("content-disposition"),
    ]);
    crate::generated::routes::api_routes()
        .merge(control::routes())
        .fallback(|| async { Failure::not_found("Route").into_response() })
        .layer(cors)
        .layer(axum::middleware::map_response(add_request_id))
        .with_state(world)
}

async fn add_request_id(mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&ids::new_id("req")) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn handle<P>(world: Arc<World>, request: Request, op: &'static Operation, handler: Handler<P>) -> Response
where
    P: DeserializeOwned + agentphone::request::Request + Send + 'static,
{
    match process(&world, request, op, handler).await {
        Ok(response) => response,
        Err(failure) => failure.into_response(),
    }
}

/// `Authorization: Bearer sk_...` with something after the prefix; any such key is a project.
pub(crate) fn api_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let key = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    let well_formed = key.starts_with("sk_") && key.len() >= 8 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    well_formed.then(|| key.to_owned())
}

async fn process<P>(world: &Arc<World>, request: Request, op: &'static Operation, handler: Handler<P>) -> Result<Response, Failure>
where
    P: DeserializeOwned + agentphone::request::Request + Send + 'static,
{
    let (parts, body) = request.into_parts();
    let key = api_key(&parts.headers);
    if op.auth && key.is_none() {
        return Err(Failure::unauthorized());
    }
    let project_key = if op.auth { key.clone() } else { public_owner(world, op, parts.uri.path()) };
    let fault = {
        let mut state = world.lock();
        state.stats.requests += 1;
        *state.stats.by_operation.entry(op.id.to_owned()).or_default() += 1;
        if let Some(key) = project_key.as_deref() {
            *state.project(key, &world.config).requests.entry(op.id).or_default() += 1;
        }
        let fault = faults::take(&mut state.faults, project_key.as_deref(), op);
        if fault.is_some() {
            state.stats.faults_injected += 1;
        }
        fault
    };
    if let Some(fault) = &fault {
        if let Some(status) = fault.status {
            let mut failure = Failure::coded(status, "SANDBOX_FAULT", format!("fault injected by the sandbox (HTTP {status})"));
            failure.retry_after = fault.retry_after_value();
            if let Some(ms) = fault.latency_ms {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            return Err(failure);
        }
        if fault.drop && !fault.acted {
            return Ok(dropped());
        }
    }

    let answer = act(world, parts, body, op, handler, project_key).await;
    // A late or lost answer comes after the request took effect, whatever the answer was.
    if let Some(fault) = &fault {
        if let Some(ms) = fault.latency_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if fault.drop {
            return Ok(dropped());
        }
    }
    answer
}

/// Reads the arguments, runs the handler and builds the answer.
async fn act<P>(
    world: &Arc<World>,
    parts: axum::http::request::Parts,
    body: Body,
    op: &'static Operation,
    handler: Handler<P>,
    owner: Option<String>,
) -> Result<Response, Failure>
where
    P: DeserializeOwned + agentphone::request::Request + Send + 'static,
{
    let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
        .await
        .map_err(|_| Failure::coded(413, "PAYLOAD_TOO_LARGE", "the request body is larger than 2 MiB"))?;
    let body = read_body(&bytes)?;
    let path = parts.uri.path();
    let raw_params = op.match_path(path).ok_or_else(|| Failure::not_found("Route"))?;
    let decoded: Vec<(&str, String)> =
        raw_params.iter().map(|(name, value)| (*name, percent_decode_str(value).decode_utf8_lossy().into_owned())).collect();
    let path_params: Vec<(&str, &str)> = decoded.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let query: Vec<(String, String)> = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let args =
        agentphone::dynamic::args_from_wire(op, &path_params, query.iter().map(|(k, v)| (k.as_str(), v.as_str())), body.as_ref(), header)
            .map_err(|e| invalid(op, &e.field, &e.problem))?;
    // The client's own checker judges the request, so the sandbox refuses exactly what the SDK
    // would; the handler then gets the typed parameters.
    agentphone::arguments::build(op, args.clone()).map_err(|e| invalid(op, &e.field, &e.problem))?;
    let params: P = agentphone::dynamic::parse_args(args).map_err(|e| invalid(op, &e.field, &e.problem))?;

    let owner = owner.ok_or_else(|| Failure::not_found("Call"))?;
    let (reply, effects) = {
        let mut state = world.lock();
        let mut cx = Cx { world, key: owner, now: world.now(), state: &mut state, effects: Vec::new() };
        let reply = handler(&mut cx, params)?;
        (reply, cx.effects)
    };
    for effect in effects {
        tokio::spawn(effect);
    }
    let mut reply = reply;
    while let Reply::Later(later) = reply {
        reply = later.await?;
    }
    Ok(into_response(world, reply))
}

/// The one public operation names a call: it belongs to (counts for, and meets the faults of)
/// whoever placed it.
fn public_owner(world: &World, op: &Operation, path: &str) -> Option<String> {
    let (_, call_id) = op.match_path(path)?.into_iter().next()?;
    let call_id = percent_decode_str(call_id).decode_utf8_lossy();
    world.lock().call_owner.get(call_id.as_ref()).cloned()
}

/// The field's location, for the `loc` of a 422.
fn invalid(op: &Operation, field: &str, problem: &str) -> Failure {
    let base = field.split(['.', '[']).next().unwrap_or(field);
    let location = op.params.iter().find(|p| p.name == base).map_or("body", |p| match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Body => "body",
        ParamLocation::Header => "header",
    });
    Failure::invalid(location, field, problem)
}

fn read_body(bytes: &[u8]) -> Result<Option<Map<String, Value>>, Failure> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(_) => Err(Failure::invalid("body", "", "the body must be a JSON object")),
        Err(e) => Err(Failure::invalid("body", "", &format!("the body is not valid JSON: {e}"))),
    }
}

/// A response whose body fails at once: the connection is cut after the headers.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("connection dropped by a sandbox fault"))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Body::from_stream(failing))
        .unwrap_or_default()
}

fn into_response(world: &Arc<World>, reply: Reply) -> Response {
    match reply {
        Reply::Json(status, value) => (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), axum::Json(value)).into_response(),
        Reply::Empty => StatusCode::NO_CONTENT.into_response(),
        Reply::Bytes { content_type, filename, data } => {
            ([("content-type", content_type.to_owned()), ("content-disposition", format!("attachment; filename=\"{filename}\""))], data)
                .into_response()
        }
        Reply::TranscriptStream(call_id) => calls::transcript_stream(world.clone(), &call_id),
        Reply::Later(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
