//! Typed, retry-safe client for the AgentPhone API: telephony for AI agents (agents, phone
//! numbers, voice calls and transcripts, SMS/MMS/iMessage, conversations, contacts, webhooks,
//! usage).
//!
//! Every operation comes from one table (`spec/operations.toml`): its rows ([`operations`]), the
//! parameter structs ([`params`]), the models ([`models`]) and the client's methods are written
//! from it by `cargo xtask codegen`.
//!
//! ```no_run
//! # async fn run() -> agentphone::Result<()> {
//! use agentphone::{Client, SendMessageParams};
//!
//! let client = Client::from_env()?; // AGENTPHONE_API_KEY, AGENTPHONE_BASE_URL
//! let sent = client
//!     .messages()
//!     .send(&SendMessageParams {
//!         agent_id: Some("agt_123".into()),
//!         to_number: Some("+14155550100".into()),
//!         body: Some("Your table is ready".into()),
//!         ..Default::default()
//!     })
//!     .await?;
//! println!("sent {}", sent.id);
//! # Ok(()) }
//! ```
//!
//! The feature `ffi` adds [`ffi`]: what the Python, Node and wasm bindings (and the CLI) share.

// The bottom: the table's data types, then what checks, sends and reads a request.
pub mod table;

mod arguments;
mod client;
mod config;
mod error;
mod error_body;
mod phone;
pub mod request;
mod response;
mod retry;
mod secret;
mod shape;
mod timer;
mod transport;
mod validate;

pub mod events;
// Request logging is the native builds' (the wasm build's size budget leaves it out).
#[cfg(not(target_arch = "wasm32"))]
pub mod logging;
pub mod pagination;
pub mod webhook;

#[cfg(feature = "ffi")]
pub mod ffi;

#[doc(hidden)]
pub mod open_enum;

// Some shapes and error names serve only the `ffi` feature.
#[allow(clippy::all, missing_docs, dead_code)]
mod generated;

/// The models and enums of the API's answers.
pub mod models {
    pub use crate::generated::models::*;
}
/// The rows of the operation table, one static per operation, and [`OPERATIONS`](crate::OPERATIONS).
pub mod operations {
    pub use crate::generated::operations::*;
}
/// The parameters of every operation, as typed structs.
pub mod params {
    pub use crate::generated::params::*;
}

pub use client::Client;
pub use config::{API_KEY_ENV, BASE_URL_ENV, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT};
pub use error::{ApiError, DecodeError, Error, ErrorDetail, ErrorKind, Result, TransportError, ValidationError};
pub use generated::models::*;
pub use generated::operations::OPERATIONS;
pub use generated::params::*;
pub use generated::resources::*;
pub use phone::normalize_e164;
pub use request::RequestOptions;
pub use response::{BinaryContent, RawResponse, ResponseInfo, WithResponse};
pub use retry::RetryPolicy;
pub use secret::ApiKey;
pub use shape::UnknownFields;
