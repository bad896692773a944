//! Server-sent events (the live transcript of a call): a parser that follows the SSE format
//! (multi-line data, comments, `id` and `retry` fields, any line ending), and a stream that
//! reads them as they arrive, reconnecting with `Last-Event-ID` when the connection breaks after
//! the server gave ids.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
#[cfg(not(target_arch = "wasm32"))]
use futures_util::stream::BoxStream;
#[cfg(target_arch = "wasm32")]
use futures_util::stream::LocalBoxStream as BoxStream;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{TranscriptEvent, TranscriptEventData};
use crate::request::{Request, RequestOptions, RequestParts};
use crate::retry::Attempt;
use crate::timer::{Deadline, sleep, within};
use crate::transport::{self, Failure};

/// One event as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field (`message` when absent).
    pub event: String,
    /// The `data:` lines, joined with newlines.
    pub data: String,
    /// The `id:` field, when given.
    pub id: Option<String>,
}

/// Longest line of an event stream, and most data one event may gather: bounded while reading, so
/// a hostile stream cannot fill memory.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;
/// Most data one event may gather (its `data:` lines together).
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;
/// Longest reconnection delay a server's `retry:` field may ask for.
pub const MAX_RETRY: Duration = Duration::from_secs(60);

/// Why an event stream was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event stream sent {what} longer than {limit} bytes")]
pub struct SseTooLarge {
    /// `a line` or `an event`.
    pub what: &'static str,
    pub limit: usize,
}

/// Incremental parser: feed bytes as they come, take complete events.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// A `\r` ended the last chunk: a `\n` starting the next one belongs to it.
    after_cr: bool,
    event: Option<String>,
    /// The `data:` lines of the event in progress, joined as they come (one allocation, capped).
    data: Option<String>,
    /// How many `data:` lines it has (an empty line still takes its newline).
    data_lines: usize,
    id: Option<String>,
    /// The last id seen, for reconnecting.
    pub last_event_id: Option<String>,
    /// The reconnection delay the server asked for, at most [`MAX_RETRY`].
    pub retry: Option<Duration>,
}

impl SseParser {
    /// Consumes `chunk`; returns the events it completed, or why the stream is refused.
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, SseTooLarge> {
        let mut events = Vec::new();
        for &byte in chunk {
            if std::mem::take(&mut self.after_cr) && byte == b'\n' {
                continue;
            }
            match byte {
                b'\r' | b'\n' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_done(&String::from_utf8_lossy(&line))? {
                        events.push(event);
                    }
                }
                _ if self.line.len() >= MAX_LINE_BYTES => return Err(SseTooLarge { what: "a line", limit: MAX_LINE_BYTES }),
                other => self.line.push(other),
            }
        }
        Ok(events)
    }

    fn line_done(&mut self, line: &str) -> Result<Option<SseEvent>, SseTooLarge> {
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        if line.starts_with(':') {
            return Ok(None); // a comment: heartbeats
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                let data = self.data.get_or_insert_with(String::new);
                if data.len() + value.len() + 1 > MAX_EVENT_BYTES {
                    return Err(SseTooLarge { what: "an event", limit: MAX_EVENT_BYTES });
                }
                if self.data_lines > 0 {
                    data.push('\n');
                }
                data.push_str(value);
                self.data_lines += 1;
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits only, as the format says; too many for u64 is as good as "forever": capped.
                self.retry = Some(value.parse().map_or(MAX_RETRY, Duration::from_millis).min(MAX_RETRY));
            }
            _ => {}
        }
        Ok(None)
    }

    /// Forgets what a broken connection left half-read (the event in progress, a partial line),
    /// keeping the last id and the server's `retry:` for the reconnection.
    pub fn reset_partial(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.event = None;
        self.data = None;
        self.data_lines = 0;
        self.id = None;
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if let Some(id) = self.id.take() {
            self.last_event_id = Some(id);
        }
        self.data_lines = 0;
        let data = self.data.take()?;
        Some(SseEvent { event: event.unwrap_or_else(|| "message".to_owned()), data, id: self.last_event_id.clone() })
    }
}

struct State {
    client: Client,
    parts: RequestParts,
    /// Per-call options: headers for every (re)connection; `timeout` is the longest silence.
    options: RequestOptions,
    body: Option<BoxStream<'static, reqwest::Result<Bytes>>>,
    parser: SseParser,
    ready: VecDeque<SseEvent>,
    reconnects: u32,
    done: bool,
}

/// Opens the stream: connects, checks the status, and hands back the body. Waiting for the
/// headers counts against the timeout; the body then lasts as long as the call.
async fn connect(state: &mut State) -> Result<(), (Failure, Option<Duration>)> {
    let inner = state.client.inner();
    let timeout = state.options.timeout.unwrap_or(inner.timeout);
    // One connection attempt gets the attempt limit when there is one.
    let limit = state.options.attempt_timeout.or(inner.attempt_timeout).map_or(timeout, |limit| limit.min(timeout));
    let deadline = Deadline::after(limit);
    let started = transport::start(inner, &state.parts, &state.options, state.parser.last_event_id.as_deref());
    let response = match within(limit, started).await {
        Some(response) => response.map_err(|failure| (failure, None))?,
        None => return Err((header_timeout(state, limit), None)),
    };
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        // The error body is read under the same limit: a stalled one must not hang the stream.
        let raw = match within(deadline.remaining(), transport::read_whole(inner, &state.parts, response)).await {
            Some(read) => read.map_err(|failure| (failure, None))?,
            None => return Err((header_timeout(state, limit), None)),
        };
        let retry_after = raw.retry_after.as_deref().and_then(crate::retry::parse_retry_after);
        let error = Error::Api(Box::new(crate::ApiError::from_response(&raw, retry_after)));
        return Err((Failure { attempt: Attempt::Status(status), error }, retry_after));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let body = response.bytes_stream().boxed();
    #[cfg(target_arch = "wasm32")]
    let body = response.bytes_stream().boxed_local();
    state.body = Some(body);
    Ok(())
}

fn header_timeout(state: &State, limit: Duration) -> Failure {
    let error = Error::Timeout(crate::error::TransportError {
        operation: state.parts.operation.id,
        message: format!("no answer within {} s", limit.as_secs_f64()),
        sent: true,
        may_have_acted: false,
    });
    Failure { attempt: Attempt::Lost, error }
}

/// The wait before reconnecting, or `None` to give up: the client's retry policy (a stream is
/// a read: transient failures, 429 and 5xx are retried, `Retry-After` is honoured), with the
/// server's `retry:` field in place of the backoff when it sent one.
fn reconnect_delay(state: &State, attempt: Attempt, retry_after: Option<Duration>) -> Option<Duration> {
    let delay = state.client.inner().retry.next_delay(false, attempt, state.reconnects, retry_after)?;
    Some(if retry_after.is_some() { delay } else { state.parser.retry.unwrap_or(delay) })
}

/// The next chunk, or `None` at the end; a gap longer than the client's timeout (heartbeats come
/// every 15 s) is a timeout.
async fn next_chunk(state: &mut State) -> Option<Result<Bytes>> {
    let idle = state.options.timeout.unwrap_or(state.client.inner().timeout);
    let body = state.body.as_mut()?;
    let Some(chunk) = within(idle, body.next()).await else {
        return Some(Err(Error::Timeout(crate::error::TransportError {
            operation: state.parts.operation.id,
            message: format!("nothing arrived for {} s", idle.as_secs()),
            sent: true,
            may_have_acted: false,
        })));
    };
    Some(chunk?.map_err(|e| transport::transport_failure(state.client.inner(), &state.parts, &e).error))
}

/// Every event of the stream `params` opens, as it arrives.
pub fn events<P: Request>(client: Client, params: P) -> impl Stream<Item = Result<SseEvent>> {
    events_with(client, params, RequestOptions::default())
}

/// [`events`] with per-call options: headers, and `timeout` as the longest silence.
pub fn events_with<P: Request>(client: Client, params: P, options: RequestOptions) -> impl Stream<Item = Result<SseEvent>> {
    let parts = params.to_request().map_err(Error::Validation).and_then(|parts| {
        transport::call_headers(&options.headers)?;
        transport::has_key_for(client.inner(), parts.operation)?;
        Ok(parts)
    });
    let state = parts.map(|parts| State {
        client,
        parts,
        options,
        body: None,
        parser: SseParser::default(),
        ready: VecDeque::new(),
        reconnects: 0,
        done: false,
    });
    futures_util::stream::unfold(Some(state), |state| async move {
        let mut state = match state? {
            Ok(state) => state,
            Err(refused) => return Some((Err(refused), None)),
        };
        loop {
            if let Some(event) = state.ready.pop_front() {
                return Some((Ok(event), Some(Ok(state))));
            }
            if state.done {
                return None;
            }
            if state.body.is_none()
                && let Err((failure, retry_after)) = connect(&mut state).await
            {
                if let Some(delay) = reconnect_delay(&state, failure.attempt, retry_after) {
                    state.reconnects += 1;
                    sleep(delay).await;
                    continue;
                }
                state.done = true;
                return Some((Err(failure.error), Some(Ok(state))));
            }
            match next_chunk(&mut state).await {
                Some(Ok(chunk)) => {
                    // Data flowed: a later break starts a fresh round of reconnects.
                    state.reconnects = 0;
                    match state.parser.push(&chunk) {
                        Ok(events) => state.ready.extend(events),
                        Err(too_large) => {
                            state.done = true;
                            state.body = None;
                            let error = Error::Decode(Box::new(crate::error::DecodeError {
                                operation: state.parts.operation.id,
                                status: 200,
                                message: too_large.to_string(),
                                excerpt: String::new(),
                                may_have_acted: false,
                            }));
                            return Some((Err(error), Some(Ok(state))));
                        }
                    }
                }
                None => state.done = true,
                Some(Err(error)) => {
                    state.body = None;
                    state.parser.reset_partial();
                    // Resume where we were if the server gave ids; otherwise the events would repeat.
                    let resumable = state.parser.last_event_id.is_some();
                    if resumable && let Some(delay) = reconnect_delay(&state, Attempt::Lost, None) {
                        state.reconnects += 1;
                        sleep(delay).await;
                        continue;
                    }
                    state.done = true;
                    return Some((Err(error), Some(Ok(state))));
                }
            }
        }
    })
}

/// An event's data is a JSON object of the API's; data that is not one (a server off the
/// documented format) is kept under `extra["data"]`, as received, rather than dropped.
impl From<SseEvent> for TranscriptEvent {
    fn from(event: SseEvent) -> Self {
        let value = serde_json::from_str(&event.data).unwrap_or(serde_json::Value::String(event.data));
        match serde_json::from_value::<TranscriptEventData>(value.clone()) {
            Ok(data) if value.is_object() => TranscriptEvent { event: event.event, data: Some(data), ..Default::default() },
            _ => TranscriptEvent { event: event.event, extra: [("data".to_owned(), value)].into_iter().collect(), ..Default::default() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sse_format() {
        let mut parser = SseParser::default();
        let mut events = parser
            .push(b"event: connected\ndata: {\"callId\":\"c\"}\n\n: heartbeat\n\nevent: turn\ndata: line one\r\ndata: line two\r\nid: 7\r\n\r")
            .unwrap();
        events.extend(parser.push(b"\nretry: 2500\ndata: no name\n\n").unwrap());
        assert_eq!(
            events,
            vec![
                SseEvent { event: "connected".into(), data: "{\"callId\":\"c\"}".into(), id: None },
                SseEvent { event: "turn".into(), data: "line one\nline two".into(), id: Some("7".into()) },
                SseEvent { event: "message".into(), data: "no name".into(), id: Some("7".into()) },
            ]
        );
        assert_eq!(parser.last_event_id.as_deref(), Some("7"));
        assert_eq!(parser.retry, Some(Duration::from_millis(2500)));
    }

    #[test]
    fn event_data_is_typed_and_data_off_the_format_is_kept() {
        let turn = TranscriptEvent::from(SseEvent {
            event: "turn".into(),
            data: r#"{"role":"user","content":"hi","createdAt":"2026-01-01T00:00:00Z","mood":"calm"}"#.into(),
            id: None,
        });
        let data = turn.data.unwrap();
        assert_eq!((data.role.as_deref(), data.content.as_deref()), (Some("user"), Some("hi")));
        assert_eq!(data.extra["mood"], "calm");
        let ended = TranscriptEvent::from(SseEvent { event: "ended".into(), data: r#"{"durationSeconds":330}"#.into(), id: None });
        assert_eq!(ended.data.unwrap().duration_seconds, Some(330));
        for odd in ["line one\nline two", "[1,2]", r#"{"durationSeconds":"long"}"#] {
            let event = TranscriptEvent::from(SseEvent { event: "turn".into(), data: odd.into(), id: None });
            let kept = serde_json::from_str(odd).unwrap_or_else(|_| serde_json::Value::String(odd.into()));
            assert_eq!((event.data, &event.extra["data"]), (None, &kept), "{odd}");
        }
    }

    #[test]
    fn split_anywhere() {
        let text = b"event: turn\ndata: {\"role\":\"user\"}\n\nevent: ended\ndata: {}\n\n";
        for cut in 0..text.len() {
            let mut parser = SseParser::default();
            let mut events = parser.push(&text[..cut]).unwrap();
            events.extend(parser.push(&text[cut..]).unwrap());
            assert_eq!(events.len(), 2, "cut at {cut}");
            assert_eq!(events[1].event, "ended");
        }
    }

    #[test]
    fn lines_events_and_retries_are_bounded_while_reading() {
        let mut parser = SseParser::default();
        let chunk = vec![b'x'; 64 * 1024];
        let mut refused = None;
        for _ in 0..(MAX_LINE_BYTES / chunk.len() + 2) {
            if let Err(too_large) = parser.push(&chunk) {
                refused = Some(too_large);
                break;
            }
        }
        assert_eq!(refused, Some(SseTooLarge { what: "a line", limit: MAX_LINE_BYTES }));
        assert!(parser.line.len() <= MAX_LINE_BYTES, "nothing past the cap is kept");

        let mut parser = SseParser::default();
        let line = format!("data: {}\n", "y".repeat(MAX_LINE_BYTES - 16));
        let outcome = (0..8).try_for_each(|_| parser.push(line.as_bytes()).map(drop));
        assert_eq!(outcome, Err(SseTooLarge { what: "an event", limit: MAX_EVENT_BYTES }));

        let mut parser = SseParser::default();
        parser.push(b"retry: 86400000\n").unwrap();
        assert_eq!(parser.retry, Some(MAX_RETRY));
        parser.push(b"retry: 99999999999999999999999\nretry: -5\nretry: 1e3\n").unwrap();
        assert_eq!(parser.retry, Some(MAX_RETRY), "overflow is capped; signs and exponents are not digits");
        parser.push(b"retry: 250\n").unwrap();
        assert_eq!(parser.retry, Some(Duration::from_millis(250)));
    }

    #[test]
    fn a_reconnection_forgets_what_the_broken_connection_left_half_read() {
        let mut parser = SseParser::default();
        parser.push(b"id: 4\n\nevent: turn\ndata: half of it").unwrap();
        parser.reset_partial();
        let events = parser.push(b"data: whole\n\n").unwrap();
        assert_eq!(events, vec![SseEvent { event: "message".into(), data: "whole".into(), id: Some("4".into()) }]);
        let events = parser.push(b"data:\ndata:\ndata: x\n\n").unwrap();
        assert_eq!(events[0].data, "\n\nx", "empty data lines keep their newlines");
    }
}
