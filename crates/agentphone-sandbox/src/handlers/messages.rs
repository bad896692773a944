//! Sending messages and reactions; the message records every inbox and conversation reads.

use agentphone::models::*;
use agentphone::normalize_e164;

use crate::generated::requests::*;

use super::{MESSAGE_CENTS, charge};
use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::handlers::conversations;
use crate::ids::new_id;
use crate::state::{MessageRecord, Project};
use crate::time::{iso_ms, parse_iso_ms};

/// A new message, filed into its conversation (created on first contact).
pub(crate) struct NewMessage<'a> {
    pub number: &'a PhoneNumber,
    pub participant: &'a str,
    pub from: String,
    pub to: String,
    pub body: String,
    pub direction: MessageDirection,
    pub channel: Channel,
    pub media_urls: Vec<String>,
    pub reply_to: Option<String>,
}

/// Records a message; returns its id and its conversation's id. A project keeps its last
/// `capacity` messages (`SandboxConfig::message_capacity`): the oldest goes first, from its
/// conversation too, so a sandbox that runs for days stays in bounded memory.
pub(crate) fn record(project: &mut Project, now_ms: i64, capacity: usize, message: NewMessage<'_>) -> (String, String) {
    let at_ms = now_ms.max(project.last_message_ms + 1);
    project.last_message_ms = at_ms;
    let conversation_id = conversations::touch(project, message.number, message.participant, &message.channel, &message.body, at_ms);
    let id = new_id("msg");
    project.by_conversation.entry(conversation_id.clone()).or_default().push(id.clone());
    project.messages.insert(
        id.clone(),
        MessageRecord {
            id: id.clone(),
            number_id: message.number.id.clone(),
            agent_id: message.number.agent_id.clone(),
            conversation_id: conversation_id.clone(),
            from: message.from,
            to: message.to,
            body: message.body,
            direction: message.direction.clone(),
            channel: message.channel,
            media_urls: message.media_urls,
            status: if message.direction == MessageDirection::Inbound { "received".into() } else { "sent".into() },
            at_ms,
            reply_to: message.reply_to,
            reactions: Vec::new(),
        },
    );
    while project.messages.len() > capacity.max(1) {
        let Some((_, oldest)) = project.messages.shift_remove_index(0) else { break };
        // Messages are filed in time order, so the oldest of all is its conversation's oldest.
        if let Some(ids) = project.by_conversation.get_mut(&oldest.conversation_id)
            && ids.first() == Some(&oldest.id)
        {
            ids.remove(0);
        }
    }
    (id, conversation_id)
}

/// One page of messages, newest first, before/after a timestamp (or a message id, as some
/// clients send).
pub(crate) struct CursorPage<'a> {
    pub items: Vec<&'a MessageRecord>,
    pub has_more: bool,
}

pub(crate) fn cursor_page<'a>(
    messages: impl Iterator<Item = &'a MessageRecord> + Clone,
    limit: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
) -> CursorPage<'a> {
    let bound =
        |cursor: Option<&str>| cursor.and_then(|c| parse_iso_ms(c).or_else(|| messages.clone().find(|m| m.id == c).map(|m| m.at_ms)));
    let (before, after) = (bound(before), bound(after));
    let mut matching: Vec<&MessageRecord> =
        messages.filter(|m| before.is_none_or(|b| m.at_ms < b) && after.is_none_or(|a| m.at_ms > a)).collect();
    matching.sort_by_key(|m| std::cmp::Reverse(m.at_ms));
    let limit = limit.unwrap_or(50).max(0) as usize;
    let has_more = matching.len() > limit;
    matching.truncate(limit);
    CursorPage { items: matching, has_more }
}

/// As a number's inbox shows it.
pub(crate) fn inbox_message(m: &&MessageRecord) -> Message {
    Message {
        id: m.id.clone(),
        from_number: Some(m.from.clone()),
        to_number: Some(m.to.clone()),
        body: Some(m.body.clone()),
        direction: Some(m.direction.clone()),
        channel: Some(m.channel.clone()),
        received_at: Some(iso_ms(m.at_ms)),
        status: Some(m.status.clone()),
        media_url: m.media_urls.first().cloned(),
        media_urls: Some(m.media_urls.clone()),
        conversation_id: Some(m.conversation_id.clone()),
        ..Default::default()
    }
}

/// As a conversation shows it.
pub(crate) fn conversation_message(project: &Project, m: &MessageRecord) -> ConversationMessage {
    let reply_to = m.reply_to.as_ref().map(|id| ReplyTo {
        message_id: Some(id.clone()),
        message: project.messages.get(id).map(|parent| parent.body.clone()),
        media_urls: project.messages.get(id).map(|parent| parent.media_urls.clone()),
        ..Default::default()
    });
    ConversationMessage {
        id: m.id.clone(),
        body: Some(m.body.clone()),
        from_number: Some(m.from.clone()),
        to_number: Some(m.to.clone()),
        direction: Some(m.direction.clone()),
        channel: Some(m.channel.clone()),
        media_url: m.media_urls.first().cloned(),
        media_urls: Some(m.media_urls.clone()),
        received_at: Some(iso_ms(m.at_ms)),
        reactions: Some(m.reactions.clone()),
        reply_to,
        status: Some(m.status.clone()),
        ..Default::default()
    }
}

/// The number a message goes out from: `number_id`, else `from_number`, else the agent's first.
fn sender<'p>(project: &'p Project, p: &SendMessageParams) -> Result<&'p PhoneNumber, Failure> {
    let active = |n: &&PhoneNumber| n.status.as_deref() == Some("active");
    let number = if let Some(id) = &p.number_id {
        project.numbers.get(id).filter(active).ok_or_else(|| Failure::not_found("Phone number"))?
    } else if let Some(from) = &p.from_number {
        let from = normalize_e164("from_number", from).map_err(|e| Failure::invalid("body", "from_number", &e.problem))?;
        project
            .numbers
            .values()
            .filter(active)
            .find(|n| n.phone_number.as_deref() == Some(&from))
            .ok_or_else(|| Failure::not_found("Phone number"))?
    } else if let Some(agent_id) = &p.agent_id {
        project.agents.get(agent_id).ok_or_else(|| Failure::not_found("Agent"))?;
        project
            .numbers
            .values()
            .filter(active)
            .find(|n| n.agent_id.as_deref() == Some(agent_id))
            .ok_or_else(|| Failure::bad_request("the agent has no phone number: attach one first"))?
    } else {
        return Err(Failure::invalid("body", "agent_id", "give agent_id, number_id or from_number"));
    };
    if let Some(agent_id) = &p.agent_id
        && number.agent_id.as_deref() != Some(agent_id)
    {
        return Err(Failure::bad_request("the number is not attached to this agent"));
    }
    Ok(number)
}

/// The WhatsApp rules of the REST reference: the rich forms (buttons, list, cta, template) are
/// WhatsApp-only, only buttons may carry media (as their header), a link is HTTPS, a list holds
/// at most 10 rows, and sending over WhatsApp needs the project's WhatsApp connection (a template,
/// one of its templates). That the kinds exclude each other and the labels' lengths are rules of
/// the table, which the request checker applies before this.
fn check_whatsapp(project: &Project, p: &SendMessageParams, whatsapp: bool, media: bool) -> Result<(), Failure> {
    let rich: Vec<&str> =
        [("buttons", p.buttons.is_some()), ("list", p.list.is_some()), ("cta", p.cta.is_some()), ("template", p.template.is_some())]
            .into_iter()
            .filter_map(|(name, given)| given.then_some(name))
            .collect();
    if let Some(first) = rich.first() {
        if !whatsapp {
            return Err(Failure::invalid("body", first, "is WhatsApp-only: send it with channel `whatsapp`"));
        }
        if media && *first != "buttons" {
            return Err(Failure::invalid("body", "media_urls", &format!("a {first} message carries no media")));
        }
    }
    if p.cta.as_ref().is_some_and(|cta| !cta.url.starts_with("https://")) {
        return Err(Failure::invalid("body", "cta.url", "must be an https URL"));
    }
    if let Some(list) = &p.list {
        let rows = |value: &serde_json::Value| value["rows"].as_array().map_or(0, Vec::len);
        let sections = list.get("sections").and_then(|s| s.as_array()).map_or(0, |s| s.iter().map(rows).sum::<usize>());
        let total = list.get("rows").and_then(|r| r.as_array()).map_or(0, Vec::len) + sections;
        if total > 10 {
            return Err(Failure::invalid("body", "list", &format!("{total} rows; a list holds at most 10")));
        }
    }
    if whatsapp {
        let connected: Vec<&serde_json::Value> = project.whatsapp.values().filter(|c| c["status"] == "connected").collect();
        if connected.is_empty() {
            return Err(Failure::coded(403, "WHATSAPP_NOT_CONNECTED", "WhatsApp is not set up for this account: connect it first"));
        }
        if let Some(template) = &p.template {
            let known =
                connected.iter().flat_map(|c| c["templates"].as_array().into_iter().flatten()).any(|t| t["name"] == template.name.as_str());
            if !known {
                return Err(Failure::not_found("WhatsApp template"));
            }
        }
    }
    Ok(())
}

pub(crate) fn send_message(cx: &mut Cx<'_>, p: SendMessageParams) -> Result<Reply, Failure> {
    let now_ms = cx.world.clock.now_ms();
    let capacity = cx.world.config.message_capacity;
    let project = cx.project();
    let number = sender(project, &p)?.clone();
    let mut media_urls = p.media_urls.clone().unwrap_or_default();
    media_urls.extend(p.media_url.clone());
    let whatsapp = p.channel == Some(SendChannel::Whatsapp);
    let channel = match (number.r#type.as_ref(), media_urls.is_empty()) {
        _ if whatsapp => Channel::Whatsapp,
        (Some(NumberType::Imessage), _) => Channel::Imessage,
        (_, false) => Channel::Mms,
        (_, true) => Channel::Sms,
    };
    check_whatsapp(project, &p, whatsapp, !media_urls.is_empty())?;
    if p.send_style.is_some() && channel != Channel::Imessage {
        return Err(Failure::bad_request("send_style is an iMessage effect; this number sends SMS"));
    }
    if p.body.as_deref().unwrap_or("").is_empty() && media_urls.is_empty() && p.template.is_none() {
        return Err(Failure::invalid("body", "body", "a message needs a body, media or a template"));
    }
    let (to, participant) = match (&p.to_number, &p.recipients) {
        (_, Some(recipients)) => {
            if channel != Channel::Imessage {
                return Err(Failure::bad_request("group messages need an iMessage number"));
            }
            let group = conversations::new_group(project, &number, recipients, now_ms);
            (group.clone(), group)
        }
        (Some(to), None) if to.starts_with("grp_") => {
            let known = project.conversations.values().any(|c| c.conversation.group_id.as_deref() == Some(to));
            if !known {
                return Err(Failure::not_found("Group"));
            }
            (to.clone(), to.clone())
        }
        (Some(to), None) => {
            let to = normalize_e164("to_number", to).unwrap_or_else(|_| to.clone());
            (to.clone(), to)
        }
        (None, None) => return Err(Failure::invalid("body", "to_number", "give to_number or recipients")),
    };
    if let Some(parent) = &p.reply_to_message_id
        && !project.messages.contains_key(parent)
    {
        return Err(Failure::not_found("Message to reply to"));
    }
    charge(project, MESSAGE_CENTS)?;
    let from = number.phone_number.clone().unwrap_or_default();
    let message = NewMessage {
        number: &number,
        participant: &participant,
        from: from.clone(),
        to: to.clone(),
        body: p.body.clone().unwrap_or_default(),
        direction: MessageDirection::Outbound,
        channel: channel.clone(),
        media_urls: media_urls.clone(),
        reply_to: p.reply_to_message_id.clone(),
    };
    let (id, conversation_id) = record(project, now_ms, capacity, message);
    cx.state.stats.messages_sent += 1;
    // Sandbox convention: a recipient ending in 0409 never confirms delivery.
    if to.ends_with("0409") {
        return Err(Failure::coded(
            409,
            "DELIVERY_UNCONFIRMED",
            "The carrier did not confirm delivery; the message may have been sent. Do not resend blindly.",
        ));
    }
    Ok(Reply::json(SendMessageResponse {
        id,
        status: Some("sent".into()),
        channel: Some(channel),
        from_number: Some(from),
        to_number: Some(to),
        conversation_id: Some(conversation_id),
        media_urls: Some(media_urls),
        reply_to_message_id: p.reply_to_message_id,
        reply_parent_unresolved: Some(false),
        ..Default::default()
    }))
}

/// Reactions exist on iMessage and WhatsApp, whoever reacts.
pub(crate) fn takes_reactions(channel: &Channel) -> Result<(), Failure> {
    match channel {
        Channel::Imessage | Channel::Whatsapp => Ok(()),
        _ => Err(Failure::bad_request("reactions are for iMessage and WhatsApp messages")),
    }
}

pub(crate) fn send_reaction(cx: &mut Cx<'_>, p: SendReactionParams) -> Result<Reply, Failure> {
    let now_ms = cx.world.clock.now_ms();
    let project = cx.project();
    let message = project.messages.get_mut(&p.message_id).ok_or_else(|| Failure::not_found("Message"))?;
    takes_reactions(&message.channel)?;
    let channel = message.channel.clone();
    let known = ReactionType::from(p.reaction.as_str()).is_known();
    if !known && p.reaction.chars().count() > 2 {
        return Err(Failure::bad_request(format!(
            "{:?} is not a reaction; use love, like, dislike, laugh, emphasize, question or one emoji",
            p.reaction
        )));
    }
    let our_number = if message.direction == MessageDirection::Inbound { message.to.clone() } else { message.from.clone() };
    let reaction = ConversationReaction {
        id: Some(new_id("rxn")),
        reaction_type: Some(p.reaction.clone()),
        from_number: Some(our_number),
        direction: Some(MessageDirection::Outbound),
        created_at: Some(iso_ms(now_ms)),
        ..Default::default()
    };
    message.reactions.push(reaction.clone());
    Ok(Reply::json(Reaction {
        id: reaction.id.unwrap_or_default(),
        reaction_type: Some(p.reaction),
        message_id: Some(p.message_id),
        channel: Some(channel),
        ..Default::default()
    }))
}
