//! The sign-up flow, without an API key. `start` files a pending sign-up: the sandbox emails
//! nothing, and every code is `123456` (as for verifications). `verify` opens the account as the
//! API does: a new API key (answered once), an agent and a US number, bought with the new
//! project's own balance; where no number can be bought (a sandbox started with `number_limit`
//! 0), the API's 503, and the code stays usable.

use serde_json::json;

use crate::error_reply::Failure;
use crate::generated::requests::*;
use crate::handler::{Cx, Reply};
use crate::handlers::verification::SANDBOX_CODE;
use crate::ids::new_id;
use crate::state::PendingSignUp;
use crate::time::iso;
use crate::wire::parse_args;

/// How long a code works, as the API says: ten minutes of the sandbox clock.
const CODE_SECONDS: i64 = 600;
/// Domains the API refuses as disposable (a sample: the sandbox's convention).
const DISPOSABLE: [&str; 3] = ["mailinator.com", "guerrillamail.com", "10minutemail.com"];

pub(crate) fn sign_up(cx: &mut Cx<'_>, p: SignUpParams) -> Result<Reply, Failure> {
    let email = p.human_email.trim().to_ascii_lowercase();
    let Some((_, domain)) = email.split_once('@').filter(|(user, domain)| !user.is_empty() && domain.contains('.')) else {
        return Err(Failure::invalid("body", "human_email", "must be an email address"));
    };
    if DISPOSABLE.contains(&domain) {
        return Err(Failure::invalid("body", "human_email", "disposable email domains are refused"));
    }
    if cx.state.sign_up_accounts.contains_key(&email) {
        return Err(Failure::coded(409, "ACCOUNT_EXISTS", "an account with this email already exists"));
    }
    let now = cx.now;
    // Codes nobody used are forgotten once they expire.
    cx.state.sign_ups.retain(|_, pending| pending.expires_at >= now);
    let id = new_id("ver");
    let agent_name = p.agent_name.map(|name| name.trim().chars().take(100).collect::<String>()).filter(|name| !name.is_empty());
    let agent_name = agent_name.unwrap_or_else(|| format!("Agent {}", &id[4..8]));
    cx.state.sign_ups.insert(id.clone(), PendingSignUp { email: email.clone(), agent_name, expires_at: now + CODE_SECONDS });
    Ok(Reply::Json(
        200,
        json!({
            "verification_id": id,
            "human_email": email,
            "expires_at": iso(now + CODE_SECONDS),
            "message": format!("A 6-digit code was sent to {email} (the sandbox sends nothing: the code is {SANDBOX_CODE})."),
        }),
    ))
}

pub(crate) fn verify_sign_up(cx: &mut Cx<'_>, p: VerifySignUpParams) -> Result<Reply, Failure> {
    let pending = cx.state.sign_ups.get(&p.verification_id).cloned().ok_or_else(|| Failure::not_found("Verification"))?;
    if pending.expires_at < cx.now {
        return Err(Failure::coded(400, "CODE_EXPIRED", "the code expired: start the sign-up again"));
    }
    if p.otp_code != SANDBOX_CODE {
        return Err(Failure::coded(400, "INVALID_CODE", "the code is wrong; try again"));
    }
    if cx.state.sign_up_accounts.contains_key(&pending.email) {
        return Err(Failure::coded(409, "ACCOUNT_EXISTS", "an account with this email already exists"));
    }
    let key = format!("sk_test_{:024x}", fastrand::u128(..) >> 32);
    // The new account's first agent and number, made as its own requests would make them.
    cx.key.clone_from(&key);
    let invalid = |e: agentphone::ValidationError| Failure::invalid("body", &e.field, &e.problem);
    let agent = match crate::handlers::agents::create_agent(cx, parse_args(json!({"name": pending.agent_name})).map_err(invalid)?)? {
        Reply::Json(_, agent) => agent,
        _ => return Err(Failure::coded(500, "SANDBOX_ERROR", "the agent was not created")),
    };
    let number = match crate::handlers::numbers::buy_number(cx, parse_args(json!({"agent_id": agent["id"]})).map_err(invalid)?) {
        Ok(Reply::Json(_, number)) => number,
        // No number to give (a sandbox started with `number_limit` 0, or too small a balance): the
        // API's 503. No account is opened, and the code still works for another try.
        _ => {
            cx.state.projects.remove(&key);
            return Err(Failure::coded(503, "NO_NUMBER_AVAILABLE", "no US number is available right now; try again later"));
        }
    };
    cx.state.sign_ups.remove(&p.verification_id);
    cx.state.sign_up_accounts.insert(pending.email, key.clone());
    Ok(Reply::Json(
        200,
        json!({
            "account_id": new_id("acct"),
            "agent_id": agent["id"],
            "number_id": number["id"],
            "phone_number": number["phoneNumber"],
            "api_key": key,
        }),
    ))
}
