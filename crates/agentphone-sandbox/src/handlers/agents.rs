//! Agents, their numbers, calls, conversations, voices and per-agent webhooks.

use agentphone::models::*;
use agentphone::normalize_e164;

use crate::generated::requests::*;
use serde_json::json;

use super::{OffsetPage, offset_page};
use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::handlers::{calls, conversations, webhooks};
use crate::ids::new_id;
use crate::state::{Project, agent_number};
use crate::time::iso;

pub(crate) fn find<'p>(project: &'p Project, agent_id: &str) -> Result<&'p Agent, Failure> {
    project.agents.get(agent_id).ok_or_else(|| Failure::not_found("Agent"))
}

pub(crate) fn list_agents(cx: &mut Cx<'_>, p: ListAgentsParams) -> Result<Reply, Failure> {
    let project = cx.project();
    let all: Vec<Agent> = project.agents.values().rev().map(|a| project.agent_view(a)).collect();
    let OffsetPage { items, has_more, total } = offset_page(all, p.limit, p.offset, 20);
    Ok(Reply::json(AgentList { data: items, has_more: Some(has_more), total: Some(total), ..Default::default() }))
}

pub(crate) fn create_agent(cx: &mut Cx<'_>, p: CreateAgentParams) -> Result<Reply, Failure> {
    let agent = Agent {
        id: new_id("agt"),
        name: Some(p.name),
        description: p.description,
        voice_mode: Some(p.voice_mode.unwrap_or(VoiceMode::Webhook)),
        enable_messaging: Some(p.enable_messaging.unwrap_or(true)),
        model_tier: Some(p.model_tier.unwrap_or(ModelTier::Balanced)),
        system_prompt: p.system_prompt,
        begin_message: p.begin_message,
        voice: Some(p.voice.unwrap_or_else(|| "alloy".into())),
        transfer_number: p.transfer_number.map(|n| normalize_e164("transfer_number", &n).unwrap_or(n)),
        custom_tools: p.custom_tools,
        voicemail_message: p.voicemail_message,
        call_screening_identity: p.call_screening_identity,
        call_screening_purpose: p.call_screening_purpose,
        stt_mode: Some(p.stt_mode.unwrap_or(SttMode::Fast)),
        ambient_sound: Some(p.ambient_sound.unwrap_or(AmbientSound::None)),
        denoising_mode: Some(p.denoising_mode.unwrap_or(DenoisingMode::NoiseCancellation)),
        max_silence_ms: Some(p.max_silence_ms.unwrap_or(600_000)),
        voice_speed: Some(p.voice_speed.unwrap_or(1.0)),
        interruption_sensitivity: Some(p.interruption_sensitivity.unwrap_or(0.8)),
        enable_backchannel: Some(p.enable_backchannel.unwrap_or(true)),
        language: Some(p.language.map_or_else(|| "en-US".to_owned(), |l| l.to_string())),
        created_at: Some(iso(cx.now)),
        numbers: Some(Vec::new()),
        ..Default::default()
    };
    let project = cx.project();
    project.agents.insert(agent.id.clone(), agent.clone());
    Ok(Reply::json(project.agent_view(&agent)))
}

pub(crate) fn get_agent(cx: &mut Cx<'_>, p: GetAgentParams) -> Result<Reply, Failure> {
    let project = cx.project();
    let agent = find(project, &p.agent_id)?;
    Ok(Reply::json(project.agent_view(agent)))
}

pub(crate) fn update_agent(cx: &mut Cx<'_>, p: UpdateAgentParams) -> Result<Reply, Failure> {
    let project = cx.project();
    let agent = project.agents.get_mut(&p.agent_id).ok_or_else(|| Failure::not_found("Agent"))?;
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(value) = p.$field { agent.$field = Some(value); } )* };
    }
    set!(
        name,
        description,
        voice_mode,
        model_tier,
        system_prompt,
        begin_message,
        voice,
        voicemail_message,
        stt_mode,
        ambient_sound,
        denoising_mode
    );
    set!(
        max_silence_ms,
        enable_messaging,
        enable_backchannel,
        interruption_sensitivity,
        voice_speed,
        custom_tools,
        call_screening_identity,
        call_screening_purpose
    );
    if let Some(number) = p.transfer_number {
        agent.transfer_number = Some(normalize_e164("transfer_number", &number).unwrap_or(number));
    }
    if let Some(language) = p.language {
        agent.language = Some(language.to_string());
    }
    let agent = agent.clone();
    Ok(Reply::json(project.agent_view(&agent)))
}

pub(crate) fn delete_agent(cx: &mut Cx<'_>, p: DeleteAgentParams) -> Result<Reply, Failure> {
    let project = cx.project();
    let agent = project.agents.shift_remove(&p.agent_id).ok_or_else(|| Failure::not_found("Agent"))?;
    let mut unassigned = Vec::new();
    for number in project.numbers.values_mut().filter(|n| n.agent_id.as_deref() == Some(&agent.id)) {
        number.agent_id = None;
        unassigned.push(number.id.clone());
    }
    for record in project.calls.values_mut().filter(|c| c.call.agent_id.as_deref() == Some(&agent.id)) {
        record.call.agent_id = None;
    }
    for record in project.conversations.values_mut().filter(|c| c.conversation.agent_id.as_deref() == Some(&agent.id)) {
        record.conversation.agent_id = None;
    }
    project.agent_webhooks.remove(&agent.id);
    Ok(Reply::json(DeleteAgentResponse {
        success: Some(true),
        id: Some(agent.id),
        name: agent.name,
        message: Some("Agent deleted".into()),
        unassigned_numbers: Some(unassigned),
        ..Default::default()
    }))
}

pub(crate) fn attach_number(cx: &mut Cx<'_>, p: AttachNumberParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.agent_id)?;
    let number = project.numbers.get_mut(&p.number_id).ok_or_else(|| Failure::not_found("Phone number"))?;
    if number.status.as_deref() != Some("active") {
        return Err(Failure::bad_request("a released number cannot be attached"));
    }
    number.agent_id = Some(p.agent_id.clone());
    Ok(Reply::json(AttachNumberResponse { agent_id: Some(p.agent_id), number: Some(agent_number(number)), ..Default::default() }))
}

pub(crate) fn detach_number(cx: &mut Cx<'_>, p: DetachNumberParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.agent_id)?;
    let number = project
        .numbers
        .get_mut(&p.number_id)
        .filter(|n| n.agent_id.as_deref() == Some(&p.agent_id))
        .ok_or_else(|| Failure::not_found("Phone number on this agent"))?;
    number.agent_id = None;
    Ok(Reply::json(SuccessResponse { success: Some(true), message: Some("Number detached".into()), ..Default::default() }))
}

pub(crate) fn list_agent_calls(cx: &mut Cx<'_>, p: ListAgentCallsParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.agent_id)?;
    Ok(calls::call_page(project, |c| c.agent_id.as_deref() == Some(&p.agent_id), p.limit, p.offset))
}

pub(crate) fn list_agent_conversations(cx: &mut Cx<'_>, p: ListAgentConversationsParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.agent_id)?;
    Ok(conversations::conversation_page(project, |c| c.agent_id.as_deref() == Some(&p.agent_id), p.limit, p.offset))
}

pub(crate) fn list_voices(_cx: &mut Cx<'_>, _p: ListVoicesParams) -> Result<Reply, Failure> {
    Ok(Reply::Json(
        200,
        json!({"data": [
            {"voiceId": "alloy", "name": "Alloy", "provider": "openai", "gender": "neutral"},
            {"voiceId": "nova", "name": "Nova", "provider": "openai", "gender": "female"},
            {"voiceId": "11labs-Brian", "name": "Brian", "provider": "elevenlabs", "gender": "male"},
            {"voiceId": "Polly.Amy", "name": "Amy", "provider": "polly", "gender": "female", "accent": "British"},
            {"voiceId": "Polly.Joanna", "name": "Joanna", "provider": "polly", "gender": "female", "accent": "American"}
        ]}),
    ))
}

pub(crate) fn get_agent_webhook(cx: &mut Cx<'_>, p: GetAgentWebhookParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.agent_id)?;
    Ok(Reply::json(project.agent_webhooks.get(&p.agent_id)))
}

pub(crate) fn set_agent_webhook(cx: &mut Cx<'_>, p: SetAgentWebhookParams) -> Result<Reply, Failure> {
    let now = cx.now;
    let project = cx.project();
    find(project, &p.agent_id)?;
    let webhook = webhooks::new_webhook(p.url, p.context_limit, p.response_timeout, now);
    project.agent_webhooks.insert(p.agent_id, webhook.clone());
    Ok(Reply::json(webhook))
}

pub(crate) fn delete_agent_webhook(cx: &mut Cx<'_>, p: DeleteAgentWebhookParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.agent_id)?;
    project.agent_webhooks.remove(&p.agent_id).ok_or_else(|| Failure::not_found("Agent webhook"))?;
    Ok(Reply::json(SuccessResponse { success: Some(true), ..Default::default() }))
}

pub(crate) fn list_agent_webhook_deliveries(cx: &mut Cx<'_>, p: ListAgentWebhookDeliveriesParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.agent_id)?;
    let limit = p.limit.unwrap_or(50) as usize;
    let items: Vec<WebhookDelivery> = project
        .deliveries
        .iter()
        .rev()
        .filter(|d| d.to_agent_webhook && d.agent_id.as_deref() == Some(&p.agent_id))
        .take(limit)
        .map(|d| d.delivery.clone())
        .collect();
    Ok(Reply::json(items))
}

pub(crate) fn test_agent_webhook(cx: &mut Cx<'_>, p: TestAgentWebhookParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.agent_id)?;
    let webhook =
        project.agent_webhooks.get(&p.agent_id).cloned().ok_or_else(|| Failure::bad_request("this agent has no webhook; set one first"))?;
    Ok(webhooks::test_delivery(cx, webhook, Some(p.agent_id), true, webhooks::TestOverrides::default()))
}
