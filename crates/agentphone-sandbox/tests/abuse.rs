//! The sandbox under abuse: one tenant cannot break another's number, no control request can
//! brick it, a failed purchase costs nothing, and what it records stays bounded.

#![allow(clippy::unwrap_used)]

mod support;

use agentphone::*;
use agentphone_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;
use support::{agent_with_number, client, key, raw, sandbox};

/// A tenant releasing its stale record of a number must not break the tenant that holds it now.
#[tokio::test]
async fn a_stale_release_cannot_break_another_tenants_number() {
    // Hundreds of purchases a minute: past the API's limit, which has its own test.
    let config = SandboxConfig { balance_cents: 1_000_000, number_limit: 1_000, rate_limits: false, ..SandboxConfig::fast() };
    let sandbox = Sandbox::start(config).await.unwrap();
    let (a, b) = (key(), key());
    let (status, bought) = raw(&sandbox, Some(&a), "POST", "/v1/numbers", Some(json!({"areaCode": "212"}))).await;
    assert_eq!(status, 200, "{bought}");
    let (id, phone) = (bought["id"].as_str().unwrap().to_owned(), bought["phoneNumber"].as_str().unwrap().to_owned());
    assert_eq!(raw(&sandbox, Some(&a), "DELETE", &format!("/v1/numbers/{id}"), None).await.0, 200);
    // B buys numbers of the same area code until it holds the one A let go (the pool hands out the
    // hundred fictional numbers of an area code first).
    let mut held = false;
    for _ in 0..120 {
        let (status, number) = raw(&sandbox, Some(&b), "POST", "/v1/numbers", Some(json!({"areaCode": "212"}))).await;
        assert_eq!(status, 200, "{number}");
        if number["phoneNumber"] == phone.as_str() {
            held = true;
            break;
        }
    }
    assert!(held, "B never got {phone}");
    let (status, _) = raw(&sandbox, Some(&a), "DELETE", &format!("/v1/numbers/{id}"), None).await;
    assert_eq!(status, 404, "A's record is released already");
    let (status, delivered) =
        raw(&sandbox, None, "POST", "/sandbox/inbound/message", Some(json!({"to": phone, "from": "+14155550123", "body": "still B's"})))
            .await;
    assert_eq!(status, 200, "inbound traffic still reaches B: {delivered}");
}

/// No control request can brick the sandbox: the clock's limits, faults with absurd waits, and a
/// reset that also resets the clock.
#[tokio::test]
async fn control_requests_cannot_brick_the_sandbox() {
    let sandbox = sandbox().await;
    let key = key();
    for seconds in [i64::MAX, 400_000_000_000] {
        let (status, body) = raw(&sandbox, None, "POST", "/sandbox/clock/advance", Some(json!({"seconds": seconds}))).await;
        assert_eq!(status, 422, "{body}");
    }
    let (status, _) = raw(&sandbox, None, "POST", "/sandbox/clock/advance", Some(json!({"seconds": 900_i64 * 365 * 86_400}))).await;
    assert_eq!(status, 200, "nine centuries ahead is allowed");
    assert_eq!(raw(&sandbox, Some(&key), "GET", "/v1/agents", None).await.0, 200, "and every timestamp still formats");
    let fault = json!({"operation": "list_agents", "status": 429, "retry_after": u64::MAX, "retry_after_format": "http_date"});
    raw(&sandbox, Some(&key), "POST", "/sandbox/faults", Some(fault)).await;
    assert_eq!(raw(&sandbox, Some(&key), "GET", "/v1/agents", None).await.0, 429);
    assert_eq!(raw(&sandbox, Some(&key), "GET", "/v1/agents", None).await.0, 200, "the sandbox still answers");
    raw(&sandbox, None, "POST", "/sandbox/reset", None).await;
    let (_, clock) = raw(&sandbox, None, "GET", "/sandbox/clock", None).await;
    let year: i32 = clock["now"].as_str().unwrap()[..4].parse().unwrap();
    assert!(year < 2200, "a full reset brings the clock back to real time: {clock}");
}

/// A number that cannot be had is not paid for.
#[tokio::test]
async fn a_purchase_that_fails_charges_nothing() {
    let sandbox = Sandbox::start(SandboxConfig { number_limit: 5_000, rate_limits: false, ..SandboxConfig::fast() }).await.unwrap();
    let key = key();
    // Ofcom's drama range holds 998 numbers the sandbox sells: exactly enough money for them and one more.
    raw(&sandbox, Some(&key), "POST", "/sandbox/balance", Some(json!({"cents": 999 * 300}))).await;
    for _ in 0..998 {
        assert_eq!(raw(&sandbox, Some(&key), "POST", "/v1/numbers", Some(json!({"country": "GB"}))).await.0, 200);
    }
    let (status, body) = raw(&sandbox, Some(&key), "POST", "/v1/numbers", Some(json!({"country": "GB"}))).await;
    assert_eq!((status, body["error"]["code"].as_str().or(body["code"].as_str())), (409, Some("PHONE_NUMBER_NOT_FOUND")), "{body}");
    let (status, body) = raw(&sandbox, Some(&key), "POST", "/v1/numbers", Some(json!({"country": "US"}))).await;
    assert_eq!(status, 200, "the failed purchase left the money for this one: {body}");
}

/// What the sandbox records is bounded: sinks keep their last deliveries with bodies up to 64 KiB,
/// a project's deliveries log its last `delivery_log_capacity` records and its last
/// `message_capacity` messages.
#[tokio::test]
async fn what_the_sandbox_records_stays_bounded() {
    let config = SandboxConfig { sink_capacity: 10, delivery_log_capacity: 5, message_capacity: 6, ..SandboxConfig::fast() };
    let sandbox = Sandbox::start(config).await.unwrap();
    let big = "x".repeat(1_500_000);
    let http = reqwest::Client::new();
    for i in 0..60 {
        let body = format!("{{\"n\": {i}, \"pad\": \"{big}\"}}");
        let sent = http.post(format!("{}/sandbox/sink/big", sandbox.url())).body(body).send().await.unwrap();
        assert!(sent.status().is_success());
    }
    let (_, listed) = raw(&sandbox, None, "GET", "/sandbox/sink/big", None).await;
    let kept = listed["data"].as_array().unwrap();
    assert_eq!(kept.len(), 10, "the last ten deliveries");
    assert!(
        kept.iter()
            .all(|d| d["body"].as_str().unwrap().len() <= 64 * 1024 && d["truncated"] == true && d["bytes"].as_u64() > Some(1_500_000))
    );
    assert!(kept[9]["body"].as_str().unwrap().starts_with("{\"n\": 59"), "the newest is last");

    let key = key();
    let client = client(&sandbox, &key);
    client.webhooks().set(&SetWebhookParams { url: format!("{}/sandbox/sink/hook", sandbox.url()), ..Default::default() }).await.unwrap();
    let (agent, number) = agent_with_number(&client, VoiceMode::Webhook).await;
    for i in 0..8 {
        let inbound = json!({"to": number.phone_number, "from": "+14155550177", "body": format!("m{i}"), "wait": true});
        assert_eq!(raw(&sandbox, None, "POST", "/sandbox/inbound/message", Some(inbound)).await.0, 200);
    }
    let deliveries = client.webhooks().list_deliveries(&ListWebhookDeliveriesParams::default()).await.unwrap();
    assert_eq!(deliveries.items.len(), 5, "the log keeps its last five: {deliveries:?}");
    // Eight inbound messages and two sent: the project keeps its last six, oldest gone from the
    // conversation too.
    for body in ["s1", "s2"] {
        client
            .messages()
            .send(&SendMessageParams {
                agent_id: Some(agent.id.clone()),
                to_number: Some("+14155550177".into()),
                body: Some(body.into()),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let (_, stats) = raw(&sandbox, Some(&key), "GET", "/sandbox/stats", None).await;
    assert_eq!(stats["project"]["counts"]["messages"], 6);
    let conversation = &client.conversations().list(&ListConversationsParams::default()).await.unwrap().data[0];
    let params = ListConversationMessagesParams { conversation_id: conversation.id.clone(), ..Default::default() };
    let kept: Vec<_> =
        client.conversations().get_messages(&params).await.unwrap().data.into_iter().map(|m| m.body.unwrap_or_default()).collect();
    assert_eq!(kept, ["s2", "s1", "m7", "m6", "m5", "m4"], "newest first");
}

/// A project keeps its last `call_capacity` ended calls; the oldest go first, recordings with them.
#[tokio::test]
async fn ended_calls_are_kept_up_to_the_capacity() {
    let sandbox = Sandbox::start(SandboxConfig { call_capacity: 2, ..SandboxConfig::fast() }).await.unwrap();
    let client = client(&sandbox, &key());
    let (agent, _) = agent_with_number(&client, VoiceMode::Hosted).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        let call = client
            .calls()
            .make(&CreateCallParams { agent_id: agent.id.clone(), to_number: format!("+141555501{n:02}"), ..Default::default() })
            .await
            .unwrap();
        for _ in 0..300 {
            if client.calls().get(&call.id).await.unwrap().status != Some(CallStatus::InProgress) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        ids.push(call.id);
    }
    let listed = client.calls().list(&ListCallsParams::default()).await.unwrap();
    assert_eq!(listed.total, Some(2), "{listed:?}");
    assert_eq!(client.calls().get(&ids[0]).await.unwrap_err().status(), Some(404));
    assert_eq!(client.calls().get_recording(&ids[1]).await.unwrap_err().status(), Some(404), "its recording went with it");
    assert!(client.calls().get_recording(&ids[3]).await.is_ok());
}

/// Bad requests of any shape, on every route: invalid JSON or UTF-8, nesting past any parser's
/// limit, a body over the size limit, and wrong types in every field. Each gets a 4xx in the API's
/// error shapes, never a panic (a 500 or a dropped connection) or a hang, and the sandbox keeps
/// answering.
#[tokio::test]
async fn bad_requests_of_any_shape_answer_in_the_api_shapes() {
    let sandbox = sandbox().await;
    let key = key();
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
    let deep = "[".repeat(100_000);
    let fixed: Vec<Vec<u8>> =
        vec![b"{".to_vec(), vec![0xff, 0xfe, 0x7b], deep.into_bytes(), b"[1, 2]".to_vec(), b"null".to_vec(), vec![b' '; 3 * 1024 * 1024]];
    let wrong = [json!([]), json!({}), json!("x"), json!(true), json!(-1), json!(1.5), json!(1e300), json!(u64::MAX), json!("\u{0}\u{1b}")];
    let mut sent = 0;
    for op in OPERATIONS {
        let path = op.path.split('/').map(|s| if s.starts_with('{') { "x" } else { s }).collect::<Vec<_>>().join("/");
        let mut bodies = fixed.clone();
        for value in &wrong {
            let args: serde_json::Map<String, serde_json::Value> = op.params.iter().map(|p| (p.wire.to_owned(), value.clone())).collect();
            bodies.push(serde_json::to_vec(&args).unwrap());
        }
        for body in bodies {
            let request = http.request(op.method.as_str().parse().unwrap(), format!("{}{path}", sandbox.url())).bearer_auth(&key);
            let answer =
                request.header("content-type", "application/json").body(body).send().await.unwrap_or_else(|e| panic!("{}: {e}", op.id));
            let status = answer.status().as_u16();
            let text = answer.text().await.unwrap();
            assert!(status < 500, "{} answered {status}: {text}", op.id);
            if status >= 400 {
                assert!(
                    serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("detail").is_some() || v.get("error").is_some()),
                    "{}: {text}",
                    op.id
                );
            }
            sent += 1;
        }
    }
    assert_eq!(raw(&sandbox, Some(&key), "GET", "/v1/agents", None).await.0, 200, "still answering after {sent} bad requests");
}
