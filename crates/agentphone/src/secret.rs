//! The API key, kept out of every Debug output, log line and error message.

use std::fmt;

/// An API key. `Debug` and `Display` print a redacted form; [`ApiKey::scrub`] removes the key from
/// text that came back from the network before it goes into an error.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key; surrounding whitespace (a common copy-paste accident) is dropped.
    pub fn new(key: impl Into<String>) -> Self {
        let key: String = key.into();
        Self(key.trim().to_owned())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every occurrence of the key replaced.
    pub(crate) fn scrub(&self, text: &str) -> String {
        if self.0.len() < 4 || !text.contains(&self.0) {
            return text.to_owned();
        }
        text.replace(&self.0, "[REDACTED]")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([REDACTED])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Enough to tell a live key from a test one, never a character of the secret part: only
        // the documented prefixes are shown, and anything else prints as nothing at all.
        match ["sk_live_", "sk_test_"].into_iter().find(|prefix| self.0.starts_with(prefix)) {
            Some(prefix) => write!(f, "{prefix}…[REDACTED]"),
            None => f.write_str("[REDACTED]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let key = ApiKey::new(" sk_live_abcdef123456 ");
        assert_eq!(key.expose(), "sk_live_abcdef123456");
        assert!(!format!("{key:?}").contains("abcdef"));
        assert!(!key.to_string().contains("abcdef"));
        assert_eq!(key.scrub("echo Bearer sk_live_abcdef123456!"), "echo Bearer [REDACTED]!");
    }

    #[test]
    fn keys_of_any_shape_print_nothing_of_their_secret() {
        for key in ["abcdef123456", "sk-live-abcdef123456", "sklive_abcdef123456", "sk_abcdef123456"] {
            let shown = ApiKey::new(key).to_string();
            assert_eq!(shown, "[REDACTED]", "{key}");
        }
        assert_eq!(ApiKey::new("sk_test_abcdef").to_string(), "sk_test_…[REDACTED]");
    }

    #[test]
    fn secret_fields_of_models_are_not_debug_printed() {
        let webhook = crate::Webhook { secret: Some("whsec_topsecret".into()), url: "https://x.example".into(), ..Default::default() };
        let shown = format!("{webhook:?}");
        assert!(!shown.contains("topsecret") && shown.contains("[REDACTED]") && shown.contains("x.example"), "{shown}");
        assert_eq!(webhook.secret.as_deref(), Some("whsec_topsecret"), "the field still reads the value");
        let credential = crate::SipCredential { password: Some("hunter2hunter2".into()), ..Default::default() };
        assert!(!format!("{credential:?}").contains("hunter2"));
    }
}
