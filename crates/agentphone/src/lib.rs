//! Typed, retry-safe client for the AgentPhone API: telephony for AI agents (agents, phone
//! numbers, voice calls and transcripts, SMS/MMS/iMessage, conversations, contacts, webhooks,
//! usage).
//!
//! Every operation comes from one table (`spec/operations.toml`); the request types, client
//! methods and models in [`generated`] are written from it by `cargo xtask codegen`.
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

pub mod arguments;
mod client;
mod config;
pub mod dynamic;
mod error;
mod error_body;
pub mod events;
pub mod interop;
#[doc(hidden)]
pub mod open_enum;
pub mod pagination;
mod phone;
pub mod request;
mod response;
mod retry;
mod secret;
pub mod shape;
pub mod tools;
mod transport;
pub mod validate;
pub mod webhook;

#[allow(clippy::all, missing_docs)]
pub mod generated;

pub use client::{Client, RequestOptions};
pub use config::{API_KEY_ENV, BASE_URL_ENV, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT};
pub use error::{ApiError, DecodeError, Error, ErrorDetail, ErrorKind, Result, TransportError, ValidationError};
pub use generated::models::*;
pub use generated::operations::*;
pub use generated::resources::*;
pub use phone::normalize_e164;
pub use response::{BinaryContent, RawResponse};
pub use retry::RetryPolicy;
pub use secret::ApiKey;
