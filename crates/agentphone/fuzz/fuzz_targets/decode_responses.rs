//! Any body, as the answer to any operation: reading it by shape (what the bindings do) and
//! through the typed models (what Rust callers get) agree, value for value, or both refuse it;
//! never a panic. What is read reads back the same (nothing is lost or invented on the way).
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
    let by_shape = dispatch::decode(op.id, RawResponse::new(op, 200, body.to_vec()));
    let typed = dispatch::decode_typed(op.id, RawResponse::new(op, 200, body.to_vec()));
    match (&by_shape, &typed) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{}: the two readers disagree", op.id),
        (Err(_), Err(_)) => {}
        _ => panic!("{}: one reader accepts what the other refuses: {by_shape:?} / {typed:?}", op.id),
    }
    if let Ok(Answer::Json(value)) = by_shape {
        let again = dispatch::decode(op.id, RawResponse::new(op, 200, serde_json::to_vec(&value).unwrap()));
        match again {
            Ok(Answer::Json(reread)) => assert_eq!(reread, value, "{}: the answer reads back differently", op.id),
            other => panic!("{}: the answer does not read back: {other:?}", op.id),
        }
    }
});
