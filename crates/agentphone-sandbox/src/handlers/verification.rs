//! One-time codes. The sandbox sends nothing: every code is `123456`.

use agentphone::normalize_e164;

use crate::generated::requests::*;
use serde_json::json;

use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::ids::new_id;

pub(crate) const SANDBOX_CODE: &str = "123456";

pub(crate) fn send_verification(cx: &mut Cx<'_>, p: SendVerificationParams) -> Result<Reply, Failure> {
    let phone = normalize_e164("phone_number", &p.phone_number).map_err(|e| Failure::invalid("body", "phone_number", &e.problem))?;
    let id = new_id("ver");
    cx.project().verifications.insert(id.clone(), (phone.clone(), SANDBOX_CODE.to_owned(), false));
    Ok(Reply::Json(200, json!({"verification_id": id, "phone_number": phone, "status": "pending"})))
}

pub(crate) fn check_verification(cx: &mut Cx<'_>, p: CheckVerificationParams) -> Result<Reply, Failure> {
    let (phone, code, used) = cx.project().verifications.get_mut(&p.verification_id).ok_or_else(|| Failure::not_found("Verification"))?;
    if *used {
        return Err(Failure::bad_request("this code was already used"));
    }
    let verified = *code == p.code;
    *used |= verified;
    Ok(Reply::Json(
        200,
        json!({"verification_id": p.verification_id, "phone_number": phone, "verified": verified, "status": if verified { "approved" } else { "pending" }}),
    ))
}
