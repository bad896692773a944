//! `agentphone demo`: a tour of the API against an embedded sandbox. It creates an agent, buys and
//! attaches a number, sends an SMS, receives the reply through a signed webhook that it verifies,
//! places a call answered through the voice-webhook loop, prints the transcript and shows usage.
//! Nothing real is dialled or billed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentphone::webhook::{self, EventData, VOICE_NDJSON, Verifier, voice_ndjson};
use agentphone::*;
use agentphone_sandbox::{Sandbox, SandboxConfig};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tokio::sync::mpsc;

use crate::watch;

const CUSTOMER: &str = "+14155550123";

/// What the local webhook receiver saw.
#[derive(Debug)]
enum Seen {
    Verified(Box<webhook::WebhookEvent>),
    Rejected(String),
}

/// Verifies each delivery and answers voice turns the way a real agent server would.
async fn receive(verifier: Arc<Mutex<Option<Verifier>>>, events: mpsc::UnboundedSender<Seen>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let verifier = verifier.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let Some(verifier) = verifier else { return StatusCode::SERVICE_UNAVAILABLE.into_response() };
    let event = match verifier.construct_event(&body, header("x-webhook-signature").as_deref(), header("x-webhook-timestamp").as_deref()) {
        Ok(event) => event,
        Err(e) => {
            let _ = events.send(Seen::Rejected(e.to_string()));
            return (StatusCode::UNAUTHORIZED, e.to_string()).into_response();
        }
    };
    let reply = match (&event.data, event.is_voice_turn()) {
        (EventData::Message(turn), true) => {
            let said = turn.transcript.clone().unwrap_or_default().to_lowercase();
            let chunks = if said.contains("bye") {
                vec![VoiceReply { text: Some("See you tonight. Goodbye!".into()), hangup: Some(true), ..Default::default() }]
            } else if said.contains("minute") {
                vec![
                    VoiceReply::say("Let me check tonight's menu."),
                    VoiceReply::say("The special is truffle risotto, and your table is by the window."),
                ]
            } else {
                vec![VoiceReply::say("Hi, this is Ava from Luigi's. Your table for two is confirmed for 7 pm.")]
            };
            Some(voice_ndjson(&chunks))
        }
        _ => None,
    };
    let _ = events.send(Seen::Verified(Box::new(event)));
    match reply {
        Some(ndjson) => ([("content-type", VOICE_NDJSON)], ndjson).into_response(),
        None => StatusCode::OK.into_response(),
    }
}

fn step(n: u32, operation: &str, what: impl AsRef<str>) {
    println!("{n:>2}. {operation:<22} {}", what.as_ref());
}

fn short(secret: &str) -> String {
    format!("{}…{}", &secret[..secret.len().min(9)], &secret[secret.len().saturating_sub(4)..])
}

pub(crate) async fn run() -> Result<(), Box<dyn std::error::Error>> {
    println!("agentphone demo: the AgentPhone API against a local sandbox (nothing real is dialled or billed)\n");
    let sandbox = Sandbox::start(SandboxConfig { turn_delay: Duration::from_millis(350), ..SandboxConfig::default() }).await?;
    let key = format!("sk_test_demo_{:012x}", fastrand_u64());
    let client = Client::builder().api_key(&key).base_url(sandbox.url()).build()?;
    println!("    sandbox              {} (API key sk_test_demo_…)", sandbox.url());

    let verifier: Arc<Mutex<Option<Verifier>>> = Arc::default();
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let app = {
        let verifier = verifier.clone();
        axum::Router::new().route(
            "/webhooks",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| receive(verifier.clone(), events_tx.clone(), headers, body)),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://{}/webhooks", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("    webhook receiver     {hook_url}\n");

    let agent = client
        .agents()
        .create(&CreateAgentParams {
            name: "Ava".into(),
            description: Some("Reservations at Luigi's".into()),
            voice_mode: Some(VoiceMode::Webhook),
            ..Default::default()
        })
        .await?;
    step(1, "agents.create", format!("{} ({}), voice mode webhook", agent.name.as_deref().unwrap_or("Ava"), agent.id));

    let number = client.numbers().buy(&BuyNumberParams { area_code: Some("415".into()), ..Default::default() }).await?;
    let phone = number.phone_number.clone().unwrap_or_default();
    step(2, "numbers.buy", format!("{phone} ({})", number.id));
    client.agents().attach_number(&AttachNumberParams { agent_id: agent.id.clone(), number_id: number.id.clone() }).await?;
    step(3, "agents.attach_number", format!("{phone} → {}", agent.name.as_deref().unwrap_or("Ava")));

    let webhook = client.webhooks().set(&SetWebhookParams { url: hook_url.clone(), ..Default::default() }).await?;
    let secret = webhook.secret.clone().unwrap_or_default();
    *verifier.lock().unwrap_or_else(|p| p.into_inner()) = Some(Verifier::new(secret.clone()));
    step(4, "webhooks.set", format!("signing secret {}", short(&secret)));

    let text = "Hi! Your table for two is ready at 7 pm. Reply YES to confirm.";
    let sent = client
        .messages()
        .send(&SendMessageParams {
            agent_id: Some(agent.id.clone()),
            to_number: Some(CUSTOMER.into()),
            body: Some(text.into()),
            ..Default::default()
        })
        .await?;
    step(5, "messages.send", format!("\"{text}\" → {CUSTOMER} ({}, {})", sent.channel.map(|c| c.to_string()).unwrap_or_default(), sent.id));

    step(6, "(customer replies)", format!("{CUSTOMER} texts back \"YES, see you then!\""));
    reqwest::Client::new()
        .post(format!("{}/sandbox/inbound/message", sandbox.url()))
        .header("content-type", "application/json")
        .body(json!({"to": phone, "from": CUSTOMER, "body": "YES, see you then!", "wait": true}).to_string())
        .send()
        .await?
        .error_for_status()?;
    match tokio::time::timeout(Duration::from_secs(10), events.recv()).await? {
        Some(Seen::Verified(event)) => {
            if let EventData::Message(data) = &event.data {
                println!(
                    "    webhook              {} ✓ signature verified: \"{}\" from {}",
                    event.envelope.event,
                    data.message.as_deref().unwrap_or(""),
                    data.from_number.as_deref().unwrap_or("")
                );
            }
        }
        Some(Seen::Rejected(why)) => return Err(format!("the webhook signature was rejected: {why}").into()),
        None => return Err("the webhook receiver stopped".into()),
    }
    let conversation = client
        .conversations()
        .get(&GetConversationParams { conversation_id: sent.conversation_id.clone().unwrap_or_default(), ..Default::default() })
        .await?;
    println!("    conversation         {} with {} messages", conversation.id, conversation.message_count.unwrap_or(0));

    let call =
        client.calls().make(&CreateCallParams { agent_id: agent.id.clone(), to_number: CUSTOMER.into(), ..Default::default() }).await?;
    step(7, "calls.make", format!("calling {CUSTOMER} ({}); every turn goes to the webhook, answered in NDJSON", call.id));
    let call = watch::watch(&client, &call.id, false).await?;

    let mut turns = 0;
    let mut ended = None;
    while let Ok(Some(seen)) = tokio::time::timeout(Duration::from_secs(5), events.recv()).await {
        match seen {
            Seen::Verified(event) => match event.data {
                EventData::Message(_) => turns += 1,
                EventData::CallEnded(data) => {
                    ended = Some(data);
                    break;
                }
                _ => {}
            },
            Seen::Rejected(why) => return Err(format!("a webhook signature was rejected: {why}").into()),
        }
    }
    let ended = ended.ok_or("agent.call_ended did not arrive")?;
    step(
        8,
        "webhook deliveries",
        format!(
            "{turns} voice turns answered, then agent.call_ended ({}, {} s) ✓ all verified",
            ended.disconnection_reason.as_deref().unwrap_or("?"),
            ended.duration_seconds.unwrap_or(0.0)
        ),
    );

    let transcript = client.calls().get_transcript(&call.id).await?;
    step(9, "calls.get_transcript", format!("{} lines", transcript.transcript.as_ref().map_or(0, Vec::len)));
    for line in transcript.transcript.iter().flatten() {
        println!("      {:<6} {}", line.role.as_ref().map(|r| r.to_string()).unwrap_or_default(), line.content.as_deref().unwrap_or(""));
    }

    let usage = client.usage().get().await?;
    let stats = usage.stats.unwrap_or_default();
    step(
        10,
        "usage.get",
        format!(
            "{} messages, {} call, {} webhook deliveries ({} succeeded); {} of {} numbers used",
            stats.total_messages.unwrap_or(0),
            stats.total_calls.unwrap_or(0),
            stats.total_webhook_deliveries.unwrap_or(0),
            stats.successful_webhook_deliveries.unwrap_or(0),
            usage.numbers.as_ref().and_then(|n| n.used).unwrap_or(0),
            usage.numbers.as_ref().and_then(|n| n.limit).unwrap_or(0),
        ),
    );
    println!("\nDone. Run your own sandbox with `agentphone sandbox --port 8787`, then point any SDK at it:");
    println!("  AGENTPHONE_BASE_URL=http://127.0.0.1:8787 AGENTPHONE_API_KEY=sk_test_anything agentphone agents list");
    Ok(())
}

fn fastrand_u64() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}
