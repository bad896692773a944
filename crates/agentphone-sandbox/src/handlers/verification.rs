//! One-time codes. The sandbox sends nothing: every code is `123456`.

use agentphone::*;
use serde_json::json;

use crate::failure::Failure;
use crate::ids::new_id;
use crate::serve::{Cx, Reply};

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
