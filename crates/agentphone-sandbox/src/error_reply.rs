//! Error answers in the API's own shapes: `{"detail": "..."}` for missing things and auth,
//! FastAPI's `{"detail": [{"loc", "msg", "type"}]}` for invalid requests, and the
//! `{"error": {"code", "message", "type"}}` envelope for coded business errors.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub status: u16,
    pub body: Value,
    /// `Retry-After`, as sent (delay-seconds or an HTTP date).
    pub retry_after: Option<String>,
}

impl Failure {
    fn new(status: u16, body: Value) -> Self {
        Self { status, body, retry_after: None }
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(401, json!({"detail": "Missing or invalid API key: send Authorization: Bearer sk_..."}))
    }

    /// 404 for `what` ("Agent", "Phone number", ...).
    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(404, json!({"detail": format!("{what} not found")}))
    }

    /// 422 naming the field and where it was (`body`, `query`, `path`, `header`).
    pub(crate) fn invalid(location: &str, field: &str, message: &str) -> Self {
        let loc: Vec<&str> = if field.is_empty() { vec![location] } else { vec![location, field] };
        Self::new(422, json!({"detail": [{"loc": loc, "msg": message, "type": "value_error"}]}))
    }

    /// A coded business error in the `error` envelope.
    pub(crate) fn coded(status: u16, code: &str, message: impl Into<String>) -> Self {
        let kind = match status {
            402 => "billing_error",
            409 => "conflict_error",
            429 => "rate_limit_error",
            500..=599 => "api_error",
            _ => "invalid_request_error",
        };
        Self::new(status, json!({"error": {"code": code, "message": message.into(), "type": kind, "details": []}}))
    }

    /// 400 VALIDATION_ERROR.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::coded(400, "VALIDATION_ERROR", message)
    }

    pub(crate) fn insufficient_balance(needed_cents: i64, balance_cents: i64) -> Self {
        Self::coded(
            402,
            "INSUFFICIENT_BALANCE",
            format!("Insufficient balance: this needs {needed_cents}¢ and the balance is {balance_cents}¢"),
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body)).into_response();
        if let Some(value) = self.retry_after.and_then(|v| axum::http::HeaderValue::from_str(&v).ok()) {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}
