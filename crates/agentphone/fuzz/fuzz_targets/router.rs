#![no_main]
//! The sandbox's router under requests of any shape: a real route with fuzzed path parameters and
//! query, or any path at all (the `/sandbox` controls included); any method; with or without a
//! key or a sub-account; any body bytes. Every request must be answered, within five seconds,
//! without a panic and without a 5xx: bad input is the caller's error, answered with a 4xx in the
//! API's shapes. The sandbox keeps its state across inputs, so later inputs meet what earlier
//! ones created (a crash is then reproduced from the corpus in order, not always from one input).

use std::sync::OnceLock;
use std::time::Duration;

use agentphone::operations::OPERATIONS;
use agentphone_sandbox::{Sandbox, SandboxConfig};
use libfuzzer_sys::fuzz_target;

struct Harness {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        // Made-up webhook URLs must never reach beyond this machine.
        let config = SandboxConfig { loopback_webhooks_only: true, ..SandboxConfig::fast() };
        let sandbox = runtime.block_on(Sandbox::start(config)).expect("the sandbox starts");
        Harness { runtime, sandbox }
    })
}

const METHODS: [&str; 6] = ["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"];

/// `/v1/agents/{agent_id}` with each parameter replaced by `value`, percent-encoded.
fn fill(template: &str, value: &str) -> String {
    let encoded: String = value.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    template.split('/').map(|segment| if segment.starts_with('{') { encoded.as_str() } else { segment }).collect::<Vec<_>>().join("/")
}

fuzz_target!(|data: &[u8]| {
    let [selector, route, flags, rest @ ..] = data else { return };
    let (head, body) = rest.iter().position(|&b| b == 0).map_or((rest, &[][..]), |i| (&rest[..i], &rest[i + 1..]));
    let head = String::from_utf8_lossy(head);
    let (method, path) = if *route == u8::MAX {
        (METHODS[*selector as usize % METHODS.len()], format!("/{head}"))
    } else {
        let op = OPERATIONS[*route as usize % OPERATIONS.len()];
        let (value, query) = head.split_once('?').unwrap_or((&head, ""));
        let method = if selector & 0x80 == 0 { op.method.as_str() } else { METHODS[*selector as usize % METHODS.len()] };
        let path = fill(op.path, value);
        (method, if query.is_empty() { path } else { format!("{path}?{query}") })
    };
    // Faults and sinks answer 5xx on request: that is what they are for.
    if path.starts_with("/sandbox/faults") || path.starts_with("/sandbox/sink") {
        return;
    }
    let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    if flags & 1 == 0 {
        headers.push(("authorization".to_owned(), format!("Bearer sk_test_fuzz_{}", flags >> 6)));
    }
    if flags & 2 != 0 {
        headers.push(("x-sub-account-id".to_owned(), format!("sa_{}", flags >> 2)));
    }
    let harness = harness();
    let answer = harness
        .runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), harness.sandbox.request_bytes(method, &path, &headers, body.to_vec())).await });
    match answer {
        Ok(Ok((status, answer))) => assert!(status < 500, "{method} {path} answered {status}: {}", String::from_utf8_lossy(&answer)),
        // A request no HTTP server could receive (a malformed URI): nothing was sent.
        Ok(Err(_)) => {}
        Err(_) => panic!("{method} {path} did not answer within 5 s"),
    }
});
