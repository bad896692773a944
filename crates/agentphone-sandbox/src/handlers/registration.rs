//! A2P 10DLC registration: one per project; the campaign is pending until the clock has moved a
//! day past submission, then approved.

use agentphone::models::*;

use crate::generated::requests::*;
use serde_json::{Value, json};

use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::ids::new_id;
use crate::time::iso;

const REVIEW_SECONDS: i64 = 86_400;
const FEE_CENTS: i64 = 400;

fn status(registration: Option<&Value>, now: i64) -> &'static str {
    match registration.and_then(|r| r["submittedAt"].as_i64()) {
        None => "none",
        Some(at) if now - at >= REVIEW_SECONDS => "approved",
        Some(_) => "pending",
    }
}

pub(crate) fn register_a2p(cx: &mut Cx<'_>, p: RegisterA2pParams) -> Result<Reply, Failure> {
    let now = cx.now;
    let project = cx.project();
    if status(project.registration.as_ref(), now) != "none" {
        return Err(Failure::coded(409, "ALREADY_REGISTERED", "a registration exists; update it instead"));
    }
    super::charge(project, FEE_CENTS)?;
    let sub_account = p.create_sub_account.unwrap_or(true).then(|| new_id("sa"));
    let brand = json!({
        "registrationType": p.registration_type, "businessName": p.business_name, "brandName": p.brand_name,
        "contact": {"firstName": p.first_name, "lastName": p.last_name, "email": p.email, "phoneNumber": p.phone_number},
        "address": {"street": p.street_address, "city": p.city, "state": p.state, "zip": p.zip_code, "country": p.country.unwrap_or_else(|| "US".into())},
    });
    let campaign = json!({
        "description": p.description, "useCases": p.use_cases, "messageSamples": p.message_samples, "consentFlow": p.consent_flow,
        "optInImageUrl": p.opt_in_image_url, "volume": p.volume, "plannedNumbers": p.planned_numbers.unwrap_or(1),
    });
    project.registration =
        Some(json!({"submittedAt": now, "submitted": iso(now), "brand": brand, "campaign": campaign, "subAccountId": sub_account}));
    Ok(Reply::json(RegistrationResponse {
        ok: Some(true),
        message: Some("Registration submitted; review takes about a day".into()),
        campaign_status: Some("pending".into()),
        sub_account_id: sub_account,
        fee_cents: Some(FEE_CENTS),
        ..Default::default()
    }))
}

pub(crate) fn get_registration_status(cx: &mut Cx<'_>, _p: GetRegistrationStatusParams) -> Result<Reply, Failure> {
    let now = cx.now;
    let status = status(cx.project().registration.as_ref(), now);
    let message = match status {
        "none" => "No registration yet",
        "pending" => "Under review by the carriers",
        _ => "Approved: US messaging is enabled",
    };
    Ok(Reply::json(CampaignStatus {
        campaign_status: Some(status.into()),
        message: Some(message.into()),
        stage: Some(status.into()),
        ..Default::default()
    }))
}

pub(crate) fn get_registration(cx: &mut Cx<'_>, _p: GetRegistrationParams) -> Result<Reply, Failure> {
    let now = cx.now;
    let project = cx.project();
    let registration = project.registration.clone().ok_or_else(|| Failure::not_found("Registration"))?;
    Ok(Reply::Json(
        200,
        json!({"status": status(Some(&registration), now), "brand": registration["brand"], "campaign": registration["campaign"]}),
    ))
}

pub(crate) fn update_registration(cx: &mut Cx<'_>, p: UpdateRegistrationParams) -> Result<Reply, Failure> {
    let project = cx.project();
    let registration = project.registration.as_mut().ok_or_else(|| Failure::not_found("Registration"))?;
    let changes = serde_json::to_value(&p).unwrap_or_default();
    for (key, value) in changes.as_object().into_iter().flatten() {
        let section = if matches!(key.as_str(), "business_name" | "brand_name" | "website_url") { "brand" } else { "campaign" };
        registration[section][key.as_str()] = value.clone();
    }
    Ok(Reply::Json(200, json!({"ok": true, "brand": registration["brand"], "campaign": registration["campaign"]})))
}
