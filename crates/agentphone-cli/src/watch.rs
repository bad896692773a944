//! `agentphone calls watch <id>`: follows a call live over its transcript stream, printing each
//! line as it is spoken under a status line, until the call ends.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use agentphone::{Call, Client};
use futures_util::StreamExt;

/// Follows the call; returns it as it ended.
pub(crate) async fn watch(client: &Client, call_id: &str, json: bool) -> agentphone::Result<Call> {
    let started = Instant::now();
    let live = std::io::stdout().is_terminal() && !json;
    let mut stdout = std::io::stdout();
    let mut events = Box::pin(client.calls().stream_transcript(call_id));
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    let mut lines = 0;
    loop {
        tokio::select! {
            event = events.next() => {
                let Some(event) = event.transpose()? else { break };
                if live {
                    print!("\r\x1b[2K");
                }
                match event.event.as_str() {
                    "turn" => {
                        let data = event.data.unwrap_or_default();
                        let who = if data.role.as_deref() == Some("user") { "caller" } else { "agent" };
                        let said = data.content.as_deref().unwrap_or_default();
                        if json {
                            crate::output::emit(serde_json::json!({"speaker": who, "text": said}));
                        } else {
                            crate::output::emit(format_args!("  {who:<6}  {}", crate::output::printable(said)));
                        }
                        lines += 1;
                    }
                    "ended" => break,
                    _ => {}
                }
            }
            _ = ticker.tick(), if live => {
                let spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'][(started.elapsed().as_millis() / 100 % 10) as usize];
                print!("\r\x1b[2K  {spinner} in progress · {} s", started.elapsed().as_secs());
                let _ = stdout.flush();
            }
        }
    }
    if live {
        print!("\r\x1b[2K");
    }
    let call = client.calls().get(call_id).await?;
    if !json {
        let status = call.status.as_ref().map_or_else(|| "ended".to_owned(), ToString::to_string);
        crate::output::emit(format_args!("  call {status} after {} s ({lines} lines)", call.duration_seconds.unwrap_or(0)));
    }
    Ok(call)
}
