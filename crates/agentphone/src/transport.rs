//! One HTTP attempt: reqwest on native targets (rustls), reqwest's fetch backend on wasm32.

use std::time::Duration;

use bytes::Bytes;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::error::{Error, Result};
use crate::request::{RequestOptions, RequestParts};
use crate::response::RawResponse;
use crate::retry::{Attempt, RetryPolicy};
use crate::secret::ApiKey;
use crate::table::{Method, Operation, ResponseKind};

/// What a client sends with: built once by `ClientBuilder`, shared by the clones of a client.
pub(crate) struct ClientInner {
    pub http: reqwest::Client,
    pub base_url: url::Url,
    pub api_key: ApiKey,
    /// The whole call's limit.
    pub timeout: Duration,
    /// One attempt's limit, if lower.
    pub attempt_timeout: Option<Duration>,
    pub retry: RetryPolicy,
    pub headers: HeaderMap,
    pub unknown_fields: crate::shape::UnknownFields,
    /// Where each attempt is logged, if anywhere.
    #[cfg(not(target_arch = "wasm32"))]
    pub log: Option<crate::logging::Logger>,
}

/// Largest body read into memory; a bigger one is refused rather than exhausting memory.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How a client reaches the API: what its HTTP client is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Network {
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// A proxy for every request, instead of those the environment names.
    pub proxy: Option<String>,
    /// Certificate authorities trusted beside the system's (PEM).
    pub ca_pem: Option<Vec<u8>>,
    /// The proxy variables of the environment when the client was built, which reqwest reads then:
    /// a client built after they change gets an HTTP client of its own.
    pub environment: Vec<Option<String>>,
}

/// The environment variables that name proxies, as reqwest reads them.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const PROXY_VARIABLES: [&str; 8] =
    ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"];

/// The reqwest client behind a [`crate::Client`]. Building one loads the system's root
/// certificates (about 3 ms), so clients with the same settings share one, and with it the
/// connection pool. Keyed by process too: a forked child must not use its parent's connections.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn http_client(network: &Network) -> Result<reqwest::Client> {
    static SHARED: std::sync::Mutex<Vec<((u32, Network), reqwest::Client)>> = std::sync::Mutex::new(Vec::new());
    let key = (std::process::id(), network.clone());
    let mut shared = SHARED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, client)) = shared.iter().find(|(k, _)| *k == key) {
        return Ok(client.clone());
    }
    let client = build_http_client(network)?;
    shared.retain(|((pid, _), _)| *pid == key.0);
    shared.push((key, client.clone()));
    Ok(client)
}

#[cfg(not(target_arch = "wasm32"))]
fn build_http_client(network: &Network) -> Result<reqwest::Client> {
    // Follow redirects only within the same origin: the API never redirects elsewhere, and a
    // request that did would carry the caller's intent (and, without reqwest's own stripping,
    // the key) to a host nobody configured.
    let same_origin = reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
        if same && attempt.previous().len() < 5 { attempt.follow() } else { attempt.stop() }
    });
    // Without a proxy of its own, reqwest uses the one the environment names (HTTPS_PROXY,
    // HTTP_PROXY, ALL_PROXY, with NO_PROXY's exceptions).
    let mut builder =
        reqwest::Client::builder().user_agent(&network.user_agent).connect_timeout(network.connect_timeout).redirect(same_origin);
    if let Some(proxy) = &network.proxy {
        // Never echoed: a proxy URL may carry credentials.
        let refused = || Error::Config("proxy: expected an http:// or https:// URL (http://host:port)".to_owned());
        let url = url::Url::parse(proxy)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(refused)?;
        builder = builder.proxy(reqwest::Proxy::all(url).map_err(|_| refused())?);
    }
    if let Some(pem) = &network.ca_pem {
        let authorities = reqwest::Certificate::from_pem_bundle(pem).ok().filter(|found| !found.is_empty()).ok_or_else(|| {
            Error::Config("ca_certificates: expected one or more PEM certificates (-----BEGIN CERTIFICATE-----)".to_owned())
        })?;
        builder = builder.tls_certs_merge(authorities);
    }
    builder.build().map_err(|e| Error::Config(format!("cannot start the HTTP client: {e}")))
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn http_client(network: &Network) -> Result<reqwest::Client> {
    if network.proxy.is_some() || network.ca_pem.is_some() {
        return Err(Error::Config(
            "proxy and ca_certificates are not available on the wasm build: the browser or runtime chooses how to reach the API".to_owned(),
        ));
    }
    // Browsers refuse to let scripts set User-Agent; it goes in a header of our own instead.
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&network.user_agent) {
        headers.insert("x-agentphone-user-agent", value);
    }
    reqwest::Client::builder().default_headers(headers).build().map_err(|e| Error::Config(format!("cannot start the HTTP client: {e}")))
}

/// Refuses, before anything is sent, an operation that needs an API key on a client made without
/// one (for the sign-up flow).
pub(crate) fn has_key_for(inner: &ClientInner, operation: &Operation) -> Result<()> {
    if operation.auth && inner.api_key.is_empty() {
        return Err(Error::Config(format!(
            "{} needs an API key, and this client was made without one (for the sign-up flow): build a client with the key that verify_sign_up answered",
            operation.id
        )));
    }
    Ok(())
}

/// Checks user-supplied headers once, at construction.
pub(crate) fn header_map(headers: &[(String, String)], api_key: &ApiKey) -> Result<HeaderMap> {
    let map = call_headers(headers)?;
    // A key with characters a header cannot carry would fail on every call; say so now.
    HeaderValue::from_str(&format!("Bearer {}", api_key.expose()))
        .map_err(|_| Error::Config("the API key has characters a header cannot carry".to_owned()))?;
    Ok(map)
}

/// A call's own headers, checked before anything is sent: a bad one is a configuration error
/// that names it, never a failed (and retried) request.
pub(crate) fn call_headers(headers: &[(String, String)]) -> Result<HeaderMap> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let name =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::Config(format!("headers: {name:?} is not a valid header name")))?;
        if name == AUTHORIZATION {
            return Err(Error::Config("headers: set the API key with api_key, not an Authorization header".to_owned()));
        }
        let value = HeaderValue::from_str(value)
            .map_err(|_| Error::Config(format!("headers: the value of {name} has characters a header cannot carry")))?;
        map.append(name, value);
    }
    Ok(map)
}

fn method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// A failed attempt: how it ended (for the retry decision) and the error to return if it is the last.
pub(crate) struct Failure {
    pub attempt: Attempt,
    pub error: Error,
}

/// Sends the request once and reads the whole answer.
pub(crate) async fn send_once(inner: &ClientInner, parts: &RequestParts, options: &RequestOptions) -> Result<RawResponse, Failure> {
    let response = start(inner, parts, options, None).await?;
    read_whole(inner, parts, response).await
}

fn header_text(bytes: &[u8]) -> String {
    std::str::from_utf8(bytes).map_or_else(|_| bytes.iter().map(|&byte| char::from(byte)).collect(), str::to_owned)
}

/// Reads a whole answer (up to the size limit) with the headers the SDK uses.
pub(crate) async fn read_whole(inner: &ClientInner, parts: &RequestParts, response: reqwest::Response) -> Result<RawResponse, Failure> {
    let op = parts.operation;
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = header("content-type");
    let request_id = header("x-request-id");
    let retry_after = header("retry-after");
    // Header values are bytes: UTF-8 when they are, else Latin-1 byte for byte (as fetch reads
    // them); either way no byte is lost.
    let headers = response.headers().iter().map(|(name, value)| (name.as_str().to_owned(), header_text(value.as_bytes()))).collect();
    if response.content_length().is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(too_large(parts, status));
    }
    // Counted as it arrives: a body past the cap is refused before it fills memory.
    // The server's word reserves at most 1 MiB up front; the rest grows as bytes really arrive.
    let mut body = Vec::with_capacity(response.content_length().map_or(0, |len| len.min(1 << 20) as usize));
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = futures_util::StreamExt::next(&mut chunks).await {
        let chunk = chunk.map_err(|e| transport_failure(inner, parts, &e))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large(parts, status));
        }
        body.extend_from_slice(&chunk);
    }
    let body = Bytes::from(body);
    Ok(RawResponse {
        operation: op,
        status,
        headers,
        content_type,
        request_id,
        retry_after,
        body,
        api_key: Some(inner.api_key.clone()),
        unknown_fields: inner.unknown_fields,
    })
}

/// Sends the request and returns as soon as the headers arrived. Event streams get no total
/// timeout (they last as long as the call); their reader times out between chunks instead.
pub(crate) async fn start(
    inner: &ClientInner,
    parts: &RequestParts,
    options: &RequestOptions,
    last_event_id: Option<&str>,
) -> Result<reqwest::Response, Failure> {
    let op = parts.operation;
    let mut url = inner.base_url.clone();
    url.set_path(&format!("{}{}", inner.base_url.path().trim_end_matches('/'), parts.path));
    if !parts.query.is_empty() {
        url.query_pairs_mut().extend_pairs(parts.query.iter().map(|(k, v)| (*k, v.as_str())));
    }
    let mut request = inner.http.request(method(op.method), url).headers(inner.headers.clone());
    if op.auth {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", inner.api_key.expose())).map_err(|_| Failure {
            attempt: Attempt::NotSent,
            error: Error::Config("the API key has characters a header cannot carry".to_owned()),
        })?;
        value.set_sensitive(true);
        request = request.header(AUTHORIZATION, value);
    }
    for (name, value) in parts.headers.iter().map(|(n, v)| (*n, v.as_str())) {
        request = request.header(name, value);
    }
    // Appended, not merged: a call's header joins one an argument set (as before), never replaces it.
    for (name, value) in call_headers(&options.headers).map_err(|error| Failure { attempt: Attempt::NotSent, error })? {
        if let Some(name) = name {
            request = request.header(name, value);
        }
    }
    if let Some(body) = &parts.body {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Failure { attempt: Attempt::NotSent, error: Error::Config(format!("cannot encode the request body: {e}")) })?;
        request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes);
    }
    let accept = match op.response {
        ResponseKind::EventStream => "text/event-stream",
        ResponseKind::Bytes => "*/*",
        ResponseKind::Json | ResponseKind::NullableJson | ResponseKind::Empty => "application/json",
    };
    request = request.header(reqwest::header::ACCEPT, accept);
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    // Deadlines are the send loop's (`Client::execute`), the same on every target.
    let response = request.send().await.map_err(|e| transport_failure(inner, parts, &e))?;
    #[cfg(target_arch = "wasm32")]
    refuse_other_origins(inner, parts, &response)?;
    Ok(response)
}

/// fetch follows redirects by itself (dropping the Authorization header when the origin
/// changes): an answer from another origin is refused, as the native client refuses to go there.
#[cfg(target_arch = "wasm32")]
fn refuse_other_origins(inner: &ClientInner, parts: &RequestParts, response: &reqwest::Response) -> Result<(), Failure> {
    if response.url().origin() == inner.base_url.origin() {
        return Ok(());
    }
    let detail = crate::error::TransportError {
        operation: parts.operation.id,
        message: format!(
            "the server redirected to another origin ({}); its answer is refused",
            response.url().origin().ascii_serialization()
        ),
        sent: true,
        may_have_acted: parts.operation.acts,
    };
    // The server answered (elsewhere): asking again would only be redirected again.
    Err(Failure { attempt: Attempt::Status(response.status().as_u16()), error: Error::Connection(detail) })
}

fn too_large(parts: &RequestParts, status: u16) -> Failure {
    Failure {
        attempt: Attempt::Status(status),
        error: Error::Decode(Box::new(crate::error::DecodeError {
            operation: parts.operation.id,
            status,
            message: format!("the response body is larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024)),
            excerpt: String::new(),
            may_have_acted: parts.operation.acts,
        })),
    }
}

/// Classifies a reqwest error: was anything sent, and was it a timeout.
pub(crate) fn transport_failure(inner: &ClientInner, parts: &RequestParts, error: &reqwest::Error) -> Failure {
    // In a browser, fetch does not say how far a failed request got: assume it was sent.
    #[cfg(not(target_arch = "wasm32"))]
    let not_sent = error.is_connect();
    #[cfg(target_arch = "wasm32")]
    let not_sent = false;
    let attempt = if not_sent { Attempt::NotSent } else { Attempt::Lost };
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    let detail = crate::error::TransportError {
        operation: parts.operation.id,
        message: inner.api_key.scrub(&message),
        sent: !not_sent,
        may_have_acted: !not_sent && parts.operation.acts,
    };
    let error = if error.is_timeout() { Error::Timeout(detail) } else { Error::Connection(detail) };
    Failure { attempt, error }
}
