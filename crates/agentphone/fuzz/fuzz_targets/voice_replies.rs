//! The sandbox's reading of a voice webhook's answer (JSON or NDJSON): replies or an error,
//! never a panic; and replies written back as NDJSON read back as the same replies.
#![no_main]

use agentphone::webhook::{VOICE_JSON, VOICE_NDJSON, parse_voice_reply, voice_ndjson};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&pick, body)) = input.split_first() else { return };
    let content_type = [None, Some(VOICE_JSON), Some(VOICE_NDJSON), Some("text/plain")][pick as usize % 4];
    if let Ok(replies) = parse_voice_reply(content_type, body) {
        assert!(!replies.is_empty());
        let written = voice_ndjson(&replies);
        let reread = parse_voice_reply(Some(VOICE_NDJSON), written.as_bytes()).expect("written replies read back");
        assert_eq!(reread.len(), replies.len());
        for (a, b) in reread.iter().zip(&replies) {
            assert_eq!((&a.text, &a.hangup, &a.action), (&b.text, &b.hangup, &b.action));
        }
    }
});
