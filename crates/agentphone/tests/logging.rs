//! Request logging: a record per attempt, bodies at debug with secrets and the key redacted.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};

use agentphone::logging::{LogLevel, LogRecord};
use agentphone::{Client, SetWebhookParams};
use serde_json::json;
use support::{KEY, MockServer, Reply};

fn logged(server: &MockServer, level: LogLevel) -> (Client, Arc<Mutex<Vec<LogRecord>>>) {
    let records: Arc<Mutex<Vec<LogRecord>>> = Arc::default();
    let sink = records.clone();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .retry_policy(agentphone::RetryPolicy { initial_backoff: std::time::Duration::from_millis(1), ..Default::default() })
        .log(level, move |record: &LogRecord| sink.lock().unwrap().push(record.clone()))
        .build()
        .unwrap();
    (client, records)
}

#[tokio::test]
async fn each_attempt_is_logged_with_its_status_request_id_and_time() {
    let server = MockServer::start(|_, n| match n {
        0 => Reply::json(503, json!({"detail": "busy"})).header("x-request-id", "req_first"),
        _ => Reply::json(200, json!({"data": [], "hasMore": false})).header("x-request-id", "req_second"),
    })
    .await;
    let (client, records) = logged(&server, LogLevel::Info);
    client.agents().list(&Default::default()).await.unwrap();
    let records = records.lock().unwrap().clone();
    let brief: Vec<(u32, Option<u16>, Option<&str>)> = records.iter().map(|r| (r.attempt, r.status, r.request_id.as_deref())).collect();
    assert_eq!(brief, [(1, Some(503), Some("req_first")), (2, Some(200), Some("req_second"))]);
    assert!(records.iter().all(|r| r.method == "GET" && r.path == "/v1/agents" && r.operation == "list_agents" && r.elapsed_ms > 0.0));
    assert!(records[1].request_body.is_none() && records[1].response_body.is_none(), "bodies only at debug");
    assert!(records[1].to_string().starts_with("GET /v1/agents -> 200 (list_agents, attempt 2, "), "{}", records[1]);
}

#[tokio::test]
async fn debug_records_carry_the_bodies_with_secrets_and_the_key_redacted() {
    let server = MockServer::start(|_, _| {
        Reply::json(200, json!({"id": "wh_1", "url": "https://example.com/hook", "secret": "whsec_do_not_log", "note": KEY}))
    })
    .await;
    let (client, records) = logged(&server, LogLevel::Debug);
    client.webhooks().set(&SetWebhookParams { url: "https://example.com/hook".into(), ..Default::default() }).await.unwrap();
    let record = records.lock().unwrap()[0].clone();
    assert_eq!(record.request_body.as_deref(), Some(r#"{"url":"https://example.com/hook"}"#));
    let received = record.response_body.unwrap();
    assert!(received.contains("[REDACTED]") && !received.contains("whsec_do_not_log") && !received.contains(KEY), "{received}");
}

#[tokio::test]
async fn a_failed_attempt_says_why() {
    let (addr, _) = support::dropping_server().await;
    let records: Arc<Mutex<Vec<LogRecord>>> = Arc::default();
    let sink = records.clone();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .max_retries(0)
        .log(LogLevel::Info, move |record: &LogRecord| sink.lock().unwrap().push(record.clone()))
        .build()
        .unwrap();
    client.agents().list(&Default::default()).await.unwrap_err();
    let record = records.lock().unwrap()[0].clone();
    assert!(record.status.is_none() && record.error.is_some(), "{record:?}");
    assert!(record.to_string().contains("-> failed: "), "{record}");
}
