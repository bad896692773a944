//! Limits that hold whatever the server does: `timeout` bounds the whole call (attempts, backoff
//! and Retry-After waits), bodies and event-stream lines are capped while they are read, and a
//! request that cannot be sent fails before anything goes out. Each test runs in its own process
//! (nextest), so the peak memory it reads is its own.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use agentphone::*;
use futures_util::StreamExt;
use support::{KEY, MockServer, Reply, peak_rss, raw_server};

fn agent(id: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "name": "Ava"})
}

fn client_with(base: &str, timeout: Duration) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base)
        .timeout(timeout)
        .retry_policy(RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(5), ..Default::default() })
        .build()
        .unwrap()
}

fn within_tenth(elapsed: Duration, limit: Duration) {
    assert!(elapsed <= limit + limit / 10, "took {elapsed:?}; the limit is {limit:?}");
}

#[tokio::test]
async fn the_timeout_bounds_the_whole_call_retry_after_included() {
    let server = MockServer::start(|_, _| Reply::json(429, serde_json::json!({"detail": "slow down"})).header("retry-after", "5")).await;
    let started = Instant::now();
    let err = client_with(&server.url(), Duration::from_secs(1)).agents().get("a").await.unwrap_err();
    within_tenth(started.elapsed(), Duration::from_secs(1));
    assert_eq!(err.kind(), ErrorKind::RateLimit, "{err}");
    assert_eq!(err.as_api().unwrap().retry_after, Some(Duration::from_secs(5)), "the wait it did not take is reported");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_trickled_answer_times_out_on_time() {
    let (addr, count) =
        raw_server("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000", Duration::from_millis(200), |_| {
            Some(b" ".to_vec())
        })
        .await;
    let started = Instant::now();
    let err = client_with(&format!("http://{addr}"), Duration::from_secs(1)).agents().get("a").await.unwrap_err();
    within_tenth(started.elapsed(), Duration::from_secs(1));
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(*count.lock().unwrap(), 1, "no time was left for another attempt");
}

#[tokio::test]
async fn a_gigabyte_body_is_refused_while_it_is_read() {
    // 1 GiB of JSON whitespace, chunked: no content-length to refuse it up front.
    let (addr, _) = raw_server("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked", Duration::ZERO, |i| {
        // 1,024 chunks of 1 MiB, then the last chunk: a well-formed body, only too big.
        (i <= 1024).then(|| {
            if i == 1024 {
                return b"0\r\n\r\n".to_vec();
            }
            let mut chunk = format!("{:x}\r\n", 1 << 20).into_bytes();
            chunk.extend(std::iter::repeat_n(b' ', 1 << 20));
            chunk.extend(b"\r\n");
            chunk
        })
    })
    .await;
    let err = client_with(&format!("http://{addr}"), Duration::from_secs(60)).agents().get("a").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("larger than 64 MiB"), "{err}");
    let peak = peak_rss();
    println!("peak RSS after a 1 GiB chunked body: {} MB", peak / 1_000_000);
    assert!(peak < 150_000_000, "peak RSS {peak} B");
}

#[tokio::test]
async fn a_gigabyte_event_stream_line_is_refused_while_it_is_read() {
    let (addr, _) = raw_server("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked", Duration::ZERO, |i| {
        (i <= 1024).then(|| {
            if i == 1024 {
                return b"0\r\n\r\n".to_vec();
            }
            let mut chunk = format!("{:x}\r\n", 1 << 20).into_bytes();
            if i == 0 {
                chunk.extend(b"data: ");
                chunk.extend(std::iter::repeat_n(b'x', (1 << 20) - 6));
            } else {
                chunk.extend(std::iter::repeat_n(b'x', 1 << 20));
            }
            chunk.extend(b"\r\n");
            chunk
        })
    })
    .await;
    let client = client_with(&format!("http://{addr}"), Duration::from_secs(30));
    let first = Box::pin(client.calls().stream_transcript("call_1")).next().await.unwrap();
    let err = first.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("a line longer than"), "{err}");
    let peak = peak_rss();
    println!("peak RSS after a 1 GiB event-stream line: {} MB", peak / 1_000_000);
    assert!(peak < 150_000_000, "peak RSS {peak} B");
}

#[tokio::test]
async fn a_stalled_error_body_on_a_stream_does_not_hang_it() {
    let (addr, _) = raw_server(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: 500",
        Duration::from_secs(60),
        |_| Some(b"{".to_vec()),
    )
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .timeout(Duration::from_millis(500))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let first = Box::pin(client.calls().stream_transcript("call_1")).next().await.unwrap();
    assert_eq!(first.unwrap_err().kind(), ErrorKind::Timeout);
    within_tenth(started.elapsed(), Duration::from_millis(500));
}

#[tokio::test]
async fn a_header_that_cannot_be_sent_is_a_configuration_error_and_nothing_is_sent() {
    let server = MockServer::start(|_, _| Reply::json(200, agent("a"))).await;
    let client = client_with(&server.url(), Duration::from_secs(5));
    let options = RequestOptions { headers: vec![("X-Trace".into(), "a\r\nb".into())], ..Default::default() };
    let err = client
        .send_with(
            &SendMessageParams {
                agent_id: Some("agt_1".into()),
                to_number: Some("+14155550100".into()),
                body: Some("hi".into()),
                ..Default::default()
            },
            &options,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.to_string().contains("X-Trace") || err.to_string().contains("x-trace"), "{err}");
    assert!(!err.may_have_acted());
    let err = client.agents().list(&ListAgentsParams { sub_account_id: Some("sa\n1".into()), ..Default::default() }).await;
    assert!(matches!(err, Err(Error::Validation(ref v)) if v.field == "sub_account_id"), "{err:?}");
    assert_eq!(server.hits(), 0);
}
