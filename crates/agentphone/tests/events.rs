//! The transcript stream's SSE client against a server that drops the connection mid-stream:
//! it reconnects with `Last-Event-ID` and resumes where it was.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentphone::{Client, ErrorKind, RetryPolicy};
use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use axum::response::Response;
use futures_util::StreamExt;

/// First connection: two events with ids, then the connection breaks. Later connections: the
/// events after the `Last-Event-ID` they ask for, then the end.
async fn flaky_server(seen: Arc<Mutex<Vec<Option<String>>>>) -> String {
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let seen = seen.clone();
        async move {
            let last = headers.get("last-event-id").map(|v| v.to_str().unwrap().to_owned());
            seen.lock().unwrap().push(last.clone());
            let chunks: Vec<Result<Bytes, std::io::Error>> = match last.as_deref() {
                None => vec![
                    Ok(Bytes::from("event: connected\nid: 1\ndata: {\"callId\":\"c\"}\n\n")),
                    Ok(Bytes::from(": heartbeat\n\nevent: turn\nid: 2\ndata: {\"role\":\"user\",\n")),
                    Ok(Bytes::from("data: \"content\":\"Hello?\"}\n\n")),
                    Err(std::io::Error::other("connection lost")),
                ],
                Some(_) => vec![
                    Ok(Bytes::from("event: turn\nid: 3\ndata: {\"role\":\"agent\",\"content\":\"Hi!\"}\n\n")),
                    Ok(Bytes::from("event: ended\nid: 4\ndata: {\"durationSeconds\":4}\n\n")),
                ],
            };
            // A pause before each chunk, so that what precedes the break reaches the client.
            let paced = futures_util::stream::iter(chunks).then(|chunk| async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                chunk
            });
            Response::builder().header("content-type", "text/event-stream").body(Body::from_stream(paced)).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn a_broken_stream_resumes_from_the_last_event_id() {
    let seen = Arc::default();
    let url = flaky_server(Arc::clone(&seen)).await;
    let client = Client::builder()
        .api_key("sk_test_events")
        .base_url(url)
        .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(5), ..Default::default() })
        .build()
        .unwrap();
    let events: Vec<_> = client.calls().stream_transcript("c").map(|e| e.unwrap()).collect().await;
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["connected", "turn", "turn", "ended"]);
    assert_eq!(events[1].data.as_ref().unwrap()["content"], "Hello?", "multi-line data joined");
    assert_eq!(*seen.lock().unwrap(), [None, Some("2".to_owned())]);
}

#[tokio::test]
async fn a_silent_stream_times_out() {
    let app = axum::Router::new().fallback(|| async {
        let forever = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
        Response::builder().header("content-type", "text/event-stream").body(Body::from_stream(forever)).unwrap()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::builder().api_key("sk_test_events").base_url(url).timeout(Duration::from_millis(200)).build().unwrap();
    let events: Vec<_> = client.calls().stream_transcript("c").collect().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].as_ref().unwrap_err().kind(), ErrorKind::Timeout);
}
