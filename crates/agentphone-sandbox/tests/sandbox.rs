//! The sandbox through the core client (and raw HTTP where the client would refuse to send):
//! isolation, validation, status codes, pagination, linked state, webhooks signed and verified
//! with the core's verifier, faults, CORS, and the official SDKs' requests (calls: `calls.rs`).

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use agentphone::webhook::{EventData, Verifier};
use agentphone::*;
use agentphone_sandbox::{Sandbox, SandboxConfig};
use futures_util::StreamExt;
use serde_json::{Value, json};
use support::{Receiver, agent_with_number, client, key, raw, sandbox, send};

#[tokio::test]
async fn keys_are_projects_and_projects_are_isolated() {
    let sandbox = sandbox().await;
    let (a, b) = (client(&sandbox, &key()), client(&sandbox, &key()));
    let agent = a.agents().create(&CreateAgentParams { name: "Mine".into(), ..Default::default() }).await.unwrap();
    assert_eq!(a.agents().get(&agent.id).await.unwrap().name.as_deref(), Some("Mine"));
    let err = b.agents().get(&agent.id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(b.agents().list(&ListAgentsParams::default()).await.unwrap().total, Some(0));

    for bad in [None, Some("not-a-key"), Some("sk_")] {
        let (status, body) = raw(&sandbox, bad, "GET", "/v1/agents", None).await;
        assert_eq!(status, 401, "{bad:?}");
        assert!(body["detail"].as_str().unwrap().contains("API key"));
    }
    let (status, body) = raw(&sandbox, None, "POST", "/sandbox/keys", None).await;
    assert_eq!(status, 200);
    let fresh = body["apiKey"].as_str().unwrap();
    assert_eq!(raw(&sandbox, Some(fresh), "GET", "/v1/agents", None).await.0, 200);
}

#[tokio::test]
async fn validation_answers_in_the_api_shapes() {
    let sandbox = sandbox().await;
    let key = key();
    let (status, body) = raw(&sandbox, Some(&key), "GET", "/v1/agents?limit=500", None).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["query", "limit"]));
    assert!(body["detail"][0]["msg"].as_str().unwrap().contains("1 to 100"));

    let (status, body) = raw(&sandbox, Some(&key), "POST", "/v1/agents", Some(json!({"name": "x", "voiceMode": "telepathy"}))).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["body", "voice_mode"]));
    let (status, body) = raw(&sandbox, Some(&key), "POST", "/v1/agents", Some(json!({"description": "no name"}))).await;
    assert_eq!((status, body["detail"][0]["loc"][1].as_str()), (422, Some("name")));
    let (status, _) = raw(&sandbox, Some(&key), "POST", "/v1/contacts", Some(json!({"name": "Jo", "phoneNumber": "12"}))).await;
    assert_eq!(status, 422);
    let (status, _) = raw(&sandbox, Some(&key), "GET", "/v1/agents?limit=abc", None).await;
    assert_eq!(status, 422);

    let client = client(&sandbox, &key);
    let err = client.agents().get("agt_missing").await.unwrap_err();
    assert_eq!(err.as_api().unwrap().message, "Agent not found");
    // Unknown body fields are ignored, as the API ignores them.
    let (status, _) = raw(&sandbox, Some(&key), "POST", "/v1/agents", Some(json!({"name": "x", "waitForCompletion": true}))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn status_codes_balance_and_plan_limits() {
    let sandbox = sandbox().await;
    let key = key();
    let client = client(&sandbox, &key);
    let (status, contact) =
        raw(&sandbox, Some(&key), "POST", "/v1/contacts", Some(json!({"name": "Jane", "phoneNumber": "(415) 555-0100"}))).await;
    assert_eq!(status, 201);
    assert_eq!(contact["phoneNumber"], "+14155550100", "normalized to E.164");
    let err = client
        .contacts()
        .create(&CreateContactParams { name: "Dup".into(), phone_number: "+14155550100".into(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    let (status, body) = raw(&sandbox, Some(&key), "DELETE", &format!("/v1/contacts/{}", contact["id"].as_str().unwrap()), None).await;
    assert_eq!((status, body), (204, Value::String(String::new())));

    for _ in 0..10 {
        client.numbers().buy(&BuyNumberParams::default()).await.unwrap();
    }
    let err = client.numbers().buy(&BuyNumberParams::default()).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().code.as_deref(), Some("VALIDATION_ERROR_NUMBER_LIMIT"));
    assert_eq!(err.status(), Some(409), "the number limit is a conflict with what the project holds");
    assert_eq!(sandbox.world().stats()["numbers_bought"], 10);

    let broke = self::key();
    raw(&sandbox, Some(&broke), "POST", "/sandbox/balance", Some(json!({"cents": 100}))).await;
    let err = self::client(&sandbox, &broke).numbers().buy(&BuyNumberParams::default()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientBalance);
    assert_eq!(err.as_api().unwrap().code.as_deref(), Some("INSUFFICIENT_BALANCE"));
}

#[tokio::test]
async fn pages_have_the_api_envelopes_and_defaults() {
    let sandbox = sandbox().await;
    let key = key();
    let client = client(&sandbox, &key);
    for i in 0..25 {
        client
            .contacts()
            .create(&CreateContactParams { name: format!("C{i}"), phone_number: format!("+1415555{i:04}"), ..Default::default() })
            .await
            .unwrap();
    }
    let (_, page) = raw(&sandbox, Some(&key), "GET", "/v1/agents", None).await;
    assert_eq!(page, json!({"data": [], "hasMore": false, "total": 0}));
    let page = client.contacts().list(&ListContactsParams { limit: Some(10), offset: Some(20), ..Default::default() }).await.unwrap();
    assert_eq!((page.data.len(), page.has_more, page.total), (5, Some(false), Some(25)));
    assert_eq!(page.data[0].name.as_deref(), Some("C4"), "newest first");
    let all: Vec<_> = client.contacts().list_all(ListContactsParams { limit: Some(7), ..Default::default() }).collect().await;
    assert_eq!(all.len(), 25);
    let found = client.contacts().list(&ListContactsParams { search: Some("c1".into()), ..Default::default() }).await.unwrap();
    assert_eq!(found.total, Some(11), "C1 and C10..C19");
    let (_, deliveries) = raw(&sandbox, Some(&key), "GET", "/v1/webhooks/deliveries", None).await;
    assert_eq!(deliveries, json!({"items": [], "total": 0, "offset": 0, "limit": 50}));
}

#[tokio::test]
async fn numbers_agents_and_conversations_stay_linked() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, &key());
    let (agent, number) = agent_with_number(&client, VoiceMode::Webhook).await;
    assert_eq!(number.agent_id.as_deref(), Some(agent.id.as_str()));
    assert!(number.phone_number.as_deref().unwrap().starts_with("+1415555"));
    assert_eq!(client.agents().get(&agent.id).await.unwrap().numbers.unwrap()[0].id, number.id);

    let spare = client.numbers().buy(&BuyNumberParams::default()).await.unwrap();
    let attached =
        client.agents().attach_number(&AttachNumberParams { agent_id: agent.id.clone(), number_id: spare.id.clone() }).await.unwrap();
    assert_eq!(attached.agent_id.as_deref(), Some(agent.id.as_str()));
    assert_eq!(client.agents().get(&agent.id).await.unwrap().numbers.unwrap().len(), 2);
    client.agents().detach_number(&agent.id, &spare.id).await.unwrap();
    assert_eq!(client.numbers().get(&spare.id).await.unwrap().agent_id, None);

    let first = client.messages().send(&send(&agent, "(415) 555-0199", "Hi there")).await.unwrap();
    assert_eq!(first.to_number.as_deref(), Some("+14155550199"));
    assert_eq!(first.from_number, number.phone_number);
    let second = client.messages().send(&send(&agent, "+14155550199", "Still there?")).await.unwrap();
    assert_eq!(first.conversation_id, second.conversation_id, "the conversation is extended");
    let conversation = client
        .conversations()
        .get(&GetConversationParams { conversation_id: first.conversation_id.clone().unwrap(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(conversation.message_count, Some(2));
    assert_eq!(conversation.messages.unwrap()[0].body.as_deref(), Some("Still there?"));
    let inbox =
        client.numbers().get_messages(&ListNumberMessagesParams { number_id: number.id.clone(), ..Default::default() }).await.unwrap();
    assert_eq!(inbox.data.len(), 2);

    // Metadata is replaced, then cleared with an explicit null.
    let id = first.conversation_id.clone().unwrap();
    let updated = client
        .conversations()
        .update(&UpdateConversationParams {
            conversation_id: id.clone(),
            metadata: Some(Some(json!({"tier": "gold"}).as_object().cloned().unwrap())),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(updated.metadata.unwrap()["tier"], "gold");
    let cleared = client
        .conversations()
        .update(&UpdateConversationParams { conversation_id: id, metadata: Some(None), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(cleared.metadata, None);

    let deleted = client.agents().delete(&agent.id).await.unwrap();
    assert_eq!(deleted.unassigned_numbers, Some(vec![number.id.clone()]));
    assert_eq!(client.numbers().get(&number.id).await.unwrap().agent_id, None);
    assert_eq!(client.conversations().list(&ListConversationsParams::default()).await.unwrap().data[0].agent_id, None);

    client.numbers().release(&number.id).await.unwrap();
    let listed = client.numbers().list(&ListNumbersParams::default()).await.unwrap();
    assert!(listed.data.iter().all(|n| n.id != number.id), "released numbers drop out of lists");
    assert_eq!(client.numbers().get(&number.id).await.unwrap().status.as_deref(), Some("released"), "but stay gettable");

    let usage = client.usage().get().await.unwrap();
    let stats = usage.stats.unwrap();
    assert_eq!((stats.total_messages, stats.messages_last24h), (Some(2), Some(2)));
    assert_eq!(usage.numbers.unwrap().used, Some(1));
    let daily = client.usage().get_daily(&GetDailyUsageParams { days: Some(3) }).await.unwrap();
    assert_eq!(daily.data.len(), 3);
    assert_eq!(daily.data[2].messages, Some(2), "today is last");
    let by_number = client.usage().get_by_number().await.unwrap();
    assert_eq!(by_number.data.iter().find(|n| n.number_id.as_deref() == Some(&number.id)).unwrap().messages, Some(2));
    let by_agent = client.usage().get_by_agent(&GetUsageByAgentParams { period: UsagePeriod::Month, tz: None }).await.unwrap();
    let orphan = by_agent.data.iter().find(|a| a.is_orphan == Some(true)).unwrap();
    assert_eq!((orphan.agent_id.as_deref(), orphan.messages), (None, Some(2)), "a deleted agent's messages are unassigned");
}

#[tokio::test]
async fn inbound_messages_are_signed_delivered_and_logged() {
    let sandbox = sandbox().await;
    let key = key();
    let client = client(&sandbox, &key);
    let (agent, number) = agent_with_number(&client, VoiceMode::Webhook).await;
    let receiver = Receiver::ok().await;
    let first = client.webhooks().set(&SetWebhookParams { url: receiver.url.clone(), ..Default::default() }).await.unwrap();
    let webhook =
        client.webhooks().set(&SetWebhookParams { url: receiver.url.clone(), context_limit: Some(5), ..Default::default() }).await.unwrap();
    assert_ne!(first.secret, webhook.secret, "a new secret on every set");
    client.messages().send(&send(&agent, "+14155550123", "Your order shipped")).await.unwrap();

    let (status, injected) = raw(
        &sandbox,
        None,
        "POST",
        "/sandbox/inbound/message",
        Some(json!({"to": number.phone_number, "from": "+14155550123", "body": "Thanks! When?", "wait": true})),
    )
    .await;
    assert_eq!((status, &injected["delivered"]), (200, &json!(true)));
    let delivery = &receiver.wait_for(1).await[0];
    let verifier = Verifier::with_secrets([first.secret.unwrap(), webhook.secret.clone().unwrap()]);
    let event =
        verifier.construct_event(&delivery.body, delivery.header("x-webhook-signature"), delivery.header("x-webhook-timestamp")).unwrap();
    let EventData::Message(data) = &event.data else { panic!("{:?}", event.data) };
    assert_eq!(data.message.as_deref(), Some("Thanks! When?"));
    assert_eq!(data.from_number.as_deref(), Some("+14155550123"));
    assert_eq!(event.envelope.agent_id.as_deref(), Some(agent.id.as_str()));
    assert_eq!(event.envelope.recent_history.as_ref().unwrap()[0].content.as_deref(), Some("Your order shipped"));
    assert!(
        Verifier::new("whsec_wrong")
            .construct_event(&delivery.body, delivery.header("x-webhook-signature"), delivery.header("x-webhook-timestamp"))
            .is_err()
    );

    let log = client.webhooks().list_deliveries(&ListWebhookDeliveriesParams::default()).await.unwrap();
    assert_eq!(log.items[0].status.as_deref(), Some("success"));
    assert_eq!(log.items[0].http_status, Some(200));
    let result = client.webhooks().test(&TestWebhookParams { message: Some("ping".into()), ..Default::default() }).await.unwrap();
    assert_eq!((result.success, result.status_code), (Some(true), Some(200)));
    let test_event = receiver.wait_for(2).await[1].json();
    assert_eq!((test_event["test"].clone(), test_event["data"]["message"].clone()), (json!(true), json!("ping")));
    let stats = client.webhooks().get_delivery_stats(&GetWebhookDeliveryStatsParams::default()).await.unwrap();
    assert_eq!((stats.total, stats.success, stats.success_rate), (Some(2), Some(2), Some(100.0)));
    assert_eq!(client.webhooks().get_all_time_stats().await.unwrap().total, Some(2));
}

#[tokio::test]
async fn agent_webhooks_take_the_agents_events_and_failures_are_redelivered() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, &key());
    let (agent, number) = agent_with_number(&client, VoiceMode::Webhook).await;
    let project_receiver = Receiver::ok().await;
    let failing = Receiver::start(|_| (500, "text/plain", "boom".into())).await;
    client.webhooks().set(&SetWebhookParams { url: project_receiver.url.clone(), ..Default::default() }).await.unwrap();
    client
        .agents()
        .set_webhook(&SetAgentWebhookParams { agent_id: agent.id.clone(), url: failing.url.clone(), ..Default::default() })
        .await
        .unwrap();
    raw(
        &sandbox,
        None,
        "POST",
        "/sandbox/inbound/message",
        Some(json!({"to": number.phone_number, "from": "+14155550124", "body": "hello", "wait": true})),
    )
    .await;
    assert_eq!(failing.deliveries().len(), 6, "six attempts in all");
    assert!(project_receiver.deliveries().is_empty(), "never duplicated to the project webhook");
    let log = client
        .agents()
        .list_webhook_deliveries(&ListAgentWebhookDeliveriesParams { agent_id: agent.id.clone(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!((log[0].status.as_deref(), log[0].attempt_count, log[0].http_status), (Some("failed"), Some(6), Some(500)));
    let test = client.agents().test_webhook(&agent.id).await.unwrap();
    assert_eq!((test.success, test.status_code), (Some(false), Some(500)));
    client.agents().delete_webhook(&agent.id).await.unwrap();
    assert_eq!(client.agents().get_webhook(&agent.id).await.unwrap(), None);
}

#[tokio::test]
async fn faults_are_injected_on_demand() {
    let sandbox = sandbox().await;
    let key = key();
    let client = Client::builder()
        .api_key(&key)
        .base_url(sandbox.url())
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(5), ..Default::default() })
        .build()
        .unwrap();
    let (agent, _) = agent_with_number(&client, VoiceMode::Webhook).await;

    raw(&sandbox, Some(&key), "POST", "/sandbox/faults", Some(json!({"operation": "POST /v1/messages", "status": 503, "count": 1}))).await;
    let err = client.messages().send(&send(&agent, "+14155550150", "one")).await.unwrap_err();
    assert!(err.may_have_acted());
    assert_eq!(sandbox.world().stats()["messages_sent"], 0, "the fault answered instead of the handler");

    raw(
        &sandbox,
        Some(&key),
        "POST",
        "/sandbox/faults",
        Some(json!({"operation": "send_message", "status": 429, "retry_after": 0, "count": 2})),
    )
    .await;
    client.messages().send(&send(&agent, "+14155550150", "two")).await.unwrap();
    assert_eq!(sandbox.world().stats()["messages_sent"], 1, "retried past two 429s, sent once");

    raw(&sandbox, Some(&key), "POST", "/sandbox/faults", Some(json!({"operation": "get_agent", "drop": true, "count": 1}))).await;
    assert_eq!(client.agents().get(&agent.id).await.unwrap().id, agent.id, "a dropped read is retried");

    raw(&sandbox, Some(&key), "POST", "/sandbox/faults", Some(json!({"operation": "send_message", "latency_ms": 500}))).await;
    let impatient = Client::builder().api_key(&key).base_url(sandbox.url()).timeout(Duration::from_millis(100)).build().unwrap();
    let err = impatient.messages().send(&send(&agent, "+14155550150", "three")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.may_have_acted());
    assert_eq!(sandbox.world().stats()["messages_sent"], 2, "latency comes after the message was sent");

    // Faults are scoped to the key that asked for them.
    raw(&sandbox, Some(&key), "POST", "/sandbox/faults", Some(json!({"operation": "list_agents", "status": 500, "count": 5}))).await;
    assert!(self::client(&sandbox, &self::key()).agents().list(&ListAgentsParams::default()).await.is_ok());
    assert_eq!(sandbox.world().stats()["faults_injected"], 5);
}

#[tokio::test]
async fn the_clock_moves_and_state_resets() {
    let sandbox = sandbox().await;
    let key = key();
    let client = client(&sandbox, &key);
    let (agent, _) = agent_with_number(&client, VoiceMode::Webhook).await;
    client.messages().send(&send(&agent, "+14155550160", "old news")).await.unwrap();
    raw(&sandbox, None, "POST", "/sandbox/clock/advance", Some(json!({"seconds": 2 * 86_400}))).await;
    let stats = client.usage().get().await.unwrap().stats.unwrap();
    assert_eq!((stats.total_messages, stats.messages_last24h, stats.messages_last7d), (Some(1), Some(0), Some(1)));
    raw(&sandbox, Some(&key), "POST", "/sandbox/reset", None).await;
    assert_eq!(client.agents().list(&ListAgentsParams::default()).await.unwrap().total, Some(0));
}

#[tokio::test]
async fn cors_lets_browser_pages_call_it() {
    let sandbox = sandbox().await;
    let response = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/v1/agents", sandbox.url()))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let allowed = response.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    assert!(allowed.contains("authorization") || allowed == "*", "{allowed}");
}

/// Every request the official SDKs send for the core operations is accepted: it may name ids
/// that do not exist (404), but it is never refused for its shape.
#[tokio::test]
async fn the_official_sdks_requests_are_accepted() {
    let sandbox = sandbox().await;
    let key = key();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wire");
    let mut checked = 0;
    for file in ["official-python-0.20.3.txt", "official-ts-1.0.17.txt"] {
        for line in std::fs::read_to_string(dir.join(file)).unwrap().lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            let (Some(method), Some(target)) = (words.get(1), words.get(2)) else { continue };
            let Ok(parsed_method) = method.parse::<table::Method>() else { continue };
            let path = target.split('?').next().unwrap();
            if agentphone_sandbox::wire::route(parsed_method, &percent_encoding::percent_decode_str(path).decode_utf8_lossy()).is_none() {
                continue; // not a core operation
            }
            let body = line
                .split_once(" body=")
                .map(|(_, rest)| rest.split("  ct=").next().unwrap().split(" X-").next().unwrap().trim())
                .filter(|b| *b != "-");
            let mut request =
                reqwest::Client::new().request(method.parse().unwrap(), format!("{}{target}", sandbox.url())).bearer_auth(&key);
            if let Some(body) = body {
                request = request.header("content-type", "application/json").body(body.to_owned());
            }
            if line.contains("X-Sub-Account-Id=") {
                request = request.header("X-Sub-Account-Id", "sa_1");
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            if line.starts_with("registration.registerA2P") {
                // Captured with placeholder values ("+1415", a 1-character description) that no
                // server accepts: refused field by field, which is the right answer.
                assert_eq!(status, 422, "{text}");
                continue;
            }
            assert!(![405, 415, 422].contains(&status) && !text.contains("Route not found"), "{file}: {line}\n-> {status} {text}");
            checked += 1;
        }
    }
    assert!(checked >= 120, "{checked}");
}

#[tokio::test]
async fn hostile_path_parameters_cannot_change_the_route() {
    let sandbox = sandbox().await;
    let key = key();
    let client = client(&sandbox, &key);
    client.agents().create(&CreateAgentParams { name: "Ava".into(), ..Default::default() }).await.unwrap();
    let contact = client
        .contacts()
        .create(&CreateContactParams { name: "Jo".into(), phone_number: "+14155550100".into(), ..Default::default() })
        .await
        .unwrap();
    // Each would reach another route (a list, the contact above, a query) if sent as written.
    let hostile = [
        "agt/../../contacts",
        "x?limit=1",
        "x#fragment",
        "with space",
        "a/b",
        "%2F",
        "../contacts",
        &format!("../contacts/{}", contact.id),
    ];
    for id in hostile {
        let err = client.agents().get(id).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{id:?}: {err}");
        let err = client.contacts().delete(id).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{id:?}: {err}");
    }
    for id in [".", ".."] {
        let err = client.agents().get(id).await.unwrap_err();
        assert!(matches!(&err, Error::Validation(v) if v.field == "agent_id"), "{id:?}: {err}");
    }
    // The sandbox saw exactly these routes, and the contact is still there.
    let (_, stats) = raw(&sandbox, Some(&key), "GET", "/sandbox/stats", None).await;
    let n = hostile.len();
    assert_eq!(stats["project"]["requests"], json!({"create_agent": 1, "create_contact": 1, "get_agent": n, "delete_contact": n}));
    assert_eq!(client.contacts().get(&contact.id).await.unwrap().id, contact.id);
}

/// Redeliveries follow the API: the same `X-Webhook-ID` on each, `X-Webhook-Event`, a schedule of
/// about 21 hours on the sandbox clock (advancing the clock sends what is due), and no retry after
/// a 4xx.
#[tokio::test]
async fn redeliveries_keep_their_id_follow_the_clock_and_stop_at_a_4xx() {
    // The interactive pace: the first redelivery is a real minute away unless the clock moves.
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = client(&sandbox, &key());
    let (_, number) = agent_with_number(&client, VoiceMode::Hosted).await;
    let failing = Receiver::start(|_| (503, "text/plain", "later".into())).await;
    client.webhooks().set(&SetWebhookParams { url: failing.url.clone(), ..Default::default() }).await.unwrap();
    let inbound = json!({"to": number.phone_number, "from": "+14155550124", "body": "hello"});
    raw(&sandbox, None, "POST", "/sandbox/inbound/message", Some(inbound.clone())).await;
    let wait_for = |count: usize| {
        let failing = &failing;
        async move {
            for _ in 0..200 {
                if failing.deliveries().len() >= count {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            failing.deliveries()
        }
    };
    assert_eq!(wait_for(1).await.len(), 1);
    let log = client.webhooks().list_deliveries(&ListWebhookDeliveriesParams::default()).await.unwrap();
    let pending = &log.items[0];
    assert_eq!((pending.status.as_deref(), pending.attempt_count), (Some("pending"), Some(1)));
    let (_, clock) = raw(&sandbox, None, "GET", "/sandbox/clock", None).await;
    let due = pending.next_retry_at.clone().unwrap();
    assert!(due.as_str() > clock["now"].as_str().unwrap(), "{due} is after {clock}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(failing.deliveries().len(), 1, "nothing before the clock reaches the retry");
    raw(&sandbox, None, "POST", "/sandbox/clock/advance", Some(json!({"seconds": 61}))).await;
    assert_eq!(wait_for(2).await.len(), 2, "advancing the clock past the retry sends it");
    // The last redelivery is due 21 h 11 min after the first attempt.
    raw(&sandbox, None, "POST", "/sandbox/clock/advance", Some(json!({"seconds": 21 * 3600 + 11 * 60}))).await;
    let attempts = wait_for(6).await;
    assert_eq!(attempts.len(), 6, "six attempts over about 21 hours");
    let ids: Vec<_> = attempts.iter().map(|d| d.header("x-webhook-id").unwrap().to_owned()).collect();
    assert!(ids[0].starts_with("dlv_") && ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert!(attempts.iter().all(|d| d.header("x-webhook-event") == Some("agent.message")));
    for _ in 0..100 {
        let log = client.webhooks().list_deliveries(&ListWebhookDeliveriesParams::default()).await.unwrap();
        if log.items[0].status.as_deref() == Some("failed") {
            assert_eq!(
                (log.items[0].id.as_str(), log.items[0].attempt_count, log.items[0].next_retry_at.as_deref()),
                (ids[0].as_str(), Some(6), None)
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // A 4xx says the delivery itself is wrong: one attempt, failed, no redelivery scheduled.
    let refusing = Receiver::start(|_| (410, "text/plain", "gone".into())).await;
    client.webhooks().set(&SetWebhookParams { url: refusing.url.clone(), ..Default::default() }).await.unwrap();
    raw(
        &sandbox,
        None,
        "POST",
        "/sandbox/inbound/message",
        Some(json!({"to": number.phone_number, "from": "+14155550124", "body": "again", "wait": true})),
    )
    .await;
    raw(&sandbox, None, "POST", "/sandbox/clock/advance", Some(json!({"seconds": 22 * 3600}))).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(refusing.deliveries().len(), 1);
    let log = client.webhooks().list_deliveries(&ListWebhookDeliveriesParams::default()).await.unwrap();
    let refused = log.items.iter().find(|d| d.http_status == Some(410)).unwrap();
    assert_eq!((refused.status.as_deref(), refused.attempt_count, refused.next_retry_at.as_deref()), (Some("failed"), Some(1), None));
}

/// The plan's concurrent calls: one more is refused with a 429 and `Retry-After` before anything
/// is charged or dialled (so the error says it did not act); the limit in the usage summary is the
/// one enforced.
#[tokio::test]
async fn calls_beyond_the_concurrency_cap_are_refused_with_retry_after() {
    let config = SandboxConfig { turn_delay: Duration::from_secs(30), ..SandboxConfig::fast() };
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = client(&sandbox, &key());
    let (agent, _) = agent_with_number(&client, VoiceMode::Hosted).await;
    let call = |to: &str| CreateCallParams { agent_id: agent.id.clone(), to_number: to.into(), ..Default::default() };
    let cap = client.usage().get().await.unwrap().plan.unwrap().limits.unwrap().concurrent_calls.unwrap();
    for n in 0..cap {
        client.calls().make(&call(&format!("+1415555{:04}", 100 + n))).await.unwrap();
    }
    let refused = client.calls().make(&call("+14155550199")).await.unwrap_err();
    let api = refused.as_api().unwrap();
    assert_eq!((api.status, api.retry_after, api.may_have_acted), (429, Some(Duration::from_secs(5)), false), "{refused}");
    assert_eq!(sandbox.world().stats()["calls_placed"], cap, "nobody was dialled");
    assert_eq!(client.calls().list(&ListCallsParams::default()).await.unwrap().total, Some(cap));
}

/// `X-Sub-Account-Id` scopes every resource to that sub-account: what one creates the parent and
/// the other sub-accounts do not see, inbound traffic reaches the sub-account's webhook, and an id
/// the key does not own answers 404.
#[tokio::test]
async fn sub_accounts_scope_every_resource() {
    let sandbox = sandbox().await;
    let key = key();
    let parent = client(&sandbox, &key);
    let team = parent.sub_accounts().create(&CreateSubAccountParams { name: "Team B".into() }).await.unwrap();
    let other = parent.sub_accounts().create(&CreateSubAccountParams { name: "Team C".into() }).await.unwrap();
    let scoped =
        |id: &str| Client::builder().api_key(&key).base_url(sandbox.url()).max_retries(0).header("X-Sub-Account-Id", id).build().unwrap();
    let (team_client, other_client) = (scoped(&team.id), scoped(&other.id));

    let (agent, number) = agent_with_number(&team_client, VoiceMode::Hosted).await;
    let receiver = Receiver::ok().await;
    team_client.webhooks().set(&SetWebhookParams { url: receiver.url.clone(), ..Default::default() }).await.unwrap();
    assert_eq!(team_client.agents().list(&ListAgentsParams::default()).await.unwrap().data.len(), 1);
    for outsider in [&parent, &other_client] {
        assert!(outsider.agents().list(&ListAgentsParams::default()).await.unwrap().data.is_empty());
        assert!(outsider.numbers().list(&ListNumbersParams::default()).await.unwrap().data.is_empty());
        assert_eq!(outsider.agents().get(&agent.id).await.unwrap_err().status(), Some(404));
        assert_eq!(outsider.webhooks().get().await.unwrap(), None);
    }
    // The per-call parameter of the operations that take it scopes the same way.
    let listed = parent.numbers().list(&ListNumbersParams { sub_account_id: Some(team.id.clone()), ..Default::default() }).await.unwrap();
    assert_eq!(listed.data[0].id, number.id);

    raw(
        &sandbox,
        None,
        "POST",
        "/sandbox/inbound/message",
        Some(json!({"to": number.phone_number, "from": "+14155550124", "body": "hi", "wait": true})),
    )
    .await;
    assert_eq!(receiver.deliveries().len(), 1, "the sub-account's webhook gets its number's traffic");

    let unknown =
        scoped("sa_doesnotexist").agents().create(&CreateAgentParams { name: "Stray".into(), ..Default::default() }).await.unwrap_err();
    assert_eq!(unknown.status(), Some(404), "{unknown}");
    let stranger =
        Client::builder().api_key(self::key()).base_url(sandbox.url()).header("X-Sub-Account-Id", team.id.as_str()).build().unwrap();
    assert_eq!(stranger.agents().list(&ListAgentsParams::default()).await.unwrap_err().status(), Some(404), "another key cannot borrow it");
    assert!(parent.agents().list(&ListAgentsParams::default()).await.unwrap().data.is_empty(), "nothing landed in the parent");
}

/// The other party reacts to a WhatsApp message: the webhook gets a signed `agent.reaction` on the
/// The SDKs refuse these before sending; the sandbox refuses them too, as the API does, for
/// whatever else sends raw requests (the official SDKs, curl).
#[tokio::test]
async fn whatsapp_rich_kinds_and_labels_are_refused_on_the_wire() {
    let sandbox = sandbox().await;
    let key = key();
    let client = client(&sandbox, &key);
    let (agent, _) = agent_with_number(&client, VoiceMode::Hosted).await;
    raw(&sandbox, Some(&key), "POST", "/integrations/whatsapp/connect", Some(json!({"code": "c", "agent_id": agent.id}))).await;
    let send = |rich: Value| {
        let mut body = json!({"agent_id": agent.id, "to_number": "+14155550123", "body": "Pick", "channel": "whatsapp"});
        body.as_object_mut().unwrap().extend(rich.as_object().unwrap().clone());
        raw(&sandbox, Some(&key), "POST", "/v1/messages", Some(body))
    };
    let cta = json!({"display_text": "Go", "url": "https://example.com"});
    let refused = |(status, answer): (u16, Value)| {
        assert_eq!(status, 422, "{answer}");
        answer["detail"][0]["loc"][1].as_str().unwrap().to_owned()
    };
    assert_eq!(refused(send(json!({"buttons": ["Yes"], "cta": cta})).await), "buttons | cta");
    assert_eq!(refused(send(json!({"buttons": ["Yes", "A button label far too long"]})).await), "buttons[1]");
    let long = json!({"cta": {"display_text": "A link label far too long", "url": "https://example.com"}});
    assert_eq!(refused(send(long).await), "cta.display_text");
    assert_eq!(send(json!({"cta": cta})).await.0, 200);
}

/// `whatsapp` channel, which the core reads as a typed reaction; an SMS takes no reaction.
#[tokio::test]
async fn reactions_arrive_over_whatsapp_too() {
    let sandbox = sandbox().await;
    let key = key();
    let client = client(&sandbox, &key);
    let (agent, _) = agent_with_number(&client, VoiceMode::Hosted).await;
    let receiver = Receiver::ok().await;
    let secret =
        client.webhooks().set(&SetWebhookParams { url: receiver.url.clone(), ..Default::default() }).await.unwrap().secret.unwrap();
    raw(&sandbox, Some(&key), "POST", "/integrations/whatsapp/connect", Some(json!({"code": "c", "agent_id": agent.id}))).await;
    let send = |channel: Option<SendChannel>| SendMessageParams {
        agent_id: Some(agent.id.clone()),
        to_number: Some("+14155550123".into()),
        body: Some("Table for two?".into()),
        channel,
        ..Default::default()
    };
    let sent = client.messages().send(&send(Some(SendChannel::Whatsapp))).await.unwrap();
    let (status, _) =
        raw(&sandbox, None, "POST", "/sandbox/inbound/reaction", Some(json!({"message_id": sent.id, "reaction": "like", "wait": true})))
            .await;
    assert_eq!(status, 200);
    let delivery = receiver.deliveries().pop().unwrap();
    let headers = delivery.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let event = Verifier::new(secret).construct_event_from_headers(&delivery.body, headers).unwrap();
    assert_eq!(event.envelope.channel, Some(Channel::Whatsapp));
    let EventData::Reaction(reaction) = event.data else { panic!("a typed reaction") };
    assert_eq!(
        (reaction.message_id.as_deref(), reaction.reaction_type.as_deref(), reaction.from_number.as_deref()),
        (Some(sent.id.as_str()), Some("like"), Some("+14155550123"))
    );

    let sms = client.messages().send(&send(None)).await.unwrap();
    let (status, _) =
        raw(&sandbox, None, "POST", "/sandbox/inbound/reaction", Some(json!({"message_id": sms.id, "reaction": "like"}))).await;
    assert_eq!(status, 400, "an SMS takes no reaction");
}

/// The API's published per-minute limits: the eleventh sign-up in a minute answers 429 with how
/// long to wait, and the window frees as the sandbox clock moves on; they can be turned off.
#[tokio::test]
async fn sign_ups_are_limited_per_minute() {
    let sandbox = sandbox().await;
    let start = |n: usize| raw(&sandbox, None, "POST", "/v0/agent/sign-up", Some(json!({"human_email": format!("h{n}@example.com")})));
    for n in 0..10 {
        assert_eq!(start(n).await.0, 200);
    }
    let refused = reqwest::Client::new()
        .post(format!("{}/v0/agent/sign-up", sandbox.url()))
        .header("content-type", "application/json")
        .body(json!({"human_email": "late@example.com"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    raw(&sandbox, None, "POST", "/sandbox/clock/advance", Some(json!({"seconds": 60}))).await;
    assert_eq!(start(10).await.0, 200);

    let unlimited = Sandbox::start(SandboxConfig { rate_limits: false, ..SandboxConfig::fast() }).await.unwrap();
    for n in 0..12 {
        let (status, _) =
            raw(&unlimited, None, "POST", "/v0/agent/sign-up", Some(json!({"human_email": format!("u{n}@example.com")}))).await;
        assert_eq!(status, 200);
    }
}

/// With no number to give, verifying answers the API's 503 and opens no account; the code stays
/// pending (a second try is judged the same way, not refused as unknown).
#[tokio::test]
async fn a_sign_up_without_a_number_to_give_answers_503() {
    let sandbox = Sandbox::start(SandboxConfig { number_limit: 0, ..SandboxConfig::fast() }).await.unwrap();
    let (_, started) = raw(&sandbox, None, "POST", "/v0/agent/sign-up", Some(json!({"human_email": "h@example.com"}))).await;
    let verify = json!({"verification_id": started["verification_id"], "otp_code": "123456"});
    let (status, answer) = raw(&sandbox, None, "POST", "/v0/agent/verify", Some(verify.clone())).await;
    assert_eq!(status, 503, "{answer}");
    let (status, again) = raw(&sandbox, None, "POST", "/v0/agent/verify", Some(verify)).await;
    assert_eq!(status, 503, "the code still works: {again}");
}

/// The browser console: served under a strict Content-Security-Policy when this build carries it
/// (it needs the wasm build when compiled), and a page saying how to get it otherwise.
#[tokio::test]
async fn the_console_is_served_under_a_strict_policy() {
    let sandbox = sandbox().await;
    let answer = reqwest::get(format!("{}/console/", sandbox.url())).await.unwrap();
    let policy = answer.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.starts_with("default-src 'none'") && !policy.contains("'unsafe-inline'"), "{policy}");
    let status = answer.status();
    let page = answer.text().await.unwrap();
    if agentphone_sandbox::console::built() {
        assert_eq!(status, 200);
        assert!(page.contains("<script type=\"importmap\">") && policy.contains("'sha256-"), "{policy}");
        let wasm = reqwest::get(format!("{}/console/pkg/wasm/agentphone_wasm_bg.wasm", sandbox.url())).await.unwrap();
        assert_eq!(wasm.headers()["content-type"], "application/wasm");
        assert_eq!(reqwest::get(format!("{}/console/pkg/backend/node.js", sandbox.url())).await.unwrap().status(), 404);
    } else {
        assert_eq!(status, 503);
        assert!(page.contains("scripts/wasm-build.sh"), "{page}");
    }
}
