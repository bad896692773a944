//! Simulated calls through the core client: hosted calls to completion, the voice-webhook turn
//! loop in both reply formats, transfers and digits, and the live transcript over SSE.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use agentphone::webhook::Verifier;
use agentphone::*;
use agentphone_sandbox::{Sandbox, SandboxConfig};
use futures_util::StreamExt;
use serde_json::json;
use support::{Receiver, agent_with_number, client, key, raw, sandbox};

async fn wait_until_ended(client: &Client, call_id: &str) -> Call {
    for _ in 0..400 {
        let call = client.calls().get(call_id).await.unwrap();
        if call.status != Some(CallStatus::InProgress) {
            return call;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("call {call_id} did not end");
}

fn make(agent: &Agent, to: &str) -> CreateCallParams {
    CreateCallParams { agent_id: agent.id.clone(), to_number: to.into(), ..Default::default() }
}

#[tokio::test]
async fn hosted_calls_run_to_completion_with_transcript_recording_and_call_ended() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, &key());
    let (agent, _) = agent_with_number(&client, VoiceMode::Hosted).await;
    let receiver = Receiver::ok().await;
    client.webhooks().set(&SetWebhookParams { url: receiver.url.clone(), ..Default::default() }).await.unwrap();
    let call = client.calls().make(&make(&agent, "+14155550142")).await.unwrap();
    assert_eq!((call.status.clone(), call.direction.clone()), (Some(CallStatus::InProgress), Some(CallDirection::Outbound)));
    let call = wait_until_ended(&client, &call.id).await;
    assert_eq!(call.status, Some(CallStatus::Completed));
    let turns = call.transcripts.unwrap();
    assert_eq!(turns[0].transcript.as_deref(), Some("Hello?"));
    assert!(turns[0].response.as_deref().unwrap().contains("Ava"));
    assert_eq!(call.duration_seconds, Some(12), "3 turns of 4 s");

    let transcript = client.calls().get_transcript(&call.id).await.unwrap();
    assert_eq!(transcript.transcript.unwrap()[0].role, Some(TranscriptRole::User));
    let recording = client.calls().get_recording(&call.id).await.unwrap();
    assert_eq!(recording.content_type, "audio/wav");
    assert_eq!(&recording.data[..4], b"RIFF");
    assert_eq!(recording.data.len(), 44 + 12 * 8000 * 2);

    let ended = receiver.wait_for(1).await[0].json();
    assert_eq!(ended["event"], "agent.call_ended");
    assert_eq!(ended["data"]["transcript"][0], json!({"role": "user", "content": "Hello?"}));
    assert_eq!(
        client.calls().list(&ListCallsParams { status: Some(CallStatus::Completed), ..Default::default() }).await.unwrap().total,
        Some(1)
    );
}

#[tokio::test]
async fn the_voice_webhook_loop_speaks_json_and_ndjson_replies_and_honours_hangup() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, &key());
    let (agent, _) = agent_with_number(&client, VoiceMode::Webhook).await;
    let receiver = Receiver::start(|event| {
        if event["event"] != "agent.message" {
            return (200, "application/json", "{}".into());
        }
        match event["data"]["transcript"].as_str().unwrap_or("") {
            "Hello?" => (200, "application/json", r#"{"text": "Hi, this is Ava from Acme."}"#.into()),
            "Sure, I have a minute." => (
                200,
                "application/x-ndjson",
                "{\"text\":\"Let me check.\",\"interim\":true}\n{\"text\":\"Your order shipped.\",\"hangup\":true}\n".into(),
            ),
            _ => (200, "application/json", r#"{"text": "never reached"}"#.into()),
        }
    })
    .await;
    client
        .agents()
        .set_webhook(&SetAgentWebhookParams { agent_id: agent.id.clone(), url: receiver.url.clone(), ..Default::default() })
        .await
        .unwrap();
    let call = client.calls().make(&make(&agent, "+14155550143")).await.unwrap();
    let call = wait_until_ended(&client, &call.id).await;
    let turns = call.transcripts.unwrap();
    assert_eq!(turns.len(), 2, "the agent hung up on the second turn");
    assert_eq!(turns[0].response.as_deref(), Some("Hi, this is Ava from Acme."));
    assert_eq!(turns[1].response.as_deref(), Some("Let me check. Your order shipped."));
    let deliveries = receiver.wait_for(3).await;
    let secret = client.agents().get_webhook(&agent.id).await.unwrap().unwrap().secret.unwrap();
    for d in &deliveries {
        Verifier::new(secret.clone()).verify(&d.body, d.header("x-webhook-signature"), d.header("x-webhook-timestamp")).unwrap();
    }
    let turn = deliveries[1].json();
    assert_eq!((turn["channel"].as_str(), turn["data"]["transcript"].as_str()), (Some("voice"), Some("Sure, I have a minute.")));
    assert_eq!(turn["recentHistory"][1]["content"], "Hi, this is Ava from Acme.");
    let ended = deliveries[2].json();
    assert_eq!((ended["event"].as_str(), ended["data"]["disconnectionReason"].as_str()), (Some("agent.call_ended"), Some("agent_hangup")));
}

#[tokio::test]
async fn transfers_digits_failures_and_ending_calls() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, &key());
    let (agent, number) = agent_with_number(&client, VoiceMode::Webhook).await;
    let receiver = Receiver::start(|event| match event["data"]["transcript"].as_str() {
        Some("Press one for sales.") => (200, "application/json", r#"{"digits": "1"}"#.into()),
        Some(_) => (200, "application/json", r#"{"text": "Transferring you now.", "action": "transfer"}"#.into()),
        None => (200, "application/json", "{}".into()),
    })
    .await;
    client.webhooks().set(&SetWebhookParams { url: receiver.url.clone(), ..Default::default() }).await.unwrap();
    let (_, placed) = raw(&sandbox, None, "POST", "/sandbox/inbound/call", Some(json!({"to": number.phone_number, "from": "+14155550144", "script": ["Press one for sales.", "Sales, how can I help?", "unreached"]}))).await;
    let call = wait_until_ended(&client, placed["callId"].as_str().unwrap()).await;
    assert_eq!(call.direction, Some(CallDirection::Inbound));
    let turns = call.transcripts.unwrap();
    assert_eq!(turns[0].response.as_deref(), Some("[pressed 1]"));
    assert_eq!(turns.len(), 2);

    let unanswered = client.calls().make(&make(&agent, "+14155550000")).await.unwrap();
    assert_eq!(wait_until_ended(&client, &unanswered.id).await.status, Some(CallStatus::Failed));
    assert_eq!(client.calls().get_recording(&unanswered.id).await.unwrap_err().kind(), ErrorKind::NotFound);

    let slow = Sandbox::start(SandboxConfig { turn_delay: Duration::from_secs(30), ..SandboxConfig::fast() }).await.unwrap();
    let slow_client = self::client(&slow, &key());
    let (agent, _) = agent_with_number(&slow_client, VoiceMode::Hosted).await;
    let call = slow_client.calls().make(&make(&agent, "+14155550145")).await.unwrap();
    let ending = slow_client.calls().end(&call.id).await.unwrap();
    assert_eq!((ending.id.as_str(), ending.status.as_deref()), (call.id.as_str(), Some("ending")), "the hang-up answers at once");
    let again = slow_client.calls().end(&call.id).await.unwrap_err();
    assert_eq!((again.status(), again.kind()), (Some(409), ErrorKind::Conflict), "only a call in progress can be ended");
    let ended = wait_until_ended(&slow_client, &call.id).await;
    assert_eq!((ended.status, ended.transcripts.unwrap().len()), (Some(CallStatus::Completed), 0));
    assert_eq!(slow_client.calls().end(&call.id).await.unwrap_err().status(), Some(409));
}

#[tokio::test]
async fn the_transcript_streams_as_server_sent_events() {
    let sandbox = Sandbox::start(SandboxConfig { turn_delay: Duration::from_millis(60), ..SandboxConfig::fast() }).await.unwrap();
    let key = key();
    let client = client(&sandbox, &key);
    let (agent, _) = agent_with_number(&client, VoiceMode::Hosted).await;
    let call = client.calls().make(&make(&agent, "+14155550146")).await.unwrap();
    let response = reqwest::Client::new()
        .get(format!("{}/v1/calls/{}/transcript/stream", sandbox.url(), call.id))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.unwrap();
    let events: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("event: ")).collect();
    assert_eq!(events.first(), Some(&"connected"));
    assert_eq!(events.last(), Some(&"ended"));
    assert_eq!(events.iter().filter(|e| **e == "turn").count(), 6, "3 caller lines and 3 replies");
    assert!(text.contains(r#"data: {"role":"user","content":"Hello?""#), "{text}");
    // After the end, the whole history is replayed and the stream closes.
    let again = reqwest::Client::new()
        .get(format!("{}/v1/calls/{}/transcript/stream", sandbox.url(), call.id))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(again.matches("event: turn").count(), 6);
}

#[tokio::test]
async fn the_core_follows_the_transcript_live() {
    let sandbox = Sandbox::start(SandboxConfig { turn_delay: Duration::from_millis(50), ..SandboxConfig::fast() }).await.unwrap();
    let client = client(&sandbox, &key());
    let (agent, _) = agent_with_number(&client, VoiceMode::Hosted).await;
    let call = client.calls().make(&make(&agent, "+14155550147")).await.unwrap();
    let events: Vec<TranscriptEvent> = client.calls().stream_transcript(&call.id).map(|e| e.unwrap()).collect().await;
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names.first(), Some(&"connected"));
    assert_eq!(names.last(), Some(&"ended"));
    assert_eq!(events[1].data.as_ref().unwrap().content.as_deref(), Some("Hello?"));
    assert_eq!(events.last().unwrap().data.as_ref().unwrap().duration_seconds, Some(12));
    let missing: Vec<_> = client.calls().stream_transcript("call_missing").collect().await;
    assert_eq!(missing[0].as_ref().unwrap_err().kind(), ErrorKind::NotFound);
}
