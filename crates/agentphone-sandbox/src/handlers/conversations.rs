//! Conversations: one per (number, participant) or iMessage group; created by the first message.

use agentphone::models::*;

use crate::generated::requests::*;

use super::{OffsetPage, offset_page};
use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::handlers::messages;
use crate::ids::new_id;
use crate::state::{ConversationRecord, Project};
use crate::time::iso_ms;

/// Files a message into its conversation, creating it on first contact; returns its id.
pub(crate) fn touch(
    project: &mut Project,
    number: &PhoneNumber,
    participant: &str,
    channel: &Channel,
    preview: &str,
    at_ms: i64,
) -> String {
    let existing = project.conversations.values_mut().find(|c| {
        c.conversation.phone_number_id.as_deref() == Some(&number.id)
            && (c.conversation.participant.as_deref() == Some(participant) || c.conversation.group_id.as_deref() == Some(participant))
    });
    let record = match existing {
        Some(record) => record,
        None => {
            let id = new_id("conv");
            let conversation = Conversation {
                id: id.clone(),
                agent_id: number.agent_id.clone(),
                phone_number_id: Some(number.id.clone()),
                phone_number: number.phone_number.clone(),
                participant: Some(participant.to_owned()),
                channel: Some(channel.clone()),
                is_group: Some(false),
                created_at: Some(iso_ms(at_ms)),
                metadata: None,
                ..Default::default()
            };
            project.conversations.entry(id).or_insert(ConversationRecord { conversation, last_ms: at_ms })
        }
    };
    record.last_ms = at_ms;
    record.conversation.last_message_at = Some(iso_ms(at_ms));
    record.conversation.last_message_preview = Some(preview.chars().take(100).collect());
    record.conversation.message_count = Some(record.conversation.message_count.unwrap_or(0) + 1);
    record.conversation.id.clone()
}

/// A new iMessage group; returns its `grp_` id.
pub(crate) fn new_group(project: &mut Project, number: &PhoneNumber, recipients: &[String], at_ms: i64) -> String {
    let group_id = new_id("grp");
    let id = new_id("conv");
    let participants = recipients.iter().map(|r| GroupParticipant { identifier: r.clone(), ..Default::default() }).collect();
    let conversation = Conversation {
        id: id.clone(),
        agent_id: number.agent_id.clone(),
        phone_number_id: Some(number.id.clone()),
        phone_number: number.phone_number.clone(),
        participant: Some(group_id.clone()),
        channel: Some(Channel::Imessage),
        is_group: Some(true),
        group_id: Some(group_id.clone()),
        participants: Some(participants),
        created_at: Some(iso_ms(at_ms)),
        message_count: Some(0),
        ..Default::default()
    };
    project.conversations.insert(id, ConversationRecord { conversation, last_ms: at_ms });
    group_id
}

fn find<'p>(project: &'p Project, id: &str) -> Result<&'p ConversationRecord, Failure> {
    project.conversations.get(id).ok_or_else(|| Failure::not_found("Conversation"))
}

/// A page of conversations, most recent activity first.
pub(crate) fn conversation_page(project: &Project, keep: impl Fn(&Conversation) -> bool, limit: Option<i64>, offset: Option<i64>) -> Reply {
    let mut all: Vec<&ConversationRecord> = project.conversations.values().filter(|c| keep(&c.conversation)).collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.last_ms));
    let all: Vec<Conversation> = all.into_iter().map(|c| c.conversation.clone()).collect();
    let OffsetPage { items, has_more, total } = offset_page(all, limit, offset, 20);
    Reply::json(ConversationList { data: items, has_more: Some(has_more), total: Some(total), ..Default::default() })
}

/// The conversation with its most recent messages.
fn detail(project: &Project, id: &str, message_limit: i64) -> Result<Conversation, Failure> {
    let record = find(project, id)?;
    let page = messages::cursor_page(project.conversation_messages(id), Some(message_limit), None, None);
    let capabilities = ConversationCapabilities {
        available_channels: Some(vec![record.conversation.channel.as_ref().map_or("sms".into(), |c| c.to_string())]),
        can_send_messages: Some(true),
        media: Some(true),
        reactions: Some(record.conversation.channel == Some(Channel::Imessage)),
        ..Default::default()
    };
    Ok(Conversation {
        messages: Some(page.items.into_iter().map(|m| messages::conversation_message(project, m)).collect()),
        capabilities: Some(capabilities),
        ..record.conversation.clone()
    })
}

pub(crate) fn list_conversations(cx: &mut Cx<'_>, p: ListConversationsParams) -> Result<Reply, Failure> {
    Ok(conversation_page(cx.project(), |_| true, p.limit, p.offset))
}

pub(crate) fn get_conversation(cx: &mut Cx<'_>, p: GetConversationParams) -> Result<Reply, Failure> {
    Ok(Reply::json(detail(cx.project(), &p.conversation_id, p.message_limit.unwrap_or(50))?))
}

pub(crate) fn update_conversation(cx: &mut Cx<'_>, p: UpdateConversationParams) -> Result<Reply, Failure> {
    let project = cx.project();
    let record = project.conversations.get_mut(&p.conversation_id).ok_or_else(|| Failure::not_found("Conversation"))?;
    if let Some(metadata) = p.metadata {
        record.conversation.metadata = metadata;
    }
    if let Some(name) = p.group_name {
        if record.conversation.is_group != Some(true) {
            return Err(Failure::bad_request("group_name applies to iMessage groups only"));
        }
        record.conversation.group_name = Some(name);
    }
    Ok(Reply::json(detail(project, &p.conversation_id, 50)?))
}

pub(crate) fn list_conversation_messages(cx: &mut Cx<'_>, p: ListConversationMessagesParams) -> Result<Reply, Failure> {
    let project = cx.project();
    find(project, &p.conversation_id)?;
    let page = messages::cursor_page(project.conversation_messages(&p.conversation_id), p.limit, p.before.as_deref(), p.after.as_deref());
    let data = page.items.iter().map(|m| messages::conversation_message(project, m)).collect();
    Ok(Reply::json(ConversationMessageList { data, has_more: Some(page.has_more), ..Default::default() }))
}

fn imessage_only(record: &ConversationRecord, what: &str) -> Result<(), Failure> {
    if record.conversation.channel != Some(Channel::Imessage) {
        return Err(Failure::bad_request(format!(
            "{what} is iMessage only; this conversation is {}",
            record.conversation.channel.as_ref().map_or("sms".into(), |c| c.to_string())
        )));
    }
    Ok(())
}

pub(crate) fn send_typing_indicator(cx: &mut Cx<'_>, p: SendTypingIndicatorParams) -> Result<Reply, Failure> {
    let record = find(cx.project(), &p.conversation_id)?;
    imessage_only(record, "a typing indicator")?;
    Ok(Reply::json(TypingIndicator {
        conversation_id: Some(p.conversation_id),
        channel: Some(Channel::Imessage),
        status: Some("sent".into()),
        ..Default::default()
    }))
}

pub(crate) fn set_chat_background(cx: &mut Cx<'_>, p: SetChatBackgroundParams) -> Result<Reply, Failure> {
    let project = cx.project();
    imessage_only(find(project, &p.conversation_id)?, "a chat background")?;
    let changed = project.backgrounds.get(&p.conversation_id) != Some(&p.image_url);
    project.backgrounds.insert(p.conversation_id.clone(), p.image_url);
    Ok(Reply::json(ChatBackground {
        conversation_id: Some(p.conversation_id),
        channel: Some(Channel::Imessage),
        has_background: Some(true),
        background_id: Some(new_id("bg")),
        background_version: Some(1),
        changed: Some(changed),
        ..Default::default()
    }))
}

pub(crate) fn remove_chat_background(cx: &mut Cx<'_>, p: RemoveChatBackgroundParams) -> Result<Reply, Failure> {
    let project = cx.project();
    imessage_only(find(project, &p.conversation_id)?, "a chat background")?;
    project.backgrounds.remove(&p.conversation_id);
    Ok(Reply::Empty)
}
