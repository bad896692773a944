//! The Rust runner of the conformance scenarios (tests/scenarios/*.json; the format is in
//! tests/scenarios/README.md): each scenario is played through the core client against an
//! in-process sandbox, with a fresh API key.

#![allow(clippy::unwrap_used)]

mod runner;

use std::collections::BTreeSet;

use agentphone::OPERATIONS;
use agentphone_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

use runner::Scenario;

#[tokio::test(flavor = "multi_thread")]
async fn conformance_scenarios() {
    let sandbox = Sandbox::start(SandboxConfig::fast()).await.unwrap();
    let (mut scenarios, mut steps, mut failures) = (0, 0, Vec::new());
    let mut covered = BTreeSet::new();
    for doc in runner::scenarios() {
        scenarios += 1;
        let mut run = Scenario::new(&sandbox.url());
        for (i, step) in doc.steps.iter().enumerate() {
            steps += 1;
            if let Some(op) = step.get("call").and_then(Value::as_str) {
                covered.insert(op.to_owned());
            }
            if let Err(problem) = run.step(step).await {
                failures.push(format!("{} / step {}: {problem}", doc.title, i + 1));
                break;
            }
        }
    }
    let missing: Vec<&str> = OPERATIONS.iter().map(|op| op.id).filter(|id| !covered.contains(*id)).collect();
    println!(
        "conformance: {scenarios} scenarios, {steps} steps, {} of {} operations covered",
        OPERATIONS.len() - missing.len(),
        OPERATIONS.len()
    );
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
    assert!(missing.is_empty(), "operations no scenario calls: {missing:?}");
}
