//! A scripted HTTP server on loopback that records every request it receives, for tests of the
//! client's transport, retries and error handling.

#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// What the server answers: status, headers, body, and an optional delay first.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self { status, headers: vec![("content-type", "application/json".into())], body: body.to_string(), delay: Duration::ZERO }
    }
    pub fn text(status: u16, body: &str) -> Self {
        Self { status, headers: vec![("content-type", "text/html".into())], body: body.to_owned(), delay: Duration::ZERO }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Script = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

pub struct MockServer {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl MockServer {
    /// Starts a server whose answer to the n-th request (0-based) is `script(request, n)`.
    pub async fn start(script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Self {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let script: Arc<Script> = Arc::new(script);
        let log = seen.clone();
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let log = log.clone();
            let script = script.clone();
            async move {
                let request = Seen { method, uri, headers, body };
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push(request.clone());
                    log.len() - 1
                };
                let reply = script(&request, n);
                tokio::time::sleep(reply.delay).await;
                let mut response = Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
                for (name, value) in reply.headers {
                    response = response.header(name, value);
                }
                response.body(Body::from(reply.body)).unwrap()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, seen }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn hits(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

/// A server that reads each request and closes the connection without answering.
pub async fn dropping_server() -> (SocketAddr, Arc<Mutex<usize>>) {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(Mutex::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let mut buffer = [0u8; 8192];
            let _ = socket.read(&mut buffer).await;
            *counter.lock().unwrap() += 1;
            drop(socket);
        }
    });
    (addr, count)
}

pub const KEY: &str = "sk_test_abcdefghijklmnop";

/// A client for `base` with fast retries.
pub fn client(base: &str) -> agentphone::Client {
    agentphone::Client::builder()
        .api_key(KEY)
        .base_url(base)
        .retry_policy(agentphone::RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(5), ..Default::default() })
        .build()
        .unwrap()
}

/// A server that answers every request with `head` (status line and headers, without the blank
/// line) and then writes `next(i)` for i = 0, 1, ... until it returns `None` or the client hangs
/// up, pausing `pause` between writes. Counts the requests it read.
pub async fn raw_server(
    head: &'static str,
    pause: Duration,
    next: impl Fn(usize) -> Option<Vec<u8>> + Send + Sync + 'static,
) -> (SocketAddr, Arc<Mutex<usize>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(Mutex::new(0));
    let counter = count.clone();
    let next = Arc::new(next);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (counter, next) = (counter.clone(), next.clone());
            tokio::spawn(async move {
                let mut buffer = [0u8; 8192];
                let _ = socket.read(&mut buffer).await;
                *counter.lock().unwrap() += 1;
                if socket.write_all(format!("{head}\r\n\r\n").as_bytes()).await.is_err() {
                    return;
                }
                let mut i = 0;
                while let Some(bytes) = next(i) {
                    if socket.write_all(&bytes).await.is_err() {
                        return;
                    }
                    i += 1;
                    if !pause.is_zero() {
                        tokio::time::sleep(pause).await;
                    }
                }
            });
        }
    });
    (addr, count)
}

/// The most memory this process has held (VmHWM), in bytes.
pub fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        .unwrap_or(0)
        * 1024
}
