//! Any body, as the answer to any operation: decoding gives a value or a decode error, never a
//! panic; and what it gives reads back the same (nothing is lost or invented on the way).
#![no_main]

use agentphone::dynamic::Answer;
use agentphone::generated::dispatch;
use agentphone::{OPERATIONS, RawResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&pick, body)) = input.split_first() else { return };
    let op = OPERATIONS[pick as usize % OPERATIONS.len()];
    if dispatch::EVENT_STREAMS.contains(&op.id) {
        return;
    }
    let first = dispatch::decode(op.id, RawResponse::new(op, 200, body.to_vec()));
    if let Ok(Answer::Json(value)) = first {
        let again = dispatch::decode(op.id, RawResponse::new(op, 200, serde_json::to_vec(&value).unwrap()));
        match again {
            Ok(Answer::Json(reread)) => assert_eq!(reread, value, "{}: the re-encoded answer reads back differently", op.id),
            other => panic!("{}: the re-encoded answer does not read back: {other:?}", op.id),
        }
    }
});
