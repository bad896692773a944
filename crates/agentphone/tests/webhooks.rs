//! Webhook verification against signatures computed independently (Python's hmac module, with
//! the scheme of the API docs), event parsing, and voice replies.

use agentphone::ffi::webhooks::event_json;
use agentphone::webhook::*;
use agentphone::*;

const BODY: &[u8] = br#"{"event":"agent.message","channel":"sms","timestamp":"2025-01-15T12:00:00Z","agentId":"agt_abc123","data":{"messageId":"msg_1","from":"+14155559999","to":"+14155551234","message":"Hi","direction":"inbound"}}"#;
const SIGNED_AT: i64 = 1_736_942_400;
const SECRET: &str = "whsec_test_secret";
// python3: "sha256=" + hmac.new(secret.encode(), b"1736942400." + body, hashlib.sha256).hexdigest()
const SIGNATURE: &str = "sha256=78916c2d04066f4b0009f8b8c897ee224c7181733c03411832b75580f2960a2c";
const OLD_SECRET_SIGNATURE: &str = "sha256=6f3f8227736b63f1463372a3938e877bc20d04fbaa774709a43e6e9393bf4b03";

fn verify(verifier: &Verifier, body: &[u8], signature: Option<&str>, timestamp: Option<&str>, now: i64) -> Result<(), WebhookError> {
    verifier.verify_at(body, signature, timestamp, now)
}

#[test]
fn signing_matches_an_independent_implementation() {
    assert_eq!(sign(SECRET, SIGNED_AT, BODY), SIGNATURE);
}

#[test]
fn a_genuine_delivery_verifies() {
    let v = Verifier::new(SECRET);
    assert_eq!(verify(&v, BODY, Some(SIGNATURE), Some("1736942400"), SIGNED_AT + 10), Ok(()));
}

/// WEBHOOKS.md section 5: `sha256=` and 64 lowercase hex digits; a timestamp of ASCII digits.
/// Any other spelling of a valid signature is refused (a second spelling is a second door).
#[test]
fn only_the_documented_spelling_verifies() {
    let v = Verifier::new(SECRET);
    let upper = SIGNATURE.to_uppercase().replace("SHA256=", "sha256=");
    for signature in [upper, format!("{SIGNATURE} "), format!("{SIGNATURE}\n"), format!(" {SIGNATURE}"), format!("{SIGNATURE}00")] {
        assert_eq!(verify(&v, BODY, Some(&signature), Some("1736942400"), SIGNED_AT), Err(WebhookError::InvalidSignature), "{signature:?}");
    }
    for timestamp in [" 1736942400", "+1736942400", "1736942400 ", "", "1736942400\n", "١٧٣٦٩٤٢٤٠٠"] {
        assert!(
            matches!(
                verify(&v, BODY, Some(SIGNATURE), Some(timestamp), SIGNED_AT),
                Err(WebhookError::InvalidTimestamp(_) | WebhookError::InvalidSignature)
            ),
            "{timestamp:?}"
        );
    }
}

/// An empty secret (an unset environment variable read as "") fails closed, whatever is sent.
#[test]
fn an_empty_secret_fails_closed() {
    let forged = sign("", SIGNED_AT, BODY);
    for verifier in [Verifier::new(""), Verifier::with_secrets(Vec::<String>::new()), Verifier::with_secrets([SECRET, ""])] {
        assert_eq!(verify(&verifier, BODY, Some(&forged), Some("1736942400"), SIGNED_AT), Err(WebhookError::NoSecret));
    }
}

#[test]
fn tampering_and_wrong_secrets_are_rejected() {
    let v = Verifier::new(SECRET);
    let mut tampered = BODY.to_vec();
    tampered[60] ^= 1;
    assert_eq!(verify(&v, &tampered, Some(SIGNATURE), Some("1736942400"), SIGNED_AT), Err(WebhookError::InvalidSignature));
    assert_eq!(
        verify(&v, BODY, Some(SIGNATURE), Some("1736942401"), SIGNED_AT),
        Err(WebhookError::InvalidSignature),
        "the timestamp is signed"
    );
    assert_eq!(
        verify(&Verifier::new("whsec_other"), BODY, Some(SIGNATURE), Some("1736942400"), SIGNED_AT),
        Err(WebhookError::InvalidSignature)
    );
    assert_eq!(verify(&v, BODY, Some("78916c2d04066f4b"), Some("1736942400"), SIGNED_AT), Err(WebhookError::InvalidSignature));
    assert_eq!(verify(&v, BODY, Some("sha256=zz"), Some("1736942400"), SIGNED_AT), Err(WebhookError::InvalidSignature));
}

#[test]
fn stale_and_future_timestamps_are_rejected() {
    let v = Verifier::new(SECRET);
    assert!(verify(&v, BODY, Some(SIGNATURE), Some("1736942400"), SIGNED_AT + 300).is_ok());
    assert_eq!(
        verify(&v, BODY, Some(SIGNATURE), Some("1736942400"), SIGNED_AT + 301),
        Err(WebhookError::Expired { age_seconds: 301, tolerance_seconds: 300 })
    );
    assert_eq!(
        verify(&v, BODY, Some(SIGNATURE), Some("1736942400"), SIGNED_AT - 301),
        Err(WebhookError::Expired { age_seconds: 301, tolerance_seconds: 300 })
    );
    let lenient = Verifier::new(SECRET).tolerance(None);
    assert!(verify(&lenient, BODY, Some(SIGNATURE), Some("1736942400"), SIGNED_AT + 86_400).is_ok());
    let strict = Verifier::new(SECRET).tolerance(Some(std::time::Duration::from_secs(5)));
    assert!(verify(&strict, BODY, Some(SIGNATURE), Some("1736942400"), SIGNED_AT + 6).is_err());
}

#[test]
fn missing_headers_are_named() {
    let v = Verifier::new(SECRET);
    assert_eq!(verify(&v, BODY, None, Some("1736942400"), SIGNED_AT), Err(WebhookError::MissingHeader(SIGNATURE_HEADER)));
    assert_eq!(verify(&v, BODY, Some(SIGNATURE), None, SIGNED_AT), Err(WebhookError::MissingHeader(TIMESTAMP_HEADER)));
    let now_signed = sign(SECRET, unix_now(), BODY);
    let ts = unix_now().to_string();
    assert!(v.verify_headers(BODY, [("x-webhook-signature", now_signed.as_str()), ("X-WEBHOOK-TIMESTAMP", ts.as_str())]).is_ok());
    assert_eq!(v.verify_headers(BODY, [("x-webhook-signature", now_signed.as_str())]), Err(WebhookError::MissingHeader(TIMESTAMP_HEADER)));
}

#[test]
fn rotation_accepts_old_and_new_secrets() {
    let v = Verifier::with_secrets(["whsec_new", SECRET, "whsec_old"]);
    assert!(verify(&v, BODY, Some(SIGNATURE), Some("1736942400"), SIGNED_AT).is_ok());
    assert!(verify(&v, BODY, Some(OLD_SECRET_SIGNATURE), Some("1736942400"), SIGNED_AT).is_ok());
    assert!(!format!("{v:?}").contains("whsec"), "secrets stay out of Debug");
}

#[test]
fn events_parse_with_their_sender_conventions() {
    let event = WebhookEvent::parse(BODY).unwrap();
    assert_eq!(event.envelope.event, WebhookEventType::AgentMessage);
    let EventData::Message(data) = &event.data else { panic!("{:?}", event.data) };
    assert_eq!(data.from_number.as_deref(), Some("+14155559999"));
    assert_eq!(event.raw["data"]["messageId"], "msg_1");
    assert!(!event.is_voice_turn());

    let reaction = br#"{"event":"agent.reaction","channel":"imessage","data":{"reactionType":"love","fromNumber":"+14155559999","messageId":"msg_1","messageMediaUrls":[]}}"#;
    let EventData::Reaction(data) = WebhookEvent::parse(reaction).unwrap().data else { panic!() };
    assert_eq!(data.from_number.as_deref(), Some("+14155559999"), "agent.reaction uses fromNumber");

    let ended = br#"{"event":"agent.call_ended","channel":"voice","data":{"callId":"call_1","from":"+1","to":"+2","direction":"web","status":"completed","durationSeconds":12.5,"transcript":[{"role":"agent","content":"Hi"},{"role":"user","content":"Bye"}],"callSuccessful":true}}"#;
    let EventData::CallEnded(data) = WebhookEvent::parse(ended).unwrap().data else { panic!() };
    assert_eq!(data.direction, Some(CallDirection::Web));
    assert_eq!(data.transcript.unwrap()[1].role, Some(TranscriptRole::User));

    let voice = br#"{"event":"agent.message","channel":"voice","data":{"callId":"call_1","from":"+1","to":"+2","status":"in-progress","transcript":"What are your hours?","confidence":0.95,"direction":"inbound"},"test":true,"recentHistory":[{"content":"Hello","direction":"inbound","channel":"voice","at":"2025-01-15T12:00:00Z"}]}"#;
    let event = WebhookEvent::parse(voice).unwrap();
    assert!(event.is_voice_turn());
    assert_eq!(event.envelope.test, Some(true));
    assert_eq!(event.envelope.recent_history.as_ref().unwrap()[0].content.as_deref(), Some("Hello"));

    let future = br#"{"event":"call.transferred","data":{"x":1}}"#;
    let event = WebhookEvent::parse(future).unwrap();
    assert_eq!(event.envelope.event, WebhookEventType::Other("call.transferred".into()));
    assert_eq!(event.data, EventData::Other(serde_json::json!({"x": 1})));
}

#[test]
fn bad_payloads_are_errors_not_panics() {
    // The last was found by the webhooks fuzz target: both readers must name the same first misfit.
    for body in
        [&b""[..], b"null", b"[]", b"{", b"{\"data\":{}}", b"{\"event\":\"agent.message\",\"data\":{\"from\":7}}", b"{\"agentId\":{}}"]
    {
        assert!(matches!(WebhookEvent::parse(body), Err(WebhookError::InvalidPayload(_))), "{}", String::from_utf8_lossy(body));
        assert_eq!(event_json(body, UnknownFields::AfterKnown).err(), WebhookEvent::parse(body).err(), "{}", String::from_utf8_lossy(body));
    }
}

#[test]
fn the_bindings_read_events_as_the_typed_events_do() {
    let voice = br#"{"event":"agent.message","channel":"voice","data":{"callId":"call_1","from":"+1","transcript":"Hours?","confidence":0.95},"recentHistory":[{"content":"Hello","at":"2025-01-15T12:00:00Z"}]}"#;
    let ended = br#"{"event":"agent.call_ended","data":{"callId":"c","durationSeconds":12,"transcript":[{"role":"user","content":"Bye"}],"later":1}}"#;
    let reaction =
        br#"{"event":"agent.reaction","channel":"imessage","data":{"reactionType":"love","fromNumber":"+1","messageMediaUrls":[]}}"#;
    let shared = br#"{"event":"agent.contact_shared","channel":"imessage","data":{"from":"+14155550100","sharedContact":{"name":"Jo","phoneNumbers":["+14155550101"]},"vcf":"BEGIN:VCARD"}}"#;
    let EventData::ContactShared(card) = WebhookEvent::parse(shared).unwrap().data else { panic!("a typed contact_shared event") };
    let whatsapp = br#"{"event":"agent.reaction","channel":"whatsapp","data":{"reactionType":"like","fromNumber":"+14155550100","messageId":"msg_1"}}"#;
    let reacted = WebhookEvent::parse(whatsapp).unwrap();
    assert_eq!(reacted.envelope.channel, Some(Channel::Whatsapp), "reactions arrive over WhatsApp too");
    assert!(matches!(reacted.data, EventData::Reaction(ref r) if r.message_id.as_deref() == Some("msg_1")));
    assert_eq!(
        (card.from_number.as_deref(), card.shared_contact.unwrap().phone_numbers.unwrap()[0].as_str()),
        (Some("+14155550100"), "+14155550101")
    );
    assert_eq!(card.extra["vcf"], "BEGIN:VCARD", "unknown fields are kept");
    for body in
        [BODY, &voice[..], ended, reaction, shared, br#"{"event":"call.transferred","data":{"x":1}}"#, br#"{"event":"agent.message"}"#]
    {
        let typed = WebhookEvent::parse(body).unwrap();
        let data = match &typed.data {
            EventData::Message(data) => serde_json::to_value(data).unwrap(),
            EventData::CallEnded(data) => serde_json::to_value(data).unwrap(),
            EventData::Reaction(data) => serde_json::to_value(data).unwrap(),
            EventData::ContactShared(data) => serde_json::to_value(data).unwrap(),
            EventData::Other(data) => data.clone(),
        };
        let document = event_json(body, UnknownFields::AfterKnown).unwrap();
        let label = String::from_utf8_lossy(body);
        assert_eq!(document["envelope"], serde_json::to_value(&typed.envelope).unwrap(), "{label}");
        assert_eq!((&document["data"], &document["raw"]), (&data, &typed.raw), "{label}");
        assert_eq!(document["isVoiceTurn"], typed.is_voice_turn(), "{label}");
    }
}

#[test]
fn construct_event_verifies_first() {
    let v = Verifier::new(SECRET).tolerance(None);
    assert!(v.construct_event(BODY, Some(SIGNATURE), Some("1736942400")).is_ok());
    assert_eq!(v.construct_event(b"{}", Some(SIGNATURE), Some("1736942400")), Err(WebhookError::InvalidSignature));
}

#[test]
fn voice_replies_as_json_and_ndjson() {
    assert_eq!(VoiceReply::say("How can I help?").to_json(), r#"{"text":"How can I help?"}"#);
    let stream = voice_ndjson(&[
        VoiceReply::say("Let me check."),
        VoiceReply { text: Some("Shipped yesterday.".into()), hangup: Some(true), ..Default::default() },
    ]);
    assert_eq!(stream, "{\"text\":\"Let me check.\",\"interim\":true}\n{\"text\":\"Shipped yesterday.\",\"hangup\":true}\n");

    let parsed = parse_voice_reply(Some(VOICE_NDJSON), stream.as_bytes()).unwrap();
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[1].hangup, Some(true));
    let single = parse_voice_reply(Some("application/json"), br#"{"text":"Transferring","action":"transfer","press_digit":"1#"}"#).unwrap();
    assert_eq!(single[0].action, Some(VoiceAction::Transfer));
    assert_eq!(single[0].digits.as_deref(), Some("1#"), "press_digit is an alias of digits");
    assert_eq!(parse_voice_reply(None, br#"{"dtmf":"9"}"#).unwrap()[0].digits.as_deref(), Some("9"));
    let closed_early = parse_voice_reply(None, b"{\"text\":\"a\"}\n{\"text\":\"ignored\"}\n").unwrap();
    assert_eq!(closed_early.len(), 1, "the first chunk without interim closes the turn");
    for bad in [&b"\"hello\""[..], b"", b"[1]", b"{\"text\":", &[0xff, 0xfe][..]] {
        assert!(parse_voice_reply(None, bad).is_err(), "{bad:?}");
    }
}

#[test]
fn each_delivery_is_processed_once_by_its_id() {
    let body = br#"{"event":"agent.message","channel":"sms","data":{"message":"hi"}}"#;
    let now = unix_now();
    let signature = sign(SECRET, now, body);
    let timestamp = now.to_string();
    let headers = [("X-Webhook-Signature", signature.as_str()), ("x-webhook-timestamp", timestamp.as_str()), ("x-webhook-id", "dlv_1")];
    let verifier = Verifier::new(SECRET);
    let first = verifier.construct_event_from_headers(body, headers).unwrap();
    let again = verifier.construct_event_from_headers(body, headers).unwrap();
    assert_eq!(first.delivery_id.as_deref(), Some("dlv_1"));
    let store = MemoryDeliveryStore::new(2);
    assert_eq!((first.first_delivery(&store), again.first_delivery(&store)), (true, false));
    // Past its capacity the store forgets the oldest id.
    assert!(store.claim("dlv_2") && store.claim("dlv_3"));
    assert!(first.first_delivery(&store));
    // Without the header there is nothing to tell redeliveries apart: each counts as first.
    let unnamed = verifier.construct_event_from_headers(body, headers[..2].iter().copied()).unwrap();
    assert_eq!(
        (unnamed.delivery_id.as_deref(), unnamed.first_delivery(&store), WebhookEvent::parse(body).unwrap().first_delivery(&store)),
        (None, true, true)
    );
    // A forged delivery never reaches the store.
    let forged = [("x-webhook-signature", "sha256=00"), ("x-webhook-timestamp", timestamp.as_str()), ("x-webhook-id", "dlv_9")];
    assert!(verifier.construct_event_from_headers(body, forged).is_err());
    assert!(store.claim("dlv_9"));
}
