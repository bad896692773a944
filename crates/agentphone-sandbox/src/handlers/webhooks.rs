//! The project webhook: configuration, the deliveries log, its statistics, and test deliveries.

use std::collections::BTreeMap;

use agentphone::models::*;

use crate::generated::requests::*;
use serde_json::{Value, json};

use super::offset_page;
use crate::delivery::{self, Envelope, Outgoing};
use crate::delivery_log::DeliveryLog;
use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::ids::{new_id, secret};
use crate::state::DeliveryRecord;
use crate::time::iso;

/// A webhook with a fresh secret: every set rotates it.
pub(crate) fn new_webhook(url: String, context_limit: Option<i64>, timeout: Option<i64>, now: i64) -> Webhook {
    Webhook {
        id: Some(new_id("wh")),
        url,
        secret: Some(secret()),
        status: Some("active".into()),
        context_limit: Some(context_limit.unwrap_or(10)),
        timeout: Some(timeout.unwrap_or(30)),
        created_at: Some(iso(now)),
        ..Default::default()
    }
}

pub(crate) fn get_webhook(cx: &mut Cx<'_>, _p: GetWebhookParams) -> Result<Reply, Failure> {
    Ok(Reply::json(&cx.project().webhook))
}

pub(crate) fn set_webhook(cx: &mut Cx<'_>, p: SetWebhookParams) -> Result<Reply, Failure> {
    let webhook = new_webhook(p.url, p.context_limit, p.response_timeout, cx.now);
    cx.project().webhook = Some(webhook.clone());
    Ok(Reply::json(webhook))
}

pub(crate) fn delete_webhook(cx: &mut Cx<'_>, _p: DeleteWebhookParams) -> Result<Reply, Failure> {
    cx.project().webhook.take().ok_or_else(|| Failure::not_found("Webhook"))?;
    Ok(Reply::json(SuccessResponse { success: Some(true), ..Default::default() }))
}

fn project_deliveries(records: &DeliveryLog, since: Option<i64>) -> impl Iterator<Item = &DeliveryRecord> {
    records.iter().rev().filter(move |d| !d.to_agent_webhook && since.is_none_or(|s| d.at >= s))
}

pub(crate) fn list_webhook_deliveries(cx: &mut Cx<'_>, p: ListWebhookDeliveriesParams) -> Result<Reply, Failure> {
    let since = p.hours.map(|h| cx.now - h * 3600);
    let all: Vec<WebhookDelivery> = project_deliveries(&cx.project().deliveries, since).map(|d| d.delivery.clone()).collect();
    let limit = p.limit.unwrap_or(50);
    let offset = p.offset.unwrap_or(0);
    let page = offset_page(all, Some(limit), Some(offset), 50);
    Ok(Reply::json(WebhookDeliveryPage {
        items: page.items,
        total: Some(page.total),
        offset: Some(offset),
        limit: Some(limit),
        ..Default::default()
    }))
}

fn status_of(d: &DeliveryRecord) -> &str {
    d.delivery.status.as_deref().unwrap_or("pending")
}

fn rate(success: i64, total: i64) -> f64 {
    if total == 0 { 0.0 } else { (success as f64 * 1000.0 / total as f64).round() / 10.0 }
}

pub(crate) fn get_webhook_delivery_stats(cx: &mut Cx<'_>, p: GetWebhookDeliveryStatsParams) -> Result<Reply, Failure> {
    let hours = p.hours.unwrap_or(24);
    let since = cx.now - hours * 3600;
    let records: Vec<&DeliveryRecord> = project_deliveries(&cx.project().deliveries, Some(since)).collect();
    let count = |status: &str| records.iter().filter(|d| status_of(d) == status).count() as i64;
    let (success, failed, pending) = (count("success"), count("failed"), count("pending"));
    let mut by_event: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let mut by_hour: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for d in &records {
        let event = d.delivery.event_type.clone().unwrap_or_default();
        *by_event.entry(event).or_default().entry(status_of(d).to_owned()).or_default() += 1;
        let hour = format!("{}:00:00Z", &iso(d.at)[..13]);
        let slot = by_hour.entry(hour).or_default();
        match status_of(d) {
            "success" => slot.0 += 1,
            "failed" => slot.1 += 1,
            _ => slot.2 += 1,
        }
    }
    let by_hour: Vec<Value> =
        by_hour.into_iter().map(|(hour, (s, f, pe))| json!({"hour": hour, "success": s, "failed": f, "pending": pe})).collect();
    let total = records.len() as i64;
    Ok(Reply::json(WebhookDeliveryStats {
        total: Some(total),
        success: Some(success),
        failed: Some(failed),
        pending: Some(pending),
        success_rate: Some(rate(success, total)),
        by_event_type: Some(serde_json::to_value(by_event).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default()),
        by_hour: Some(by_hour),
        ..Default::default()
    }))
}

pub(crate) fn get_webhook_all_time_stats(cx: &mut Cx<'_>, _p: GetWebhookAllTimeStatsParams) -> Result<Reply, Failure> {
    let records: Vec<&DeliveryRecord> = project_deliveries(&cx.project().deliveries, None).collect();
    let success = records.iter().filter(|d| status_of(d) == "success").count() as i64;
    let failed = records.iter().filter(|d| status_of(d) == "failed").count() as i64;
    let total = records.len() as i64;
    Ok(Reply::json(WebhookAllTimeStats {
        total: Some(total),
        success: Some(success),
        failed: Some(failed),
        success_rate: Some(rate(success, total)),
        ..Default::default()
    }))
}

/// What a synthetic test event says, where the caller overrides the defaults.
#[derive(Debug, Default)]
pub(crate) struct TestOverrides {
    pub from: Option<String>,
    pub to: Option<String>,
    pub message: Option<String>,
    pub channel: Option<Channel>,
}

/// Sends a synthetic `agent.message` marked `test` and reports how the endpoint answered.
pub(crate) fn test_delivery(
    cx: &mut Cx<'_>,
    webhook: Webhook,
    agent_id: Option<String>,
    to_agent_webhook: bool,
    overrides: TestOverrides,
) -> Reply {
    let channel = overrides.channel.unwrap_or(Channel::Sms);
    let message_id = new_id("msg");
    let data = json!({
        "messageId": message_id,
        "conversationId": null,
        "numberId": null,
        "from": overrides.from.unwrap_or_else(|| "+15555550100".into()),
        "to": overrides.to.unwrap_or_else(|| "+15555550199".into()),
        "contact": null,
        "message": overrides.message.unwrap_or_else(|| "This is a test event from the AgentPhone sandbox.".into()),
        "mediaUrl": null,
        "mediaUrls": [],
        "direction": "inbound",
        "receivedAt": iso(cx.now),
    });
    let envelope = Envelope {
        event: "agent.message",
        channel: channel.clone(),
        agent_id: agent_id.clone(),
        data,
        conversation_state: None,
        recent_history: Some(Vec::new()),
        test: true,
    };
    let outgoing = Outgoing {
        key: cx.key.clone(),
        webhook,
        to_agent_webhook,
        agent_id,
        event: "agent.message",
        channel,
        message_id: Some(message_id),
        body: envelope.to_json(cx.now),
    };
    let world = cx.world.clone();
    Reply::Later(Box::pin(async move {
        let answer = delivery::deliver_once(world, outgoing).await;
        Ok(Reply::json(WebhookTestResult {
            success: Some(answer.ok()),
            status_code: answer.status.map(i64::from),
            response_ms: Some(answer.millis as i64),
            error: answer.error,
            ..Default::default()
        }))
    }))
}

pub(crate) fn test_webhook(cx: &mut Cx<'_>, p: TestWebhookParams) -> Result<Reply, Failure> {
    let project = cx.project();
    if let Some(agent_id) = &p.agent_id {
        project.agents.get(agent_id).ok_or_else(|| Failure::not_found("Agent"))?;
    }
    let (webhook, to_agent) =
        project.webhook_for(p.agent_id.as_deref()).ok_or_else(|| Failure::bad_request("no webhook is set; set one first"))?;
    let overrides = TestOverrides { from: p.from_number, to: p.to_number, message: p.message, channel: p.channel };
    Ok(test_delivery(cx, webhook, p.agent_id, to_agent, overrides))
}
