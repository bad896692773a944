//! What the three bindings (Python, the Node addon, the wasm build) and the CLI share, so that
//! each binding only converts values: operations called by their row of the table with JSON
//! arguments and answers read by shape ([`by_name`]), client settings and call options
//! ([`settings`]), error classes and their attributes ([`errors`]), webhook helpers with their
//! input checks ([`webhooks`]) and tools for LLM function calling ([`tools`]).
//!
//! It is a feature of the core rather than a crate of its own because it runs on the core's
//! internals (the argument checker, the send loop, the by-shape reader) that are no part of the
//! Rust API: behind the feature they stay private, and Rust users compile none of this.

pub mod by_name;
pub mod cancel;
pub mod errors;
pub mod settings;
pub mod tools;
pub mod webhooks;

use serde_json::{Value, json};

/// Deepest nesting an argument may have, in every runtime (the bindings refuse deeper values
/// before their converters recurse into them; the core refuses them too).
pub const MAX_DEPTH: usize = crate::arguments::MAX_DEPTH;

/// [`MAX_DEPTH`], for the bindings' exports.
pub fn max_depth() -> f64 {
    MAX_DEPTH as f64
}

/// The user agent the client sends.
pub fn user_agent() -> String {
    crate::USER_AGENT.to_owned()
}

/// Normalizes a phone number to E.164; a problem names `field`.
pub fn normalize_phone(number: &str, field: &str) -> Result<String, errors::HelperError> {
    Ok(crate::normalize_e164(field, number)?)
}

/// The operation table: `{id, resource, method, isList}` per operation, in table order.
pub fn operations() -> Value {
    crate::OPERATIONS.iter().map(|op| json!({"id": op.id, "resource": op.resource, "method": op.name, "isList": op.is_list()})).collect()
}
