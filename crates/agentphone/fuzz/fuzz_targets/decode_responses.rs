//! Any body, as the answer to any operation: reading it by shape (what the bindings do) and
//! through the typed models (what Rust callers get) agree, field for field and in the same order,
//! or both refuse it; never a panic. What is read reads back the same (nothing is lost or
//! invented on the way). The one known difference: a key given twice in one object is refused
//! by the typed models and read by shape as JSON.parse reads it (the last one wins).
#![no_main]

use agentphone::ffi::by_name::{Answer, decode};
use agentphone::table::ResponseKind;
use agentphone::{OPERATIONS, RawResponse};

/// The typed readers of every operation (generated from the table).
mod generated;
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Whether every object of a JSON document has each key once.
struct UniqueKeys(bool);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys(true))
    }
    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys(true))
    }
    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys(true))
    }
    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys(true))
    }
    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys(true))
    }
    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys(true))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        let mut unique = true;
        while let Some(UniqueKeys(inner)) = seq.next_element()? {
            unique &= inner;
        }
        Ok(UniqueKeys(unique))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let (mut seen, mut unique) = (std::collections::HashSet::new(), true);
        while let Some(key) = map.next_key::<String>()? {
            unique &= seen.insert(key);
            unique &= map.next_value::<UniqueKeys>()?.0;
        }
        Ok(UniqueKeys(unique))
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&pick, body)) = input.split_first() else { return };
    let op = OPERATIONS[pick as usize % OPERATIONS.len()];
    let Some(typed) = generated::decode_typed(op.id, RawResponse::new(op, 200, body.to_vec())) else { return };
    let by_shape = decode(RawResponse::new(op, 200, body.to_vec())).map(|answer| match answer {
        Answer::Json(value) => value,
        Answer::Binary(b) => serde_json::json!({"contentType": b.content_type, "bytes": b.data.len()}),
    });
    let duplicate_keys = matches!(serde_json::from_slice::<UniqueKeys>(body), Ok(UniqueKeys(false)));
    match (&by_shape, &typed) {
        (Ok(a), Ok(b)) => {
            assert_eq!(serde_json::to_string(a).unwrap(), serde_json::to_string(b).unwrap(), "{}: the readers disagree", op.id);
        }
        (Err(_), Err(_)) => {}
        _ if duplicate_keys => {}
        _ => panic!("{}: one reader accepts what the other refuses: {by_shape:?} / {typed:?}", op.id),
    }
    if let Ok(value) = by_shape
        && op.response != ResponseKind::Bytes
    {
        let again = decode(RawResponse::new(op, 200, serde_json::to_vec(&value).unwrap()));
        match again {
            Ok(Answer::Json(reread)) => assert_eq!(reread, value, "{}: the answer reads back differently", op.id),
            other => panic!("{}: the answer does not read back: {other:?}", op.id),
        }
    }
});
