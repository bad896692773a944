//! The `agentphone` binary against an in-process sandbox.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use agentphone::OPERATIONS;
use agentphone_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

/// The CLI's resources and verbs are the table's names in kebab-case.
fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

fn agentphone(sandbox: &Sandbox, key: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agentphone"))
        .args(args)
        .env("AGENTPHONE_BASE_URL", sandbox.url())
        .env("AGENTPHONE_API_KEY", key)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_of_the_table_is_a_command() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let table: toml::Table = include_str!("../../../spec/operations.toml").parse().unwrap();
    let doc = |id: &str| {
        let ops = table["operation"].as_array().unwrap();
        ops.iter().find(|op| op["id"].as_str() == Some(id)).and_then(|op| op["doc"].as_str()).unwrap().to_owned()
    };
    for op in OPERATIONS {
        let output = agentphone(&sandbox, "sk_test_cli", &[&kebab(op.resource), &kebab(op.name), "--help"]);
        assert!(output.status.success(), "{}.{}: {}", op.resource, op.name, String::from_utf8_lossy(&output.stderr));
        assert!(stdout(&output).contains(&doc(op.id)), "{}: the help shows the table's doc", op.id);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn creating_listing_and_reading_back() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let key = "sk_test_cli_round_trip";
    let agent = json(&agentphone(
        &sandbox,
        key,
        &["agents", "create", "--name", "Ava", "--voice-mode", "hosted", "--voice-speed", "1.2", "--json"],
    ));
    assert_eq!((agent["name"].as_str(), agent["voiceSpeed"].as_f64()), (Some("Ava"), Some(1.2)));
    let id = agent["id"].as_str().unwrap();

    let table = stdout(&agentphone(&sandbox, key, &["agents", "list"]));
    let mut lines = table.lines();
    assert!(lines.next().unwrap().starts_with("id "), "{table}");
    assert!(lines.next().unwrap().starts_with(id));
    assert_eq!(lines.last(), Some("(1 of 1)"));

    let got = json(&agentphone(&sandbox, key, &["agents", "get", id, "--json"]));
    assert_eq!(got["id"], agent["id"]);
    let updated = json(&agentphone(&sandbox, key, &["conversations", "list", "--json"]));
    assert_eq!(updated["total"], 0);
    let contact = json(&agentphone(&sandbox, key, &["contacts", "create", "--name", "Jo", "--phone-number", "(415) 555-0100", "--json"]));
    assert_eq!(contact["phoneNumber"], "+14155550100");
    let tools = r#"[{"name": "lookup", "description": "Find an order", "url": "https://tools.example/lookup"}]"#;
    let with_tools = json(&agentphone(&sandbox, key, &["agents", "update", id, "--custom-tools", tools, "--json"]));
    assert_eq!(with_tools["customTools"][0]["name"], "lookup");
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_are_clear_and_exit_codes_say_whose_fault() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let output = agentphone(&sandbox, "sk_test_cli", &["agents", "list", "--limit", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&output.stderr).trim(), "error: invalid `limit`: 0 is out of range; allowed: 1 to 100");
    let output = agentphone(&sandbox, "sk_test_cli", &["agents", "get", "agt_missing"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("HTTP 404: Agent not found"));
    let output = agentphone(&sandbox, "sk_test_cli", &["agents", "update", "agt_1", "--custom-tools", "{oops"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--custom-tools takes JSON"));
    let output = agentphone(&sandbox, "", &["agents", "list"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("no API key"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_is_watched_live_and_its_recording_saved() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let key = "sk_test_cli_calls";
    let agent = json(&agentphone(&sandbox, key, &["agents", "create", "--name", "Ava", "--voice-mode", "hosted", "--json"]));
    let id = agent["id"].as_str().unwrap();
    json(&agentphone(&sandbox, key, &["numbers", "buy", "--agent-id", id, "--json"]));
    let call = json(&agentphone(&sandbox, key, &["calls", "make", "--agent-id", id, "--to-number", "+14155550100", "--json"]));
    let call_id = call["id"].as_str().unwrap();
    let watched = agentphone(&sandbox, key, &["calls", "watch", call_id]);
    let text = stdout(&watched);
    assert!(text.contains("caller  Hello?"), "{text}");
    assert!(text.trim_end().ends_with("call completed after 12 s (6 lines)"), "{text}");
    let streamed = agentphone(&sandbox, key, &["calls", "stream-transcript", call_id, "--json"]);
    let events: Vec<Value> = stdout(&streamed).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(events[0]["event"], "connected");
    assert_eq!(events[1], serde_json::json!({"event": "turn", "data": events[1]["data"].clone()}));
    assert_eq!((events[1]["data"]["role"].as_str(), events[1]["data"]["content"].as_str()), (Some("user"), Some("Hello?")));
    assert_eq!(events.last().unwrap()["event"], "ended");
    let readable = stdout(&agentphone(&sandbox, key, &["calls", "stream-transcript", call_id]));
    assert!(readable.contains("  user   Hello?"), "{readable}");

    let file = std::env::temp_dir().join(format!("{call_id}.wav"));
    let saved = agentphone(&sandbox, key, &["calls", "get-recording", call_id, "--output", file.to_str().unwrap()]);
    assert!(stdout(&saved).starts_with("saved 192044 bytes (audio/wav)"), "{}", stdout(&saved));
    assert_eq!(&std::fs::read(&file).unwrap()[..4], b"RIFF");
    std::fs::remove_file(file).unwrap();
}

#[test]
fn the_demo_runs_end_to_end() {
    let output = Command::new(env!("CARGO_BIN_EXE_agentphone")).arg("demo").env_remove("AGENTPHONE_BASE_URL").output().unwrap();
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", String::from_utf8_lossy(&output.stderr));
    for expected in [
        "agents.create",
        "numbers.buy",
        "agents.attach_number",
        "messages.send",
        "agent.message ✓ signature verified: \"YES, see you then!\"",
        "agent   See you tonight. Goodbye!",
        "3 voice turns answered, then agent.call_ended (agent_hangup, 12 s) ✓ all verified",
        "usage.get              2 messages, 1 call, 5 webhook deliveries (5 succeeded); 1 of 10 numbers used",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_key_appears_in_no_output_under_any_error() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let key = "sk_test_SECRETcli7f3a9c2e1b0d";
    let fault = |body: Value| {
        let url = format!("{}/sandbox/faults", sandbox.url());
        let request = reqwest::Client::new().post(url).bearer_auth(key).header("content-type", "application/json").body(body.to_string());
        async move { assert!(request.send().await.unwrap().status().is_success()) }
    };
    let mut runs = Vec::new();
    runs.push(("validation", agentphone(&sandbox, key, &["agents", "list", "--limit", "0"])));
    runs.push(("not found", agentphone(&sandbox, key, &["agents", "get", "agt_missing"])));
    fault(serde_json::json!({"operation": "list_agents", "status": 500, "count": 3})).await;
    runs.push(("server error", agentphone(&sandbox, key, &["agents", "list"])));
    fault(serde_json::json!({"operation": "list_agents", "status": 429, "retry_after": 3600})).await;
    runs.push(("rate limit", agentphone(&sandbox, key, &["agents", "list", "--json"])));
    fault(serde_json::json!({"operation": "create_agent", "drop": true})).await;
    runs.push(("dropped connection", agentphone(&sandbox, key, &["agents", "create", "--name", "Ava"])));
    // A key the server refuses (malformed), given as a flag.
    let refused = "sk_SECRET!cli7f3a9c2e1b0d";
    let output = Command::new(env!("CARGO_BIN_EXE_agentphone"))
        .args(["agents", "list", "--api-key", refused])
        .env("AGENTPHONE_BASE_URL", sandbox.url())
        .env_remove("AGENTPHONE_API_KEY")
        .output()
        .unwrap();
    runs.push(("authentication", output));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let unreachable = Command::new(env!("CARGO_BIN_EXE_agentphone"))
        .args(["agents", "list"])
        .env("AGENTPHONE_BASE_URL", format!("http://{closed}"))
        .env("AGENTPHONE_API_KEY", key)
        .output()
        .unwrap();
    runs.push(("connection refused", unreachable));
    let plain_http = Command::new(env!("CARGO_BIN_EXE_agentphone"))
        .args(["agents", "list", "--base-url", "http://api.example.com"])
        .env("AGENTPHONE_API_KEY", key)
        .output()
        .unwrap();
    runs.push(("plain http refused", plain_http));
    for (what, output) in &runs {
        let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(!output.status.success(), "{what}: it failed");
        // `--json` errors are JSON, and must not leak it either.
        assert!(err.starts_with("error: ") || err.starts_with("{\"error\":{"), "{what}: says what went wrong: {err}");
        for secret in [key, refused, "SECRETcli7f3a9c2e1b0d", "7f3a9c2e1b0d"] {
            assert!(!out.contains(secret) && !err.contains(secret), "{what}: the key leaked:\n{out}\n{err}");
        }
    }
}

/// `--max-retries` and `--timeout` set the call's retries and its time in all.
#[tokio::test(flavor = "multi_thread")]
async fn retries_and_timeout_are_flags() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let key = "sk_test_cli_retries";
    let fault = |body: &str| {
        let url = format!("{}/sandbox/faults", sandbox.url());
        let (body, key) = (body.to_owned(), key.to_owned());
        async move {
            let sent = reqwest::Client::new().post(url).bearer_auth(key).header("content-type", "application/json").body(body).send();
            assert!(sent.await.unwrap().status().is_success());
        }
    };
    fault(r#"{"operation": "list_agents", "status": 503}"#).await;
    let refused = agentphone(&sandbox, key, &["agents", "list", "--max-retries", "0"]);
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("503"));
    fault(r#"{"operation": "list_agents", "status": 503}"#).await;
    assert_eq!(json(&agentphone(&sandbox, key, &["agents", "list", "--max-retries", "1", "--json"]))["data"], Value::Array(vec![]));
    fault(r#"{"operation": "list_agents", "latency_ms": 3000}"#).await;
    let late = agentphone(&sandbox, key, &["agents", "list", "--timeout", "0.3"]);
    assert!(String::from_utf8_lossy(&late.stderr).contains("no complete answer within 0.3 s"), "{}", String::from_utf8_lossy(&late.stderr));
    let wrong = agentphone(&sandbox, key, &["agents", "list", "--timeout=-1"]);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("not a positive number of seconds"));
}

/// The command line in scripts: `--all` walks every page, `-q` prints ids only, `--json` errors
/// are JSON on stderr, nested objects read as sub-tables, `calls watch` fails with the reason when
/// the call does, flags a command cannot use are not offered, and shells get completions.
#[tokio::test(flavor = "multi_thread")]
async fn scripts_get_ids_pages_json_errors_and_exit_codes() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let key = "sk_test_cli_scripts";
    let created: Vec<String> = (0..3)
        .map(|n| stdout(&agentphone(&sandbox, key, &["agents", "create", "--name", &format!("A{n}"), "-q"])).trim().to_owned())
        .collect();
    assert!(created.iter().all(|id| id.starts_with("agt_")), "{created:?}");
    let listed = stdout(&agentphone(&sandbox, key, &["agents", "list", "--limit", "2", "--all", "-q"]));
    let mut listed: Vec<&str> = listed.lines().collect();
    listed.sort_unstable();
    let mut expected: Vec<&str> = created.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(listed, expected, "three agents over two pages");
    assert_eq!(json(&agentphone(&sandbox, key, &["agents", "list", "--limit", "1", "--all", "--json"])).as_array().unwrap().len(), 3);

    let missing = agentphone(&sandbox, key, &["agents", "get", "agt_missing", "--json"]);
    assert_eq!(missing.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&missing.stderr).unwrap();
    assert_eq!((error["error"]["class"].as_str(), error["error"]["status_code"].as_u64()), (Some("NotFoundError"), Some(404)));
    assert!(error["error"]["request_id"].as_str().unwrap().starts_with("req_"));

    let usage = stdout(&agentphone(&sandbox, key, &["usage", "get"]));
    assert!(usage.contains("plan\n  name    sandbox\n  limits\n    numbers"), "{usage}");

    json(&agentphone(&sandbox, key, &["numbers", "buy", "--agent-id", &created[0], "--json"]));
    let call = json(&agentphone(&sandbox, key, &["calls", "make", "--agent-id", &created[0], "--to-number", "+14155550000", "--json"]));
    let watched = agentphone(&sandbox, key, &["calls", "watch", call["id"].as_str().unwrap()]);
    assert_eq!(watched.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&watched.stderr).contains("was not answered"), "{}", String::from_utf8_lossy(&watched.stderr));

    let help = stdout(&agentphone(&sandbox, key, &["sandbox", "--help"]));
    assert!(!help.contains("--api-key") && !help.contains("--json") && !help.contains("--max-retries"), "{help}");
    assert!(!stdout(&agentphone(&sandbox, key, &["agents", "get", "--help"])).contains("--all"));
    assert!(!stdout(&agentphone(&sandbox, key, &["calls", "get-recording", "--help"])).contains("--quiet"));
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&agentphone(&sandbox, key, &["completions", shell]));
        assert!(script.contains("agentphone") && script.contains("attach-number"), "{shell}");
    }
}

/// `AGENTPHONE_LOG=info` logs each attempt on stderr; unset, nothing is.
#[tokio::test(flavor = "multi_thread")]
async fn agentphone_log_logs_each_attempt() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let run = |level: &str| {
        Command::new(env!("CARGO_BIN_EXE_agentphone"))
            .args(["agents", "list"])
            .env("AGENTPHONE_BASE_URL", sandbox.url())
            .env("AGENTPHONE_API_KEY", "sk_test_cli_log")
            .env("AGENTPHONE_LOG", level)
            .output()
            .unwrap()
    };
    let logged = String::from_utf8_lossy(&run("info").stderr).into_owned();
    assert!(logged.starts_with("agentphone: GET /v1/agents -> 200 (list_agents, attempt 1, "), "{logged}");
    assert!(run("").stderr.is_empty());
    let wrong = String::from_utf8_lossy(&run("loud").stderr).into_owned();
    assert!(wrong.contains("\"loud\" is not a level; expected info or debug"), "{wrong}");
}

/// A reader that goes away (`agentphone completions bash | head -1`) ends the output quietly: the
/// command used to panic on the broken pipe.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentphone"))
        .args(["completions", "bash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && !stderr.contains("panicked"), "{stderr}");
}
