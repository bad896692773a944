//! Everything the sandbox remembers: one project per API key, and the records of each.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use agentphone::models::*;
use indexmap::IndexMap;
use tokio::sync::broadcast;

use crate::SandboxConfig;
use crate::clock::Clock;
use crate::delivery_log::DeliveryLog;
use crate::faults::Fault;

/// The whole sandbox: settings, clock, and the state behind one lock (every request holds it for
/// microseconds; nothing slow happens under it).
#[derive(Debug)]
pub struct World {
    pub(crate) config: SandboxConfig,
    pub(crate) clock: Clock,
    state: Mutex<State>,
    /// Sends webhook deliveries.
    pub(crate) http: reqwest::Client,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub projects: HashMap<String, Project>,
    /// Which key owns a call (the recording endpoint is public and names only the call).
    pub call_owner: HashMap<String, String>,
    /// Which key owns a phone number (inbound traffic names only the number).
    pub number_owner: HashMap<String, String>,
    pub faults: Vec<Fault>,
    pub live: HashMap<String, broadcast::Sender<LiveTurn>>,
    pub stats: Stats,
    /// Deliveries received by `/sandbox/sink/{name}`: the last `sink_capacity` of each, in at most
    /// `MAX_SINKS` sinks (the oldest sink goes first).
    pub sinks: IndexMap<String, std::collections::VecDeque<serde_json::Value>>,
    /// Sign-ups waiting for their code, by verification id.
    pub sign_ups: HashMap<String, PendingSignUp>,
    /// Which key each signed-up email got.
    pub sign_up_accounts: HashMap<String, String>,
    /// The per-minute limits' recent requests.
    pub rate_windows: crate::rate_limits::Windows,
}

/// A sign-up waiting for its code.
#[derive(Debug, Clone)]
pub(crate) struct PendingSignUp {
    pub email: String,
    pub agent_name: String,
    pub expires_at: i64,
}

/// What happened, for tests that check nothing was duplicated.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub(crate) struct Stats {
    pub requests: u64,
    pub faults_injected: u64,
    pub messages_sent: u64,
    pub calls_placed: u64,
    pub numbers_bought: u64,
    pub by_operation: std::collections::BTreeMap<String, u64>,
}

/// A line of a live call, for transcript streams.
#[derive(Debug, Clone)]
pub(crate) enum LiveTurn {
    Line(TranscriptLine),
    Ended { duration_seconds: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TranscriptLine {
    pub role: &'static str,
    pub content: String,
    pub at: i64,
}

#[derive(Debug)]
pub(crate) struct Project {
    pub balance_cents: i64,
    pub agents: IndexMap<String, Agent>,
    pub numbers: IndexMap<String, PhoneNumber>,
    pub contacts: IndexMap<String, Contact>,
    pub calls: IndexMap<String, CallRecord>,
    pub messages: IndexMap<String, MessageRecord>,
    /// Each conversation's message ids, oldest first (message times only grow), so that reading
    /// one conversation never scans the project's every message.
    pub by_conversation: HashMap<String, Vec<String>>,
    pub conversations: IndexMap<String, ConversationRecord>,
    pub webhook: Option<Webhook>,
    pub agent_webhooks: HashMap<String, Webhook>,
    pub deliveries: DeliveryLog,
    pub contact_cards: HashMap<String, ContactCard>,
    pub backgrounds: HashMap<String, String>,
    pub last_message_ms: i64,
    pub registration: Option<serde_json::Value>,
    pub sub_accounts: IndexMap<String, SubAccount>,
    pub sip_trunks: IndexMap<String, SipTrunk>,
    /// Verification id to (phone number, code, checked).
    pub verifications: HashMap<String, (String, String, bool)>,
    pub feedback: Vec<serde_json::Value>,
    /// WhatsApp connections by id, each with its numbers and templates.
    pub whatsapp: IndexMap<String, serde_json::Value>,
    /// Requests this project made, by operation id (faulted ones included).
    pub requests: std::collections::BTreeMap<&'static str, u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct CallRecord {
    pub call: Call,
    pub lines: Vec<TranscriptLine>,
    pub started: i64,
    pub script: Vec<String>,
    pub end_requested: bool,
    /// False for a call placed with `disable_recording`: no recording is kept.
    pub record_audio: bool,
    pub disconnection_reason: Option<String>,
    pub system_prompt: Option<String>,
    pub greeting: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct MessageRecord {
    pub id: String,
    pub number_id: String,
    pub agent_id: Option<String>,
    pub conversation_id: String,
    pub from: String,
    pub to: String,
    pub body: String,
    pub direction: MessageDirection,
    pub channel: Channel,
    pub media_urls: Vec<String>,
    pub status: String,
    /// Unix milliseconds, strictly increasing within a project.
    pub at_ms: i64,
    pub reply_to: Option<String>,
    pub reactions: Vec<ConversationReaction>,
}

#[derive(Debug, Clone)]
pub(crate) struct ConversationRecord {
    pub conversation: Conversation,
    pub last_ms: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct DeliveryRecord {
    pub delivery: WebhookDelivery,
    pub agent_id: Option<String>,
    /// Delivered to the agent's own webhook rather than the project's.
    pub to_agent_webhook: bool,
    pub at: i64,
}

impl World {
    pub(crate) fn new(config: SandboxConfig) -> Arc<Self> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("agentphone-sandbox/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client starts");
        Arc::new(Self { config, clock: Clock::default(), state: Mutex::default(), http })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock must not take the sandbox down with it.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Current sandbox time, unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Counts of what the sandbox did, as JSON.
    pub fn stats(&self) -> serde_json::Value {
        serde_json::to_value(&self.lock().stats).unwrap_or_default()
    }
}

impl State {
    pub(crate) fn project(&mut self, key: &str, config: &SandboxConfig) -> &mut Project {
        self.projects.entry(key.to_owned()).or_insert_with(|| Project::new(config))
    }

    /// A project's stats; reading them does not make the project (a reset one stays forgotten).
    pub(crate) fn project_stats(&self, key: &str, config: &SandboxConfig) -> serde_json::Value {
        self.projects.get(key).map_or_else(|| Project::new(config).stats(), Project::stats)
    }
}

impl Project {
    /// A conversation's messages, oldest first.
    pub(crate) fn conversation_messages<'p>(
        &'p self,
        conversation_id: &str,
    ) -> impl DoubleEndedIterator<Item = &'p MessageRecord> + Clone + 'p {
        self.by_conversation.get(conversation_id).into_iter().flatten().filter_map(|id| self.messages.get(id))
    }

    fn new(config: &SandboxConfig) -> Self {
        Self {
            balance_cents: config.balance_cents,
            agents: IndexMap::new(),
            numbers: IndexMap::new(),
            contacts: IndexMap::new(),
            calls: IndexMap::new(),
            messages: IndexMap::new(),
            by_conversation: HashMap::new(),
            conversations: IndexMap::new(),
            webhook: None,
            agent_webhooks: HashMap::new(),
            deliveries: DeliveryLog::new(config.delivery_log_capacity),
            contact_cards: HashMap::new(),
            backgrounds: HashMap::new(),
            last_message_ms: 0,
            registration: None,
            sub_accounts: IndexMap::new(),
            sip_trunks: IndexMap::new(),
            verifications: HashMap::new(),
            feedback: Vec::new(),
            whatsapp: IndexMap::new(),
            requests: Default::default(),
        }
    }

    /// What the project holds and how often it asked for each operation: with these a test can
    /// tell that an action happened exactly once.
    pub(crate) fn stats(&self) -> serde_json::Value {
        serde_json::json!({
            "requests": self.requests,
            "counts": {
                "agents": self.agents.len(),
                "numbers": self.numbers.len(),
                "contacts": self.contacts.len(),
                "calls": self.calls.len(),
                "messages": self.messages.len(),
                "conversations": self.conversations.len(),
                "subAccounts": self.sub_accounts.len(),
                "sipTrunks": self.sip_trunks.len(),
                "verifications": self.verifications.len(),
                "feedback": self.feedback.len(),
            },
        })
    }

    /// An agent as the API shows it: with its active numbers.
    pub(crate) fn agent_view(&self, agent: &Agent) -> Agent {
        let numbers = self
            .numbers
            .values()
            .filter(|n| n.agent_id.as_deref() == Some(&agent.id) && n.status.as_deref() == Some("active"))
            .map(agent_number)
            .collect();
        Agent { numbers: Some(numbers), ..agent.clone() }
    }

    /// The webhook an agent's events go to: its own, else the project's.
    pub(crate) fn webhook_for(&self, agent_id: Option<&str>) -> Option<(Webhook, bool)> {
        if let Some(own) = agent_id.and_then(|id| self.agent_webhooks.get(id)) {
            return Some((own.clone(), true));
        }
        self.webhook.clone().map(|w| (w, false))
    }
}

pub(crate) fn agent_number(number: &PhoneNumber) -> AgentNumber {
    AgentNumber {
        id: number.id.clone(),
        phone_number: number.phone_number.clone(),
        status: number.status.clone(),
        r#type: number.r#type.clone(),
        ..Default::default()
    }
}
