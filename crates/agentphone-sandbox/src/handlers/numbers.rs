//! Phone numbers: buying within the plan and balance, releasing, the inbox, calls, contact cards.

use agentphone::models::*;
use agentphone::normalize_e164;

use crate::generated::requests::*;

use super::{NUMBER_CENTS, OffsetPage, charge, offset_page};
use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::handlers::{agents, calls, messages};
use crate::ids::new_id;
use crate::state::Project;
use crate::time::iso;

pub(crate) fn find<'p>(project: &'p Project, number_id: &str) -> Result<&'p PhoneNumber, Failure> {
    project.numbers.get(number_id).ok_or_else(|| Failure::not_found("Phone number"))
}

fn active(number: &PhoneNumber) -> bool {
    number.status.as_deref() == Some("active")
}

pub(crate) fn list_numbers(cx: &mut Cx<'_>, p: ListNumbersParams) -> Result<Reply, Failure> {
    let all: Vec<PhoneNumber> = cx.project().numbers.values().rev().filter(|n| active(n)).cloned().collect();
    let OffsetPage { items, has_more, total } = offset_page(all, p.limit, p.offset, 20);
    Ok(Reply::json(PhoneNumberList { data: items, has_more: Some(has_more), total: Some(total), ..Default::default() }))
}

/// A number nobody holds. US and Canadian numbers come from the fictional 555-01XX block of the
/// area code; when all hundred are held (many projects at once), from the rest of 555-XXXX,
/// leaving out the numbers the sandbox gives a meaning to (…0409, …0000). British numbers come
/// from Ofcom's drama range.
fn fresh_number(cx: &Cx<'_>, country: &str, area_code: Option<&str>) -> Option<String> {
    let free = |candidate: &String| !cx.state.number_owner.contains_key(candidate);
    if country == "GB" {
        let start = fastrand::u32(..1000);
        let ordinary = |n: &u32| !matches!(n, 0 | 409);
        return (0..1000).map(|i| (start + i) % 1000).filter(ordinary).map(|n| format!("+447700900{n:03}")).find(free);
    }
    let prefix = format!("+1{}555", area_code.unwrap_or("415"));
    let start = fastrand::u32(..100);
    let fictional = (0..100).map(|i| 100 + (start + i) % 100);
    let rest = (200..10_000).filter(|n| *n != 409);
    fictional.chain(rest).map(|n| format!("{prefix}{n:04}")).find(free)
}

pub(crate) fn buy_number(cx: &mut Cx<'_>, p: BuyNumberParams) -> Result<Reply, Failure> {
    let country = p.country.clone().unwrap_or_else(|| "US".into()).to_uppercase();
    if !["US", "CA", "GB"].contains(&country.as_str()) {
        return Err(Failure::bad_request(format!("country {country} is not available; expected US, CA or GB")));
    }
    if let Some(area) = &p.area_code
        && !area.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Failure::invalid("body", "areaCode", "an area code is 3 digits"));
    }
    let limit = cx.world.config.number_limit;
    let now = cx.now;
    {
        let project = cx.project();
        if let Some(agent_id) = &p.agent_id {
            agents::find(project, agent_id)?;
        }
        let used = project.numbers.values().filter(|n| active(n)).count() as i64;
        if used >= limit {
            // A conflict with what the project holds, as the REST reference answers it.
            return Err(Failure::coded(
                409,
                "VALIDATION_ERROR_NUMBER_LIMIT",
                format!("Your plan allows {limit} phone numbers; release one to buy another"),
            ));
        }
    }
    // Found before it is paid for: a purchase that cannot be made costs nothing.
    let phone = fresh_number(cx, &country, p.area_code.as_deref())
        .ok_or_else(|| Failure::coded(409, "PHONE_NUMBER_NOT_FOUND", "no number is available in that area code; try a nearby one"))?;
    charge(cx.project(), NUMBER_CENTS)?;
    let number = PhoneNumber {
        id: new_id("num"),
        phone_number: Some(phone.clone()),
        country: Some(country),
        status: Some("active".into()),
        r#type: Some(p.r#type.unwrap_or(NumberType::Sms)),
        agent_id: p.agent_id,
        created_at: Some(iso(now)),
        purchased_at: Some(iso(now)),
        outbound_sms: Some("enabled".into()),
        inbound_calls_enabled: Some(true),
        external_id: p.external_id,
        expires_at: p.expires_at,
        ..Default::default()
    };
    cx.state.number_owner.insert(phone, cx.key.clone());
    cx.state.stats.numbers_bought += 1;
    cx.project().numbers.insert(number.id.clone(), number.clone());
    Ok(Reply::json(number))
}

pub(crate) fn get_number(cx: &mut Cx<'_>, p: GetNumberParams) -> Result<Reply, Failure> {
    Ok(Reply::json(find(cx.project(), &p.number_id)?))
}

pub(crate) fn update_number(cx: &mut Cx<'_>, p: UpdateNumberParams) -> Result<Reply, Failure> {
    let number = cx.project().numbers.get_mut(&p.number_id).ok_or_else(|| Failure::not_found("Phone number"))?;
    if p.external_id.is_some() {
        number.external_id = p.external_id;
    }
    if p.expires_at.is_some() {
        number.expires_at = p.expires_at;
    }
    Ok(Reply::json(number.clone()))
}

pub(crate) fn release_number(cx: &mut Cx<'_>, p: ReleaseNumberParams) -> Result<Reply, Failure> {
    let key = cx.key.clone();
    let number = cx.project().numbers.get_mut(&p.number_id).ok_or_else(|| Failure::not_found("Phone number"))?;
    // A released record is history: releasing it again must not touch whoever holds the number now.
    if number.status.as_deref() == Some("released") {
        return Err(Failure::not_found("Phone number"));
    }
    number.status = Some("released".into());
    number.agent_id = None;
    let released = ReleaseNumberResponse {
        success: Some(true),
        id: Some(number.id.clone()),
        phone_number: number.phone_number.clone(),
        status: number.status.clone(),
        ..Default::default()
    };
    // Released numbers receive nothing any more (the mapping is removed only if it is still ours).
    if let Some(phone) = &released.phone_number
        && cx.state.number_owner.get(phone) == Some(&key)
    {
        cx.state.number_owner.remove(phone);
    }
    Ok(Reply::json(released))
}

pub(crate) fn search_available_numbers(cx: &mut Cx<'_>, p: SearchAvailableNumbersParams) -> Result<Reply, Failure> {
    let country = p.country.unwrap_or_else(|| "US".into()).to_uppercase();
    let area = p.area_code.unwrap_or_else(|| "415".into());
    let limit = p.limit.unwrap_or(10).clamp(1, 100) as usize;
    let data: Vec<AvailableNumber> = (0..100)
        .map(|i| format!("+1{area}55501{i:02}"))
        .filter(|n| !cx.state.number_owner.contains_key(n))
        .take(limit)
        .map(|phone_number| AvailableNumber {
            phone_number,
            city: p.city.clone(),
            state: p.state.clone(),
            area_code: Some(area.clone()),
            rate_center: Some(country.clone()),
            ..Default::default()
        })
        .collect();
    Ok(Reply::json(AvailableNumberList { data, ..Default::default() }))
}

pub(crate) fn lookup_numbers(_cx: &mut Cx<'_>, p: LookupNumbersParams) -> Result<Reply, Failure> {
    let data = p
        .phone_numbers
        .iter()
        .map(|raw| {
            let phone = normalize_e164("phone_numbers", raw).unwrap_or_else(|_| raw.clone());
            let country = if phone.starts_with("+44") {
                "GB"
            } else if phone.starts_with("+1") {
                "US"
            } else {
                "ZZ"
            };
            // Deterministic: even last digits are mobile and RCS-capable.
            let even = phone.bytes().last().is_some_and(|d| (d - b'0').is_multiple_of(2));
            NumberLookup {
                line_type: Some(if even { "mobile" } else { "landline" }.into()),
                country: Some(country.into()),
                rcs_enabled: Some(even),
                phone_number: phone,
                ..Default::default()
            }
        })
        .collect();
    Ok(Reply::json(NumberLookupList { data, ..Default::default() }))
}

pub(crate) fn list_number_messages(cx: &mut Cx<'_>, p: ListNumberMessagesParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.number_id)?;
    let page = messages::cursor_page(
        project.messages.values().filter(|m| m.number_id == p.number_id),
        p.limit,
        p.before.as_deref(),
        p.after.as_deref(),
    );
    let data = page.items.iter().map(messages::inbox_message).collect();
    Ok(Reply::json(MessageList { data, has_more: Some(page.has_more), ..Default::default() }))
}

pub(crate) fn list_number_calls(cx: &mut Cx<'_>, p: ListNumberCallsParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.number_id)?;
    Ok(calls::call_page(project, |c| c.phone_number_id.as_deref() == Some(&p.number_id), p.limit, p.offset))
}

pub(crate) fn get_contact_card(cx: &mut Cx<'_>, p: GetContactCardParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.number_id)?;
    Ok(Reply::json(project.contact_cards.get(&p.number_id).ok_or_else(|| Failure::not_found("Contact card"))?))
}

pub(crate) fn set_contact_card(cx: &mut Cx<'_>, p: SetContactCardParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.number_id)?;
    let card = ContactCard {
        first_name: p.first_name,
        last_name: p.last_name,
        display_name: p.display_name,
        has_avatar: Some(p.avatar_url.is_some()),
        ..Default::default()
    };
    project.contact_cards.insert(p.number_id, card.clone());
    Ok(Reply::json(card))
}

pub(crate) fn delete_contact_card(cx: &mut Cx<'_>, p: DeleteContactCardParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.number_id)?;
    project.contact_cards.remove(&p.number_id);
    Ok(Reply::Empty)
}
