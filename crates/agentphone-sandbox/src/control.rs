//! `/sandbox/*`: what tests and demos use to drive the sandbox. Not part of the AgentPhone API.
//!
//! - `POST /sandbox/keys`: a fresh API key (any `sk_...` key works; this just makes one up).
//! - `POST /sandbox/reset`: forget the calling key's project (or everything, without a key).
//! - `GET /sandbox/clock`, `POST /sandbox/clock/advance {"seconds"}`: move time forward.
//! - `POST /sandbox/faults {...}`, `DELETE /sandbox/faults`: inject or clear faults (see `faults.rs`);
//!   with a key, clearing forgets only that key's faults. It answers how many hits were unused.
//! - `POST /sandbox/balance {"cents"}`: set the calling project's balance.
//! - `GET /sandbox/stats`: what the sandbox did (requests, faults, messages, calls, numbers); with a
//!   key, also that project's requests by operation and counts of what it holds (`project`).
//! - `POST /sandbox/inbound/message {"to", "from", "body", "channel"?, "media_urls"?, "wait"?,
//!   "shared_contact"?}`: someone texts one of your numbers; the agent's webhook gets a signed
//!   `agent.message` (`agent.contact_shared` when they shared a contact card).
//! - `POST /sandbox/inbound/call {"to", "from", "script"?}`: someone calls one of your numbers.
//! - `POST /sandbox/inbound/reaction {"message_id", "reaction", "wait"?}`: the other party reacts
//!   to an iMessage or WhatsApp message; the webhook gets a signed `agent.reaction`.
//! - `POST /sandbox/sink/{name}`: a webhook endpoint inside the sandbox, for runners that cannot
//!   listen themselves. It records each delivery (verify it with the secret), answers 200 (or
//!   `?status=N`), and answers voice turns with `{"text": "You said: ..."}`.
//!   `GET /sandbox/sink/{name}` lists what it received.

use std::sync::Arc;

use agentphone::models::*;
use agentphone::normalize_e164;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::call_simulation::{self, NewCall};
use crate::delivery::{self, Envelope, Outgoing};
use crate::error_reply::Failure;
use crate::faults::Fault;
use crate::handler::{Cx, api_key};
use crate::handlers::messages::{self, NewMessage};
use crate::state::World;
use crate::time::{iso, iso_ms};

pub(crate) fn routes() -> Router<Arc<World>> {
    Router::new()
        .route("/sandbox/keys", post(new_key))
        .route("/sandbox/reset", post(reset))
        .route("/sandbox/clock", get(clock))
        .route("/sandbox/clock/advance", post(advance))
        .route("/sandbox/faults", post(add_fault).delete(clear_faults))
        .route("/sandbox/balance", post(balance))
        .route("/sandbox/stats", get(stats))
        .route("/sandbox/inbound/message", post(inbound_message))
        .route("/sandbox/inbound/call", post(inbound_call))
        .route("/sandbox/inbound/reaction", post(inbound_reaction))
        .route("/sandbox/sink/{name}", post(sink_receive).get(sink_list))
}

async fn new_key() -> Json<Value> {
    Json(json!({"apiKey": format!("sk_test_{:024x}", fastrand::u128(..) >> 32)}))
}

async fn reset(State(world): State<Arc<World>>, headers: HeaderMap) -> Json<Value> {
    let mut state = world.lock();
    match api_key(&headers) {
        Some(key) => {
            // The key's project and its sub-accounts' (`{key}/{id}`).
            let scoped = format!("{key}/");
            let owned = |owner: &String| *owner == key || owner.starts_with(&scoped);
            state.projects.retain(|owner, _| !owned(owner));
            state.call_owner.retain(|_, owner| !owned(owner));
            state.number_owner.retain(|_, owner| !owned(owner));
            state.faults.retain(|f| f.api_key.as_deref() != Some(&key));
        }
        None => {
            *state = Default::default();
            world.clock.reset();
        }
    }
    Json(json!({"reset": true}))
}

async fn clock(State(world): State<Arc<World>>) -> Json<Value> {
    Json(json!({"now": iso(world.now())}))
}

#[derive(Deserialize)]
struct Advance {
    seconds: i64,
}

async fn advance(State(world): State<Arc<World>>, Json(body): Json<Advance>) -> Response {
    if body.seconds < 0 {
        return Failure::invalid("body", "seconds", "the clock only moves forward").into_response();
    }
    if !world.clock.advance(body.seconds) {
        let problem = format!("the clock may run at most {} s (a thousand years) ahead of real time", crate::clock::MAX_OFFSET);
        return Failure::invalid("body", "seconds", &problem).into_response();
    }
    Json(json!({"now": iso(world.now())})).into_response()
}

async fn add_fault(State(world): State<Arc<World>>, headers: HeaderMap, Json(mut fault): Json<Fault>) -> Response {
    if let Some(problem) = fault.problem() {
        return Failure::invalid("body", "operation", &problem).into_response();
    }
    if fault.api_key.is_none() {
        fault.api_key = api_key(&headers);
    }
    let mut state = world.lock();
    state.faults.push(fault);
    Json(json!({"queued": state.faults.len()})).into_response()
}

async fn clear_faults(State(world): State<Arc<World>>, headers: HeaderMap) -> Json<Value> {
    let mut state = world.lock();
    let key = api_key(&headers);
    let (cleared, kept): (Vec<Fault>, Vec<Fault>) =
        std::mem::take(&mut state.faults).into_iter().partition(|f| key.is_none() || f.api_key == key);
    state.faults = kept;
    // Hits that were never taken: a test can tell whether its fault met a request.
    let unused: u32 = cleared.iter().map(|f| f.count).sum();
    Json(json!({"queued": state.faults.len(), "unused": unused}))
}

#[derive(Deserialize)]
struct Balance {
    cents: i64,
}

async fn balance(State(world): State<Arc<World>>, headers: HeaderMap, Json(body): Json<Balance>) -> Response {
    let Some(key) = api_key(&headers) else { return Failure::unauthorized().into_response() };
    let config = world.config.clone();
    world.lock().project(&key, &config).balance_cents = body.cents;
    Json(json!({"balanceCents": body.cents})).into_response()
}

async fn stats(State(world): State<Arc<World>>, headers: HeaderMap) -> Json<Value> {
    let mut stats = world.stats();
    if let Some(key) = api_key(&headers) {
        stats["project"] = world.lock().project_stats(&key, &world.config);
    }
    Json(stats)
}

#[derive(Deserialize)]
struct InboundMessage {
    to: String,
    from: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    channel: Option<Channel>,
    #[serde(default)]
    media_urls: Vec<String>,
    /// Answer only after the webhook delivery finished (with its redeliveries).
    #[serde(default)]
    wait: bool,
    /// A contact card shared with the number: the webhook gets `agent.contact_shared`.
    #[serde(default)]
    shared_contact: Option<Value>,
}

/// The project that owns `phone`, and the number.
fn owner_of(world: &World, phone: &str) -> Result<(String, PhoneNumber), Failure> {
    let phone = normalize_e164("to", phone).map_err(|e| Failure::invalid("body", "to", &e.problem))?;
    let state = world.lock();
    let key = state.number_owner.get(&phone).cloned().ok_or_else(|| Failure::not_found("Phone number"))?;
    let number = state
        .projects
        .get(&key)
        .and_then(|p| p.numbers.values().find(|n| n.phone_number.as_deref() == Some(&phone)))
        .cloned()
        .ok_or_else(|| Failure::not_found("Phone number"))?;
    Ok((key, number))
}

async fn inbound_message(State(world): State<Arc<World>>, Json(body): Json<InboundMessage>) -> Response {
    match deliver_inbound_message(world, body).await {
        Ok(value) => Json(value).into_response(),
        Err(failure) => failure.into_response(),
    }
}

async fn deliver_inbound_message(world: Arc<World>, body: InboundMessage) -> Result<Value, Failure> {
    let (key, number) = owner_of(&world, &body.to)?;
    let from = normalize_e164("from", &body.from).unwrap_or(body.from.clone());
    let channel = body.channel.clone().unwrap_or(match (&number.r#type, body.media_urls.is_empty()) {
        (Some(NumberType::Imessage), _) => Channel::Imessage,
        (_, false) => Channel::Mms,
        (_, true) => Channel::Sms,
    });
    let now_ms = world.clock.now_ms();
    let now = world.now();
    let (message_id, conversation_id, outgoing) = {
        let mut state = world.lock();
        let config = world.config.clone();
        let project = state.project(&key, &config);
        let message = NewMessage {
            number: &number,
            participant: &from,
            from: from.clone(),
            to: number.phone_number.clone().unwrap_or_default(),
            body: body.body.clone(),
            direction: MessageDirection::Inbound,
            channel: channel.clone(),
            media_urls: body.media_urls.clone(),
            reply_to: None,
        };
        let (message_id, conversation_id) = messages::record(project, now_ms, config.message_capacity, message);
        let outgoing = project.webhook_for(number.agent_id.as_deref()).map(|(webhook, own)| {
            let contact = project.contacts.values().find(|c| c.phone_number.as_deref() == Some(&from));
            let limit = webhook.context_limit.unwrap_or(10);
            let data = json!({
                "messageId": message_id, "conversationId": conversation_id, "numberId": number.id,
                "from": from, "to": number.phone_number,
                "contact": contact.map(|c| json!({"id": c.id, "name": c.name, "email": c.email, "phoneNumber": c.phone_number})),
                "message": body.body, "mediaUrl": body.media_urls.first(), "mediaUrls": body.media_urls,
                "direction": "inbound", "receivedAt": iso_ms(now_ms),
            });
            let (event, data) = match &body.shared_contact {
                Some(card) => ("agent.contact_shared", json!({
                    "messageId": data["messageId"], "conversationId": data["conversationId"], "numberId": data["numberId"],
                    "from": data["from"], "to": data["to"], "contact": data["contact"], "sharedContact": card, "receivedAt": data["receivedAt"],
                })),
                None => ("agent.message", data),
            };
            let metadata = project.conversations.get(&conversation_id).and_then(|c| c.conversation.metadata.clone()).map(Value::Object);
            let envelope = Envelope {
                event,
                channel: channel.clone(),
                agent_id: number.agent_id.clone(),
                data,
                conversation_state: metadata,
                recent_history: Some(delivery::recent_history(project, &conversation_id, limit)),
                test: false,
            };
            Outgoing {
                key: key.clone(),
                webhook,
                to_agent_webhook: own,
                agent_id: number.agent_id.clone(),
                event,
                channel: channel.clone(),
                message_id: Some(message_id.clone()),
                body: envelope.to_json(now),
            }
        });
        (message_id, conversation_id, outgoing)
    };
    let delivered = send(&world, outgoing, body.wait).await;
    Ok(json!({"messageId": message_id, "conversationId": conversation_id, "delivered": delivered}))
}

/// Starts an inbound event's delivery (with its redeliveries); with `wait`, answers whether it
/// was delivered once they are done, else `null` at once.
async fn send(world: &Arc<World>, outgoing: Option<Outgoing>, wait: bool) -> Value {
    let Some(outgoing) = outgoing else { return Value::Null };
    let delivery = delivery::deliver(world.clone(), outgoing);
    if wait {
        return json!(delivery.await.ok());
    }
    tokio::spawn(delivery);
    Value::Null
}

#[derive(Deserialize)]
struct InboundReaction {
    message_id: String,
    reaction: String,
    /// Answer only after the webhook delivery finished (with its redeliveries).
    #[serde(default)]
    wait: bool,
}

async fn inbound_reaction(State(world): State<Arc<World>>, Json(body): Json<InboundReaction>) -> Response {
    let now_ms = world.clock.now_ms();
    let now = world.now();
    let outgoing = {
        let mut state = world.lock();
        let Some((key, project)) = state.projects.iter_mut().find(|(_, p)| p.messages.contains_key(&body.message_id)) else {
            return Failure::not_found("Message").into_response();
        };
        let key = key.clone();
        let Some(message) = project.messages.get_mut(&body.message_id) else { return Failure::not_found("Message").into_response() };
        if let Err(refused) = messages::takes_reactions(&message.channel) {
            return refused.into_response();
        }
        // The other party of the conversation reacts.
        let from = if message.direction == MessageDirection::Inbound { message.from.clone() } else { message.to.clone() };
        message.reactions.push(ConversationReaction {
            id: Some(crate::ids::new_id("rxn")),
            reaction_type: Some(body.reaction.clone()),
            from_number: Some(from.clone()),
            direction: Some(MessageDirection::Inbound),
            created_at: Some(iso_ms(now_ms)),
            ..Default::default()
        });
        let message = message.clone();
        project.webhook_for(message.agent_id.as_deref()).map(|(webhook, own)| {
            let data = json!({
                "conversationId": message.conversation_id, "numberId": message.number_id, "reactionType": body.reaction,
                "fromNumber": from, "direction": "inbound", "messageId": message.id, "messageBody": message.body,
                "messageMediaUrls": message.media_urls, "createdAt": iso_ms(now_ms),
            });
            let envelope = Envelope {
                event: "agent.reaction",
                channel: message.channel.clone(),
                agent_id: message.agent_id.clone(),
                data,
                conversation_state: None,
                recent_history: None,
                test: false,
            };
            Outgoing {
                key,
                webhook,
                to_agent_webhook: own,
                agent_id: message.agent_id.clone(),
                event: "agent.reaction",
                channel: message.channel.clone(),
                message_id: Some(message.id.clone()),
                body: envelope.to_json(now),
            }
        })
    };
    let delivered = send(&world, outgoing, body.wait).await;
    Json(json!({"messageId": body.message_id, "delivered": delivered})).into_response()
}

#[derive(Deserialize)]
struct InboundCall {
    to: String,
    from: String,
    #[serde(default)]
    script: Option<Vec<String>>,
}

async fn inbound_call(State(world): State<Arc<World>>, Json(body): Json<InboundCall>) -> Response {
    let placed = (|| {
        let (key, number) = owner_of(&world, &body.to)?;
        let from = normalize_e164("from", &body.from).map_err(|e| Failure::invalid("body", "from", &e.problem))?;
        let mut state = world.lock();
        let config = world.config.clone();
        let agent = number
            .agent_id
            .as_ref()
            .and_then(|id| state.project(&key, &config).agents.get(id))
            .cloned()
            .ok_or_else(|| Failure::bad_request("the number has no agent to answer"))?;
        let mut cx = Cx { world: &world, key, now: world.now(), state: &mut state, effects: Vec::new() };
        let to = number.phone_number.clone().unwrap_or_default();
        let call = call_simulation::place(
            &mut cx,
            NewCall {
                agent: &agent,
                number: &number,
                from,
                to,
                direction: CallDirection::Inbound,
                script: body.script.clone(),
                system_prompt: None,
                greeting: None,
                disable_recording: false,
            },
        );
        Ok::<_, Failure>((call, cx.effects))
    })();
    match placed {
        Ok((call, effects)) => {
            for effect in effects {
                tokio::spawn(effect);
            }
            Json(json!({"callId": call.id})).into_response()
        }
        Err(failure) => failure.into_response(),
    }
}

#[derive(Deserialize)]
struct SinkOptions {
    status: Option<u16>,
}

/// Body bytes a sink keeps of one delivery.
const SINK_BODY_BYTES: usize = 64 * 1024;
/// Sinks kept at once.
const MAX_SINKS: usize = 1_000;

async fn sink_receive(
    State(world): State<Arc<World>>,
    Path(name): Path<String>,
    Query(options): Query<SinkOptions>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    // What a sink keeps is bounded: the body up to SINK_BODY_BYTES (the parsed event only when it
    // was that small), the last `sink_capacity` deliveries, and MAX_SINKS sinks.
    let kept = body.len() <= SINK_BODY_BYTES;
    let received = json!({
        "signature": header("x-webhook-signature"),
        "timestamp": header("x-webhook-timestamp"),
        "deliveryId": header("x-webhook-id"),
        "eventType": header("x-webhook-event"),
        "body": String::from_utf8_lossy(&body[..body.len().min(SINK_BODY_BYTES)]),
        "bytes": body.len(),
        "truncated": !kept,
        "event": if kept { event.clone() } else { Value::Null },
    });
    {
        let capacity = world.config.sink_capacity.max(1);
        let mut state = world.lock();
        if !state.sinks.contains_key(&name) && state.sinks.len() >= MAX_SINKS {
            state.sinks.shift_remove_index(0);
        }
        let sink = state.sinks.entry(name).or_default();
        if sink.len() >= capacity {
            sink.pop_front();
        }
        sink.push_back(received);
    }
    let status = axum::http::StatusCode::from_u16(options.status.unwrap_or(200)).unwrap_or(axum::http::StatusCode::OK);
    let reply = match (event["channel"].as_str(), event["data"]["transcript"].as_str()) {
        (Some("voice"), Some(said)) if event["event"] == "agent.message" => json!({"text": format!("You said: {said}")}),
        _ => json!({"received": true}),
    };
    (status, Json(reply)).into_response()
}

async fn sink_list(State(world): State<Arc<World>>, Path(name): Path<String>) -> Json<Value> {
    let received = world.lock().sinks.get(&name).cloned().unwrap_or_default();
    Json(json!({"data": received}))
}
