//! SIP trunks. Credentials are shown whole only when created or rotated (an empty update).

use agentphone::models::*;

use crate::generated::requests::*;

use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::ids::new_id;
use crate::state::Project;
use crate::time::iso;

fn credentials() -> Vec<SipCredential> {
    let password = format!("{:024x}", fastrand::u128(..) >> 32);
    vec![SipCredential {
        username: Some(format!("trunk_{:08x}", fastrand::u32(..))),
        password_last4: Some(password[password.len() - 4..].to_owned()),
        password: Some(password),
        credential_list_name: Some("default".into()),
        ..Default::default()
    }]
}

/// As stored and listed: passwords reduced to their last four characters.
fn masked(trunk: &SipTrunk) -> SipTrunk {
    let credentials = trunk.credentials.as_ref().map(|list| list.iter().map(|c| SipCredential { password: None, ..c.clone() }).collect());
    SipTrunk { credentials, ..trunk.clone() }
}

fn find<'p>(project: &'p mut Project, id: &str) -> Result<&'p mut SipTrunk, Failure> {
    project.sip_trunks.get_mut(id).ok_or_else(|| Failure::not_found("SIP trunk"))
}

pub(crate) fn list_sip_trunks(cx: &mut Cx<'_>, _p: ListSipTrunksParams) -> Result<Reply, Failure> {
    let data = cx.project().sip_trunks.values().map(masked).collect();
    Ok(Reply::json(SipTrunkList { data, ..Default::default() }))
}

pub(crate) fn create_sip_trunk(cx: &mut Cx<'_>, _p: CreateSipTrunkParams) -> Result<Reply, Failure> {
    let id = new_id("st");
    let trunk = SipTrunk {
        termination_sip_uri: Some(format!("{id}.sip.sandbox.agentphone.invalid")),
        id,
        name: Some("SIP trunk".into()),
        provider: Some("sandbox".into()),
        encrypted: Some(true),
        transport: Some("tls".into()),
        media_encryption: Some("srtp".into()),
        transfers: Some("all".into()),
        transfer_caller_id: Some("transferee".into()),
        origination_uris: Some(Vec::new()),
        allowed_ips: Some(Vec::new()),
        proxy_ips: Some(vec!["127.0.0.1".into()]),
        credentials: Some(credentials()),
        created_at: Some(iso(cx.now)),
        ..Default::default()
    };
    cx.project().sip_trunks.insert(trunk.id.clone(), masked(&trunk));
    Ok(Reply::json(trunk))
}

pub(crate) fn get_sip_trunk(cx: &mut Cx<'_>, p: GetSipTrunkParams) -> Result<Reply, Failure> {
    Ok(Reply::json(masked(find(cx.project(), &p.trunk_id)?)))
}

pub(crate) fn update_sip_trunk(cx: &mut Cx<'_>, p: UpdateSipTrunkParams) -> Result<Reply, Failure> {
    let trunk = find(cx.project(), &p.trunk_id)?;
    let rotate = p.name.is_none() && p.transfers.is_none() && p.transfer_caller_id.is_none() && p.origination.is_none();
    if rotate {
        let fresh = credentials();
        trunk.credentials = Some(fresh.clone());
        let shown = SipTrunk { credentials: Some(fresh), ..trunk.clone() };
        *trunk = masked(&shown);
        return Ok(Reply::json(shown));
    }
    if p.name.is_some() {
        trunk.name = p.name;
    }
    if let Some(transfers) = p.transfers {
        trunk.transfers = Some(transfers.to_string());
    }
    if let Some(caller_id) = p.transfer_caller_id {
        trunk.transfer_caller_id = Some(caller_id.to_string());
    }
    if let Some(origination) = p.origination {
        let uris = origination
            .get("uris")
            .cloned()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| Failure::invalid("body", "origination", &e.to_string()))?;
        trunk.origination_uris = uris.or(trunk.origination_uris.take());
    }
    Ok(Reply::json(masked(trunk)))
}

pub(crate) fn delete_sip_trunk(cx: &mut Cx<'_>, p: DeleteSipTrunkParams) -> Result<Reply, Failure> {
    cx.project().sip_trunks.shift_remove(&p.trunk_id).ok_or_else(|| Failure::not_found("SIP trunk"))?;
    Ok(Reply::json(SuccessResponse { success: Some(true), ..Default::default() }))
}
