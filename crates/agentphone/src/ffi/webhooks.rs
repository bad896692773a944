//! Webhook verification, parsing and voice replies with the input checks a binding needs.

use std::time::Duration;

use serde_json::Value;

use crate::error::ValidationError;
use crate::ffi::errors::{HelperError, Naming};
use crate::generated::shapes;
use crate::models::VoiceReply;
use crate::models::WebhookEventType;
use crate::shape::{UnknownFields, read_with, unexpected};
use crate::table::{ModelShape, Shape};
use crate::webhook::{self, Verifier, WebhookError};

/// How old a delivery may be when no tolerance is given, in seconds: every runtime's default.
pub const DEFAULT_TOLERANCE_SECONDS: f64 = webhook::DEFAULT_TOLERANCE.as_secs_f64();

/// Checks a delivery's signature and freshness: `tolerance` in seconds (`None`: no freshness
/// check), `now` in Unix seconds (default the clock).
pub fn verify_delivery(
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> Result<(), HelperError> {
    let tolerance = tolerance
        .map(|t| {
            Duration::try_from_secs_f64(t)
                .map_err(|_| ValidationError::new("tolerance", format!("expected a positive number of seconds, got {t}")))
        })
        .transpose()?;
    let verifier = Verifier::with_secrets(secrets).tolerance(tolerance);
    Ok(verifier.verify_at(payload, signature, timestamp, now.unwrap_or_else(webhook::unix_now))?)
}

/// A delivery as the event a runtime hands its user, its envelope unpacked: `event`, `channel`,
/// `timestamp`, `agent_id`, `conversation_state`, `recent_history` (a list), `test` (a boolean),
/// then `kind`, `data`, `raw` and `is_voice_turn`; in camelCase for JavaScript, whose data keeps
/// the fields its model does not know under `extra` (they are all in `raw` too).
fn delivery_event(payload: &[u8], naming: Naming) -> Result<Value, HelperError> {
    let unknown = if naming == Naming::Python { UnknownFields::AfterKnown } else { UnknownFields::UnderExtra };
    let mut parsed = match event_json(payload, unknown)? {
        Value::Object(parsed) => parsed,
        other => return Err(WebhookError::InvalidPayload(format!("expected an event object, read {other}")).into()),
    };
    let envelope = parsed.remove("envelope").unwrap_or_default();
    let field = |wire: &str| envelope.get(wire).cloned().filter(|v| !v.is_null());
    let fields = [
        ("event", "event", field("event").unwrap_or_default()),
        ("channel", "channel", field("channel").unwrap_or_default()),
        ("timestamp", "timestamp", field("timestamp").unwrap_or_default()),
        ("agent_id", "agentId", field("agentId").unwrap_or_default()),
        ("conversation_state", "conversationState", field("conversationState").unwrap_or_default()),
        ("recent_history", "recentHistory", field("recentHistory").unwrap_or_else(|| Value::Array(Vec::new()))),
        ("test", "test", Value::Bool(field("test").and_then(|t| t.as_bool()).unwrap_or(false))),
        ("kind", "kind", parsed.remove("kind").unwrap_or_default()),
        ("data", "data", parsed.remove("data").unwrap_or_default()),
        ("raw", "raw", parsed.remove("raw").unwrap_or_default()),
        ("is_voice_turn", "isVoiceTurn", parsed.remove("isVoiceTurn").unwrap_or_default()),
    ];
    let pick = |(snake, camel): (&'static str, &'static str)| if naming == Naming::Python { snake } else { camel };
    Ok(Value::Object(fields.into_iter().map(|(snake, camel, value)| (pick((snake, camel)).to_owned(), value)).collect()))
}

/// Verifies a delivery, then parses it into the event a runtime hands its user (see
/// `delivery_event`).
#[allow(clippy::too_many_arguments)]
pub fn construct_delivery(
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
    naming: Naming,
) -> Result<Value, HelperError> {
    verify_delivery(payload, signature, timestamp, secrets, tolerance, now)?;
    delivery_event(payload, naming)
}

/// Voice replies as they come (from an LLM, say), as NDJSON lines: each reply goes out once the
/// next exists, as `interim` (the turn stays open); the last one, at `finish`, closes the turn.
#[derive(Debug, Default)]
pub struct VoiceLines {
    pending: Option<VoiceReply>,
    count: usize,
}

impl VoiceLines {
    /// Takes the next reply; answers the line of the one before it, if any.
    pub fn push(&mut self, reply: Value) -> Result<Option<String>, HelperError> {
        let reply = voice_reply(reply, &format!("replies[{}]", self.count))?;
        self.count += 1;
        Ok(self.pending.replace(reply).map(|earlier| VoiceReply { interim: Some(true), ..earlier }.to_ndjson_line()))
    }

    /// The last reply's line, closing the turn (none when no reply came).
    pub fn finish(&mut self) -> Option<String> {
        self.pending.take().map(|last| VoiceReply { interim: None, ..last }.to_ndjson_line())
    }
}

fn voice_reply(value: Value, path: &str) -> Result<VoiceReply, ValidationError> {
    serde_json::from_value(value).map_err(|e| ValidationError::new(path, format!("not a voice reply: {e}")))
}

/// One voice reply (`{text, hangup, action, digits, interim}`) as its JSON body.
pub fn voice_json(reply: Value) -> Result<String, HelperError> {
    Ok(voice_reply(reply, "reply")?.to_json())
}

/// Replies (a list) as one NDJSON body, all but the last `interim`.
pub fn voice_ndjson(replies: Value) -> Result<String, HelperError> {
    let Value::Array(replies) = replies else {
        return Err(ValidationError::new("replies", format!("invalid type: {}, expected a list of replies", unexpected(&replies))).into());
    };
    let replies =
        replies.into_iter().enumerate().map(|(i, reply)| voice_reply(reply, &format!("replies[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    Ok(webhook::voice_ndjson(&replies))
}

/// Reads a voice webhook's answer (JSON or NDJSON) as the platform does: the replies, as JSON.
pub fn parse_voice_replies(body: &[u8], content_type: Option<&str>) -> Result<Value, HelperError> {
    let replies = webhook::parse_voice_reply(content_type, body)?;
    Ok(serde_json::to_value(replies).unwrap_or_default())
}

/// How old a delivery may be when no tolerance is given, in seconds.
pub fn default_tolerance() -> f64 {
    DEFAULT_TOLERANCE_SECONDS
}

/// A delivery as one JSON document for the bindings, read by shape (the same checks as
/// [`WebhookEvent::parse`], without a typed decoder per event): `envelope`, `kind` (`message`,
/// `call_ended`, `reaction` or `other`), `data` with canonical wire names, `raw` as received, and
/// `isVoiceTurn`.
pub fn event_json(body: &[u8], unknown: UnknownFields) -> Result<Value, WebhookError> {
    let raw: Value = serde_json::from_slice(body).map_err(|e| WebhookError::InvalidPayload(e.to_string()))?;
    let by_shape = |model: &'static ModelShape, value: Value, within: &str| {
        read_with(&Shape::Model(model), value, unknown)
            .map_err(|misfit| WebhookError::InvalidPayload(format!("at `{within}{}`: {}", misfit.path, misfit.message)))
    };
    let envelope = by_shape(&shapes::WEBHOOK_EVENT_ENVELOPE, raw.clone(), "")?;
    // Data that is absent or null reads as an event with nothing in it, as the typed events do.
    let data = envelope.get("data").filter(|d| !d.is_null()).cloned().unwrap_or_else(|| serde_json::json!({}));
    let (kind, data) = match WebhookEventType::from(envelope["event"].as_str().unwrap_or_default()) {
        WebhookEventType::AgentMessage => ("message", by_shape(&shapes::MESSAGE_EVENT_DATA, data, "data.")?),
        WebhookEventType::AgentCallEnded => ("call_ended", by_shape(&shapes::CALL_ENDED_DATA, data, "data.")?),
        WebhookEventType::AgentReaction => ("reaction", by_shape(&shapes::REACTION_EVENT_DATA, data, "data.")?),
        WebhookEventType::AgentContactShared => ("contact_shared", by_shape(&shapes::CONTACT_SHARED_EVENT_DATA, data, "data.")?),
        WebhookEventType::Other(_) => ("other", envelope.get("data").cloned().unwrap_or_default()),
    };
    let is_voice_turn = webhook::voice_turn(envelope.get("channel").and_then(Value::as_str), kind == "message");
    Ok(serde_json::json!({"envelope": envelope, "kind": kind, "data": data, "raw": raw, "isVoiceTurn": is_voice_turn}))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tolerances_must_be_positive_numbers() {
        let refused = verify_delivery(b"{}", Some("sha256=0"), Some("1"), vec!["s".into()], Some(-1.0), None).unwrap_err();
        assert_eq!(refused, HelperError::Invalid(ValidationError::new("tolerance", "expected a positive number of seconds, got -1")));
    }

    #[test]
    fn voice_lines_keep_all_but_the_last_interim() {
        let mut lines = VoiceLines::default();
        assert_eq!(lines.push(json!({"text": "One moment"})).unwrap(), None);
        let first = lines.push(json!({"text": "Found it", "interim": true})).unwrap().unwrap();
        assert_eq!(serde_json::from_str::<Value>(&first).unwrap(), json!({"text": "One moment", "interim": true}));
        let last = lines.finish().unwrap();
        assert_eq!(serde_json::from_str::<Value>(&last).unwrap(), json!({"text": "Found it"}));
        assert!(last.ends_with('\n') && lines.finish().is_none());
        assert!(matches!(lines.push(json!({"hangup": "no"})), Err(HelperError::Invalid(v)) if v.field == "replies[2]"));
    }

    #[test]
    fn deliveries_unpack_their_envelope_for_each_runtime() {
        let body = br#"{"event":"agent.message","channel":"voice","agentId":"agt_1","data":{"transcript":"hi"}}"#;
        let python = delivery_event(body, Naming::Python).unwrap();
        assert_eq!((python["agent_id"].as_str(), python["is_voice_turn"].as_bool()), (Some("agt_1"), Some(true)));
        assert_eq!((python["recent_history"].clone(), python["test"].clone()), (json!([]), json!(false)));
        let js = delivery_event(body, Naming::JavaScript).unwrap();
        assert_eq!((js["agentId"].as_str(), js["kind"].as_str(), js["timestamp"].clone()), (Some("agt_1"), Some("message"), Value::Null));
    }

    #[test]
    fn voice_replies_name_the_reply_at_fault() {
        let refused = voice_ndjson(json!({"text": "a"})).unwrap_err();
        assert!(matches!(&refused, HelperError::Invalid(v) if v.field == "replies"), "{refused:?}");
        let refused = voice_ndjson(json!([{"text": "a"}, {"hangup": "yes"}])).unwrap_err();
        assert!(matches!(&refused, HelperError::Invalid(v) if v.field == "replies[1]"), "{refused:?}");
    }
}
