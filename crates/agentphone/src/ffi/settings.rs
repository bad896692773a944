//! A client's settings and a call's options as a binding receives them (JSON from JavaScript,
//! keyword arguments from Python), checked and turned into the core's builder and options.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::config::ClientBuilder;
use crate::error::{Error, ValidationError};

/// Most retries a client may ask for: each one is another request to the API.
const MAX_RETRIES: u32 = 100;
use crate::request::RequestOptions;
use crate::secret::ApiKey;

/// A client's settings as a binding receives them (JavaScript: `{ apiKey, baseUrl, timeout,
/// maxRetries, defaultHeaders }`, after the package read the environment; `timeout` in seconds).
/// Kept by the Python binding so that a forked child can build its own client.
#[derive(Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientSettings {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub timeout: Option<f64>,
    /// Checked when the client is built (0 to 100), so that a negative or huge value is an error
    /// naming it rather than a conversion failure in a binding.
    pub max_retries: Option<i64>,
    #[serde(default, alias = "defaultHeaders")]
    pub headers: BTreeMap<String, String>,
    /// A client for the sign-up flow, without an API key.
    #[serde(default)]
    pub anonymous: bool,
    /// A proxy for every request (it may carry credentials: never printed).
    pub proxy: Option<String>,
    /// Certificate authorities to trust beside the system's: PEM text, or the path of a PEM file.
    pub ca_certificates: Option<String>,
    /// `info` or `debug`: the level of the binding's request log (the binding gives the sink).
    pub log_level: Option<String>,
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("api_key", &self.api_key.as_ref().map(ApiKey::new))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientSettings {
    /// Reads the settings object; unknown names are refused, naming them.
    pub fn from_json(value: Value) -> Result<Self, Error> {
        if value.is_null() {
            return Ok(Self::default());
        }
        serde_json::from_value(value).map_err(|e| Error::Config(format!("client options: {e}")))
    }

    /// A builder with these settings; `runtime` goes into the user agent (`node/0.1.0`).
    pub fn builder(&self, runtime: &str) -> Result<ClientBuilder, Error> {
        let mut builder = ClientBuilder::default().user_agent_suffix(runtime);
        if self.anonymous {
            builder = builder.anonymous();
        }
        if let Some(key) = &self.api_key {
            builder = builder.api_key(key);
        }
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(seconds("timeout", timeout)?);
        }
        if let Some(max_retries) = self.max_retries {
            builder = builder.max_retries(retries(max_retries)?);
        }
        if let Some(proxy) = &self.proxy {
            builder = builder.proxy(proxy);
        }
        if let Some(authorities) = &self.ca_certificates {
            builder = builder.ca_certificates_pem(pem_or_file(authorities)?);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        Ok(builder)
    }
}

/// The options every method takes last: `{ timeout, maxRetries, headers }` (JavaScript keeps
/// `signal`), each over the client's setting for this call only.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallOptions {
    pub timeout: Option<f64>,
    pub max_retries: Option<i64>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl CallOptions {
    /// Reads the options object (`null` or absent: none).
    pub fn from_json(value: Value) -> Result<Self, Error> {
        if value.is_null() {
            return Ok(Self::default());
        }
        serde_json::from_value(value).map_err(|e| Error::Config(format!("call options: {e}")))
    }

    /// The core's request options.
    pub fn into_request_options(self) -> Result<RequestOptions, Error> {
        Ok(RequestOptions {
            timeout: self.timeout.map(|t| seconds("timeout", t)).transpose()?,
            attempt_timeout: None,
            max_retries: self.max_retries.map(retries).transpose()?,
            headers: self.headers.into_iter().collect(),
        })
    }
}

/// `ca_certificates` as given: PEM text itself, or the path of a PEM file.
fn pem_or_file(given: &str) -> Result<Vec<u8>, Error> {
    if given.contains("-----BEGIN") {
        return Ok(given.as_bytes().to_vec());
    }
    #[cfg(target_arch = "wasm32")]
    return Err(Error::Config("ca_certificates: the wasm build reads no files; the browser or runtime chooses whom to trust".to_owned()));
    #[cfg(not(target_arch = "wasm32"))]
    std::fs::read(given).map_err(|e| Error::Config(format!("ca_certificates: neither PEM text nor a readable file ({given}: {e})")))
}

#[cfg(not(target_arch = "wasm32"))]
impl ClientSettings {
    /// The request log's level, when one is asked for (`info` or `debug`; anything else is refused).
    pub fn log_level(&self) -> Result<Option<crate::logging::LogLevel>, Error> {
        self.log_level.as_deref().map(str::parse).transpose().map_err(Error::Config)
    }
}

/// Retries from a binding or the command line: a whole number from 0 to [`MAX_RETRIES`], named `max_retries`.
pub fn retries(value: i64) -> Result<u32, ValidationError> {
    u32::try_from(value)
        .ok()
        .filter(|n| *n <= MAX_RETRIES)
        .ok_or_else(|| ValidationError::new("max_retries", format!("expected a whole number from 0 to {MAX_RETRIES}, got {value}")))
}

/// A number of seconds from a binding or the command line; negative, NaN or endless values are
/// refused by name.
pub fn seconds(field: &str, value: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| Error::Config(format!("{field}: expected a positive number of seconds, got {value}")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn settings_name_unknown_options_and_never_print_the_key() {
        let error = ClientSettings::from_json(json!({"apiKey": "sk_live_secret", "baseURL": "x"})).unwrap_err();
        assert!(error.to_string().contains("baseURL"), "{error}");
        let settings = ClientSettings::from_json(json!({"apiKey": "sk_live_secret", "defaultHeaders": {"X-A": "1"}})).unwrap();
        assert_eq!(settings.headers["X-A"], "1");
        assert!(!format!("{settings:?}").contains("secret"));
    }

    #[test]
    fn timeouts_must_be_positive_numbers() {
        let options = CallOptions::from_json(json!({"timeout": -1.0})).unwrap();
        assert!(options.into_request_options().unwrap_err().to_string().contains("timeout"));
        let settings = ClientSettings { timeout: Some(f64::NAN), ..ClientSettings::default() };
        assert!(settings.builder("test").unwrap_err().to_string().contains("timeout"));
    }
}
