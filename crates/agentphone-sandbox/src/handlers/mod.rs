//! One function per operation of the table, grouped by resource. Each reads typed parameters
//! (already validated against the table), changes the project's state, and answers with the
//! core's own models, so the sandbox speaks exactly the shapes the SDK decodes.

pub(crate) mod agents;
pub(crate) mod calls;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod feedback;
pub(crate) mod location;
pub(crate) mod messages;
pub(crate) mod numbers;
pub(crate) mod registration;
pub(crate) mod signup;
pub(crate) mod sip_trunks;
pub(crate) mod sub_accounts;
pub(crate) mod usage;
pub(crate) mod verification;
pub(crate) mod webhooks;
pub(crate) mod whatsapp;

use crate::error_reply::Failure;
use crate::state::Project;

/// One offset page: the items, whether more follow, and the total.
pub(crate) struct OffsetPage<T> {
    pub items: Vec<T>,
    pub has_more: bool,
    pub total: i64,
}

/// Slices `items` (already in list order) by `limit` (default `default_limit`) and `offset`.
pub(crate) fn offset_page<T>(items: Vec<T>, limit: Option<i64>, offset: Option<i64>, default_limit: i64) -> OffsetPage<T> {
    let total = items.len() as i64;
    let offset = offset.unwrap_or(0).max(0);
    let limit = limit.unwrap_or(default_limit).max(0);
    let items: Vec<T> = items.into_iter().skip(offset as usize).take(limit as usize).collect();
    let has_more = offset + (items.len() as i64) < total;
    OffsetPage { items, has_more, total }
}

/// Takes `cents` from the balance, or fails with 402.
pub(crate) fn charge(project: &mut Project, cents: i64) -> Result<(), Failure> {
    if project.balance_cents < cents {
        return Err(Failure::insufficient_balance(cents, project.balance_cents));
    }
    project.balance_cents -= cents;
    Ok(())
}

pub(crate) const NUMBER_CENTS: i64 = 300;
pub(crate) const MESSAGE_CENTS: i64 = 1;
pub(crate) const CALL_CENTS: i64 = 10;
