//! What a handler of an operation sees (the world, the caller's project under the state lock,
//! a list of side effects to start once the lock is released) and what it answers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::http::HeaderMap;
use serde_json::Value;

use crate::error_reply::Failure;
use crate::state::{Project, State, World};

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What a handler answers.
pub(crate) enum Reply {
    Json(u16, Value),
    Empty,
    Bytes {
        content_type: &'static str,
        filename: String,
        data: Vec<u8>,
    },
    /// The live transcript of a call, as server-sent events.
    TranscriptStream(String),
    /// An answer that needs I/O (a test delivery): computed after the state lock is released.
    Later(BoxFuture<Result<Reply, Failure>>),
}

impl Reply {
    pub(crate) fn json(value: impl serde::Serialize) -> Self {
        Self::Json(200, serde_json::to_value(value).unwrap_or(Value::Null))
    }

    pub(crate) fn created(value: impl serde::Serialize) -> Self {
        Self::Json(201, serde_json::to_value(value).unwrap_or(Value::Null))
    }
}

/// What a handler sees: the world, the caller's key, the state (locked) and a list of side
/// effects to start once the lock is released.
pub(crate) struct Cx<'a> {
    pub world: &'a Arc<World>,
    pub key: String,
    pub state: &'a mut State,
    pub now: i64,
    pub effects: Vec<BoxFuture<()>>,
}

impl Cx<'_> {
    pub(crate) fn project(&mut self) -> &mut Project {
        self.state.project(&self.key, &self.world.config)
    }

    pub(crate) fn spawn(&mut self, effect: impl Future<Output = ()> + Send + 'static) {
        self.effects.push(Box::pin(effect));
    }
}

/// `Authorization: Bearer sk_...` with something after the prefix; any such key is a project.
pub(crate) fn api_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let key = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    let well_formed = key.starts_with("sk_") && key.len() >= 8 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    well_formed.then(|| key.to_owned())
}

pub(crate) type Handler<P> = fn(&mut Cx<'_>, P) -> Result<Reply, Failure>;
