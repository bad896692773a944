//! Building a [`Client`]: API key, base URL, timeouts, retries and headers, with the environment
//! as fallback.

use std::time::Duration;

use crate::client::Client;
use crate::error::{Error, Result};
#[cfg(not(target_arch = "wasm32"))]
use crate::logging::{LogLevel, LogRecord, Logger};
use crate::retry::RetryPolicy;
use crate::secret::ApiKey;
use crate::shape::UnknownFields;
use crate::transport::{ClientInner, Network};
use crate::validate::is_loopback;

/// The production API host. Paths carry `/v1` themselves.
pub const DEFAULT_BASE_URL: &str = "https://api.agentphone.ai";
/// Environment variable read when no API key is given.
pub const API_KEY_ENV: &str = "AGENTPHONE_API_KEY";
/// Environment variable read when no base URL is given.
pub const BASE_URL_ENV: &str = "AGENTPHONE_BASE_URL";

/// Whole-request timeout. Every API call is a quick database or carrier operation; the slowest
/// documented one (the live iMessage capability check) takes 1 to 2 s. 30 s leaves room for a
/// slow network and matches the official SDK's setting.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Connect timeout: a TCP and TLS handshake that takes longer is a network problem, and failing
/// fast lets the retry (safe: nothing was sent) try again.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The user agent sent with every request.
pub const USER_AGENT: &str = concat!("agentphone-rs/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// A client with this API key and every other setting at its default (or from the environment).
    pub fn new(api_key: impl Into<String>) -> Result<Self> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured entirely from `AGENTPHONE_API_KEY` and `AGENTPHONE_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        Self::builder().build()
    }

    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

/// Builds a [`Client`]. Created by [`Client::builder`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    headers: Vec<(String, String)>,
    user_agent_suffix: Option<String>,
    anonymous: bool,
    proxy: Option<String>,
    ca_pem: Option<Vec<u8>>,
    unknown_fields: UnknownFields,
    #[cfg(not(target_arch = "wasm32"))]
    log: Option<Logger>,
}

/// A proxy URL may carry credentials and CA certificates are long: neither is printed.
impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("proxy", &self.proxy.as_ref().map(|_| "[REDACTED]"))
            .field("ca_certificates", &self.ca_pem.as_ref().map(|pem| format!("[{} bytes of PEM]", pem.len())))
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A client for the sign-up flow, which has no API key yet: it sends none (an API key given
    /// or in the environment is ignored) and calls only the operations that need none
    /// (`client.signup()`); any other call fails before sending, naming the missing key.
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// The API key; without one, `AGENTPHONE_API_KEY` is read.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(key));
        self
    }

    /// The API host, e.g. `http://127.0.0.1:8080` for the sandbox; without one,
    /// `AGENTPHONE_BASE_URL`, then the production host. A trailing `/v1` or `/` is accepted.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long a call may take, every attempt, backoff and `Retry-After` wait included
    /// (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long one attempt may take (default: as long as the call has left).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Connect timeout (default 10 s; not available on wasm, where the browser decides).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt (default 2; 0 disables retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A header sent with every request, e.g. `X-Sub-Account-Id`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends every request through this proxy (`http://` or `https://`, credentials in the URL if
    /// it needs them). Without it, the proxy the environment names is used: `HTTPS_PROXY` (or
    /// `HTTP_PROXY`, `ALL_PROXY`), except for the hosts `NO_PROXY` lists.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Trusts these certificate authorities beside the system's: one or more PEM certificates, for
    /// networks whose proxy signs TLS with a corporate authority.
    pub fn ca_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }

    /// Logs every attempt of every call to `sink` (at `Debug`, with the bodies, secrets redacted).
    /// Without it, `AGENTPHONE_LOG=info|debug` logs to stderr; unset, nothing is logged.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn log(mut self, level: LogLevel, sink: impl Fn(&LogRecord) + Send + Sync + 'static) -> Self {
        self.log = Some(Logger { level, sink: std::sync::Arc::new(sink) });
        self
    }

    /// Where answers called by name (`ffi::by_name`) keep the fields their model does not know:
    /// the JavaScript bindings keep them under `extra`.
    pub fn unknown_fields(mut self, unknown: UnknownFields) -> Self {
        self.unknown_fields = unknown;
        self
    }

    /// Appended to the user agent, e.g. `agentphone-rs-python/0.1.0`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let api_key = match self.api_key {
            _ if self.anonymous => ApiKey::new(String::new()),
            Some(key) => key,
            None => ApiKey::new(std::env::var(API_KEY_ENV).unwrap_or_default()),
        };
        if api_key.is_empty() && !self.anonymous {
            return Err(Error::Config(format!("no API key: pass one to the client or set {API_KEY_ENV}")));
        }
        let raw_base = match self.base_url {
            Some(url) => url,
            None => std::env::var(BASE_URL_ENV).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let base_url = parse_base_url(&raw_base)?;
        let headers = crate::transport::header_map(&self.headers, &api_key)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => format!("{USER_AGENT} {suffix}"),
            None => USER_AGENT.to_owned(),
        };
        // Connecting never outlasts the call (or one attempt): a hang there must end as "not sent".
        let connect_timeout = [self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT), timeout]
            .into_iter()
            .chain(self.attempt_timeout)
            .min()
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        // On wasm the runtime chooses the network: no proxy variables, and none to read.
        #[cfg(not(target_arch = "wasm32"))]
        let environment = crate::transport::PROXY_VARIABLES.iter().map(|name| std::env::var(name).ok()).collect();
        #[cfg(target_arch = "wasm32")]
        let environment = Vec::new();
        let network = Network { user_agent, connect_timeout, proxy: self.proxy, ca_pem: self.ca_pem, environment };
        let http = crate::transport::http_client(&network)?;
        #[cfg(not(target_arch = "wasm32"))]
        let log = match self.log {
            Some(log) => Some(log),
            None => Logger::from_env()?,
        };
        Ok(Client::from_inner(ClientInner {
            http,
            base_url,
            api_key,
            timeout,
            attempt_timeout: self.attempt_timeout,
            retry: self.retry,
            headers,
            unknown_fields: self.unknown_fields,
            #[cfg(not(target_arch = "wasm32"))]
            log,
        }))
    }
}

/// Accepts `https://host`, `https://host/`, `https://host/v1`, or `http://` to a loopback host;
/// returns the origin with no trailing slash.
fn parse_base_url(raw: &str) -> Result<url::Url> {
    let raw = raw.trim();
    let url = url::Url::parse(raw).map_err(|e| Error::Config(format!("base URL {raw:?} is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::Config(format!(
                "base URL {raw:?}: plain http is refused except to localhost; the API key would travel unencrypted"
            )));
        }
        other => return Err(Error::Config(format!("base URL {raw:?}: scheme {other:?} is not supported; use https"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config("base URL must not contain credentials; pass the API key separately".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("base URL {raw:?} must not have a query or fragment")));
    }
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix("/v1").unwrap_or(path);
    let mut url = url.clone();
    url.set_path(path);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_s_credentials_are_never_printed() {
        let builder = Client::builder().api_key("sk_test_secret_key").proxy("http://user:hunter2@proxy.example:3128");
        let printed = format!("{builder:?}");
        assert!(!printed.contains("hunter2") && !printed.contains("sk_test_secret_key"), "{printed}");
    }

    #[test]
    fn base_urls() {
        let ok = |raw: &str| parse_base_url(raw).unwrap().as_str().trim_end_matches('/').to_owned();
        assert_eq!(ok("https://api.agentphone.ai"), "https://api.agentphone.ai");
        assert_eq!(ok("https://api.agentphone.ai/"), "https://api.agentphone.ai");
        assert_eq!(ok("https://api.agentphone.ai/v1"), "https://api.agentphone.ai");
        assert_eq!(ok("https://api.agentphone.ai/v1/"), "https://api.agentphone.ai");
        assert_eq!(ok("https://proxy.example/agentphone/v1"), "https://proxy.example/agentphone");
        assert_eq!(ok("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(ok("http://localhost:9/v1"), "http://localhost:9");
        for bad in ["http://api.agentphone.ai", "ftp://x", "https://user:pw@x", "nope", "https://x/?a=1"] {
            assert!(matches!(parse_base_url(bad), Err(Error::Config(_))), "{bad}");
        }
    }
}
