//! Webhook verification and event parsing: a body signed with the secret always verifies, the
//! same body with any other signature or timestamp never does, and parsing whatever verified
//! gives an event or an error, never a panic.
#![no_main]

use agentphone::webhook::{Verifier, WebhookEvent, sign};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_fuzz";
const NOW: i64 = 1_800_000_000;

fuzz_target!(|input: &[u8]| {
    let verifier = Verifier::new(SECRET);
    let signature = sign(SECRET, NOW, input);
    let timestamp = NOW.to_string();
    assert!(verifier.verify_at(input, Some(&signature), Some(&timestamp), NOW).is_ok());
    let _ = WebhookEvent::parse(input);
    let _ = verifier.construct_event(input, Some(&signature), Some(&timestamp));

    // Headers made of the input itself: they must be refused (a forgery would need the MAC).
    let text = String::from_utf8_lossy(input);
    let (forged_signature, forged_timestamp) = text.split_once('\n').unwrap_or((&text, "1800000000"));
    if forged_signature != signature {
        assert!(verifier.verify_at(input, Some(forged_signature), Some(forged_timestamp), NOW).is_err());
    }
    assert!(verifier.verify_at(input, Some(&signature), Some("not a time"), NOW).is_err());
});
