//! Lazy streams over every item of a list operation. Pages are fetched only as items are
//! consumed, so `.take(n)` (from `futures_util::StreamExt`) caps the number of requests too.

use std::collections::{HashSet, VecDeque};

use futures_core::Stream;

use crate::client::Client;
use crate::error::Result;
use crate::request::{Endpoint, RequestOptions};

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
    fn page_of(&self, output: Self::Output) -> Page<Self::Item>;
}

/// A list operation paged backwards in time with a `before` timestamp.
pub trait CursorPaged: Endpoint + Clone {
    type Item;
    fn set_before(&mut self, before: String);
    fn page_of(&self, output: Self::Output) -> Page<Self::Item>;
    /// The item's timestamp, the cursor for the next (older) page.
    fn cursor<'i>(&self, item: &'i Self::Item) -> Option<&'i str>;
    fn id<'i>(&self, item: &'i Self::Item) -> &'i str;
}

/// A walk through the pages of a list: the request, the items fetched and not yet yielded, and
/// what the kind of paging needs to remember (`S`).
struct Walk<P: Endpoint, I, S> {
    client: Client,
    params: P,
    /// Per-call options, for every page.
    options: RequestOptions,
    buffer: VecDeque<I>,
    done: bool,
    paging: S,
}

/// Yields buffered items, fetching the next page when the buffer is empty; `absorb` files a page
/// into the walk (items, the next request, whether it was the last). An error is yielded once
/// and ends the stream.
fn walk<P, I, S>(
    client: Client,
    params: P,
    options: RequestOptions,
    paging: S,
    absorb: fn(&mut Walk<P, I, S>, P::Output),
) -> impl Stream<Item = Result<I>>
where
    P: Endpoint + 'static,
    I: 'static,
    S: 'static,
{
    let state = Walk { client, params, options, buffer: VecDeque::new(), done: false, paging };
    futures_util::stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if state.done {
                return None;
            }
            match state.client.send_with(&state.params, &state.options).await {
                Ok(output) => absorb(&mut state, output),
                Err(error) => {
                    state.done = true;
                    return Some((Err(error), state));
                }
            }
        }
    })
}

/// Every item of an offset-paged list. Stops on `hasMore: false`, on reaching `total`, or on an
/// empty page.
pub fn offset_items<P: OffsetPaged + 'static>(client: Client, params: P) -> impl Stream<Item = Result<P::Item>> {
    offset_items_with(client, params, RequestOptions::default())
}

/// [`offset_items`] with per-call options for every page.
pub fn offset_items_with<P: OffsetPaged + 'static>(
    client: Client,
    params: P,
    options: RequestOptions,
) -> impl Stream<Item = Result<P::Item>> {
    walk(client, params, options, (), |walk, output| {
        let page = walk.params.page_of(output);
        let next = walk.params.offset() + page.items.len() as i64;
        walk.done = page.items.is_empty() || page.has_more == Some(false) || page.total.is_some_and(|total| next >= total);
        walk.params.set_offset(next);
        walk.buffer.extend(page.items);
    })
}

/// What a cursor walk remembers: the ids of the last page, and the cursor it asked with.
#[derive(Default)]
struct CursorState {
    seen: HashSet<String>,
    cursor: Option<String>,
}

/// Every item of a cursor-paged list, newest first. Each next page asks for items before the
/// oldest one seen; items repeated across a page boundary (same timestamp) are yielded once.
pub fn cursor_items<P: CursorPaged + 'static>(client: Client, params: P) -> impl Stream<Item = Result<P::Item>> {
    cursor_items_with(client, params, RequestOptions::default())
}

/// [`cursor_items`] with per-call options for every page.
pub fn cursor_items_with<P: CursorPaged + 'static>(
    client: Client,
    params: P,
    options: RequestOptions,
) -> impl Stream<Item = Result<P::Item>> {
    walk(client, params, options, CursorState::default(), |walk, output| {
        let page = walk.params.page_of(output);
        let next_cursor = page.items.last().and_then(|item| walk.params.cursor(item)).map(str::to_owned);
        let previous_page = std::mem::take(&mut walk.paging.seen);
        for item in page.items {
            let id = walk.params.id(&item).to_owned();
            if !previous_page.contains(&id) {
                walk.paging.seen.insert(id);
                walk.buffer.push_back(item);
            }
        }
        // A cursor that does not move would fetch the same page forever.
        let progressed = next_cursor.is_some() && next_cursor != walk.paging.cursor;
        walk.done = page.has_more != Some(true) || !progressed || walk.buffer.is_empty();
        if let Some(cursor) = next_cursor {
            walk.params.set_before(cursor.clone());
            walk.paging.cursor = Some(cursor);
        }
    })
}
