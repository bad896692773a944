//! The transcript stream's SSE client: it reconnects with `Last-Event-ID` after a broken connection,
//! retries a busy server as a read, and times out on silence before and after the headers.

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
    assert_eq!(events[1].data.as_ref().unwrap().content.as_deref(), Some("Hello?"), "multi-line data joined");
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

/// Serves `app` on a loopback port; returns its URL.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn a_busy_server_is_retried_as_its_retry_after_says() {
    // Two 503s with `Retry-After: 0`, then the stream: a stream is a read, retried like one.
    let attempts = Arc::new(Mutex::new(0));
    let counted = Arc::clone(&attempts);
    let url = serve(axum::Router::new().fallback(move || {
        let counted = Arc::clone(&counted);
        async move {
            let attempt = {
                let mut n = counted.lock().unwrap();
                *n += 1;
                *n
            };
            if attempt <= 2 {
                return Response::builder().status(503).header("retry-after", "0").body(Body::from("{\"detail\":\"busy\"}")).unwrap();
            }
            let body = "event: connected\nid: 1\ndata: {}\n\nevent: ended\nid: 2\ndata: {}\n\n";
            Response::builder().header("content-type", "text/event-stream").body(Body::from(body)).unwrap()
        }
    }))
    .await;
    let client = Client::builder().api_key("sk_test_events").base_url(url).build().unwrap();
    let names: Vec<String> = client.calls().stream_transcript("c").map(|e| e.unwrap().event).collect().await;
    assert_eq!(names, ["connected", "ended"]);
    assert_eq!(*attempts.lock().unwrap(), 3);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_before_the_stream() {
    let url = serve(axum::Router::new().fallback(std::future::pending::<Response>)).await;
    let client = Client::builder()
        .api_key("sk_test_events")
        .base_url(url)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy { max_retries: 0, ..Default::default() })
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let events: Vec<_> = client.calls().stream_transcript("c").collect().await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].as_ref().unwrap_err().kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}
