//! Arguments by name, as every binding passes them: any JSON for any operation, wrapped in depth
//! bombs and carrying extreme numbers, either builds a request or is refused with an error naming
//! an argument; never a panic (a trap in the wasm build) or a stack overflow.
#![no_main]

use agentphone::OPERATIONS;
use agentphone::ffi::by_name;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// Numbers no parameter takes: the checker must refuse them by name, not overflow on them.
fn extreme(pick: u8) -> Value {
    match pick % 6 {
        0 => json!(i64::MAX),
        1 => json!(i64::MIN),
        2 => json!(u64::MAX),
        3 => json!(f64::MAX),
        4 => json!(-0.0),
        _ => json!(1e-300),
    }
}

fuzz_target!(|input: &[u8]| {
    let [pick, depth_hi, depth_lo, number, rest @ ..] = input else { return };
    let op = OPERATIONS[*pick as usize % OPERATIONS.len()];
    let Ok(mut args) = serde_json::from_slice::<Value>(rest) else { return };
    // A depth bomb under every argument: up to 4,096 levels (the binding caps come far sooner).
    let depth = (usize::from(*depth_hi) << 8 | usize::from(*depth_lo)) % 4096;
    if let Value::Object(map) = &mut args {
        for value in map.values_mut() {
            let mut wrapped = std::mem::take(value);
            for level in 0..depth {
                wrapped = if level % 2 == 0 { json!([wrapped]) } else { json!({ "k": wrapped }) };
            }
            *value = wrapped;
        }
        if let Some(param) = op.params.first() {
            map.entry(param.name.to_owned()).or_insert_with(|| extreme(*number));
        }
    }
    match by_name::build(op, args) {
        Ok(parts) => assert_eq!(parts.operation.id, op.id),
        Err(agentphone::Error::Validation(invalid)) => assert!(!invalid.field.is_empty(), "{}: {invalid}", op.id),
        Err(other) => panic!("{}: arguments are refused as a validation error, not {other:?}", op.id),
    }
});
