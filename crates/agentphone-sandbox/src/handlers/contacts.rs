//! The address book: one contact per phone number.

use agentphone::models::*;
use agentphone::normalize_e164;

use crate::generated::requests::*;

use super::{OffsetPage, offset_page};
use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::ids::new_id;
use crate::time::iso;

fn phone(raw: &str) -> Result<String, Failure> {
    normalize_e164("phone_number", raw).map_err(|e| Failure::invalid("body", "phoneNumber", &e.problem))
}

fn conflict(phone: &str) -> Failure {
    Failure::coded(409, "CONTACT_EXISTS", format!("a contact with phone number {phone} already exists"))
}

pub(crate) fn list_contacts(cx: &mut Cx<'_>, p: ListContactsParams) -> Result<Reply, Failure> {
    let needle = p.search.as_deref().map(str::to_lowercase);
    let all: Vec<Contact> = cx
        .project()
        .contacts
        .values()
        .rev()
        .filter(|c| {
            needle.as_deref().is_none_or(|n| {
                c.name.as_deref().is_some_and(|name| name.to_lowercase().contains(n))
                    || c.phone_number.as_deref().is_some_and(|phone| phone.contains(n))
            })
        })
        .cloned()
        .collect();
    let OffsetPage { items, has_more, total } = offset_page(all, p.limit, p.offset, 50);
    Ok(Reply::json(ContactList { data: items, has_more: Some(has_more), total: Some(total), ..Default::default() }))
}

pub(crate) fn create_contact(cx: &mut Cx<'_>, p: CreateContactParams) -> Result<Reply, Failure> {
    let phone = phone(&p.phone_number)?;
    let now = iso(cx.now);
    let project = cx.project();
    if project.contacts.values().any(|c| c.phone_number.as_deref() == Some(&phone)) {
        return Err(conflict(&phone));
    }
    let contact = Contact {
        id: new_id("ct"),
        phone_number: Some(phone),
        name: Some(p.name),
        email: p.email,
        notes: p.notes,
        created_at: Some(now.clone()),
        updated_at: Some(now),
        ..Default::default()
    };
    project.contacts.insert(contact.id.clone(), contact.clone());
    Ok(Reply::created(contact))
}

pub(crate) fn get_contact_capabilities(cx: &mut Cx<'_>, p: GetContactCapabilitiesParams) -> Result<Reply, Failure> {
    let phone = normalize_e164("phone_number", &p.phone_number).map_err(|e| Failure::invalid("query", "phone_number", &e.problem))?;
    // Deterministic: numbers ending in an even digit are iMessage users.
    let imessage = phone.bytes().last().is_some_and(|d| (d - b'0').is_multiple_of(2));
    Ok(Reply::json(ContactCapabilities {
        phone_number: Some(phone),
        capabilities: Some(Capabilities { imessage: Some(imessage), sms: Some(true), ..Default::default() }),
        checked_at: Some(iso(cx.now)),
        ..Default::default()
    }))
}

pub(crate) fn get_contact(cx: &mut Cx<'_>, p: GetContactParams) -> Result<Reply, Failure> {
    Ok(Reply::json(cx.project().contacts.get(&p.contact_id).ok_or_else(|| Failure::not_found("Contact"))?))
}

pub(crate) fn update_contact(cx: &mut Cx<'_>, p: UpdateContactParams) -> Result<Reply, Failure> {
    let new_phone = p.phone_number.as_deref().map(phone).transpose()?;
    let now = iso(cx.now);
    let project = cx.project();
    if !project.contacts.contains_key(&p.contact_id) {
        return Err(Failure::not_found("Contact"));
    }
    if let Some(phone) = &new_phone
        && project.contacts.values().any(|c| c.id != p.contact_id && c.phone_number.as_deref() == Some(phone))
    {
        return Err(conflict(phone));
    }
    let contact = project.contacts.get_mut(&p.contact_id).ok_or_else(|| Failure::not_found("Contact"))?;
    if new_phone.is_some() {
        contact.phone_number = new_phone;
    }
    if p.name.is_some() {
        contact.name = p.name;
    }
    if let Some(email) = p.email {
        contact.email = email;
    }
    if let Some(notes) = p.notes {
        contact.notes = notes;
    }
    contact.updated_at = Some(now);
    Ok(Reply::json(contact.clone()))
}

pub(crate) fn delete_contact(cx: &mut Cx<'_>, p: DeleteContactParams) -> Result<Reply, Failure> {
    cx.project().contacts.shift_remove(&p.contact_id).ok_or_else(|| Failure::not_found("Contact"))?;
    Ok(Reply::Empty)
}
