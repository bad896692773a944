//! Calls: placing them (the simulation runs in `crate::calls`), reading them, ending them, and
//! their transcripts and recordings.

use agentphone::models::*;
use agentphone::normalize_e164;

use crate::generated::requests::*;
use serde_json::json;

use super::{CALL_CENTS, OffsetPage, charge, offset_page};
use crate::call_simulation::{self, NewCall};
use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::recording;
use crate::state::{CallRecord, Project};
use crate::time::iso;

/// A page of calls, newest first, without transcripts.
pub(crate) fn call_page(project: &Project, keep: impl Fn(&Call) -> bool, limit: Option<i64>, offset: Option<i64>) -> Reply {
    let all: Vec<Call> =
        project.calls.values().rev().filter(|c| keep(&c.call)).map(|c| Call { transcripts: None, ..call_simulation::view(c) }).collect();
    let OffsetPage { items, has_more, total } = offset_page(all, limit, offset, 20);
    Reply::json(CallList { data: items, has_more: Some(has_more), total: Some(total), ..Default::default() })
}

fn find<'p>(project: &'p Project, call_id: &str) -> Result<&'p CallRecord, Failure> {
    project.calls.get(call_id).ok_or_else(|| Failure::not_found("Call"))
}

pub(crate) fn list_calls(cx: &mut Cx<'_>, p: ListCallsParams) -> Result<Reply, Failure> {
    let web = |c: &Call| c.direction == Some(CallDirection::Web);
    let keep = |c: &Call| {
        p.status.as_ref().is_none_or(|s| c.status.as_ref() == Some(s))
            && p.direction.as_ref().is_none_or(|d| c.direction.as_ref() == Some(d))
            && p.r#type.as_ref().is_none_or(|t| match t {
                CallType::Web => web(c),
                _ => !web(c),
            })
            && p.search
                .as_deref()
                .is_none_or(|s| [&c.from_number, &c.to_number].iter().any(|n| n.as_deref().is_some_and(|n| n.contains(s))))
    };
    Ok(call_page(cx.project(), keep, p.limit, p.offset))
}

/// Calls a project may have in progress at once (the sandbox plan's `concurrentCalls`).
pub(crate) const CONCURRENT_CALLS: usize = 5;

pub(crate) fn create_call(cx: &mut Cx<'_>, p: CreateCallParams) -> Result<Reply, Failure> {
    let to = normalize_e164("to_number", &p.to_number).map_err(|e| Failure::invalid("body", "toNumber", &e.problem))?;
    let project = cx.project();
    let agent = project.agents.get(&p.agent_id).ok_or_else(|| Failure::not_found("Agent"))?.clone();
    let active_for_agent = |n: &&PhoneNumber| n.agent_id.as_deref() == Some(&agent.id) && n.status.as_deref() == Some("active");
    let number = match &p.from_number_id {
        Some(id) => project
            .numbers
            .get(id)
            .filter(active_for_agent)
            .ok_or_else(|| Failure::bad_request("from_number_id must be an active number of this agent"))?,
        None => project
            .numbers
            .values()
            .find(active_for_agent)
            .ok_or_else(|| Failure::bad_request("the agent has no phone number: attach one first"))?,
    }
    .clone();
    if p.model_tier.is_some() && p.system_prompt.is_none() {
        return Err(Failure::bad_request("model_tier applies to hosted calls: give system_prompt too"));
    }
    let live = project.calls.values().filter(|c| c.call.status == Some(CallStatus::InProgress)).count();
    if live >= CONCURRENT_CALLS {
        // Refused before anything happened (nothing charged, nobody dialled): a 429 with
        // `Retry-After`, which clients may retry even for a call.
        let mut failure =
            Failure::coded(429, "CONCURRENT_CALL_LIMIT", format!("Your plan allows {CONCURRENT_CALLS} calls at once; wait for one to end"));
        failure.retry_after = Some("5".into());
        return Err(failure);
    }
    charge(project, CALL_CENTS)?;
    let call = call_simulation::place(
        cx,
        NewCall {
            agent: &agent,
            number: &number,
            from: number.phone_number.clone().unwrap_or_default(),
            to,
            direction: CallDirection::Outbound,
            script: None,
            system_prompt: p.system_prompt,
            greeting: p.initial_greeting,
            disable_recording: p.disable_recording.unwrap_or(false),
        },
    );
    cx.state.stats.calls_placed += 1;
    Ok(Reply::json(call))
}

pub(crate) fn create_web_call(cx: &mut Cx<'_>, p: CreateWebCallParams) -> Result<Reply, Failure> {
    let now = cx.now;
    let project = cx.project();
    let agent = project.agents.get(&p.agent_id).ok_or_else(|| Failure::not_found("Agent"))?.clone();
    let number = PhoneNumber { id: String::new(), ..Default::default() };
    let call = call_simulation::place(
        cx,
        NewCall {
            agent: &agent,
            number: &number,
            from: "web".into(),
            to: "web".into(),
            direction: CallDirection::Web,
            script: None,
            system_prompt: None,
            greeting: None,
            disable_recording: false,
        },
    );
    Ok(Reply::json(WebCall {
        id: Some(call.id.clone()),
        access_token: Some(format!("wct_{:032x}", fastrand::u128(..))),
        agent_id: Some(p.agent_id),
        expires_at: Some(iso(now + 30)),
        ..Default::default()
    }))
}

pub(crate) fn get_call(cx: &mut Cx<'_>, p: GetCallParams) -> Result<Reply, Failure> {
    Ok(Reply::Json(200, call_simulation::view_json(find(cx.project(), &p.call_id)?)))
}

/// Answers at once with the hang-up under way; the simulation ends the call at its next step.
pub(crate) fn end_call(cx: &mut Cx<'_>, p: EndCallParams) -> Result<Reply, Failure> {
    let record = cx.project().calls.get_mut(&p.call_id).ok_or_else(|| Failure::not_found("Call"))?;
    if record.call.status != Some(CallStatus::InProgress) || record.end_requested {
        let state =
            if record.end_requested { "ending".into() } else { record.call.status.as_ref().map_or_else(String::new, |s| s.to_string()) };
        return Err(Failure::coded(409, "CALL_NOT_IN_PROGRESS", format!("the call is {state}; only a call in progress can be ended")));
    }
    record.end_requested = true;
    cx.world.clock.moved.notify_waiters();
    Ok(Reply::json(CallEnding { id: p.call_id, status: Some("ending".into()), ..Default::default() }))
}

pub(crate) fn get_call_recording(cx: &mut Cx<'_>, p: GetCallRecordingParams) -> Result<Reply, Failure> {
    let record = find(cx.project(), &p.call_id)?;
    if record.call.recording_available != Some(true) {
        return Err(Failure::not_found("Recording"));
    }
    let seconds = record.call.duration_seconds.unwrap_or(1).max(1) as u32;
    Ok(Reply::Bytes { content_type: "audio/wav", filename: format!("recording-{}.wav", p.call_id), data: recording::wav(seconds) })
}

pub(crate) fn get_call_transcript(cx: &mut Cx<'_>, p: GetCallTranscriptParams) -> Result<Reply, Failure> {
    let record = find(cx.project(), &p.call_id)?;
    // Both documented shapes at once: turn pairs under `data`, role-tagged lines under `transcript`.
    let view = call_simulation::view_json(record);
    let lines: Vec<_> = record.lines.iter().map(|l| json!({"role": l.role, "content": l.content, "createdAt": iso(l.at)})).collect();
    Ok(Reply::Json(200, json!({"callId": p.call_id, "status": record.call.status, "data": view["transcripts"], "transcript": lines})))
}

pub(crate) fn stream_call_transcript(cx: &mut Cx<'_>, p: StreamCallTranscriptParams) -> Result<Reply, Failure> {
    find(cx.project(), &p.call_id)?;
    Ok(Reply::TranscriptStream(p.call_id))
}
