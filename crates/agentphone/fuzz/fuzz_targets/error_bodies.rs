//! Any body with any error status: the error says the status and something readable, and
//! never panics on HTML, truncated JSON or the wrong shape.
#![no_main]

use agentphone::{ApiError, OPERATIONS, RawResponse};
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 14] = [400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504];

fuzz_target!(|input: &[u8]| {
    let Some((&pick, body)) = input.split_first() else { return };
    let op = OPERATIONS[pick as usize % OPERATIONS.len()];
    let status = STATUSES[pick as usize % STATUSES.len()];
    let error = ApiError::from_response(&RawResponse::new(op, status, body.to_vec()), None);
    assert_eq!(error.status, status);
    let text = error.to_string();
    assert!(text.starts_with(&format!("{} failed with HTTP {status}", op.id)), "{text}");
    assert!(!error.message.is_empty(), "an error always says something");
});
