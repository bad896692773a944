//! Wire tests: every operation is built from the requests the official SDKs send
//! (tests/wire/official-*.txt, captured on a loopback server) and must produce the same method,
//! path, query and body on the wire. Then a few pinned requests for what only this SDK does.

use std::collections::BTreeSet;
use std::path::PathBuf;

use agentphone::ffi::by_name;
use agentphone::request::RequestParts;
use agentphone::table::Method;
use agentphone::{Error, OPERATIONS};
use agentphone_sandbox::wire::{args_from_wire, route};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

struct Captured {
    label: String,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Map<String, Value>>,
    headers: Vec<(String, String)>,
}

/// Builds the request of the operation `id`, as a binding would.
fn try_build(id: &str, args: Value) -> agentphone::Result<RequestParts> {
    by_name::build(by_name::operation(id)?, args)
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn fixture(name: &str) -> String {
    let path = repo("tests/wire").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Parses `label  METHOD  /path?query  body=<json>|-  [ct=...] [X-Header=value]`.
fn parse_line(line: &str) -> Option<Captured> {
    let mut words = line.split_whitespace();
    let label = words.next()?.to_owned();
    let method: Method = words.next()?.parse().ok()?;
    let target = words.next()?;
    let rest = line.split_once(" body=")?.1;
    let (body_text, tail) = match rest.find("  ct=").or_else(|| rest.find(" X-")) {
        Some(cut) => (&rest[..cut], &rest[cut..]),
        None => (rest, ""),
    };
    let body = match body_text.trim() {
        "-" => None,
        json => match serde_json::from_str::<Value>(json).expect("captured bodies are JSON") {
            Value::Object(map) if map.is_empty() => None,
            Value::Object(map) => Some(map),
            other => panic!("{label}: body {other} is not an object"),
        },
    };
    let headers = tail
        .split_whitespace()
        .filter(|w| w.starts_with("X-"))
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    Some(Captured { label, method, path: decode(path), query, body, headers })
}

/// Turns a captured request back into the arguments a user would pass.
fn arguments(captured: &Captured) -> Option<(&'static str, Value)> {
    let (op, path_params) = route(captured.method, &captured.path)?;
    let query = captured.query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let header = |name: &str| captured.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    let args = args_from_wire(op, &path_params, query, captured.body.as_ref(), header).expect("captured arguments are valid");
    // Nothing the official SDK sent may be dropped as unknown.
    let sent = captured.query.len() + captured.body.as_ref().map_or(0, Map::len) + captured.headers.len() + path_params.len();
    assert_eq!(args.as_object().map_or(0, Map::len), sent, "{}: every wire field maps to a parameter of {}", captured.label, op.id);
    Some((op.id, args))
}

fn query_of(parts: &RequestParts) -> BTreeSet<(String, String)> {
    parts.query.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// Captured requests whose values are placeholders that fail this SDK's validation.
const PLACEHOLDER_VALUES: &[&str] = &["registration.registerA2P"];

/// Replays one official capture file; returns the operation ids it covered.
fn replay(file: &str) -> BTreeSet<&'static str> {
    let mut covered = BTreeSet::new();
    let mut unrouted = Vec::new();
    // Each line is a request, but for the sample of the headers the SDK sends (kept for reading).
    for line in fixture(file).lines().filter(|l| !l.trim().is_empty() && !l.starts_with("headers sample:")) {
        let captured = parse_line(line).unwrap_or_else(|| panic!("{file}: cannot read {line:?}"));
        let Some((id, args)) = arguments(&captured) else {
            unrouted.push(captured.label);
            continue;
        };
        if PLACEHOLDER_VALUES.contains(&captured.label.as_str()) {
            // The capture used values no server accepts ("+1415", a 1-character description);
            // this SDK refuses them before sending, as it should.
            assert!(matches!(try_build(id, args), Err(Error::Validation(_))), "{}", captured.label);
            covered.insert(id);
            continue;
        }
        let parts = try_build(id, args.clone()).unwrap_or_else(|e| panic!("{}: {id} rejected {args}: {e}", captured.label));
        let label = format!("{} ({id})", captured.label);
        assert_eq!(parts.operation.method, captured.method, "{label}: method");
        assert_eq!(decode(&parts.path), captured.path, "{label}: path");
        let expected: BTreeSet<(String, String)> = captured.query.iter().cloned().collect();
        assert_eq!(query_of(&parts), expected, "{label}: query");
        assert_eq!(parts.body, captured.body, "{label}: body");
        for (name, value) in &captured.headers {
            assert!(parts.headers.iter().any(|(n, v)| n.eq_ignore_ascii_case(name) && v == value), "{label}: header {name}");
        }
        covered.insert(id);
    }
    // Every captured request is an operation of the table: an SDK endpoint this one lacks fails here.
    assert_eq!(unrouted, Vec::<String>::new(), "{file}: requests no operation of the table matches");
    covered
}

/// The operations the official Python SDK has, as the table says (spec/openapi.json carries it).
fn official_operations() -> BTreeSet<&'static str> {
    let openapi: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("spec/openapi.json")).expect("spec/openapi.json")).expect("JSON");
    let official = |id: &str| {
        openapi["paths"].as_object().into_iter().flatten().any(|(_, methods)| {
            methods.as_object().into_iter().flatten().any(|(_, o)| o["operationId"] == id && o["x-official-python-sdk"] != false)
        })
    };
    OPERATIONS.iter().map(|op| op.id).filter(|id| official(id)).collect()
}

#[test]
fn every_operation_matches_the_official_python_sdk_on_the_wire() {
    let covered = replay("official-python-0.20.3.txt");
    let official = official_operations();
    let missing: Vec<&&str> = official.iter().filter(|id| !covered.contains(*id)).collect();
    assert!(missing.is_empty(), "operations without an official capture: {missing:?}");
    assert_eq!(covered, official);
}

#[test]
fn operations_shared_with_the_official_ts_sdk_match_it_on_the_wire() {
    let covered = replay("official-ts-1.0.17.txt");
    // The TS SDK lacks numbers update/available/lookup, registration get/update, SIP trunks,
    // verification, feedback and WhatsApp; every other operation of the official Python SDK it has.
    const LACKING: &[&str] = &["update_number", "search_available_numbers", "lookup_numbers", "get_registration", "update_registration"];
    let lacking_resource = |id: &str| {
        OPERATIONS.iter().any(|op| op.id == id && matches!(op.resource, "sip_trunks" | "verification" | "feedback" | "whatsapp"))
    };
    let expected: BTreeSet<&str> = official_operations().into_iter().filter(|id| !lacking_resource(id) && !LACKING.contains(id)).collect();
    assert_eq!(covered, expected);
}

fn build(id: &str, args: Value) -> RequestParts {
    try_build(id, args).unwrap_or_else(|e| panic!("{id}: {e}"))
}

#[test]
fn pinned_requests() {
    let parts = build("get_agent", json!({"agent_id": "agt/../1?x", "sub_account_id": "sa_9"}));
    assert_eq!(parts.path, "/v1/agents/agt%2F..%2F1%3Fx");
    assert_eq!(parts.headers, vec![("X-Sub-Account-Id", "sa_9".to_owned())]);

    let parts = build("update_conversation", json!({"conversation_id": "c1", "metadata": null}));
    assert_eq!(parts.body, Some(json!({"metadata": null}).as_object().cloned().unwrap()));
    let parts = build("update_conversation", json!({"conversation_id": "c1", "group_name": "Team"}));
    assert_eq!(parts.body, Some(json!({"group_name": "Team"}).as_object().cloned().unwrap()), "metadata not set is not sent");

    let parts = build("create_call", json!({"agentId": "agt_1", "toNumber": "(415) 555-0100"}));
    assert_eq!(parts.body, Some(json!({"agentId": "agt_1", "toNumber": "+14155550100"}).as_object().cloned().unwrap()));

    let parts = build("lookup_numbers", json!({"phone_numbers": ["415 555 0100", "+44 20 7946 0958"]}));
    assert_eq!(parts.query, vec![("phoneNumbers", "+14155550100,+442079460958".to_owned())]);

    let parts = build("list_calls", json!({}));
    assert!(parts.query.is_empty(), "defaults are the server's: nothing unset is sent");
    assert!(parts.body.is_none());

    let parts = build("test_webhook", json!({"agent_id": "agt_1", "from_": "+1415", "to_number": "+1416"}));
    assert_eq!(parts.query, vec![("agentId", "agt_1".to_owned())]);
    assert_eq!(parts.body, Some(json!({"from": "+1415", "to": "+1416"}).as_object().cloned().unwrap()));
}

fn validation(id: &str, args: Value) -> (String, String) {
    match try_build(id, args) {
        Err(Error::Validation(v)) => (v.field, v.problem),
        other => panic!("{id}: expected a validation error, got {other:?}"),
    }
}

#[test]
fn invalid_arguments_name_the_field_and_what_is_allowed() {
    let (field, problem) = validation("list_agents", json!({"limit": 0}));
    assert_eq!((field.as_str(), problem.as_str()), ("limit", "0 is out of range; allowed: 1 to 100"));
    let (field, problem) = validation("create_agent", json!({"name": "a", "voice_mode": "robot"}));
    assert_eq!(field, "voice_mode");
    assert!(problem.contains("webhook, hosted"), "{problem}");
    let (field, _) = validation("create_agent", json!({"name": "a", "voice_speed": 3.5}));
    assert_eq!(field, "voice_speed");
    let (field, problem) = validation("create_call", json!({"agent_id": "a", "to_number": "555"}));
    assert_eq!(field, "to_number");
    assert!(problem.contains("E.164"), "{problem}");
    let (field, _) = validation("set_webhook", json!({"url": "http://example.com/hook"}));
    assert_eq!(field, "url");
    let (field, _) = validation("send_message", json!({"agent_id": "a", "to_number": "+14155550100", "media_urls": ["ftp://x/y.png"]}));
    assert_eq!(field, "media_urls[0]");
    let (field, _) = validation("get_agent", json!({"agent_id": ""}));
    assert_eq!(field, "agent_id");
    let (field, problem) = validation("send_message", json!({"agent_id": "a", "body": "hi"}));
    assert_eq!(field, "to_number | recipients");
    assert!(problem.contains("none was given"), "{problem}");
    let (_, problem) =
        validation("send_message", json!({"to_number": "+14155550100", "recipients": ["+14155550101", "+14155550102"], "body": "hi"}));
    assert!(problem.contains("more than one"), "{problem}");
    let (field, _) = validation("create_contact", json!({"name": "Jane"}));
    assert_eq!(field, "phone_number");
    let (field, problem) = validation("no_such_operation", json!({}));
    assert_eq!(field, "operation");
    assert!(problem.contains("send_message"));
}
