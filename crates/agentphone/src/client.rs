//! The client: shared settings, and the send loop that applies the retry policy.

use std::fmt;
use std::sync::Arc;

use crate::error::{ApiError, Error, Result};
use crate::request::{Endpoint, RequestOptions, RequestParts};
use crate::response::{RawResponse, WithResponse};
use crate::retry::{Attempt, RetryPolicy, parse_retry_after};
use crate::table::Method;
use crate::timer::{Deadline, sleep, within};
use crate::transport::{self, ClientInner, Failure};

/// The AgentPhone API client. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> agentphone::Result<()> {
/// let client = agentphone::Client::builder().api_key("sk_live_...").build()?;
/// let agent = client.agents().create(&agentphone::CreateAgentParams { name: "Support".into(), ..Default::default() }).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &self.inner.api_key)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn inner(&self) -> &ClientInner {
        &self.inner
    }

    pub(crate) fn from_inner(inner: ClientInner) -> Self {
        Self { inner: Arc::new(inner) }
    }

    /// The base URL requests go to, without a trailing slash (`https://api.agentphone.ai`).
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str().trim_end_matches('/')
    }

    #[cfg_attr(not(feature = "ffi"), allow(dead_code))]
    pub(crate) fn unknown_fields(&self) -> crate::shape::UnknownFields {
        self.inner.unknown_fields
    }

    /// Sends a typed request with the client's settings.
    pub async fn send<E: Endpoint>(&self, params: &E) -> Result<E::Output> {
        self.send_with(params, &RequestOptions::default()).await
    }

    /// Sends a typed request with per-call options.
    pub async fn send_with<E: Endpoint>(&self, params: &E, options: &RequestOptions) -> Result<E::Output> {
        let parts = params.to_request()?;
        let response = self.execute(&parts, options).await?;
        E::decode(response)
    }

    /// Sends a typed request and answers its typed result with the status, headers and request
    /// id it came with.
    pub async fn send_with_response<E: Endpoint>(&self, params: &E, options: &RequestOptions) -> Result<WithResponse<E::Output>> {
        let parts = params.to_request()?;
        let mut response = self.execute(&parts, options).await?;
        let info = response.take_info();
        Ok(WithResponse { data: E::decode(response)?, response: info })
    }

    /// Sends the request, retrying as the policy allows, and turns error statuses into errors.
    /// `timeout` bounds the whole call: no attempt outlives it, and no wait starts that would
    /// end past it (the last attempt's error is returned instead).
    pub(crate) async fn execute(&self, parts: &RequestParts, options: &RequestOptions) -> Result<RawResponse> {
        let op = parts.operation;
        // A header nobody could send is the caller's mistake: say so before anything goes out.
        transport::call_headers(&options.headers)?;
        transport::has_key_for(&self.inner, op)?;
        let policy = match options.max_retries {
            Some(max_retries) => RetryPolicy { max_retries, ..self.inner.retry.clone() },
            None => self.inner.retry.clone(),
        };
        let total = options.timeout.unwrap_or(self.inner.timeout);
        let deadline = Deadline::after(total);
        let attempt_limit = options.attempt_timeout.or(self.inner.attempt_timeout);
        let mut retries = 0;
        // A write retried after an attempt that may have reached the server: whatever the last
        // attempt answers, the request may already have taken effect.
        let mut earlier_effect = false;
        loop {
            let limit = attempt_limit.map_or(deadline.remaining(), |limit| limit.min(deadline.remaining()));
            // Request logging is the native builds' (the wasm build's size budget leaves it out).
            #[cfg(not(target_arch = "wasm32"))]
            let started = self.inner.log.as_ref().map(|_| std::time::Instant::now());
            let sent =
                within(limit, transport::send_once(&self.inner, parts, options)).await.unwrap_or_else(|| Err(timed_out(parts, limit)));
            #[cfg(not(target_arch = "wasm32"))]
            if let (Some(log), Some(started)) = (&self.inner.log, started) {
                log.attempt(parts, retries + 1, &sent, started.elapsed(), &self.inner.api_key);
            }
            let (attempt, retry_after, result) = match sent {
                Ok(response) if (200..300).contains(&response.status) => return Ok(response),
                Ok(response) => {
                    let retry_after = response.retry_after.as_deref().and_then(parse_retry_after);
                    (
                        Attempt::Status(response.status),
                        retry_after,
                        Err(Error::Api(Box::new(ApiError::from_response(&response, retry_after)))),
                    )
                }
                Err(failure) => (failure.attempt, None, Err(failure.error)),
            };
            match policy.next_delay(op.acts, attempt, retries, retry_after) {
                // Waiting would leave no real time for another attempt (one cut short would only
                // turn a clean refusal into "may have acted"): this attempt's error is the answer.
                Some(delay) if delay + min_attempt(total) > deadline.remaining() => {
                    return if earlier_effect { result.map_err(Error::after_possible_effect) } else { result };
                }
                Some(delay) => {
                    earlier_effect |= op.method != Method::Get && matches!(attempt, Attempt::Lost | Attempt::Status(408 | 500..=599));
                    sleep(delay).await;
                    retries += 1;
                }
                None if earlier_effect => return result.map_err(Error::after_possible_effect),
                None => return result,
            }
        }
    }
}

/// The least time worth starting another attempt with: a tenth of the call's timeout, at most 1 s.
fn min_attempt(total: std::time::Duration) -> std::time::Duration {
    (total / 10).min(std::time::Duration::from_secs(1))
}

/// An attempt that did not finish within `limit`: it may have reached the server.
fn timed_out(parts: &RequestParts, limit: std::time::Duration) -> Failure {
    let detail = crate::error::TransportError {
        operation: parts.operation.id,
        // To the hundredth: the time left of a call's budget is not a round number (0.2999 s).
        message: format!(
            "no complete answer within {} s",
            format!("{:.2}", limit.as_secs_f64()).trim_end_matches('0').trim_end_matches('.')
        ),
        sent: true,
        may_have_acted: parts.operation.acts,
    };
    Failure { attempt: Attempt::Lost, error: Error::Timeout(detail) }
}
