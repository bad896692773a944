//! Webhook deliveries: the event envelope, the signature (the core's own signer), the POST, the
//! redelivery schedule, and the record every attempt leaves in the deliveries log.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agentphone::models::*;
use agentphone::webhook::{DELIVERY_ID_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, unix_now};
use serde_json::{Value, json};

use crate::ids::new_id;
use crate::state::{DeliveryRecord, Project, World};
use crate::time::{iso, iso_ms};

/// An event on its way to a webhook.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub key: String,
    pub webhook: Webhook,
    pub to_agent_webhook: bool,
    pub agent_id: Option<String>,
    pub event: &'static str,
    pub channel: Channel,
    pub message_id: Option<String>,
    pub body: Value,
}

/// What one attempt got back.
#[derive(Debug, Clone, Default)]
pub(crate) struct Answer {
    pub status: Option<u16>,
    pub millis: u64,
    pub error: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub(crate) fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// The API redelivers after a 5xx, a timeout or a failed connection, never after a 4xx: the
    /// receiver said the delivery itself is wrong, and the same bytes will not fare better.
    fn worth_retrying(&self) -> bool {
        !self.ok() && !self.status.is_some_and(|s| (400..500).contains(&s))
    }
}

/// Sandbox-clock time between attempts: the API's backoff, about 21 hours from the first attempt
/// to the last (six attempts in all).
const REDELIVERY_SCHEDULE: [i64; 5] = [60, 10 * 60, 60 * 60, 6 * 60 * 60, 14 * 60 * 60];

/// The envelope every event shares.
pub(crate) struct Envelope {
    pub event: &'static str,
    pub channel: Channel,
    pub agent_id: Option<String>,
    pub data: Value,
    pub conversation_state: Option<Value>,
    pub recent_history: Option<Vec<HistoryItem>>,
    pub test: bool,
}

impl Envelope {
    pub(crate) fn to_json(&self, now: i64) -> Value {
        let mut body = json!({
            "event": self.event,
            "channel": self.channel,
            "timestamp": iso(now),
            "agentId": self.agent_id,
            "data": self.data,
            "conversationState": self.conversation_state,
        });
        if let Some(history) = &self.recent_history {
            body["recentHistory"] = json!(history);
        }
        if self.test {
            body["test"] = json!(true);
        }
        body
    }
}

/// The last `limit` messages of a conversation before the newest, oldest first.
pub(crate) fn recent_history(project: &Project, conversation_id: &str, limit: i64) -> Vec<HistoryItem> {
    // The newest is the message being delivered; the `limit` before it, oldest first.
    let mut items: Vec<_> = project.conversation_messages(conversation_id).rev().skip(1).take(limit.max(0) as usize).collect();
    items.reverse();
    items
        .iter()
        .map(|m| HistoryItem {
            message_id: Some(m.id.clone()),
            content: Some(m.body.clone()),
            direction: Some(m.direction.clone()),
            channel: Some(m.channel.clone()),
            at: Some(iso_ms(m.at_ms)),
            ..Default::default()
        })
        .collect()
}

/// POSTs the signed body once, with the delivery's id (the same on every attempt, for receivers'
/// idempotency) and event. The signature's timestamp is real time, whatever the sandbox clock
/// says, so receivers' freshness checks hold.
pub(crate) async fn post(world: &World, webhook: &Webhook, delivery_id: &str, event: &str, body: &[u8]) -> Answer {
    let secret = webhook.secret.clone().unwrap_or_default();
    let timestamp = unix_now();
    let timeout = Duration::from_secs(webhook.timeout.unwrap_or(30).clamp(1, 120) as u64);
    let started = Instant::now();
    if world.config.loopback_webhooks_only && !loopback(&webhook.url) {
        return Answer { error: Some("refused: this sandbox delivers to loopback hosts only".into()), ..Answer::default() };
    }
    let sent = world
        .http
        .post(&webhook.url)
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, sign(&secret, timestamp, body))
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(DELIVERY_ID_HEADER, delivery_id)
        .header(EVENT_HEADER, event)
        .timeout(timeout)
        .body(body.to_vec())
        .send()
        .await;
    let mut answer = Answer::default();
    match sent {
        Ok(response) => {
            answer.status = Some(response.status().as_u16());
            answer.content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
            match response.bytes().await {
                Ok(bytes) => answer.body = bytes.to_vec(),
                Err(e) => answer.error = Some(format!("reading the answer failed: {e}")),
            }
            if !answer.ok() && answer.error.is_none() {
                answer.error = Some(format!("HTTP {}", answer.status.unwrap_or_default()));
            }
        }
        Err(e) if e.is_timeout() => answer.error = Some(format!("timed out after {} s", timeout.as_secs())),
        Err(e) => answer.error = Some(format!("could not connect: {e}")),
    }
    answer.millis = started.elapsed().as_millis() as u64;
    answer
}

fn loopback(url: &str) -> bool {
    url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).is_some_and(|host| {
        host == "localhost" || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}

/// Opens a delivery record; returns its id.
fn open_record(world: &World, outgoing: &Outgoing) -> String {
    let id = new_id("dlv");
    let now = world.now();
    let mut state = world.lock();
    if let Some(project) = state.projects.get_mut(&outgoing.key) {
        project.deliveries.push(DeliveryRecord {
            delivery: WebhookDelivery {
                id: id.clone(),
                message_id: outgoing.message_id.clone(),
                event_type: Some(outgoing.event.to_owned()),
                channel: Some(outgoing.channel.clone()),
                status: Some("pending".into()),
                attempt_count: Some(0),
                created_at: Some(iso(now)),
                ..Default::default()
            },
            agent_id: outgoing.agent_id.clone(),
            to_agent_webhook: outgoing.to_agent_webhook,
            at: now,
        });
    }
    id
}

fn update_record(world: &World, key: &str, id: &str, answer: &Answer, final_attempt: bool, next_retry: Option<i64>) {
    let now = world.now();
    let mut state = world.lock();
    let Some(record) = state.projects.get_mut(key).and_then(|p| p.deliveries.get_mut(id)) else { return };
    let delivery = &mut record.delivery;
    delivery.attempt_count = Some(delivery.attempt_count.unwrap_or(0) + 1);
    delivery.http_status = answer.status.map(i64::from);
    delivery.error_message = answer.error.clone();
    delivery.response_body = Some(String::from_utf8_lossy(&answer.body).chars().take(1000).collect());
    delivery.last_attempt_at = Some(iso(now));
    delivery.next_retry_at = next_retry.map(iso);
    delivery.status = Some(
        if answer.ok() {
            "success"
        } else if final_attempt {
            "failed"
        } else {
            "pending"
        }
        .into(),
    );
}

/// Delivers with redeliveries on failure ([`REDELIVERY_SCHEDULE`]), recording every attempt. Each
/// redelivery is due at a fixed time after the first attempt, so moving the clock past several
/// sends each one that became due, one after the other.
pub(crate) async fn deliver(world: Arc<World>, outgoing: Outgoing) -> Answer {
    let id = open_record(&world, &outgoing);
    let body = outgoing.body.to_string().into_bytes();
    let attempts = world.config.webhook_max_attempts.max(1) as usize;
    let mut due = world.now();
    let mut attempt = 1;
    loop {
        let answer = post(&world, &outgoing.webhook, &id, outgoing.event, &body).await;
        let wait = REDELIVERY_SCHEDULE.get(attempt - 1).copied().filter(|_| attempt < attempts && answer.worth_retrying());
        let next = wait.map(|seconds| due + seconds);
        update_record(&world, &outgoing.key, &id, &answer, next.is_none(), next);
        let Some(next) = next else { return answer };
        due = next;
        let left = (due - world.now()).max(0) as f64;
        until(&world, due, world.config.webhook_retry_delay.mul_f64(left / 60.0)).await;
        attempt += 1;
    }
}

/// Waits until the sandbox clock reaches `due`: `real` time passing (the schedule at the
/// configured pace) or a `clock/advance` past it, whichever comes first.
async fn until(world: &World, due: i64, real: Duration) {
    let slept = tokio::time::sleep(real);
    tokio::pin!(slept);
    loop {
        // Registered before the clock is read, so an advance in between is not missed.
        let moved = world.clock.moved.notified();
        tokio::pin!(moved);
        moved.as_mut().enable();
        if world.now() >= due {
            return;
        }
        tokio::select! {
            () = &mut slept => return,
            () = moved => {}
        }
    }
}

/// Delivers once, no redelivery (synthetic tests and voice turns, where a late answer is useless).
pub(crate) async fn deliver_once(world: Arc<World>, outgoing: Outgoing) -> Answer {
    let id = open_record(&world, &outgoing);
    let answer = post(&world, &outgoing.webhook, &id, outgoing.event, outgoing.body.to_string().as_bytes()).await;
    update_record(&world, &outgoing.key, &id, &answer, true, None);
    answer
}
