//! Sandboxes, clients and raw requests for the sandbox's tests.

use agentphone::*;
use agentphone_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

pub fn key() -> String {
    format!("sk_test_{:016x}", fastrand::u64(..))
}

pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::fast()).await.unwrap()
}

pub fn client(sandbox: &Sandbox, key: &str) -> Client {
    Client::builder().api_key(key).base_url(sandbox.url()).max_retries(0).build().unwrap()
}

/// Raw HTTP, for requests the client's own validation would stop.
pub async fn raw(sandbox: &Sandbox, key: Option<&str>, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let mut request = http.request(method.parse().unwrap(), format!("{}{path}", sandbox.url()));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub async fn agent_with_number(client: &Client, voice_mode: VoiceMode) -> (Agent, PhoneNumber) {
    let agent = client
        .agents()
        .create(&CreateAgentParams { name: "Ava".into(), voice_mode: Some(voice_mode), ..Default::default() })
        .await
        .unwrap();
    let number = client
        .numbers()
        .buy(&BuyNumberParams { area_code: Some("415".into()), agent_id: Some(agent.id.clone()), ..Default::default() })
        .await
        .unwrap();
    (agent, number)
}

pub fn send(agent: &Agent, to: &str, body: &str) -> SendMessageParams {
    SendMessageParams { agent_id: Some(agent.id.clone()), to_number: Some(to.into()), body: Some(body.into()), ..Default::default() }
}
