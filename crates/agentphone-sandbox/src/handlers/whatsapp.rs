//! WhatsApp Business connections, their numbers and message templates.

use crate::generated::requests::*;
use serde_json::{Value, json};

use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::ids::new_id;
use crate::state::Project;

fn connection<'p>(project: &'p mut Project, id: &str) -> Result<&'p mut Value, Failure> {
    project.whatsapp.get_mut(id).ok_or_else(|| Failure::not_found("WhatsApp connection"))
}

pub(crate) fn whatsapp_connect(cx: &mut Cx<'_>, p: WhatsappConnectParams) -> Result<Reply, Failure> {
    let id = new_id("wc");
    let connection = json!({
        "id": id, "status": "connected", "wabaId": p.waba_id.unwrap_or_else(|| new_id("waba")), "businessId": p.business_id, "agentId": p.agent_id,
        "availableNumbers": [{"phone_number_id": "pn_1", "display_phone_number": "+1 415-555-0150", "verified_name": "Sandbox"}],
        "numbers": [], "templates": [],
    });
    cx.project().whatsapp.insert(id.clone(), connection.clone());
    Ok(Reply::Json(200, json!({"ok": true, "connection_id": id, "status": "connected"})))
}

pub(crate) fn whatsapp_available_numbers(cx: &mut Cx<'_>, p: WhatsappAvailableNumbersParams) -> Result<Reply, Failure> {
    let connection = connection(cx.project(), &p.connection_id)?;
    Ok(Reply::Json(200, json!({"data": connection["availableNumbers"]})))
}

pub(crate) fn whatsapp_connect_number(cx: &mut Cx<'_>, p: WhatsappConnectNumberParams) -> Result<Reply, Failure> {
    let connection = connection(cx.project(), &p.connection_id)?;
    let known = connection["availableNumbers"].as_array().into_iter().flatten().any(|n| n["phone_number_id"] == p.phone_number_id.as_str());
    if !known {
        return Err(Failure::not_found("WhatsApp number"));
    }
    let number = json!({"phone_number_id": p.phone_number_id, "agent_id": p.agent_id, "status": "connected"});
    if let Some(numbers) = connection["numbers"].as_array_mut() {
        numbers.push(number.clone());
    }
    Ok(Reply::Json(200, number))
}

pub(crate) fn whatsapp_list_templates(cx: &mut Cx<'_>, p: WhatsappListTemplatesParams) -> Result<Reply, Failure> {
    let connection = connection(cx.project(), &p.connection_id)?;
    let matches = |t: &&Value, key: &str, wanted: &Option<String>| wanted.as_deref().is_none_or(|w| t[key] == w);
    let data: Vec<Value> = connection["templates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| {
            matches(t, "name", &p.name)
                && matches(t, "status", &p.status)
                && matches(t, "category", &p.category)
                && matches(t, "language", &p.language)
        })
        .cloned()
        .collect();
    Ok(Reply::Json(200, json!({"data": data})))
}

pub(crate) fn whatsapp_create_template(cx: &mut Cx<'_>, p: WhatsappCreateTemplateParams) -> Result<Reply, Failure> {
    let connection = connection(cx.project(), &p.connection_id)?;
    let template = json!({
        "id": new_id("hsm"), "name": p.name, "language": p.language.unwrap_or_else(|| "en_US".into()), "category": p.category,
        "status": "APPROVED", "components": p.components.unwrap_or(json!([])),
    });
    if let Some(templates) = connection["templates"].as_array_mut() {
        templates.push(template.clone());
    }
    Ok(Reply::Json(200, template))
}

pub(crate) fn whatsapp_delete_template(cx: &mut Cx<'_>, p: WhatsappDeleteTemplateParams) -> Result<Reply, Failure> {
    let connection = connection(cx.project(), &p.connection_id)?;
    let templates = connection["templates"].as_array_mut().ok_or_else(|| Failure::not_found("Template"))?;
    let before = templates.len();
    templates.retain(|t| !(t["name"] == p.name.as_str() && p.hsm_id.as_deref().is_none_or(|id| t["id"] == id)));
    if templates.len() == before {
        return Err(Failure::not_found("Template"));
    }
    Ok(Reply::Json(200, json!({"ok": true, "deleted": before - templates.len()})))
}

pub(crate) fn whatsapp_status(cx: &mut Cx<'_>, _p: WhatsappStatusParams) -> Result<Reply, Failure> {
    let connections: Vec<Value> =
        cx.project().whatsapp.values().map(|c| json!({"id": c["id"], "status": c["status"], "numbers": c["numbers"]})).collect();
    Ok(Reply::Json(200, json!({"connected": !connections.is_empty(), "connections": connections})))
}

pub(crate) fn whatsapp_disconnect(cx: &mut Cx<'_>, p: WhatsappDisconnectParams) -> Result<Reply, Failure> {
    cx.project().whatsapp.shift_remove(&p.connection_id).ok_or_else(|| Failure::not_found("WhatsApp connection"))?;
    Ok(Reply::Json(200, json!({"ok": true})))
}
