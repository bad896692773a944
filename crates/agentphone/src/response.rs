//! A response as received, and how successful bodies become typed values.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error, Result, excerpt};
use crate::secret::ApiKey;
use crate::shape::UnknownFields;
use crate::table::Operation;

/// Characters of a body that a decode error quotes.
const EXCERPT_CHARS: usize = 200;

/// Status, the headers the SDK reads, and the body.
#[derive(Clone)]
pub struct RawResponse {
    pub operation: &'static Operation,
    pub status: u16,
    /// Every header as received (names in lowercase, in the order they came).
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<String>,
    pub body: Bytes,
    /// The key the request carried: a hostile server may echo it, so errors built from this
    /// body are scrubbed of it before they are cut to an excerpt.
    pub(crate) api_key: Option<ApiKey>,
    /// Where its client keeps unknown fields of answers read by name.
    #[cfg_attr(not(feature = "ffi"), allow(dead_code))]
    pub(crate) unknown_fields: UnknownFields,
}

/// The body is not printed (it may carry secrets): its length is.
impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("operation", &self.operation.id)
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("request_id", &self.request_id)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish_non_exhaustive()
    }
}

/// What came with a successful answer besides its body: the status, every header and the
/// request id (`X-Request-Id`, which the API's support asks for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseInfo {
    pub status: u16,
    pub request_id: Option<String>,
    /// Every header as received (names in lowercase, in the order they came).
    pub headers: Vec<(String, String)>,
}

impl ResponseInfo {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// A typed answer with what came with it: [`crate::Client::send_with_response`].
#[derive(Debug, Clone, PartialEq)]
pub struct WithResponse<T> {
    pub data: T,
    pub response: ResponseInfo,
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
        Self {
            operation,
            status,
            headers: Vec::new(),
            content_type: None,
            request_id: None,
            retry_after: None,
            body: body.into(),
            api_key: None,
            unknown_fields: UnknownFields::AfterKnown,
        }
    }

    /// What came with the answer, for callers that want more than its body; the headers move
    /// out (decoding the body does not read them).
    pub fn take_info(&mut self) -> ResponseInfo {
        ResponseInfo { status: self.status, request_id: self.request_id.clone(), headers: std::mem::take(&mut self.headers) }
    }

    pub(crate) fn decode_error(&self, message: String) -> Error {
        let scrub = |text: &str| self.api_key.as_ref().map_or_else(|| text.to_owned(), |key| key.scrub(text));
        // An answer that may carry a secret is not quoted: the error text travels into logs.
        let excerpt = if self.operation.shape.is_some_and(crate::shape::has_secret) {
            "[withheld: this answer can carry secrets]".to_owned()
        } else {
            excerpt(&scrub(&String::from_utf8_lossy(&self.body)), EXCERPT_CHARS)
        };
        Error::Decode(Box::new(DecodeError {
            operation: self.operation.id,
            status: self.status,
            message: scrub(&message),
            excerpt,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::GET_WEBHOOK;

    #[test]
    fn an_answer_that_can_carry_secrets_is_never_quoted() {
        let response = RawResponse::new(&GET_WEBHOOK, 200, r#"{"url": 5, "secret": "whsec_topsecret"}"#);
        assert!(!format!("{response:?}").contains("topsecret"));
        let error = response.json::<crate::Webhook>().unwrap_err();
        assert!(!error.to_string().contains("topsecret") && error.to_string().contains("withheld"), "{error}");
    }
}
