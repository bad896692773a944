//! Webhook verification, parsing and voice replies with the input checks a binding needs.

use std::time::Duration;

use serde_json::Value;

use crate::error::ValidationError;
use crate::ffi::errors::HelperError;
use crate::generated::shapes;
use crate::models::VoiceReply;
use crate::models::WebhookEventType;
use crate::shape::read;
use crate::table::{ModelShape, Shape};
use crate::webhook::{self, Verifier, WebhookError};

/// Checks a delivery's signature and freshness: `tolerance` in seconds (`None`: no freshness
/// check), `now` in Unix seconds (default the clock).
/// How old a delivery may be when no tolerance is given, in seconds: every runtime's default.
pub const DEFAULT_TOLERANCE_SECONDS: f64 = webhook::DEFAULT_TOLERANCE.as_secs_f64();

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

/// Parses a delivery: `{envelope, kind, data, raw}`.
fn parse_delivery(payload: &[u8]) -> Result<Value, HelperError> {
    Ok(event_json(payload)?)
}

/// Verifies a delivery, then parses it: `{envelope, kind, data, raw}`.
pub fn construct_delivery(
    payload: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
    secrets: Vec<String>,
    tolerance: Option<f64>,
    now: Option<i64>,
) -> Result<Value, HelperError> {
    verify_delivery(payload, signature, timestamp, secrets, tolerance, now)?;
    parse_delivery(payload)
}

fn voice_reply(value: Value, path: &str) -> Result<VoiceReply, ValidationError> {
    serde_json::from_value(value).map_err(|e| ValidationError::new(path, format!("not a voice reply: {e}")))
}

/// One voice reply (`{text, hangup, action, digits, interim}`) as its JSON body.
pub fn voice_json(reply: Value) -> Result<String, HelperError> {
    Ok(voice_reply(reply, "reply")?.to_json())
}

/// Replies as one NDJSON body, all but the last `interim`.
pub fn voice_ndjson(replies: Vec<Value>) -> Result<String, HelperError> {
    let replies =
        replies.into_iter().enumerate().map(|(i, reply)| voice_reply(reply, &format!("replies[{i}]"))).collect::<Result<Vec<_>, _>>()?;
    Ok(webhook::voice_ndjson(&replies))
}

/// A delivery as one JSON document for the bindings, read by shape (the same checks as
/// [`WebhookEvent::parse`], without a typed decoder per event): `envelope`, `kind` (`message`,
/// `call_ended`, `reaction` or `other`), `data` with canonical wire names, `raw` as received, and
/// `isVoiceTurn`.
pub fn event_json(body: &[u8]) -> Result<Value, WebhookError> {
    let raw: Value = serde_json::from_slice(body).map_err(|e| WebhookError::InvalidPayload(e.to_string()))?;
    let by_shape = |model: &'static ModelShape, value: Value, within: &str| {
        read(&Shape::Model(model), value)
            .map_err(|misfit| WebhookError::InvalidPayload(format!("at `{within}{}`: {}", misfit.path, misfit.message)))
    };
    let envelope = by_shape(&shapes::WEBHOOK_EVENT_ENVELOPE, raw.clone(), "")?;
    // Data that is absent or null reads as an event with nothing in it, as the typed events do.
    let data = envelope.get("data").filter(|d| !d.is_null()).cloned().unwrap_or_else(|| serde_json::json!({}));
    let (kind, data) = match WebhookEventType::from(envelope["event"].as_str().unwrap_or_default()) {
        WebhookEventType::AgentMessage => ("message", by_shape(&shapes::MESSAGE_EVENT_DATA, data, "data.")?),
        WebhookEventType::AgentCallEnded => ("call_ended", by_shape(&shapes::CALL_ENDED_DATA, data, "data.")?),
        WebhookEventType::AgentReaction => ("reaction", by_shape(&shapes::REACTION_EVENT_DATA, data, "data.")?),
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
    fn voice_replies_name_the_reply_at_fault() {
        let refused = voice_ndjson(vec![json!({"text": "a"}), json!({"hangup": "yes"})]).unwrap_err();
        assert!(matches!(&refused, HelperError::Invalid(v) if v.field == "replies[1]"), "{refused:?}");
    }
}
