//! Simulated calls. A call moves through its statuses on the sandbox clock: the callee speaks the
//! lines of a script, one per turn; the agent answers each turn, either with the built-in
//! responder (hosted mode, or a call with a system prompt) or through the real voice-webhook loop
//! (a signed `agent.message` on channel `voice`, answered with JSON or NDJSON). `hangup`,
//! `action` and `digits` are honoured; `agent.call_ended` is delivered at the end.

use std::convert::Infallible;
use std::sync::Arc;

use agentphone::models::*;
use agentphone::webhook::parse_voice_reply;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::broadcast;

use crate::delivery::{self, Envelope, Outgoing};
use crate::handler::Cx;
use crate::ids::new_id;
use crate::state::{CallRecord, LiveTurn, TranscriptLine, World};
use crate::time::iso;

/// What the person on the other end says, one line per turn.
const OUTBOUND_SCRIPT: [&str; 3] = ["Hello?", "Sure, I have a minute.", "Sounds good. Thanks, bye!"];
const INBOUND_SCRIPT: [&str; 3] = ["Hi, I'm calling about my order.", "It's order 4521.", "Great, thank you. Bye!"];

pub(crate) struct NewCall<'a> {
    pub agent: &'a Agent,
    pub number: &'a PhoneNumber,
    pub from: String,
    pub to: String,
    pub direction: CallDirection,
    pub script: Option<Vec<String>>,
    pub system_prompt: Option<String>,
    pub greeting: Option<String>,
    /// Placed with `disable_recording`.
    pub disable_recording: bool,
}

/// Creates the call and starts its simulation once the state lock is released.
pub(crate) fn place(cx: &mut Cx<'_>, new: NewCall<'_>) -> Call {
    let id = new_id("call");
    let default_script = if new.direction == CallDirection::Inbound { INBOUND_SCRIPT } else { OUTBOUND_SCRIPT };
    let call = Call {
        id: id.clone(),
        agent_id: Some(new.agent.id.clone()),
        agent_name: new.agent.name.clone(),
        phone_number_id: (!new.number.id.is_empty()).then(|| new.number.id.clone()),
        phone_number: new.number.phone_number.clone(),
        from_number: Some(new.from),
        to_number: Some(new.to),
        direction: Some(new.direction),
        status: Some(CallStatus::InProgress),
        started_at: Some(iso(cx.now)),
        recording_available: Some(false),
        transcripts: Some(Vec::new()),
        ..Default::default()
    };
    let record = CallRecord {
        call: call.clone(),
        lines: Vec::new(),
        started: cx.now,
        script: new.script.unwrap_or_else(|| default_script.iter().map(|s| (*s).to_owned()).collect()),
        end_requested: false,
        record_audio: !new.disable_recording,
        disconnection_reason: None,
        system_prompt: new.system_prompt,
        greeting: new.greeting.or_else(|| new.agent.begin_message.clone()),
    };
    let capacity = cx.world.config.call_capacity.max(1);
    let project = cx.project();
    project.calls.insert(id.clone(), record);
    // The oldest ended calls go first; a call in progress stays whatever the count.
    let mut forgotten = Vec::new();
    while project.calls.len() > capacity {
        let Some(oldest) = project.calls.values().position(|c| c.call.status != Some(CallStatus::InProgress)) else { break };
        if let Some((old_id, _)) = project.calls.shift_remove_index(oldest) {
            forgotten.push(old_id);
        }
    }
    for old_id in forgotten {
        cx.state.call_owner.remove(&old_id);
    }
    cx.state.call_owner.insert(id.clone(), cx.key.clone());
    cx.state.live.insert(id.clone(), broadcast::channel(64).0);
    let (world, key) = (cx.world.clone(), cx.key.clone());
    cx.spawn(drive(world, key, id));
    call
}

/// The call as the API shows it: transcript turns as (caller, agent) pairs.
pub(crate) fn view(record: &CallRecord) -> Call {
    let mut pairs: Vec<CallTranscript> = Vec::new();
    for line in &record.lines {
        match (line.role, pairs.last_mut()) {
            ("agent", Some(last)) if last.response.is_none() && last.transcript.is_some() => last.response = Some(line.content.clone()),
            (role, _) => pairs.push(CallTranscript {
                id: Some(format!("tr_{:03}", pairs.len() + 1)),
                transcript: (role == "user").then(|| line.content.clone()),
                response: (role == "agent").then(|| line.content.clone()),
                confidence: (role == "user").then_some(0.95),
                created_at: Some(iso(line.at)),
                ..Default::default()
            }),
        }
    }
    let snippet = record.lines.last().map(|l| l.content.clone());
    Call { transcripts: Some(pairs), last_transcript_snippet: snippet, ..record.call.clone() }
}

/// [`view`] as the API writes it: every transcript turn has every key, `transcript` an empty
/// string on a turn the agent opened (the greeting) and `null` where a value is missing, because
/// clients read the keys unconditionally.
pub(crate) fn view_json(record: &CallRecord) -> serde_json::Value {
    let mut call = serde_json::to_value(view(record)).unwrap_or_default();
    for turn in call["transcripts"].as_array_mut().into_iter().flatten() {
        let Some(turn) = turn.as_object_mut() else { continue };
        turn.entry("transcript").or_insert_with(|| serde_json::Value::String(String::new()));
        for key in ["id", "response", "confidence", "createdAt"] {
            turn.entry(key).or_insert(serde_json::Value::Null);
        }
    }
    call
}

/// How the agent's side of a turn went.
#[derive(Debug, Default)]
struct AgentTurn {
    text: Option<String>,
    end: Option<&'static str>,
    digits: Option<String>,
}

/// Runs the call to its end.
async fn drive(world: Arc<World>, key: String, call_id: String) {
    let Some(setup) = read(&world, &key, &call_id, |project, record| {
        let agent = record.call.agent_id.as_deref().and_then(|id| project.agents.get(id)).cloned();
        let hosted = record.system_prompt.is_some() || agent.as_ref().is_some_and(|a| a.voice_mode == Some(VoiceMode::Hosted));
        let webhook = project.webhook_for(record.call.agent_id.as_deref());
        (record.greeting.clone(), record.script.clone(), hosted, webhook, agent, record.call.to_number.clone().unwrap_or_default())
    }) else {
        return;
    };
    let (greeting, script, hosted, webhook, agent, to) = setup;
    let mut reason = "user_hangup";
    // Sandbox convention: an outbound call to a number ending in 0000 is not answered.
    if to.ends_with("0000") {
        finish(&world, &key, &call_id, CallStatus::Failed, "no_answer").await;
        return;
    }
    if let Some(greeting) = greeting {
        say(&world, &key, &call_id, "agent", greeting);
    }
    for (turn, utterance) in script.into_iter().enumerate() {
        wait(&world).await;
        if read(&world, &key, &call_id, |_, record| record.end_requested).unwrap_or(true) {
            reason = "api_end";
            break;
        }
        say(&world, &key, &call_id, "user", utterance.clone());
        let answer = if hosted {
            hosted_reply(agent.as_ref(), &utterance, turn)
        } else if let Some((webhook, own)) = &webhook {
            voice_turn(&world, &key, &call_id, webhook.clone(), *own, &utterance).await
        } else {
            AgentTurn::default()
        };
        if let Some(text) = answer.text {
            say(&world, &key, &call_id, "agent", text);
        }
        if let Some(digits) = answer.digits {
            say(&world, &key, &call_id, "agent", format!("[pressed {digits}]"));
        }
        if let Some(end) = answer.end {
            reason = end;
            break;
        }
    }
    finish(&world, &key, &call_id, CallStatus::Completed, reason).await;
}

/// Reads from the call's record under the lock.
fn read<T>(world: &World, key: &str, call_id: &str, f: impl FnOnce(&crate::state::Project, &CallRecord) -> T) -> Option<T> {
    let state = world.lock();
    let project = state.projects.get(key)?;
    let record = project.calls.get(call_id)?;
    Some(f(project, record))
}

/// Waits one turn, or less if the clock is moved or the call is ended.
async fn wait(world: &World) {
    tokio::select! {
        () = tokio::time::sleep(world.config.turn_delay) => {}
        () = world.clock.moved.notified() => {}
    }
}

/// Adds a line to the transcript and tells live listeners.
fn say(world: &World, key: &str, call_id: &str, role: &'static str, content: String) {
    let now = world.now();
    let mut state = world.lock();
    let Some(record) = state.projects.get_mut(key).and_then(|p| p.calls.get_mut(call_id)) else { return };
    let line = TranscriptLine { role, content, at: now };
    record.lines.push(line.clone());
    if let Some(live) = state.live.get(call_id) {
        let _ = live.send(LiveTurn::Line(line));
    }
}

/// The built-in agent of hosted mode: short, polite, and it says goodbye when the caller does.
fn hosted_reply(agent: Option<&Agent>, utterance: &str, turn: usize) -> AgentTurn {
    let name = agent.and_then(|a| a.name.clone()).unwrap_or_else(|| "your assistant".into());
    let lower = utterance.to_lowercase();
    if lower.contains("bye") {
        return AgentTurn { text: Some("Thanks for your time. Goodbye!".into()), end: Some("agent_hangup"), digits: None };
    }
    let text = if turn == 0 {
        format!("Hi, this is {name}. How can I help you today?")
    } else {
        format!("Got it: \"{}\". Anything else I can do?", utterance.trim_end_matches(['.', '!', '?']))
    };
    AgentTurn { text: Some(text), ..AgentTurn::default() }
}

/// One turn of the voice-webhook loop: post the caller's words, speak the reply.
async fn voice_turn(world: &Arc<World>, key: &str, call_id: &str, webhook: Webhook, to_agent_webhook: bool, utterance: &str) -> AgentTurn {
    let Some((envelope, agent_id)) = read(world, key, call_id, |_, record| {
        let limit = webhook.context_limit.unwrap_or(10).max(0) as usize;
        let earlier = &record.lines[..record.lines.len().saturating_sub(1)];
        let history: Vec<HistoryItem> = earlier[earlier.len().saturating_sub(limit)..]
            .iter()
            .map(|l| HistoryItem {
                content: Some(l.content.clone()),
                direction: Some(if l.role == "user" { MessageDirection::Inbound } else { MessageDirection::Outbound }),
                channel: Some(Channel::Voice),
                at: Some(iso(l.at)),
                ..Default::default()
            })
            .collect();
        let call = &record.call;
        let data = json!({
            "callId": call.id, "numberId": call.phone_number_id, "from": call.from_number, "to": call.to_number,
            "status": "in-progress", "transcript": utterance, "confidence": 0.95, "direction": call.direction,
        });
        let envelope = Envelope {
            event: "agent.message",
            channel: Channel::Voice,
            agent_id: call.agent_id.clone(),
            data,
            conversation_state: None,
            recent_history: Some(history),
            test: false,
        };
        (envelope, call.agent_id.clone())
    }) else {
        return AgentTurn::default();
    };
    let body = envelope.to_json(world.now());
    let outgoing = Outgoing {
        key: key.to_owned(),
        webhook,
        to_agent_webhook,
        agent_id,
        event: "agent.message",
        channel: Channel::Voice,
        message_id: None,
        body,
    };
    let answer = delivery::deliver_once(world.clone(), outgoing).await;
    if !answer.ok() {
        return AgentTurn::default();
    }
    // A reply that is not a JSON object is ignored: the caller hears silence.
    let Ok(chunks) = parse_voice_reply(answer.content_type.as_deref(), &answer.body) else { return AgentTurn::default() };
    let texts: Vec<String> = chunks.iter().filter_map(|c| c.text.clone()).filter(|t| !t.trim().is_empty()).collect();
    let digits: String = chunks.iter().filter_map(|c| c.digits.clone()).collect();
    let end = if chunks.iter().any(|c| c.action == Some(VoiceAction::Transfer)) {
        Some("transferred")
    } else if chunks.iter().any(|c| c.hangup == Some(true) || c.action == Some(VoiceAction::Hangup)) {
        Some("agent_hangup")
    } else {
        None
    };
    AgentTurn { text: (!texts.is_empty()).then(|| texts.join(" ")), end, digits: (!digits.is_empty()).then_some(digits) }
}

/// Ends the call, tells live listeners, and delivers `agent.call_ended`.
async fn finish(world: &Arc<World>, key: &str, call_id: &str, status: CallStatus, reason: &'static str) {
    let turn_seconds = i64::from(world.config.turn_seconds);
    let ended = {
        let mut state = world.lock();
        let Some(project) = state.projects.get_mut(key) else { return };
        let Some(record) = project.calls.get_mut(call_id) else { return };
        let answered = status == CallStatus::Completed;
        let turns = record.lines.iter().filter(|l| l.role == "user").count() as i64;
        let duration = if answered { (turns * turn_seconds).max(1) } else { 0 };
        record.call.status = Some(status);
        record.call.ended_at = Some(iso(record.started + duration));
        record.call.duration_seconds = Some(duration);
        // `disable_recording` keeps the audio from being stored; the transcript still is.
        record.call.recording_available = Some(answered && record.record_audio);
        record.disconnection_reason = Some(reason.to_owned());
        let record = record.clone();
        let webhook = project.webhook_for(record.call.agent_id.as_deref());
        let contact = project
            .contacts
            .values()
            .find(|c| c.phone_number == record.call.to_number || c.phone_number == record.call.from_number)
            .cloned();
        if let Some(live) = state.live.remove(call_id) {
            let _ = live.send(LiveTurn::Ended { duration_seconds: duration });
        }
        (record, webhook, contact)
    };
    let (record, webhook, contact) = ended;
    let Some((webhook, own)) = webhook else { return };
    let call = &record.call;
    let transcript: Vec<_> = record.lines.iter().map(|l| json!({"role": l.role, "content": l.content})).collect();
    let contact = contact.map(|c| json!({"id": c.id, "name": c.name, "email": c.email, "phoneNumber": c.phone_number}));
    let data = json!({
        "callId": call.id, "numberId": call.phone_number_id, "from": call.from_number, "to": call.to_number, "contact": contact,
        "direction": call.direction, "status": call.status, "startedAt": call.started_at, "endedAt": call.ended_at,
        "durationSeconds": call.duration_seconds, "disconnectionReason": reason, "transcript": transcript,
        "summary": record.lines.iter().find(|l| l.role == "user").map(|l| format!("Caller said: {}", l.content)),
        "userSentiment": "Neutral", "callSuccessful": call.status == Some(CallStatus::Completed),
    });
    let envelope = Envelope {
        event: "agent.call_ended",
        channel: Channel::Voice,
        agent_id: call.agent_id.clone(),
        data,
        conversation_state: None,
        recent_history: None,
        test: false,
    };
    let outgoing = Outgoing {
        key: key.to_owned(),
        webhook,
        to_agent_webhook: own,
        agent_id: call.agent_id.clone(),
        event: "agent.call_ended",
        channel: Channel::Voice,
        message_id: None,
        body: envelope.to_json(world.now()),
    };
    delivery::deliver(world.clone(), outgoing).await;
}

/// `GET /v1/calls/{id}/transcript/stream`: `connected`, the turns so far, live turns, `ended`.
pub(crate) fn transcript_stream(world: Arc<World>, call_id: &str) -> Response {
    let (history, live, ended) = {
        let state = world.lock();
        let owner = state.call_owner.get(call_id).cloned().unwrap_or_default();
        let record = state.projects.get(&owner).and_then(|p| p.calls.get(call_id));
        let history = record.map(|r| r.lines.clone()).unwrap_or_default();
        let ended = record.filter(|r| r.call.status != Some(CallStatus::InProgress)).map(|r| r.call.duration_seconds.unwrap_or(0));
        // Subscribing under the lock: no line falls between the history and the live feed.
        (history, state.live.get(call_id).map(broadcast::Sender::subscribe), ended)
    };
    let turn = |line: &TranscriptLine| {
        Event::default().event("turn").data(json!({"role": line.role, "content": line.content, "createdAt": iso(line.at)}).to_string())
    };
    let ended_event = |seconds: i64| Event::default().event("ended").data(json!({"durationSeconds": seconds}).to_string());
    let mut first = vec![Event::default().event("connected").data(json!({"callId": call_id}).to_string())];
    first.extend(history.iter().map(turn));
    let head = futures_util::stream::iter(first);
    let tail = match (ended, live) {
        (ended, None) | (ended @ Some(_), _) => futures_util::stream::iter(vec![ended_event(ended.unwrap_or(0))]).boxed(),
        (None, Some(receiver)) => futures_util::stream::unfold(Some(receiver), move |receiver| async move {
            let mut receiver = receiver?;
            loop {
                match receiver.recv().await {
                    Ok(LiveTurn::Line(line)) => return Some((turn(&line), Some(receiver))),
                    Ok(LiveTurn::Ended { duration_seconds }) => return Some((ended_event(duration_seconds), None)),
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
        .boxed(),
    };
    let events = head.chain(tail).map(Ok::<_, Infallible>);
    Sse::new(events).keep_alive(KeepAlive::new().interval(world.config.heartbeat).text("heartbeat")).into_response()
}
