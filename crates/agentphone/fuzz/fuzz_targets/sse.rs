//! Event streams as any server may send them, cut into chunks anywhere: the parser never panics,
//! never keeps more than its caps, and never asks to wait longer than `MAX_RETRY`.
#![no_main]

use agentphone::events::{MAX_EVENT_BYTES, MAX_LINE_BYTES, MAX_RETRY, SseParser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&cut, body)) = input.split_first() else { return };
    let mut parser = SseParser::default();
    let step = usize::from(cut).max(1);
    for chunk in body.chunks(step) {
        match parser.push(chunk) {
            Ok(events) => {
                for event in events {
                    assert!(event.data.len() <= MAX_EVENT_BYTES);
                    assert!(!event.event.contains(['\r', '\n']));
                }
            }
            Err(too_large) => {
                assert!(too_large.limit == MAX_LINE_BYTES || too_large.limit == MAX_EVENT_BYTES);
                return;
            }
        }
        assert!(parser.retry.is_none_or(|retry| retry <= MAX_RETRY));
    }
});
