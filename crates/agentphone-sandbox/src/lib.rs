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
mod recording;
mod router;
mod serve;
mod state;
mod time;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

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
    /// Delay before the first webhook redelivery; it doubles each time.
    pub webhook_retry_delay: Duration,
    /// Delivery attempts in all (the API makes 6).
    pub webhook_max_attempts: u32,
    /// Interval of `: heartbeat` comments on transcript streams.
    pub heartbeat: Duration,
    /// Webhook deliveries a project's log keeps (the oldest go first; usage counts what it keeps).
    pub delivery_log_capacity: usize,
    /// Deliveries each `/sandbox/sink/{name}` keeps (the oldest go first); bodies are kept up to
    /// 64 KiB each.
    pub sink_capacity: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            turn_delay: Duration::from_millis(700),
            turn_seconds: 4,
            balance_cents: 10_000,
            number_limit: 10,
            webhook_retry_delay: Duration::from_secs(1),
            webhook_max_attempts: 6,
            heartbeat: Duration::from_secs(15),
            delivery_log_capacity: 1_000,
            sink_capacity: 100,
        }
    }
}

impl SandboxConfig {
    /// Short delays for tests: calls finish in tens of milliseconds.
    pub fn fast() -> Self {
        Self {
            turn_delay: Duration::from_millis(15),
            webhook_retry_delay: Duration::from_millis(20),
            heartbeat: Duration::from_millis(200),
            ..Self::default()
        }
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    world: Arc<World>,
    stop: Option<oneshot::Sender<()>>,
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
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).with_graceful_shutdown(async move { drop(stopped.await) }).await;
        });
        Ok(Self { addr, world, stop: Some(stop) })
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
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves on `listener` until the process ends (for `agentphone sandbox`).
pub async fn run(listener: TcpListener, config: SandboxConfig) -> std::io::Result<()> {
    axum::serve(listener, router::router(World::new(config))).await
}
