//! A stateful, local emulator of the AgentPhone API.
//!
//! It serves every operation of the table on 127.0.0.1 with the API's validation, error shapes,
//! status codes and pagination; keeps an isolated project per API key; links resources (numbers to
//! agents, messages to conversations, usage to everything); signs and delivers webhooks and records
//! the deliveries; simulates calls, including the voice-webhook turn loop; and, under `/sandbox`,
//! lets tests inject inbound messages and calls, move the clock, reset state and inject faults.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = agentphone_sandbox::Sandbox::start(agentphone_sandbox::SandboxConfig::default()).await?;
//! let client = agentphone::Client::builder().api_key("sk_test_me").base_url(sandbox.url()).build().unwrap();
//! # Ok(()) }
//! ```

mod call_simulation;
mod clock;
pub mod console;
mod control;
mod delivery;
mod delivery_log;
mod error_reply;
mod faults;
#[allow(clippy::all)]
mod generated;
mod handler;
mod handlers;
mod ids;
mod rate_limits;
mod recording;
mod router;
mod serve;
mod state;
mod time;
pub mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use serde::Deserialize;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::ServiceExt;

pub use state::World;

/// How the sandbox behaves. The defaults suit interactive use; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Real time between the turns of a simulated call.
    pub turn_delay: Duration,
    /// Call time each turn adds (what `durationSeconds` reports).
    pub turn_seconds: u32,
    /// Starting balance of every project, in cents. Buying a number costs 300, a message 1, a call 10.
    pub balance_cents: i64,
    /// Active numbers a project may hold.
    pub number_limit: i64,
    /// Real time until the first webhook redelivery, which the sandbox clock puts a minute after
    /// the first attempt; the later ones (about 21 hours of the clock in all, as the API does) keep
    /// the same pace. Advancing the clock past a redelivery sends it at once.
    pub webhook_retry_delay: Duration,
    /// Delivery attempts in all (the API makes 6; a 4xx answer is never retried).
    pub webhook_max_attempts: u32,
    /// Interval of `: heartbeat` comments on transcript streams.
    pub heartbeat: Duration,
    /// Webhook deliveries a project's log keeps (the oldest go first; usage counts what it keeps).
    pub delivery_log_capacity: usize,
    /// Messages a project keeps (the oldest go first, from their conversations too; usage counts
    /// what it keeps).
    pub message_capacity: usize,
    /// Ended calls a project keeps, with their transcripts and recordings (the oldest go first;
    /// calls in progress always stay).
    pub call_capacity: usize,
    /// Deliveries each `/sandbox/sink/{name}` keeps (the oldest go first); bodies are kept up to
    /// 64 KiB each.
    pub sink_capacity: usize,
    /// Apply the API's published per-minute limits (sign-up 10, its verification 20, buying a
    /// number 20, phone verification 60 and 120), answering 429 with `Retry-After`.
    pub rate_limits: bool,
    /// Deliver webhooks only to loopback hosts; any other is a failed attempt that never
    /// connects (for fuzzing, where the URLs are made up).
    pub loopback_webhooks_only: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            turn_delay: Duration::from_millis(700),
            turn_seconds: 4,
            balance_cents: 10_000,
            number_limit: 10,
            webhook_retry_delay: Duration::from_secs(60),
            webhook_max_attempts: 6,
            heartbeat: Duration::from_secs(15),
            delivery_log_capacity: 1_000,
            message_capacity: 10_000,
            call_capacity: 10_000,
            rate_limits: true,
            sink_capacity: 100,
            loopback_webhooks_only: false,
        }
    }
}

impl SandboxConfig {
    /// Short delays for tests: calls finish in tens of milliseconds.
    pub fn fast() -> Self {
        Self {
            turn_delay: Duration::from_millis(15),
            // The whole schedule in about 2.5 s.
            webhook_retry_delay: Duration::from_millis(2),
            heartbeat: Duration::from_millis(200),
            ..Self::default()
        }
    }
}

/// How the packages (`agentphone_rs.testing.Sandbox`, `startSandbox` in Node) and the command line
/// describe a sandbox: the few settings a user picks, over the defaults or [`SandboxConfig::fast`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxOptions {
    /// Test timing: calls and webhook redeliveries take milliseconds.
    #[serde(default)]
    pub fast: bool,
    /// Real time between call turns, in milliseconds.
    pub turn_delay_ms: Option<u64>,
    /// Starting balance of each project, in cents.
    pub balance_cents: Option<i64>,
    /// Active numbers a project may hold.
    pub number_limit: Option<i64>,
    /// Messages a project keeps.
    pub message_capacity: Option<usize>,
    /// Ended calls a project keeps.
    pub call_capacity: Option<usize>,
    /// Apply the API's per-minute limits (default true).
    pub rate_limits: Option<bool>,
}

impl SandboxOptions {
    /// Reads options from JSON, naming the field that is wrong.
    pub fn from_json(options: Value) -> Result<Self, String> {
        serde_path_to_error::deserialize(options).map_err(|e| match e.path().to_string().as_str() {
            "." => format!("sandbox options: {}", e.inner()),
            path => format!("sandbox options: `{path}`: {}", e.inner()),
        })
    }

    pub fn config(&self) -> SandboxConfig {
        let base = if self.fast { SandboxConfig::fast() } else { SandboxConfig::default() };
        SandboxConfig {
            turn_delay: self.turn_delay_ms.map_or(base.turn_delay, Duration::from_millis),
            balance_cents: self.balance_cents.unwrap_or(base.balance_cents),
            number_limit: self.number_limit.unwrap_or(base.number_limit),
            message_capacity: self.message_capacity.unwrap_or(base.message_capacity),
            call_capacity: self.call_capacity.unwrap_or(base.call_capacity),
            rate_limits: self.rate_limits.unwrap_or(base.rate_limits),
            ..base
        }
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    world: Arc<World>,
    app: Router,
    stop: Mutex<Option<oneshot::Sender<()>>>,
    served: Mutex<Option<JoinHandle<()>>>,
}

impl Sandbox {
    /// Starts on an ephemeral loopback port.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts on `addr`.
    pub async fn bind(addr: SocketAddr, config: SandboxConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let world = World::new(config);
        let (stop, stopped) = oneshot::channel();
        let app = router::router(world.clone());
        let served = app.clone();
        let served = tokio::spawn(async move {
            let _ = axum::serve(listener, served).with_graceful_shutdown(async move { drop(stopped.await) }).await;
        });
        Ok(Self { addr, world, app, stop: Mutex::new(Some(stop)), served: Mutex::new(Some(served)) })
    }

    /// Stops the server and waits until it has: idle connections close at once, requests in
    /// flight finish, and a stream still open after a second (a transcript being followed) is
    /// cut. From then on clients fail to connect. Idempotent.
    pub async fn close(&self) {
        if let Some(stop) = self.stop.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = stop.send(());
        }
        let served = self.served.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(served) = served {
            let abort = served.abort_handle();
            if tokio::time::timeout(Duration::from_secs(1), served).await.is_err() {
                abort.abort();
            }
        }
    }

    /// Sends one request to this sandbox in-process, through its router (no socket): how the
    /// packages' test helpers drive the `/sandbox/*` controls. `api_key` picks the project, as the
    /// `Authorization` header does. Answers the status and the JSON body (`null` when empty).
    pub async fn request(&self, method: &str, path: &str, api_key: Option<&str>, body: Option<&Value>) -> Result<(u16, Value), String> {
        let mut headers = Vec::new();
        if let Some(key) = api_key {
            headers.push(("authorization".to_owned(), format!("Bearer {key}")));
        }
        if body.is_some() {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
        }
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let (status, bytes) = self.request_bytes(method, path, &headers, body).await?;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok((status, value))
    }

    /// One request of any shape, in-process: the method, path (with its query), headers and body
    /// bytes as given. What the router fuzz target drives.
    pub async fn request_bytes(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), String> {
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| format!("`method`: {method:?} is not an HTTP method"))?;
        if !path.starts_with('/') {
            return Err(format!("`path`: {path:?} must start with `/`"));
        }
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request.body(Body::from(body)).map_err(|e| format!("the request: {e}"))?;
        let response = match self.app.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.map_err(|e| format!("reading the answer: {e}"))?;
        Ok((status, bytes.to_vec()))
    }

    /// `http://127.0.0.1:<port>`: the base URL for clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The sandbox's state, for inspection in tests.
    pub fn world(&self) -> &Arc<World> {
        &self.world
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.get_mut().unwrap_or_else(PoisonError::into_inner).take() {
            let _ = stop.send(());
        }
    }
}

/// Serves on `listener` until the process ends (for `agentphone sandbox`).
pub async fn run(listener: TcpListener, config: SandboxConfig) -> std::io::Result<()> {
    axum::serve(listener, router::router(World::new(config))).await
}
