//! From an HTTP request to a handler and back: authentication, faults, reading the arguments
//! through the core's own parameter types (so the sandbox validates exactly as the table says),
//! the handler under the state lock, and its side effects after the lock is released.

use std::sync::Arc;
use std::time::Duration;

use agentphone::table::{Operation, ParamLocation};
use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error_reply::Failure;
use crate::handler::{BoxFuture, Cx, Handler, Reply, api_key};
use crate::state::World;
use crate::{call_simulation, faults, wire};

/// The axum handler of one operation.
pub(crate) fn endpoint<P>(
    op: &'static Operation,
    handler: Handler<P>,
) -> impl Fn(AxumState<Arc<World>>, Request) -> BoxFuture<Response> + Clone + Send + Sync + 'static
where
    P: DeserializeOwned + Send + 'static,
{
    move |AxumState(world), request| Box::pin(handle(world, request, op, handler))
}

async fn handle<P>(world: Arc<World>, request: Request, op: &'static Operation, handler: Handler<P>) -> Response
where
    P: DeserializeOwned + Send + 'static,
{
    match process(&world, request, op, handler).await {
        Ok(response) => response,
        Err(failure) => failure.into_response(),
    }
}

async fn process<P>(world: &Arc<World>, request: Request, op: &'static Operation, handler: Handler<P>) -> Result<Response, Failure>
where
    P: DeserializeOwned + Send + 'static,
{
    let (parts, body) = request.into_parts();
    let key = api_key(&parts.headers);
    if op.auth && key.is_none() {
        return Err(Failure::unauthorized());
    }
    let project_key = if op.auth { scoped(world, key.as_deref(), &parts.headers)? } else { public_owner(world, op, parts.uri.path()) };
    let fault = {
        let mut state = world.lock();
        state.stats.requests += 1;
        *state.stats.by_operation.entry(op.id.to_owned()).or_default() += 1;
        // A request counts for the project it acts on; one made before any project exists (the
        // sign-up flow), for the key it carried, if any.
        if let Some(key) = project_key.as_deref().filter(|key| !key.is_empty()).or(key.as_deref()) {
            *state.project(key, &world.config).requests.entry(op.id).or_default() += 1;
        }
        if world.config.rate_limits {
            let now_ms = world.clock.now_ms();
            state.rate_windows.admit(project_key.as_deref().unwrap_or_default(), op, now_ms)?;
        }
        // Faults follow the API key, whichever sub-account a request is scoped to.
        let fault = faults::take(&mut state.faults, key.as_deref().or(project_key.as_deref()), op);
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

/// The project a request acts on: the key's own, or with `X-Sub-Account-Id` that sub-account's,
/// which holds its own agents, numbers, calls, messages, contacts and webhooks (`{key}/{id}`: keys
/// never contain `/`). An id the key's project does not have answers 404, as for any unknown id
/// (the sources do not say what the API answers; see README).
fn scoped(world: &World, key: Option<&str>, headers: &axum::http::HeaderMap) -> Result<Option<String>, Failure> {
    let Some(key) = key else { return Ok(None) };
    let Some(id) = headers.get("x-sub-account-id") else { return Ok(Some(key.to_owned())) };
    let id = id.to_str().map_err(|_| Failure::invalid("header", "X-Sub-Account-Id", "must be ASCII"))?;
    let known = world.lock().projects.get(key).is_some_and(|project| project.sub_accounts.contains_key(id));
    if !known {
        return Err(Failure::not_found("Sub-account"));
    }
    Ok(Some(format!("{key}/{id}")))
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
    P: DeserializeOwned + Send + 'static,
{
    let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
        .await
        .map_err(|_| Failure::coded(413, "PAYLOAD_TOO_LARGE", "the request body is larger than 2 MiB"))?;
    let body = read_body(&bytes)?;
    let path = parts.uri.path();
    let raw_params = wire::match_path(op, path).ok_or_else(|| Failure::not_found("Route"))?;
    let decoded: Vec<(&str, String)> =
        raw_params.iter().map(|(name, value)| (*name, percent_decode_str(value).decode_utf8_lossy().into_owned())).collect();
    let path_params: Vec<(&str, &str)> = decoded.iter().map(|(name, value)| (*name, value.as_str())).collect();
    let query: Vec<(String, String)> = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()).into_owned().collect();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let args = wire::args_from_wire(op, &path_params, query.iter().map(|(k, v)| (k.as_str(), v.as_str())), body.as_ref(), header)
        .map_err(|e| invalid(op, &e.field, &e.problem))?;
    // The client's own checker judges the request with the table's rules, so the sandbox refuses
    // exactly what the SDK would; the handler then gets its typed parameters.
    if let Err(error) = agentphone::ffi::by_name::build(op, args.clone()) {
        return Err(match error {
            agentphone::Error::Validation(e) => invalid(op, &e.field, &e.problem),
            other => Failure::invalid("body", "", &other.to_string()),
        });
    }
    let params: P = wire::parse_args(args).map_err(|e| invalid(op, &e.field, &e.problem))?;

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

/// The project a public operation acts for: the recording route names a call, which belongs to
/// (counts for, and meets the faults of) whoever placed it; the sign-up flow has no project yet
/// (the empty key, which no project has).
fn public_owner(world: &World, op: &Operation, path: &str) -> Option<String> {
    if op.is_account_less() {
        return Some(String::new());
    }
    let (_, call_id) = wire::match_path(op, path)?.into_iter().next()?;
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
        Reply::TranscriptStream(call_id) => call_simulation::transcript_stream(world.clone(), &call_id),
        Reply::Later(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
