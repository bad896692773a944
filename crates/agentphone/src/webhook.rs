//! Webhooks: verify a delivery's signature, parse its event, and build voice replies.
//!
//! A delivery carries `X-Webhook-Signature: sha256=<hex>` and `X-Webhook-Timestamp: <unix seconds>`,
//! with `X-Webhook-ID` (the delivery, stable across redeliveries) and `X-Webhook-Event`;
//! the signature is HMAC-SHA256, keyed with the webhook secret exactly as given (`whsec_...`
//! included), over `"{timestamp}.{raw body}"`. Verification is constant-time, checks freshness in
//! both directions, takes the clock as an argument where tests need it, and accepts several
//! secrets at once: the secret changes every time a webhook is set, so during a rotation both the
//! old and the new one are valid.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use web_time::{SystemTime, UNIX_EPOCH};

use crate::models::{
    CallEndedData, ContactSharedEventData, MessageEventData, ReactionEventData, VoiceReply, WebhookEventEnvelope, WebhookEventType,
};

/// Header with the signature, `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-Webhook-Signature";
/// Header with the signing time in unix seconds.
pub const TIMESTAMP_HEADER: &str = "X-Webhook-Timestamp";
/// Header with the delivery's id: the same on every redelivery of one event, so a receiver
/// processes each delivery once however often it arrives.
pub const DELIVERY_ID_HEADER: &str = "X-Webhook-ID";
/// Header with the event's type (`agent.message`, ...).
pub const EVENT_HEADER: &str = "X-Webhook-Event";
/// How far the signing time may be from now, either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a delivery was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    #[error("invalid webhook signature")]
    InvalidSignature,
    #[error("invalid webhook timestamp {0:?}: expected unix seconds")]
    InvalidTimestamp(String),
    #[error("webhook timestamp is {age_seconds} s from now; at most {tolerance_seconds} s is accepted")]
    Expired { age_seconds: u64, tolerance_seconds: u64 },
    #[error("invalid webhook payload: {0}")]
    InvalidPayload(String),
    /// The verifier was given no secret, or an empty one: a signature anyone can compute would pass.
    #[error("no webhook secret: an empty secret (an unset environment variable, say) would accept signatures anyone can compute")]
    NoSecret,
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
    #[allow(clippy::expect_used)]
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature header value for `body` signed at `timestamp` (unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, &timestamp.to_string(), body).finalize().into_bytes();
    format!("sha256={}", hex::encode(digest))
}

/// Seconds since the epoch, now.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Verifies deliveries against one or more secrets.
#[derive(Clone)]
pub struct Verifier {
    secrets: Vec<String>,
    tolerance: Option<Duration>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &format_args!("[{} redacted]", self.secrets.len()))
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// A verifier for one secret, with the default 300 s tolerance.
    pub fn new(secret: impl Into<String>) -> Self {
        Self::with_secrets([secret.into()])
    }

    /// A verifier that accepts a signature made with any of `secrets` (rotation).
    pub fn with_secrets(secrets: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self { secrets: secrets.into_iter().map(Into::into).collect(), tolerance: Some(DEFAULT_TOLERANCE) }
    }

    /// How far the timestamp may be from now; `None` skips the freshness check (the timestamp
    /// is still covered by the signature).
    pub fn tolerance(mut self, tolerance: Option<Duration>) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies with the system clock.
    pub fn verify(&self, body: &[u8], signature: Option<&str>, timestamp: Option<&str>) -> Result<(), WebhookError> {
        self.verify_at(body, signature, timestamp, unix_now())
    }

    /// Verifies as if it were `now` (unix seconds).
    pub fn verify_at(&self, body: &[u8], signature: Option<&str>, timestamp: Option<&str>, now: i64) -> Result<(), WebhookError> {
        // Fail closed before looking at the delivery: with no secret, anyone could sign it.
        if self.secrets.is_empty() || self.secrets.iter().any(String::is_empty) {
            return Err(WebhookError::NoSecret);
        }
        let signature = signature.ok_or(WebhookError::MissingHeader(SIGNATURE_HEADER))?;
        let timestamp = timestamp.ok_or(WebhookError::MissingHeader(TIMESTAMP_HEADER))?;
        // Exactly as WEBHOOKS.md section 5 writes them: `sha256=` and 64 lowercase hex digits; a
        // timestamp of ASCII digits. Anything looser is a second spelling an attacker could use.
        let expected = signature
            .strip_prefix("sha256=")
            .filter(|digest| digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .and_then(|digest| hex::decode(digest).ok())
            .ok_or(WebhookError::InvalidSignature)?;
        if timestamp.is_empty() || timestamp.len() > 19 || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
            return Err(WebhookError::InvalidTimestamp(timestamp.to_owned()));
        }
        // `verify_slice` compares in constant time; every secret is tried so timing does not say which matched.
        let matched = self.secrets.iter().fold(false, |found, secret| mac(secret, timestamp, body).verify_slice(&expected).is_ok() | found);
        if !matched {
            return Err(WebhookError::InvalidSignature);
        }
        if let Some(tolerance) = self.tolerance {
            let signed_at: i64 = timestamp.parse().map_err(|_| WebhookError::InvalidTimestamp(timestamp.to_owned()))?;
            let age = now.abs_diff(signed_at);
            if age > tolerance.as_secs() {
                return Err(WebhookError::Expired { age_seconds: age, tolerance_seconds: tolerance.as_secs() });
            }
        }
        Ok(())
    }

    /// Verifies with headers looked up case-insensitively in `headers`.
    pub fn verify_headers<'h>(
        &self,
        body: &[u8],
        headers: impl IntoIterator<Item = (&'h str, &'h str)> + Clone,
    ) -> Result<(), WebhookError> {
        let find = |name: &str| headers.clone().into_iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        self.verify(body, find(SIGNATURE_HEADER), find(TIMESTAMP_HEADER))
    }

    /// Verifies, then parses the event.
    pub fn construct_event(&self, body: &[u8], signature: Option<&str>, timestamp: Option<&str>) -> Result<WebhookEvent, WebhookError> {
        self.verify(body, signature, timestamp)?;
        WebhookEvent::parse(body)
    }

    /// Verifies with headers looked up case-insensitively in `headers`, then parses the event,
    /// with its delivery id (`X-Webhook-ID`) for [`WebhookEvent::first_delivery`].
    pub fn construct_event_from_headers<'h>(
        &self,
        body: &[u8],
        headers: impl IntoIterator<Item = (&'h str, &'h str)> + Clone,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify_headers(body, headers.clone())?;
        let mut event = WebhookEvent::parse(body)?;
        event.delivery_id = headers.into_iter().find(|(k, _)| k.eq_ignore_ascii_case(DELIVERY_ID_HEADER)).map(|(_, v)| v.to_owned());
        Ok(event)
    }
}

/// Where a receiver remembers the deliveries it has processed. The API redelivers an event until
/// it is answered with a 2xx (for about 21 hours), so a receiver that timed out, or answered after
/// acting, sees the same delivery again; claiming its id first processes each one once.
///
/// Implement it over a shared store when several processes receive (e.g. Redis `SET id 1 NX EX
/// 86400`); [`MemoryDeliveryStore`] serves one process.
pub trait DeliveryStore {
    /// Records `delivery_id`; true when it was new (process the delivery), false when seen before.
    fn claim(&self, delivery_id: &str) -> bool;
}

/// A [`DeliveryStore`] in this process's memory: the last `capacity` delivery ids (10,000 by
/// default), the oldest forgotten first.
#[derive(Debug)]
pub struct MemoryDeliveryStore {
    capacity: usize,
    seen: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl MemoryDeliveryStore {
    /// A store that remembers the last `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), seen: Mutex::default() }
    }
}

impl Default for MemoryDeliveryStore {
    fn default() -> Self {
        Self::new(10_000)
    }
}

impl DeliveryStore for MemoryDeliveryStore {
    fn claim(&self, delivery_id: &str) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let (ids, order) = &mut *seen;
        if !ids.insert(delivery_id.to_owned()) {
            return false;
        }
        order.push_back(delivery_id.to_owned());
        if order.len() > self.capacity
            && let Some(oldest) = order.pop_front()
        {
            ids.remove(&oldest);
        }
        true
    }
}

/// An event's `data`, typed by its event name.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// `agent.message`: a message, or (channel `voice`) a caller's turn that expects a [`VoiceReply`].
    Message(Box<MessageEventData>),
    CallEnded(Box<CallEndedData>),
    Reaction(Box<ReactionEventData>),
    /// `agent.contact_shared`: a contact card shared with one of your numbers.
    ContactShared(Box<ContactSharedEventData>),
    /// An event this SDK version does not know.
    Other(serde_json::Value),
}

/// A parsed delivery: the envelope, typed data, and the payload as received.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    pub envelope: WebhookEventEnvelope,
    pub data: EventData,
    pub raw: serde_json::Value,
    /// The delivery's `X-Webhook-ID` (the same on each redelivery), when the headers were given.
    pub delivery_id: Option<String>,
}

impl WebhookEvent {
    /// Parses a delivery body (without verifying it: see [`Verifier::construct_event`]).
    pub fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        let raw: serde_json::Value = serde_json::from_slice(body).map_err(|e| WebhookError::InvalidPayload(e.to_string()))?;
        let envelope: WebhookEventEnvelope = decode(&raw)?;
        let data = envelope.data.clone().unwrap_or(serde_json::Value::Null);
        let data = match &envelope.event {
            WebhookEventType::AgentMessage => EventData::Message(Box::new(decode_data(data)?)),
            WebhookEventType::AgentCallEnded => EventData::CallEnded(Box::new(decode_data(data)?)),
            WebhookEventType::AgentReaction => EventData::Reaction(Box::new(decode_data(data)?)),
            WebhookEventType::AgentContactShared => EventData::ContactShared(Box::new(decode_data(data)?)),
            WebhookEventType::Other(_) => EventData::Other(data),
        };
        Ok(Self { envelope, data, raw, delivery_id: None })
    }

    /// True the first time `store` sees this delivery, false for a redelivery already processed.
    /// A delivery without an id (no `X-Webhook-ID` header) counts as first: nothing tells its
    /// redeliveries apart.
    pub fn first_delivery(&self, store: &impl DeliveryStore) -> bool {
        self.delivery_id.as_deref().is_none_or(|id| store.claim(id))
    }

    /// True for a caller's turn on a live call: answer it with a [`VoiceReply`].
    pub fn is_voice_turn(&self) -> bool {
        voice_turn(self.envelope.channel.as_ref().map(|c| c.as_str()), matches!(self.data, EventData::Message(_)))
    }
}

/// A message on the voice channel is a caller's turn.
pub(crate) fn voice_turn(channel: Option<&str>, message: bool) -> bool {
    channel == Some("voice") && message
}

fn decode<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, WebhookError> {
    serde_path_to_error::deserialize(value).map_err(|e| WebhookError::InvalidPayload(format!("at `{}`: {}", e.path(), e.inner())))
}

fn decode_data<T: serde::de::DeserializeOwned + Default>(data: serde_json::Value) -> Result<T, WebhookError> {
    if data.is_null() {
        return Ok(T::default());
    }
    serde_path_to_error::deserialize(data).map_err(|e| WebhookError::InvalidPayload(format!("at `data.{}`: {}", e.path(), e.inner())))
}

impl VoiceReply {
    /// A reply that says `text`.
    pub fn say(text: impl Into<String>) -> Self {
        Self { text: Some(text.into()), ..Self::default() }
    }

    /// The reply as one JSON object (`Content-Type: application/json`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The reply as one NDJSON line, newline included.
    pub fn to_ndjson_line(&self) -> String {
        let mut line = self.to_json();
        line.push('\n');
        line
    }
}

/// Content type of a single JSON voice reply.
pub const VOICE_JSON: &str = "application/json";
/// Content type of a streamed (NDJSON) voice reply.
pub const VOICE_NDJSON: &str = "application/x-ndjson";

/// Streams `replies` as NDJSON: every chunk but the last is marked `interim`, so the turn stays
/// open until the last one.
pub fn voice_ndjson(replies: &[VoiceReply]) -> String {
    let last = replies.len().saturating_sub(1);
    replies
        .iter()
        .enumerate()
        .map(|(i, reply)| VoiceReply { interim: (i < last).then_some(true), ..reply.clone() }.to_ndjson_line())
        .collect()
}

/// Reads a voice webhook's answer: one JSON object, or NDJSON chunks up to and including the
/// first without `interim`. Anything else is an error (the caller would hear silence).
pub fn parse_voice_reply(content_type: Option<&str>, body: &[u8]) -> Result<Vec<VoiceReply>, WebhookError> {
    let text = std::str::from_utf8(body).map_err(|_| WebhookError::InvalidPayload("the reply is not UTF-8".into()))?;
    let ndjson = content_type.is_some_and(|t| t.contains("ndjson")) || text.trim().lines().filter(|l| !l.trim().is_empty()).count() > 1;
    let chunks: Vec<&str> = if ndjson { text.lines().filter(|l| !l.trim().is_empty()).collect() } else { vec![text] };
    let mut replies = Vec::new();
    for chunk in chunks {
        let value: serde_json::Value =
            serde_json::from_str(chunk).map_err(|e| WebhookError::InvalidPayload(format!("reply chunk is not JSON: {e}")))?;
        if !value.is_object() {
            return Err(WebhookError::InvalidPayload("a voice reply must be a JSON object".into()));
        }
        let reply: VoiceReply = decode(&value)?;
        let closes = reply.interim != Some(true);
        replies.push(reply);
        if closes {
            return Ok(replies);
        }
    }
    if replies.is_empty() {
        return Err(WebhookError::InvalidPayload("the reply is empty".into()));
    }
    Ok(replies)
}
