//! Reads an error response into an [`ApiError`], whatever shape the server used:
//! `{"detail": "..."}`, FastAPI's `{"detail": [{"loc", "msg", "type"}]}`,
//! `{"error": {"message", "code", "type", "details"}}`, a plain `{"message"}`, HTML or nothing.

use serde_json::Value;

use crate::error::{ApiError, ErrorDetail, excerpt};

const MAX_BODY: usize = 64 * 1024;

/// What the server said, before it is attached to an operation.
pub(crate) struct ErrorBody {
    pub code: Option<String>,
    pub message: String,
    pub error_type: Option<String>,
    pub details: Vec<ErrorDetail>,
}

/// Parses `body` (already scrubbed of secrets) for `status`.
pub(crate) fn parse(status: u16, body: &str) -> ErrorBody {
    let parsed = serde_json::from_str::<Value>(body).ok();
    match parsed.as_ref().and_then(Value::as_object) {
        Some(object) => from_object(status, object, body),
        None => ErrorBody { code: None, message: non_json_message(status, body), error_type: None, details: Vec::new() },
    }
}

/// An error answer in one line: each problem with the field it names (`to: not a number`), or
/// the message. The packages' sandbox helpers word their refusals with it.
#[cfg(feature = "ffi")]
pub(crate) fn summary(status: u16, body: &Value) -> String {
    let text = body.as_str().map_or_else(|| body.to_string(), str::to_owned);
    let read = parse(status, &text);
    if read.details.is_empty() {
        return read.message;
    }
    let problems: Vec<String> = read
        .details
        .iter()
        .map(|detail| detail.field.as_ref().map_or_else(|| detail.message.clone(), |field| format!("{field}: {}", detail.message)))
        .collect();
    problems.join("; ")
}

fn from_object(status: u16, object: &serde_json::Map<String, Value>, body: &str) -> ErrorBody {
    if let Some(error) = object.get("error") {
        if let Some(error) = error.as_object() {
            let details = error
                .get("details")
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(envelope_detail).collect())
                .unwrap_or_default();
            return ErrorBody {
                code: string_at(error, "code"),
                message: string_at(error, "message").unwrap_or_else(|| reason(status).to_owned()),
                error_type: string_at(error, "type"),
                details,
            };
        }
        if let Some(message) = error.as_str() {
            return ErrorBody { code: string_at(object, "code"), message: message.to_owned(), error_type: None, details: Vec::new() };
        }
    }
    match object.get("detail") {
        Some(Value::String(message)) => {
            ErrorBody { code: string_at(object, "code"), message: message.clone(), error_type: None, details: Vec::new() }
        }
        Some(Value::Array(items)) => {
            let details: Vec<ErrorDetail> = items.iter().filter_map(fastapi_detail).collect();
            let message = match details.as_slice() {
                [] => reason(status).to_owned(),
                [only] => only.message.clone(),
                _ => format!("{} problems with the request", details.len()),
            };
            ErrorBody { code: None, message, error_type: None, details }
        }
        Some(Value::Object(inner)) => ErrorBody {
            code: string_at(inner, "code"),
            message: string_at(inner, "message").unwrap_or_else(|| reason(status).to_owned()),
            error_type: string_at(inner, "type"),
            details: Vec::new(),
        },
        _ => ErrorBody {
            code: string_at(object, "code"),
            message: string_at(object, "message").unwrap_or_else(|| non_json_message(status, body)),
            error_type: string_at(object, "type"),
            details: Vec::new(),
        },
    }
}

/// `{"field", "message", "type"}` inside the `error` envelope.
fn envelope_detail(item: &Value) -> Option<ErrorDetail> {
    let item = item.as_object()?;
    Some(ErrorDetail {
        field: string_at(item, "field"),
        message: string_at(item, "message").unwrap_or_default(),
        kind: string_at(item, "type"),
    })
}

/// FastAPI's `{"loc": ["body", "name"], "msg", "type"}`; the location prefix is dropped.
fn fastapi_detail(item: &Value) -> Option<ErrorDetail> {
    let item = item.as_object()?;
    let field = item.get("loc").and_then(Value::as_array).map(|loc| {
        let parts: Vec<String> = loc
            .iter()
            .enumerate()
            .filter(|(i, part)| !(*i == 0 && matches!(part.as_str(), Some("body" | "query" | "path" | "header"))))
            .map(|(_, part)| match part {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        parts.join(".")
    });
    Some(ErrorDetail {
        field: field.filter(|f| !f.is_empty()),
        message: string_at(item, "msg").unwrap_or_default(),
        kind: string_at(item, "type"),
    })
}

fn string_at(object: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// For HTML pages, proxies' plain text and empty bodies: the status reason plus a short excerpt.
fn non_json_message(status: u16, body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() { reason(status).to_owned() } else { format!("{} (body: {})", reason(status), excerpt(trimmed, 200)) }
}

/// The standard reason phrase.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        300..=399 => "Redirect not followed (only same-origin redirects are)",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "HTTP error",
    }
}

/// Truncates a body to the size kept on [`ApiError::body`].
pub(crate) fn keep_body(body: String) -> String {
    if body.len() <= MAX_BODY {
        return body;
    }
    let mut cut = MAX_BODY;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    body[..cut].to_owned()
}

impl ApiError {
    /// The error an answer with an error status becomes: any of the API's three error shapes,
    /// an HTML page or nothing at all. The request's key is scrubbed from everything quoted.
    pub fn from_response(response: &crate::response::RawResponse, retry_after: Option<std::time::Duration>) -> Self {
        let scrub = |text: &str| response.api_key.as_ref().map_or_else(|| text.to_owned(), |key| key.scrub(text));
        let body = scrub(&String::from_utf8_lossy(&response.body));
        let op = response.operation;
        Self::from_body(
            op.id,
            response.status,
            parse(response.status, &body),
            body,
            response.request_id.as_deref().map(scrub),
            retry_after,
            op.acts,
        )
    }

    /// Builds the error from a parsed body and the response's facts.
    fn from_body(
        operation: &'static str,
        status: u16,
        parsed: ErrorBody,
        body: String,
        request_id: Option<String>,
        retry_after: Option<std::time::Duration>,
        acts: bool,
    ) -> Self {
        let unconfirmed = parsed.code.as_deref() == Some("DELIVERY_UNCONFIRMED");
        ApiError {
            operation,
            status,
            may_have_acted: unconfirmed || (acts && (status >= 500 || status == 408)),
            code: parsed.code,
            message: parsed.message,
            error_type: parsed.error_type,
            details: parsed.details,
            request_id,
            retry_after,
            body: keep_body(body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_string() {
        let parsed = parse(404, r#"{"detail":"Agent not found"}"#);
        assert_eq!(parsed.message, "Agent not found");
        assert!(parsed.code.is_none());
    }

    #[test]
    fn detail_list_names_fields() {
        let parsed = parse(
            422,
            r#"{"detail":[{"loc":["body","name"],"msg":"field required","type":"value_error.missing"},
                          {"loc":["query","limit"],"msg":"too big","type":"value_error"}]}"#,
        );
        assert_eq!(parsed.details.len(), 2);
        assert_eq!(parsed.details[0].field.as_deref(), Some("name"));
        assert_eq!(parsed.details[1].field.as_deref(), Some("limit"));
        assert_eq!(parsed.details[0].kind.as_deref(), Some("value_error.missing"));
        assert_eq!(parsed.message, "2 problems with the request");
    }

    #[test]
    fn error_envelope() {
        let parsed = parse(
            402,
            r#"{"error":{"message":"Balance too low","code":"INSUFFICIENT_BALANCE","type":"billing",
                "details":[{"field":"balance","message":"below $3"}]}}"#,
        );
        assert_eq!(parsed.code.as_deref(), Some("INSUFFICIENT_BALANCE"));
        assert_eq!(parsed.message, "Balance too low");
        assert_eq!(parsed.error_type.as_deref(), Some("billing"));
        assert_eq!(parsed.details[0].field.as_deref(), Some("balance"));
    }

    #[test]
    fn html_and_empty_bodies() {
        let html = parse(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        assert!(html.message.starts_with("Bad Gateway (body: <html>"), "{}", html.message);
        assert_eq!(parse(503, "").message, "Service Unavailable");
        assert_eq!(parse(500, "null").message, "Internal Server Error (body: null)");
    }

    #[test]
    fn unconfirmed_delivery_may_have_acted_even_on_a_read() {
        let body = r#"{"error":{"code":"DELIVERY_UNCONFIRMED","message":"may have been sent"}}"#;
        let err = ApiError::from_body("send_message", 409, parse(409, body), body.into(), None, None, false);
        assert!(err.may_have_acted);
        assert_eq!(err.kind(), crate::ErrorKind::Conflict);
    }
}
