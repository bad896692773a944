//! Decoding the example payloads of the API's sources (tests/payloads), including the places
//! where they disagree: every shape decodes, unknown values and fields survive.

use std::path::PathBuf;

use agentphone::*;
use serde::de::DeserializeOwned;
use serde_json::json;

fn payload<T: DeserializeOwned>(name: &str) -> T {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/payloads").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn agent_numbers_under_either_name() {
    let old: Agent = payload("agent.docs-to.json");
    assert_eq!(old.numbers, Some(vec![]), "phoneNumbers is read as numbers");
    assert_eq!(old.voice_mode, Some(VoiceMode::Hosted));

    let agent: Agent = payload("agent.official.json");
    let numbers = agent.numbers.as_deref().unwrap();
    assert_eq!(numbers[0].phone_number.as_deref(), Some("+14155551234"));
    assert_eq!(numbers[0].r#type, Some(NumberType::Sms));
    assert_eq!(agent.custom_tools.as_ref().unwrap()[0].method, Some(HttpMethod::Get));
    assert_eq!(agent.description, None, "null is none");
}

#[test]
fn unknown_enum_values_and_fields_survive_a_round_trip() {
    let agent: Agent = payload("agent.official.json");
    assert_eq!(agent.voice_mode, Some(VoiceMode::Other("telepathy".into())));
    assert!(!agent.voice_mode.as_ref().unwrap().is_known());
    assert_eq!(agent.extra["voicemailDetection"], json!({"enabled": true}));
    let again = serde_json::to_value(&agent).unwrap();
    assert_eq!(again["voiceMode"], "telepathy");
    assert_eq!(again["voicemailDetection"], json!({"enabled": true}));
    assert_eq!(again["numbers"][0]["type"], "sms");

    let calls: CallList = payload("call-list.ringing.json");
    assert_eq!(calls.data[0].status, Some(CallStatus::Other("ringing".into())));
    assert_eq!(calls.data[0].direction, Some(CallDirection::Other("sideways".into())));
    assert_eq!((calls.has_more, calls.total), (Some(true), Some(41)));
}

#[test]
fn numbers_survive_a_round_trip_to_the_last_digit() {
    // Found by the decode_responses fuzz target: a long number in a field this SDK keeps as
    // received read back differently once re-encoded (serde_json's fast float parsing).
    let body = format!(r#"{{"id": "agt_1", "score": {}, "ratio": 0.30000000000000004}}"#, "2".repeat(114));
    let agent: Agent = serde_json::from_str(&body).unwrap();
    let again: Agent = serde_json::from_str(&serde_json::to_string(&agent).unwrap()).unwrap();
    assert_eq!(again.extra, agent.extra);
    assert_eq!(agent.extra["ratio"].as_f64(), Some(0.30000000000000004));
}

#[test]
fn delete_agent_in_both_documented_shapes() {
    let old: DeleteAgentResponse = payload("delete-agent.docs-to.json");
    assert_eq!(old.unassigned_numbers, Some(vec!["pn_xyz789".to_owned()]));
    let new: DeleteAgentResponse = serde_json::from_value(json!({"success": true, "id": "agt_1", "name": "Bot"})).unwrap();
    assert_eq!(new.id.as_deref(), Some("agt_1"));
}

#[test]
fn voices_in_both_documented_shapes() {
    let docs: VoiceList = payload("voices.docs-to.json");
    assert_eq!(docs.data[0].voice_id.as_deref(), Some("11labs-Brian"));
    assert_eq!(docs.data[0].name.as_deref(), Some("Brian"));
    let mcp: VoiceList = payload("voices.mcp.json");
    assert_eq!(mcp.data[0].voice_id.as_deref(), Some("Polly.Amy"));
    assert_eq!(mcp.data[0].name.as_deref(), Some("Amy"));
    assert_eq!(mcp.data[0].preview_audio_url.as_deref(), Some("https://cdn.example/amy.mp3"));
}

#[test]
fn calls_and_both_transcript_shapes() {
    let call: Call = payload("call.docs-to.json");
    let turns = call.transcripts.as_deref().unwrap();
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0].confidence, Some(0.95));
    assert_eq!(turns[1].response, None);
    assert_eq!(call.recording_available, Some(true));

    let pairs: CallTranscriptResponse = payload("transcript.pairs.json");
    assert_eq!(pairs.data.as_deref().unwrap()[0].response.as_deref(), Some("Yes, yesterday."));
    assert!(pairs.transcript.is_none());
    let roles: CallTranscriptResponse = payload("transcript.roles.json");
    let lines = roles.transcript.as_deref().unwrap();
    assert_eq!(lines[0].role, Some(TranscriptRole::User));
    assert_eq!(lines[2].role, Some(TranscriptRole::Other("system".into())));
    assert_eq!(roles.call_id.as_deref(), Some("call_1"));
}

#[test]
fn message_senders_under_every_name() {
    for (file, from) in [
        ("number-messages.docs-to.json", "+14155559999"),
        ("number-messages.ts.json", "+14155559999"),
        ("number-messages.python.json", "+14155559999"),
    ] {
        let page: MessageList = payload(file);
        assert_eq!(page.data[0].from_number.as_deref(), Some(from), "{file}");
        assert_eq!(page.data[0].to_number.as_deref(), Some("+14155551234"), "{file}");
    }
    let page: MessageList = payload("number-messages.python.json");
    assert_eq!(page.data[0].channel, Some(Channel::Other("rcs-business".into())));
    assert_eq!(page.data[0].direction, Some(MessageDirection::Outbound));
}

#[test]
fn delivery_lists_in_their_two_envelopes() {
    let bare: Vec<WebhookDelivery> = payload("agent-webhook-deliveries.bare.json");
    assert_eq!(bare[0].http_status, Some(200));
    let page: WebhookDeliveryPage = payload("webhook-deliveries.page.json");
    assert_eq!(page.items[0].attempt_count, Some(6));
    assert_eq!(page.items[0].channel, Some(Channel::Voice));
    assert_eq!(page.total, Some(1));
}

#[test]
fn usage_keeps_the_plan() {
    let usage: Usage = payload("usage.official.json");
    assert_eq!(usage.plan.as_ref().and_then(|p| p.name.as_deref()), Some("pro"));
    assert_eq!(usage.plan.unwrap().limits.unwrap().concurrent_calls, Some(5));
    assert_eq!(usage.stats.unwrap().sms_segments_last30d, Some(14));
    assert_eq!(usage.numbers.unwrap().remaining, Some(8));
}

/// The REST reference's summary has no `plan` block (the OpenAPI export requires one): both read.
#[test]
fn usage_reads_without_a_plan() {
    let usage: Usage = payload("usage.reference.json");
    assert_eq!(usage.plan, None);
    assert_eq!(usage.stats.unwrap().sms_segments_last30d, Some(14));
}

#[test]
fn snake_case_responses_and_conversations() {
    let sent: SendMessageResponse = payload("send-message.official.json");
    assert_eq!(sent.to_number.as_deref(), Some("grp_abc"));
    assert_eq!(sent.channel, Some(Channel::Imessage));
    assert_eq!(sent.reply_parent_unresolved, Some(false));

    let conversation: Conversation = payload("conversation.official.json");
    assert_eq!(conversation.participant.as_deref(), Some("+14155559999"), "contactNumber is read as participant");
    assert_eq!(conversation.metadata.as_ref().unwrap()["tier"], 2);
    let message = &conversation.messages.as_deref().unwrap()[0];
    assert_eq!(message.reactions.as_deref().unwrap()[0].reaction_type.as_deref(), Some("🔥"));
}

#[test]
fn wrong_types_fail_with_the_path() {
    let text = r#"{"data":[{"id":"a1","name":"x"},{"id":7}]}"#;
    let mut de = serde_json::Deserializer::from_str(text);
    let err = serde_path_to_error::deserialize::<_, AgentList>(&mut de).unwrap_err();
    assert_eq!(err.path().to_string(), "data[1].id");
}
