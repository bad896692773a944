//! Webhook verification and event parsing: a body signed with the secret always verifies, the
//! same body with any other signature or timestamp never does, and parsing gives an event or an
//! error, never a panic; the bindings' reading (by shape) agrees with the typed event.
#![no_main]

use agentphone::UnknownFields;
use agentphone::ffi::webhooks::event_json;
use agentphone::webhook::{EventData, Verifier, WebhookEvent, sign};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_fuzz";
const NOW: i64 = 1_800_000_000;

fuzz_target!(|input: &[u8]| {
    let verifier = Verifier::new(SECRET);
    let signature = sign(SECRET, NOW, input);
    let timestamp = NOW.to_string();
    assert!(verifier.verify_at(input, Some(&signature), Some(&timestamp), NOW).is_ok());
    match (WebhookEvent::parse(input), event_json(input, UnknownFields::AfterKnown)) {
        (Ok(typed), Ok(document)) => {
            let data = match &typed.data {
                EventData::Message(data) => serde_json::to_value(data).unwrap(),
                EventData::CallEnded(data) => serde_json::to_value(data).unwrap(),
                EventData::Reaction(data) => serde_json::to_value(data).unwrap(),
                EventData::ContactShared(data) => serde_json::to_value(data).unwrap(),
                EventData::Other(data) => data.clone(),
            };
            assert_eq!(document["envelope"], serde_json::to_value(&typed.envelope).unwrap());
            assert_eq!(document["data"], data);
            assert_eq!(document["isVoiceTurn"], typed.is_voice_turn());
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (typed, document) => panic!("the readers disagree: {typed:?} / {document:?}"),
    }
    let _ = verifier.construct_event(input, Some(&signature), Some(&timestamp));

    // Headers made of the input itself: they must be refused (a forgery would need the MAC).
    let text = String::from_utf8_lossy(input);
    let (forged_signature, forged_timestamp) = text.split_once('\n').unwrap_or((&text, "1800000000"));
    if forged_signature != signature {
        assert!(verifier.verify_at(input, Some(forged_signature), Some(forged_timestamp), NOW).is_err());
    }
    assert!(verifier.verify_at(input, Some(&signature), Some("not a time"), NOW).is_err());
});
