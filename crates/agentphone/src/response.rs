//! A response as received, and how successful bodies become typed values.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, Result, excerpt};
use crate::secret::ApiKey;
use crate::table::Operation;

/// Characters of a body that a decode error quotes.
const EXCERPT_CHARS: usize = 200;

/// Status, the headers the SDK reads, and the body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub operation: &'static Operation,
    pub status: u16,
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<String>,
    pub body: Bytes,
    /// The key the request carried: a hostile server may echo it, so errors built from this
    /// body are scrubbed of it before they are cut to an excerpt.
    pub(crate) api_key: Option<ApiKey>,
}

/// Binary content with its media type (call recordings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryContent {
    pub content_type: String,
    pub data: Bytes,
}

impl RawResponse {
    /// A successful answer to `operation` as received, without headers: for replaying recorded
    /// traffic through the bindings' `ffi::decode`.
    pub fn new(operation: &'static Operation, status: u16, body: impl Into<Bytes>) -> Self {
        Self { operation, status, content_type: None, request_id: None, retry_after: None, body: body.into(), api_key: None }
    }

    pub(crate) fn decode_error(&self, message: String) -> Error {
        let scrub = |text: &str| self.api_key.as_ref().map_or_else(|| text.to_owned(), |key| key.scrub(text));
        Error::Decode(Box::new(DecodeError {
            operation: self.operation.id,
            status: self.status,
            message: scrub(&message),
            excerpt: excerpt(&scrub(&String::from_utf8_lossy(&self.body)), EXCERPT_CHARS),
            may_have_acted: self.operation.acts,
        }))
    }

    /// Decodes a JSON body. An empty body decodes as `{}`, so models whose fields are all
    /// optional survive a server that answers 200 with nothing; others get a clear error.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &self.body };
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." { self.decode_error(inner.to_string()) } else { self.decode_error(format!("at `{path}`: {inner}")) }
        })?;
        deserializer.end().map_err(|e| self.decode_error(e.to_string()))?;
        Ok(value)
    }

    /// Decodes JSON where `null` (or an empty body) means "none".
    pub fn nullable_json<T: DeserializeOwned>(&self) -> Result<Option<T>> {
        let trimmed = self.body.trim_ascii();
        if trimmed.is_empty() || trimmed == b"null" {
            return Ok(None);
        }
        self.json().map(Some)
    }

    /// The body as binary content.
    pub fn binary(self) -> Result<BinaryContent> {
        let content_type = self.content_type.unwrap_or_else(|| "application/octet-stream".to_owned());
        Ok(BinaryContent { content_type, data: self.body })
    }
}
