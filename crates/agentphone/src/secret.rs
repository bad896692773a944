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
        // Enough to tell keys apart (`sk_live_…`), never enough to use one.
        let prefix: String = self.0.chars().take_while(|c| *c != '_').collect();
        write!(f, "{prefix}_…[REDACTED]")
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
}
