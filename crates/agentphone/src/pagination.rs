//! Lazy streams over every item of a list operation. Pages are fetched only as items are
//! consumed, so `.take(n)` (from `futures_util::StreamExt`) caps the number of requests too.

use std::collections::{HashSet, VecDeque};

use futures_core::Stream;

use crate::client::Client;
use crate::error::Result;
use crate::request::Endpoint;

/// One page, whatever envelope the operation uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: Option<bool>,
    pub total: Option<i64>,
}

/// A list operation paged with `limit`/`offset`.
pub trait OffsetPaged: Endpoint + Clone {
    type Item;
    fn offset(&self) -> i64;
    fn set_offset(&mut self, offset: i64);
    fn into_page(output: Self::Output) -> Page<Self::Item>;
}

/// A list operation paged backwards in time with a `before` timestamp.
pub trait CursorPaged: Endpoint + Clone {
    type Item;
    fn set_before(&mut self, before: String);
    fn into_page(output: Self::Output) -> Page<Self::Item>;
    /// The item's timestamp, the cursor for the next (older) page.
    fn cursor(item: &Self::Item) -> Option<&str>;
    fn id(item: &Self::Item) -> &str;
}

/// Every item of an offset-paged list. Stops on `hasMore: false`, on reaching `total`, or on an
/// empty page; an error is yielded once and ends the stream.
pub fn offset_items<P: OffsetPaged + 'static>(client: Client, params: P) -> impl Stream<Item = Result<P::Item>> {
    struct State<P: OffsetPaged> {
        client: Client,
        params: P,
        buffer: VecDeque<P::Item>,
        done: bool,
    }
    let state = State { client, params, buffer: VecDeque::new(), done: false };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            match state.client.send(&state.params).await {
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
                Ok(output) => {
                    let page = P::into_page(output);
                    let next = state.params.offset() + page.items.len() as i64;
                    state.done = page.items.is_empty() || page.has_more == Some(false) || page.total.is_some_and(|total| next >= total);
                    state.params.set_offset(next);
                    state.buffer.extend(page.items);
                }
            }
        }
    })
}

/// Every item of a cursor-paged list, newest first. Each next page asks for items before the
/// oldest one seen; items repeated across a page boundary (same timestamp) are yielded once.
pub fn cursor_items<P: CursorPaged + 'static>(client: Client, params: P) -> impl Stream<Item = Result<P::Item>> {
    struct State<P: CursorPaged> {
        client: Client,
        params: P,
        buffer: VecDeque<P::Item>,
        seen: HashSet<String>,
        cursor: Option<String>,
        done: bool,
    }
    let state = State { client, params, buffer: VecDeque::new(), seen: HashSet::new(), cursor: None, done: false };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            match state.client.send(&state.params).await {
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
                Ok(output) => {
                    let page = P::into_page(output);
                    let next_cursor = page.items.last().and_then(P::cursor).map(str::to_owned);
                    let previous_page: HashSet<String> = std::mem::take(&mut state.seen);
                    for item in page.items {
                        let id = P::id(&item).to_owned();
                        if !previous_page.contains(&id) {
                            state.seen.insert(id);
                            state.buffer.push_back(item);
                        }
                    }
                    // A cursor that does not move would fetch the same page forever.
                    let progressed = next_cursor.is_some() && next_cursor != state.cursor;
                    state.done = page.has_more != Some(true) || !progressed || state.buffer.is_empty();
                    if let Some(cursor) = next_cursor {
                        state.params.set_before(cursor.clone());
                        state.cursor = Some(cursor);
                    }
                }
            }
        }
    })
}
