//! Feedback, kept in the project so tests can see it arrived.

use crate::generated::requests::*;
use serde_json::json;

use crate::error_reply::Failure;
use crate::handler::{Cx, Reply};
use crate::ids::new_id;

pub(crate) fn submit_feedback(cx: &mut Cx<'_>, p: SubmitFeedbackParams) -> Result<Reply, Failure> {
    let id = new_id("fb");
    let entry = json!({"id": id, "category": p.category, "note": p.note, "request_id": p.request_id, "url": p.url, "tags": p.tags});
    cx.project().feedback.push(entry);
    Ok(Reply::Json(200, json!({"ok": true, "id": id})))
}
