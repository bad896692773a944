//! Device locations of the project's numbers: a fixed point near the number's area, derived from
//! the number so that it is the same on every read.

use agentphone::models::*;
use agentphone::normalize_e164;

use crate::generated::requests::*;

use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};

pub(crate) fn get_location(cx: &mut Cx<'_>, p: GetLocationParams) -> Result<Reply, Failure> {
    let now = cx.now;
    let phone = normalize_e164("phone_number", &p.phone_number).map_err(|e| Failure::invalid("path", "phone_number", &e.problem))?;
    let owned = cx.project().numbers.values().any(|n| n.phone_number.as_deref() == Some(&phone) && n.status.as_deref() == Some("active"));
    if !owned {
        return Err(Failure::not_found("Phone number"));
    }
    let seed = phone.bytes().fold(0u32, |acc, b| acc.wrapping_mul(31).wrapping_add(u32::from(b)));
    Ok(Reply::json(Location {
        phone_number: Some(phone),
        latitude: Some(37.77 + f64::from(seed % 1000) / 10_000.0),
        longitude: Some(-122.42 + f64::from(seed / 1000 % 1000) / 10_000.0),
        status: Some("located".into()),
        last_updated: Some(now),
        ..Default::default()
    }))
}

pub(crate) fn refresh_locations(_cx: &mut Cx<'_>, _p: RefreshLocationsParams) -> Result<Reply, Failure> {
    Ok(Reply::json(LocationRefresh { success: Some(true), poll_after_seconds: Some(5), ..Default::default() }))
}
