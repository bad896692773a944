//! Printing answers: JSON with `--json`, otherwise a table for lists and `key: value` lines for
//! single objects.

use serde_json::{Map, Value};

/// Columns worth showing first, in this order, when present.
const PREFERRED: &[&str] = &[
    "id",
    "name",
    "date",
    "month",
    "phoneNumber",
    "participant",
    "fromNumber",
    "toNumber",
    "direction",
    "status",
    "eventType",
    "httpStatus",
    "body",
    "lastMessagePreview",
    "agentId",
    "messages",
    "calls",
    "webhooks",
    "createdAt",
    "startedAt",
    "receivedAt",
];
const MAX_COLUMNS: usize = 6;
const MAX_CELL: usize = 40;

pub(crate) fn render(value: &Value, json: bool) -> String {
    if json {
        return serde_json::to_string_pretty(value).unwrap_or_default();
    }
    match value {
        Value::Null => "(none)".to_owned(),
        Value::Array(items) => table(items, None),
        Value::Object(object) => match list_of(object) {
            Some((items, total)) => table(items, total),
            None => fields(object),
        },
        other => other.to_string(),
    }
}

/// The list inside a page envelope (`data` or `items`), and its total.
fn list_of(object: &Map<String, Value>) -> Option<(&Vec<Value>, Option<i64>)> {
    let items = object.get("data").or_else(|| object.get("items"))?.as_array()?;
    let scalars_only = object.iter().all(|(k, v)| k == "data" || k == "items" || !v.is_object());
    scalars_only.then(|| (items, object.get("total").and_then(Value::as_i64)))
}

fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("[{} items]", items.len()),
        Value::Object(_) => "{…}".to_owned(),
        other => other.to_string(),
    };
    let text = printable(&text.replace('\n', " "));
    if text.chars().count() > MAX_CELL { format!("{}…", text.chars().take(MAX_CELL - 1).collect::<String>()) } else { text }
}

fn table(items: &[Value], total: Option<i64>) -> String {
    let Some(first) = items.iter().find_map(Value::as_object) else {
        return match total {
            Some(total) if total > 0 => format!("(0 shown of {total})"),
            _ => "(no items)".to_owned(),
        };
    };
    let mut columns: Vec<&str> = PREFERRED.iter().copied().filter(|c| first.contains_key(*c)).collect();
    let rest: Vec<&str> =
        first.iter().filter(|(k, v)| !v.is_object() && !v.is_array() && !columns.contains(&k.as_str())).map(|(k, _)| k.as_str()).collect();
    columns.extend(rest);
    columns.truncate(MAX_COLUMNS);
    let rows: Vec<Vec<String>> =
        items.iter().map(|item| columns.iter().map(|c| cell(item.get(*c).unwrap_or(&Value::Null))).collect()).collect();
    let widths: Vec<usize> =
        columns.iter().enumerate().map(|(i, c)| rows.iter().map(|r| r[i].chars().count()).chain([c.len()]).max().unwrap_or(0)).collect();
    let line = |cells: Vec<String>| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(columns.iter().map(|c| (*c).to_owned()).collect())];
    out.extend(rows.into_iter().map(line));
    if let Some(total) = total {
        out.push(format!("({} of {total})", items.len()));
    }
    out.join("\n")
}

/// `key  value` lines; a nested object's fields follow their key, indented, and a list of
/// objects becomes a table under its key.
fn fields(object: &Map<String, Value>) -> String {
    let shown: Vec<(&String, &Value)> = object.iter().filter(|(_, v)| !v.is_null()).collect();
    let width = shown.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let indent = |text: String| text.lines().map(|line| format!("  {line}")).collect::<Vec<_>>().join("\n");
    let line = |(key, value): (&String, &Value)| match value {
        Value::Object(inner) if !inner.values().all(Value::is_null) => format!("{key}\n{}", indent(fields(inner))),
        Value::Array(items) if items.first().is_some_and(Value::is_object) => format!("{key}\n{}", indent(table(items, None))),
        _ => format!("{key:<width$}  {}", cell(value)),
    };
    shown.into_iter().map(line).collect::<Vec<_>>().join("\n")
}

/// `-q`: the ids an answer holds, one a line (a list's items', or the object's own).
pub(crate) fn ids(value: &Value) -> String {
    let id = |item: &Value| item.get("id").and_then(Value::as_str).map(printable);
    let items = match value {
        Value::Array(items) => items.iter().filter_map(id).collect(),
        Value::Object(object) => match list_of(object) {
            Some((items, _)) => items.iter().filter_map(id).collect(),
            None => id(value).into_iter().collect(),
        },
        _ => Vec::new(),
    };
    items.join("\n")
}

/// Writes a line to stdout. A reader that went away (`agentphone agents list | head -1`) is not an
/// error of the command: what it no longer reads is dropped, where `println!` would panic.
pub(crate) fn emit(line: impl std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Text from the server as a terminal may show it: control characters (ESC, CR, BEL...) are
/// written as escapes, so a message body cannot move the cursor, recolour or clear the screen.
pub(crate) fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_become_tables() {
        let page = json!({"data": [{"id": "agt_1", "name": "Ava", "createdAt": "2025-01-15T10:30:00Z", "numbers": []}], "hasMore": false, "total": 1});
        assert_eq!(render(&page, false), "id     name  createdAt\nagt_1  Ava   2025-01-15T10:30:00Z\n(1 of 1)");
        assert_eq!(render(&json!({"data": [], "total": 0}), false), "(no items)");
    }

    /// `usage get` printed `plan  {…}`: nested objects are shown as indented fields, lists of
    /// objects as tables.
    #[test]
    fn nested_objects_read_as_sub_tables() {
        let usage = json!({"plan": {"name": "sandbox", "limits": {"numbers": 10}}, "numbers": {"used": 1}, "agents": [{"id": "agt_1", "name": "Ava"}]});
        assert_eq!(
            render(&usage, false),
            "plan\n  name    sandbox\n  limits\n    numbers  10\nnumbers\n  used  1\nagents\n  id     name\n  agt_1  Ava"
        );
    }

    #[test]
    fn control_sequences_from_the_server_are_shown_not_obeyed() {
        let message = json!({"id": "msg_1", "body": "hi\u{1b}[2J\u{1b}]0;owned\u{7}\rX"});
        let shown = render(&message, false);
        assert!(!shown.contains('\u{1b}') && !shown.contains('\r') && !shown.contains('\u{7}'), "{shown:?}");
        assert!(shown.contains("\\u{1b}[2J"), "{shown}");
        assert_eq!(printable("plain text"), "plain text");
    }

    #[test]
    fn objects_become_fields_and_json_is_json() {
        let agent = json!({"id": "agt_1", "name": "Ava", "description": null, "numbers": ["+14155550100"]});
        assert_eq!(render(&agent, false), "id       agt_1\nname     Ava\nnumbers  [1 items]");
        assert_eq!(ids(&agent), "agt_1");
        assert_eq!(ids(&json!({"data": [{"id": "a"}, {"id": "b"}], "total": 2})), "a\nb");
        assert_eq!(render(&Value::Null, false), "(none)");
        assert!(render(&agent, true).contains("\"description\": null"));
    }
}
