//! The client against a scripted loopback server: headers, retries (and where they must not
//! happen), timeouts, error shapes, redirects, decoding edge cases, pagination, and the API key
//! never leaking.

mod support;

use std::time::{Duration, Instant};

use agentphone::*;
use futures_util::StreamExt;
use serde_json::json;
use support::{KEY, MockServer, Reply, client, dropping_server};

fn agent(id: &str) -> serde_json::Value {
    json!({"id": id, "name": "Bot", "createdAt": "2025-01-15T10:30:00Z"})
}

fn send_params() -> SendMessageParams {
    SendMessageParams {
        agent_id: Some("agt_1".into()),
        to_number: Some("+14155550100".into()),
        body: Some("hi".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn sends_auth_user_agent_and_accepts_a_v1_base_url() {
    let server = MockServer::start(|_, _| Reply::json(200, agent("agt_1"))).await;
    let client = client(&format!("{}/v1/", server.url()));
    let got = client.agents().get("agt_1").await.unwrap();
    assert_eq!(got.id, "agt_1");
    let seen = &server.seen()[0];
    assert_eq!(seen.uri.path(), "/v1/agents/agt_1");
    assert_eq!(seen.headers["authorization"], format!("Bearer {KEY}"));
    assert!(seen.headers["user-agent"].to_str().unwrap().starts_with("agentphone-rs/"));
    assert!(!seen.headers.contains_key("content-type"), "no body, no content type");
}

#[tokio::test]
async fn the_public_recording_is_fetched_without_the_key() {
    let server =
        MockServer::start(|_, _| Reply { headers: vec![("content-type", "audio/wav".into())], ..Reply::text(200, "RIFF....WAVE") }).await;
    let recording = client(&server.url()).calls().get_recording("call_1").await.unwrap();
    assert_eq!(recording.content_type, "audio/wav");
    assert_eq!(&recording.data[..4], b"RIFF");
    assert!(!server.seen()[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn reads_are_retried_on_transient_failures() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server =
            MockServer::start(
                move |_, n| if n < 2 { Reply::json(status, json!({"detail": "busy"})) } else { Reply::json(200, agent("agt_1")) },
            )
            .await;
        let got = client(&server.url()).agents().get("agt_1").await;
        assert!(got.is_ok(), "{status}: {got:?}");
        assert_eq!(server.hits(), 3, "{status}");
    }
}

#[tokio::test]
async fn the_retry_budget_is_respected() {
    let server = MockServer::start(|_, _| Reply::json(503, json!({"detail": "down"}))).await;
    let err = client(&server.url()).agents().get("agt_1").await.unwrap_err();
    assert_eq!(server.hits(), 3, "1 attempt + 2 retries");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(!err.may_have_acted(), "a read never acts");
    let options = RequestOptions { max_retries: Some(0), ..Default::default() };
    let before = server.hits();
    let _ = client(&server.url()).send_with(&GetAgentParams { agent_id: "a".into(), ..Default::default() }, &options).await;
    assert_eq!(server.hits() - before, 1, "per-call max_retries");
}

#[tokio::test]
async fn a_send_is_never_repeated_after_the_server_may_have_acted() {
    for status in [408, 500, 502, 503, 504] {
        let server = MockServer::start(move |_, _| Reply::json(status, json!({"detail": "upstream"}))).await;
        let err = client(&server.url()).messages().send(&send_params()).await.unwrap_err();
        assert_eq!(server.hits(), 1, "{status}: one POST, never three SMS");
        assert!(err.may_have_acted(), "{status}");
        assert!(err.to_string().contains("may have taken effect"), "{err}");
    }
}

#[tokio::test]
async fn a_send_is_retried_on_429_because_the_server_did_not_act() {
    let server = MockServer::start(|_, n| {
        if n == 0 {
            Reply::json(429, json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "slow down"}})).header("retry-after", "0")
        } else {
            Reply::json(
                200,
                json!({"id": "msg_1", "status": "sent", "channel": "sms", "from_number": "+14155551234", "to_number": "+14155550100"}),
            )
        }
    })
    .await;
    let sent = client(&server.url()).messages().send(&send_params()).await.unwrap();
    assert_eq!(sent.id, "msg_1");
    assert_eq!(server.hits(), 2);
    let body: serde_json::Value = serde_json::from_slice(&server.seen()[1].body).unwrap();
    assert_eq!(body, json!({"agent_id": "agt_1", "to_number": "+14155550100", "body": "hi"}));
}

#[tokio::test]
async fn delivery_unconfirmed_is_never_retried() {
    let server = MockServer::start(|_, _| {
        Reply::json(409, json!({"error": {"code": "DELIVERY_UNCONFIRMED", "message": "may have been sent"}}))
            .header("x-request-id", "req_42")
    })
    .await;
    let err = client(&server.url()).messages().send(&send_params()).await.unwrap_err();
    assert_eq!(server.hits(), 1);
    let api = err.as_api().unwrap();
    assert_eq!(api.code.as_deref(), Some("DELIVERY_UNCONFIRMED"));
    assert_eq!(api.request_id.as_deref(), Some("req_42"));
    assert!(api.may_have_acted);
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn a_typed_answer_comes_with_its_status_headers_and_request_id() {
    let server =
        MockServer::start(|_, _| Reply::json(201, agent("agt_9")).header("x-request-id", "req_7").header("x-ratelimit-remaining", "59"))
            .await;
    let params = GetAgentParams { agent_id: "agt_9".into(), ..Default::default() };
    let got = client(&server.url()).send_with_response(&params, &RequestOptions::default()).await.unwrap();
    assert_eq!(got.data.id, "agt_9");
    assert_eq!((got.response.status, got.response.request_id.as_deref()), (201, Some("req_7")));
    assert_eq!(got.response.header("X-RateLimit-Remaining"), Some("59"));
    assert_eq!(got.response.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_http_date_and_capped() {
    let server =
        MockServer::start(
            |_, n| if n == 0 { Reply::json(429, json!({})).header("retry-after", "1") } else { Reply::json(200, agent("a")) },
        )
        .await;
    let started = Instant::now();
    client(&server.url()).agents().get("a").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950), "waited {:?}", started.elapsed());

    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(1));
    let server = MockServer::start(move |_, n| {
        if n == 0 { Reply::json(503, json!({})).header("retry-after", date.clone()) } else { Reply::json(200, agent("a")) }
    })
    .await;
    client(&server.url()).agents().get("a").await.unwrap();
    assert_eq!(server.hits(), 2);

    let server = MockServer::start(|_, _| Reply::json(429, json!({"detail": "come back tomorrow"})).header("retry-after", "86400")).await;
    let started = Instant::now();
    let err = client(&server.url()).agents().get("a").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "a Retry-After beyond the cap is returned, not slept");
    assert_eq!(server.hits(), 1);
    assert_eq!(err.as_api().unwrap().retry_after, Some(Duration::from_secs(86400)));
    assert_eq!(err.kind(), ErrorKind::RateLimit);
}

#[tokio::test]
async fn timeouts_retry_reads_but_not_sends() {
    let server = MockServer::start(|_, _| Reply::json(200, agent("a")).delayed(Duration::from_millis(400))).await;
    let slow = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .attempt_timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(5), ..Default::default() })
        .build()
        .unwrap();
    let err = slow.agents().get("a").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(server.hits(), 3);
    let err = slow.messages().send(&send_params()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.may_have_acted());
    assert_eq!(server.hits(), 4, "the send went out once");
}

#[tokio::test]
async fn dropped_connections_retry_reads_but_not_sends() {
    let (addr, count) = dropping_server().await;
    let client = client(&format!("http://{addr}"));
    let err = client.agents().get("a").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert_eq!(*count.lock().unwrap(), 3);
    let err = client
        .calls()
        .make(&CreateCallParams { agent_id: "a".into(), to_number: "+14155550100".into(), ..Default::default() })
        .await
        .unwrap_err();
    assert!(err.may_have_acted());
    assert_eq!(*count.lock().unwrap(), 4, "the call was placed at most once");
}

#[tokio::test]
async fn a_retried_delete_that_finds_nothing_says_an_earlier_attempt_may_have_deleted_it() {
    // The first attempt deletes and its answer is lost (a 504 from a proxy); the retry finds nothing.
    let server = MockServer::start(|_, n| {
        if n == 0 { Reply::text(504, "gateway timeout") } else { Reply::json(404, json!({"detail": "Agent not found"})) }
    })
    .await;
    let err = client(&server.url()).agents().delete("a").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.may_have_acted(), "{err}");
    assert_eq!(server.hits(), 2);
    // A read that fails the same way says nothing of the kind: reading has no effect.
    let server = MockServer::start(|_, n| {
        if n == 0 { Reply::text(504, "gateway timeout") } else { Reply::json(404, json!({"detail": "Agent not found"})) }
    })
    .await;
    let err = client(&server.url()).agents().get("a").await.unwrap_err();
    assert!(!err.may_have_acted(), "{err}");
}

#[tokio::test]
async fn refused_connections_are_retried_even_for_sends_and_say_nothing_was_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let started = Instant::now();
    let err = client(&format!("http://{addr}")).messages().send(&send_params()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(!err.may_have_acted());
    assert!(err.to_string().contains("not sent"), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(5), "it backed off and tried again");
}

#[tokio::test]
async fn every_error_shape_is_parsed() {
    let server = MockServer::start(|request, _| match request.uri.path() {
        "/v1/agents/detail" => Reply::json(404, json!({"detail": "Agent not found"})),
        "/v1/agents/list" => {
            Reply::json(422, json!({"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}]}))
        }
        "/v1/agents/envelope" => {
            Reply::json(402, json!({"error": {"code": "INSUFFICIENT_BALANCE", "message": "Balance below $3", "type": "billing"}}))
        }
        "/v1/agents/html" => Reply::text(400, "<html><h1>Bad gateway</h1></html>"),
        _ => Reply::text(401, ""),
    })
    .await;
    let client = client(&server.url());
    let get = |id: &'static str| {
        let client = client.clone();
        async move { client.agents().get(id).await.unwrap_err() }
    };
    let err = get("detail").await;
    assert_eq!((err.kind(), err.as_api().unwrap().message.as_str()), (ErrorKind::NotFound, "Agent not found"));
    let err = get("list").await;
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(err.as_api().unwrap().details[0].field.as_deref(), Some("name"));
    let err = get("envelope").await;
    assert_eq!(err.kind(), ErrorKind::InsufficientBalance);
    assert_eq!(err.as_api().unwrap().code.as_deref(), Some("INSUFFICIENT_BALANCE"));
    let err = get("html").await;
    assert!(err.as_api().unwrap().message.contains("<h1>Bad gateway"), "{err}");
    let err = get("empty").await;
    assert_eq!((err.kind(), err.as_api().unwrap().message.as_str()), (ErrorKind::Authentication, "Unauthorized"));
}

#[tokio::test]
async fn bodies_that_do_not_fit_get_a_decode_error_with_an_excerpt() {
    let server = MockServer::start(|request, _| match request.uri.path() {
        "/v1/agents/truncated" => Reply::text(200, r#"{"id": "agt_1", "name": "Bo"#),
        "/v1/agents/wrong" => Reply::json(200, json!({"id": 42})),
        _ => Reply::text(200, ""),
    })
    .await;
    let client = client(&server.url());
    let err = client.agents().get("truncated").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains(r#"{\"id\": \"agt_1\""#), "{err}");
    let err = client.agents().get("wrong").await.unwrap_err();
    assert!(err.to_string().contains("at `id`"), "{err}");
    let err = client.agents().get("empty").await.unwrap_err();
    assert!(err.to_string().contains("missing field `id`"), "{err}");
    // An empty 200 where every field is optional decodes; "no webhook" is None.
    assert_eq!(client.usage().get().await.unwrap(), Usage::default());
    assert_eq!(client.webhooks().get().await.unwrap(), None);
}

#[tokio::test]
async fn no_content_and_null_answers() {
    let server = MockServer::start(|request, _| match request.uri.path() {
        "/v1/webhooks" => Reply::json(200, serde_json::Value::Null),
        _ => Reply { status: 204, headers: vec![], body: String::new(), delay: Duration::ZERO },
    })
    .await;
    let client = client(&server.url());
    client.contacts().delete("ct_1").await.unwrap();
    assert_eq!(client.webhooks().get().await.unwrap(), None);
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed_and_the_key_stays_home() {
    let elsewhere = MockServer::start(|_, _| Reply::json(200, agent("stolen"))).await;
    let target = format!("{}/v1/agents/a", elsewhere.url().replace("127.0.0.1", "localhost"));
    let server = MockServer::start(move |_, _| Reply::text(302, "").header("location", target.clone())).await;
    let err = client(&server.url()).agents().get("a").await.unwrap_err();
    assert_eq!(err.status(), Some(302));
    assert_eq!(elsewhere.hits(), 0, "nothing reached the other origin");

    let same = MockServer::start(|request, _| {
        if request.uri.path() == "/v1/agents/old" {
            Reply::text(307, "").header("location", "/v1/agents/new")
        } else {
            Reply::json(200, agent("new"))
        }
    })
    .await;
    assert_eq!(client(&same.url()).agents().get("old").await.unwrap().id, "new");
}

#[tokio::test]
async fn the_api_key_never_appears_in_errors_or_debug_output() {
    // A hostile server that echoes the Authorization header back everywhere it can.
    let server = MockServer::start(|request, n| {
        let auth = request.headers["authorization"].to_str().unwrap().to_owned();
        match n % 3 {
            0 => Reply::json(400, json!({"detail": auth.clone()})).header("x-request-id", auth),
            1 => Reply::text(200, &format!("not json {auth}")),
            _ => Reply::json(500, json!({"error": {"message": auth, "code": "X"}})),
        }
    })
    .await;
    let client = Client::builder().api_key(KEY).base_url(server.url()).max_retries(0).build().unwrap();
    let mut errors = Vec::new();
    for _ in 0..3 {
        errors.push(client.agents().get("a").await.unwrap_err());
    }
    let (addr, _) = dropping_server().await;
    errors.push(support::client(&format!("http://{addr}")).agents().get("a").await.unwrap_err());
    let slow = MockServer::start(|_, _| Reply::json(200, json!({})).delayed(Duration::from_millis(300))).await;
    let timeout_client =
        Client::builder().api_key(KEY).base_url(slow.url()).timeout(Duration::from_millis(50)).max_retries(0).build().unwrap();
    errors.push(timeout_client.agents().get("a").await.unwrap_err());
    errors.push(client.agents().get("").await.unwrap_err());
    errors.push(Client::builder().api_key(KEY).base_url("http://example.com").build().unwrap_err());
    let kinds: Vec<ErrorKind> = errors.iter().map(Error::kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::BadRequest,
            ErrorKind::Decode,
            ErrorKind::Server,
            ErrorKind::Connection,
            ErrorKind::Timeout,
            ErrorKind::Validation,
            ErrorKind::Config
        ]
    );
    for err in &errors {
        let all = format!("{err} {err:?} {:?}", err.as_api().map(|a| (&a.body, &a.request_id)));
        assert!(!all.contains(KEY), "{:?} leaked the key: {all}", err.kind());
    }
    assert!(errors[0].as_api().unwrap().body.contains("[REDACTED]"));
    assert!(!format!("{client:?}").contains(KEY));
}

#[tokio::test]
async fn configuration_problems_are_reported_up_front() {
    // A blank key (trimmed to nothing) is no key, whatever the environment holds.
    let err = Client::builder().api_key("   ").base_url("http://127.0.0.1:1").build();
    assert!(matches!(err, Err(Error::Config(ref m)) if m.contains(API_KEY_ENV)), "{err:?}");
    let err = Client::builder().api_key(KEY).base_url("http://api.example.com").build().unwrap_err();
    assert!(err.to_string().contains("plain http"), "{err}");
    let err = Client::builder().api_key(KEY).base_url("https://x.example").header("Authorization", "Bearer other").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn offset_pages_stop_on_has_more_total_or_an_empty_page() {
    // 5 agents, pages of 2, `hasMore` given.
    let server = MockServer::start(|request, _| {
        let offset: usize =
            request.uri.query().and_then(|q| q.split('&').find_map(|p| p.strip_prefix("offset="))).map_or(0, |v| v.parse().unwrap());
        let items: Vec<_> = (offset..(offset + 2).min(5)).map(|i| agent(&format!("agt_{i}"))).collect();
        Reply::json(200, json!({"data": items, "hasMore": offset + 2 < 5, "total": 5}))
    })
    .await;
    let client = client(&server.url());
    let ids: Vec<String> =
        client.agents().list_all(ListAgentsParams { limit: Some(2), ..Default::default() }).map(|a| a.unwrap().id).collect().await;
    assert_eq!(ids, ["agt_0", "agt_1", "agt_2", "agt_3", "agt_4"]);
    assert_eq!(server.hits(), 3);

    // Pages are fetched lazily: taking 3 items costs 2 requests.
    let before = server.hits();
    let first: Vec<_> = client.agents().list_all(ListAgentsParams { limit: Some(2), ..Default::default() }).take(3).collect().await;
    assert_eq!(first.len(), 3);
    assert_eq!(server.hits() - before, 2);

    // No hasMore (the agents list of some API versions): `total` ends it.
    let server = MockServer::start(|request, _| {
        let offset: usize =
            request.uri.query().and_then(|q| q.split('&').find_map(|p| p.strip_prefix("offset="))).map_or(0, |v| v.parse().unwrap());
        let items: Vec<_> = (offset..(offset + 2).min(3)).map(|i| agent(&format!("agt_{i}"))).collect();
        Reply::json(200, json!({"data": items, "total": 3}))
    })
    .await;
    let all: Vec<_> = client_for(&server).agents().list_all(ListAgentsParams::default()).collect().await;
    assert_eq!(all.len(), 3);
    assert_eq!(server.hits(), 2);

    // An error ends the stream after being yielded once.
    let server = MockServer::start(|_, n| {
        if n == 0 { Reply::json(200, json!({"data": [agent("a")], "hasMore": true})) } else { Reply::json(404, json!({"detail": "gone"})) }
    })
    .await;
    let items: Vec<_> = client_for(&server).agents().list_all(ListAgentsParams::default()).collect().await;
    assert_eq!(items.len(), 2);
    assert!(items[1].is_err());
}

#[tokio::test]
async fn cursor_pages_walk_back_in_time_without_repeats() {
    let messages: Vec<serde_json::Value> =
        (0..5).rev().map(|i| json!({"id": format!("msg_{i}"), "body": "x", "receivedAt": format!("2025-01-15T10:0{i}:00Z")})).collect();
    let server = MockServer::start(move |request, _| {
        let query = request.uri.query().unwrap_or("").to_owned();
        let before = query
            .split('&')
            .find_map(|p| p.strip_prefix("before="))
            .map(|v| percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned());
        // Inclusive of the cursor, as a server with second-granularity timestamps might be.
        let page: Vec<_> =
            messages.iter().filter(|m| before.as_deref().is_none_or(|b| m["receivedAt"].as_str().unwrap() <= b)).take(2).cloned().collect();
        let has_more = page.last().is_some_and(|m| m["id"] != "msg_0");
        Reply::json(200, json!({"data": page, "hasMore": has_more}))
    })
    .await;
    let ids: Vec<String> = client_for(&server)
        .numbers()
        .get_messages_all(ListNumberMessagesParams { number_id: "num_1".into(), limit: Some(2), ..Default::default() })
        .map(|m| m.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, ["msg_4", "msg_3", "msg_2", "msg_1", "msg_0"]);
}

fn client_for(server: &MockServer) -> Client {
    client(&server.url())
}
