//! `agentphone calls watch <id>`: follows a call live, printing each line of the transcript as it
//! is spoken and a status line, until the call ends.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use agentphone::{Call, CallStatus, Client};

/// The transcript as (speaker, words) lines, in order.
fn lines(call: &Call) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    for turn in call.transcripts.iter().flatten() {
        if let Some(said) = &turn.transcript {
            lines.push(("caller", said.clone()));
        }
        if let Some(reply) = &turn.response {
            lines.push(("agent ", reply.clone()));
        }
    }
    lines
}

/// Follows the call; returns it as it ended.
pub(crate) async fn watch(client: &Client, call_id: &str, json: bool) -> agentphone::Result<Call> {
    let started = Instant::now();
    let live = std::io::stdout().is_terminal() && !json;
    let mut printed = 0;
    let mut stdout = std::io::stdout();
    loop {
        let call = client.calls().get(call_id).await?;
        let all = lines(&call);
        if live {
            print!("\r\x1b[2K");
        }
        for (who, said) in &all[printed.min(all.len())..] {
            if json {
                println!("{}", serde_json::json!({"speaker": who.trim(), "text": said}));
            } else {
                println!("  {who}  {said}");
            }
        }
        printed = all.len();
        let status = call.status.clone().unwrap_or(CallStatus::Other("unknown".into()));
        if status != CallStatus::InProgress {
            if !json {
                let seconds = call.duration_seconds.unwrap_or(0);
                println!("  call {status} after {seconds} s ({} lines)", all.len());
            }
            return Ok(call);
        }
        if live {
            let spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'][(started.elapsed().as_millis() / 100 % 10) as usize];
            print!("  {spinner} {status} · {} s", started.elapsed().as_secs());
            let _ = stdout.flush();
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
