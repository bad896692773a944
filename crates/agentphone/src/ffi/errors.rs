//! Errors as the bindings raise them: each kind's class (one list, generated from
//! `spec/errors.toml` into every runtime), its attributes, and the JSON description JavaScript
//! reads.

use serde_json::{Map, Value, json};

use crate::error::{Error, ValidationError};
use crate::webhook::WebhookError;

use crate::generated::errors::ATTRIBUTE_NAMES;
pub use crate::generated::errors::class_name;

/// Whose names an error's attributes take (`spec/errors.toml` says where they differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    Python,
    JavaScript,
}

/// An error's fields, named for `naming`.
pub fn error_attributes(error: &Error, naming: Naming) -> Map<String, Value> {
    core_attributes(error)
        .into_iter()
        .map(|(name, value)| {
            let names = ATTRIBUTE_NAMES.iter().find(|(core, _, _)| *core == name);
            let renamed = names.map_or(name.as_str(), |(_, python, js)| if naming == Naming::Python { python } else { js });
            (renamed.to_owned(), value)
        })
        .collect()
}

/// An error's fields as the core names them (snake_case; the API's own text is `message`).
fn core_attributes(error: &Error) -> Map<String, Value> {
    let mut attributes = Map::new();
    let mut set = |name: &str, value: Value| {
        attributes.insert(name.to_owned(), value);
    };
    set("may_have_acted", json!(error.may_have_acted()));
    match error {
        Error::Validation(v) => {
            set("field", json!(v.field));
            set("problem", json!(v.problem));
        }
        Error::Api(api) => {
            set("operation", json!(api.operation));
            set("status", json!(api.status));
            set("code", json!(api.code));
            set("message", json!(api.message));
            set("error_type", json!(api.error_type));
            set("request_id", json!(api.request_id));
            set("retry_after", json!(api.retry_after.map(|d| d.as_secs_f64())));
            set("body", json!(api.body));
            set("details", api.details.iter().map(|d| json!({"field": d.field, "message": d.message, "type": d.kind})).collect());
        }
        Error::Timeout(t) | Error::Connection(t) => {
            set("operation", json!(t.operation));
            set("sent", json!(t.sent));
        }
        Error::Decode(d) => {
            set("operation", json!(d.operation));
            set("status", json!(d.status));
            set("excerpt", json!(d.excerpt));
        }
        Error::Config(_) => {}
    }
    attributes
}

/// An error as `{"agentphone": {class, message, attributes}}`, the form `failure.js` reads.
/// None of its attributes can hold the API key (the core scrubs it from everything it keeps).
/// A validation error names the argument as JavaScript users write it (`voiceMode`, not `voice_mode`).
pub fn describe_error(error: &Error) -> Value {
    if let Error::Validation(invalid) = error {
        let renamed = Error::Validation(ValidationError::new(camel_case_path(&invalid.field), invalid.problem.clone()));
        let attributes = error_attributes(&renamed, Naming::JavaScript);
        return describe(class_name(renamed.kind()), &renamed.to_string(), Value::Object(attributes));
    }
    let attributes = error_attributes(error, Naming::JavaScript);
    describe(class_name(error.kind()), &error.to_string(), Value::Object(attributes))
}

/// `media_urls[2].sip_uri` as `mediaUrls[2].sipUri`.
fn camel_case_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        match c {
            '_' if out.chars().last().is_some_and(char::is_alphanumeric) => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// An error answer (of the sandbox's controls, say) in one line, as the client reads API errors.
pub fn refusal(status: u16, body: &Value) -> String {
    crate::error_body::summary(status, body)
}

/// Any error as `errors.js` reads it (`class`: one of the package's Error classes).
pub fn describe(class: &str, message: &str, attributes: Value) -> Value {
    json!({"agentphone": {"class": class, "message": message, "attributes": attributes}})
}

/// What a panic caught at a binding's boundary says.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let detail = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()));
    format!("internal error in agentphone-rs (please report it): {}", detail.unwrap_or_else(|| "unknown panic".to_owned()))
}

/// A panic caught at the boundary, described for JavaScript.
pub fn describe_panic(panic: &(dyn std::any::Any + Send)) -> Value {
    describe("AgentPhoneError", &panic_message(panic), json!({}))
}

/// Why a webhook helper refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelperError {
    /// The delivery did not verify or parse.
    #[error(transparent)]
    Webhook(#[from] WebhookError),
    /// An argument was not what the helper takes.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

impl HelperError {
    /// The core error this is, unless it is a delivery that did not verify (the bindings raise
    /// `WebhookVerificationError` for those): a bad argument, or a verifier with no secret (a
    /// configuration error: it fails closed).
    pub fn as_core(&self) -> Option<Error> {
        match self {
            Self::Invalid(invalid) => Some(Error::Validation(invalid.clone())),
            Self::Webhook(WebhookError::NoSecret) => Some(Error::Config(WebhookError::NoSecret.to_string())),
            Self::Webhook(_) => None,
        }
    }

    /// The error for JavaScript.
    pub fn describe(&self) -> Value {
        match self.as_core() {
            Some(error) => describe_error(&error),
            None => describe("WebhookVerificationError", &self.to_string(), json!({})),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_described_with_their_class_and_fields() {
        let described = describe_error(&Error::Validation(ValidationError::new("media_urls[1]", "must be https")));
        assert_eq!(described["agentphone"]["class"], "ValidationError");
        assert_eq!(described["agentphone"]["attributes"]["field"], "mediaUrls[1]", "named as JavaScript users write it");
        assert_eq!(described["agentphone"]["message"], "invalid `mediaUrls[1]`: must be https");
        let mut response = crate::RawResponse::new(&crate::operations::GET_AGENT, 404, r#"{"detail": "Agent not found"}"#);
        response.request_id = Some("req_1".into());
        let api = crate::ApiError::from_response(&response, None);
        let described = describe_error(&Error::Api(Box::new(api)));
        let attributes = &described["agentphone"]["attributes"];
        assert_eq!(described["agentphone"]["class"], "NotFoundError");
        assert_eq!((attributes["status"].as_u64(), attributes["requestId"].as_str()), (Some(404), Some("req_1")));
        assert_eq!(attributes["apiMessage"], "Agent not found");
        assert_eq!(attributes["mayHaveActed"], false);
    }
}
