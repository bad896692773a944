//! The fault suite: every call step of the conformance scenarios replayed with a fault injected
//! by the sandbox on that step's route (408, 429 bare / with Retry-After seconds / with an HTTP
//! date, 500, 502, 503, 504, latency past the timeout, a dropped connection).
//!
//! - A read, or any request answered 429, recovers within the retry budget: the step's own
//!   expectations hold, and the sandbox saw the retry.
//! - A request that acts (sends, calls, buys, creates) under any other fault is sent once,
//!   never again; the error says it may have acted; and the project's counts moved by exactly
//!   what the step asked for (nothing for a fault answered before the sandbox acted, the step's
//!   own effect for a lost answer or a late one), never twice.
//! - An idempotent write (an update, a setting, a delete) whose answer was lost or late is sent
//!   again: the state ends exactly as the step asked, and what it answers describes the state
//!   after the retry (a retried delete answers 404 and says it may have acted).
//!
//! It prints the faults injected, the requests retried and the duplicates (which must be 0).

#![allow(clippy::unwrap_used)]

mod runner;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use agentphone::table::Method;
use agentphone::{OPERATIONS, RequestOptions};
use agentphone_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use runner::{Scenario, ScenarioDoc};

/// The time limit of a faulted step; the latency fault answers well after it.
const STEP_TIMEOUT: Duration = Duration::from_secs(2);

struct Fault {
    name: &'static str,
    body: Value,
    /// The shortest wait the server asked for before a retry.
    waits: Duration,
}

fn faults() -> Vec<Fault> {
    let status = |name, code: u16| Fault { name, body: json!({ "status": code }), waits: Duration::ZERO };
    vec![
        status("408", 408),
        status("429", 429),
        Fault { name: "429 Retry-After: 1", body: json!({"status": 429, "retry_after": 1}), waits: Duration::from_secs(1) },
        Fault {
            name: "429 Retry-After: <HTTP date>",
            // Two seconds ahead, written to the second: the wait is between one and two seconds.
            body: json!({"status": 429, "retry_after": 2, "retry_after_format": "http_date"}),
            waits: Duration::from_secs(1),
        },
        status("500", 500),
        status("502", 502),
        status("503", 503),
        status("504", 504),
        Fault { name: "latency past the timeout", body: json!({"latency_ms": 4000}), waits: Duration::ZERO },
        Fault { name: "dropped connection", body: json!({"drop": true}), waits: Duration::ZERO },
    ]
}

impl Fault {
    fn is_429(&self) -> bool {
        self.body["status"] == 429
    }

    /// Answered before the sandbox acted (a status), rather than after (a lost or late answer).
    fn before_acting(&self) -> bool {
        self.body.get("status").is_some()
    }
}

/// The project's counts (agents, numbers, calls, messages, ...) and requests by operation.
async fn project(run: &Scenario, key: &str) -> (BTreeMap<String, i64>, BTreeMap<String, i64>) {
    let stats = run.control_as(key, "GET /sandbox/stats", None).await;
    // A malformed key has no project: nothing to count.
    let read = |v: &Value| v.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_i64().unwrap())).collect();
    (read(&stats["project"]["counts"]), read(&stats["project"]["requests"]))
}

/// [`project`], with the requests of a keyless operation read from the sandbox's own count (its
/// replays run alone, so that count is theirs).
async fn requests_of(run: &Scenario, key: &str, keyless: bool) -> (BTreeMap<String, i64>, BTreeMap<String, i64>) {
    let (counts, requests) = project(run, key).await;
    if !keyless {
        return (counts, requests);
    }
    let stats = run.control_unkeyed("GET /sandbox/stats", None).await;
    let read = stats["by_operation"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_i64().unwrap())).collect();
    (counts, read)
}

fn delta(before: &BTreeMap<String, i64>, after: &BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    after.iter().map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0))).filter(|(_, d)| *d != 0).collect()
}

/// What each call step of a scenario changes in its project, played without faults.
async fn baseline(base: &str, doc: &ScenarioDoc) -> Vec<BTreeMap<String, i64>> {
    let mut run = Scenario::new(base);
    let mut deltas = Vec::new();
    for (i, step) in doc.steps.iter().enumerate() {
        let key = run.step_key(&run.prepare(step));
        let (before, _) = project(&run, &key).await;
        run.step(step).await.unwrap_or_else(|e| panic!("{} / step {} without faults: {e}", doc.title, i + 1));
        let (after, _) = project(&run, &key).await;
        deltas.push(delta(&before, &after));
    }
    run.control_as(run.key(), "POST /sandbox/reset", None).await;
    deltas
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// A read, or a request the server refused with 429: retried, and the step holds.
    Recovers,
    /// An idempotent write (update, set, delete) whose answer was lost: retried, state exact.
    RetriedWrite,
    /// A request that acts, under a fault that does not prove it did not: never sent again.
    SentOnce,
}

#[derive(Default)]
struct Tally {
    injected: u64,
    retried: u64,
    duplicates: u64,
    /// Acting requests that failed under a fault and said they may have acted.
    told_may_have_acted: u64,
    /// (operation, fault) pairs whose fault met a request.
    covered: BTreeSet<(String, &'static str)>,
    failures: Vec<String>,
}

/// Plays `doc` up to step `index`, injects `fault` on that step's route and checks the outcome;
/// then forgets the project (phone numbers are unique across projects).
async fn replay(
    base: String,
    doc: Arc<ScenarioDoc>,
    expected: Arc<Vec<BTreeMap<String, i64>>>,
    index: usize,
    fault: &Fault,
    tally: &std::sync::Mutex<Tally>,
) {
    let mut run = Scenario::new(&base);
    replay_in(&mut run, &doc, &expected, index, fault, tally).await;
    run.control_as(run.key(), "POST /sandbox/reset", None).await;
}

async fn replay_in(
    run: &mut Scenario,
    doc: &ScenarioDoc,
    expected: &[BTreeMap<String, i64>],
    index: usize,
    fault: &Fault,
    tally: &std::sync::Mutex<Tally>,
) {
    let where_ = format!("{} / step {} / {}", doc.title, index + 1, fault.name);
    for step in &doc.steps[..index] {
        if let Err(e) = run.step(step).await {
            tally.lock().unwrap().failures.push(format!("{where_}: before the fault: {e}"));
            return;
        }
    }
    let step = run.prepare(&doc.steps[index]);
    let operation = step["call"].as_str().unwrap().to_owned();
    let op = OPERATIONS.iter().find(|op| op.id == operation).unwrap();
    let key = run.step_key(&step);
    let keyless = op.is_account_less();
    let (counts_before, requests_before) = requests_of(run, &key, keyless).await;

    let mut body = fault.body.clone();
    body["operation"] = json!(operation);
    // The sign-up flow carries no key: its fault is for everyone (its replays run alone).
    if !keyless {
        body["api_key"] = json!(key);
    }
    if keyless {
        run.control_unkeyed("POST /sandbox/faults", Some(body)).await;
    } else {
        run.control_as(&key, "POST /sandbox/faults", Some(body)).await;
    }
    let (calls_before, started) = (run.sdk_calls, Instant::now());
    // Each attempt gets STEP_TIMEOUT, the call as a whole room for a retry after one of them.
    let options = RequestOptions { attempt_timeout: Some(STEP_TIMEOUT), timeout: Some(STEP_TIMEOUT * 4), ..Default::default() };
    let outcome = run.perform(&step, &options).await;
    let elapsed = started.elapsed();
    let cleared = if keyless {
        run.control_unkeyed("DELETE /sandbox/faults", None).await
    } else {
        run.control_as(&key, "DELETE /sandbox/faults", None).await
    };
    let unused = cleared["unused"].as_u64().unwrap();

    let (counts_after, requests_after) = requests_of(run, &key, keyless).await;
    let sent = requests_after.get(&operation).copied().unwrap_or(0) - requests_before.get(&operation).copied().unwrap_or(0);
    let sdk_calls = (run.sdk_calls - calls_before) as i64;
    let moved = delta(&counts_before, &counts_after);

    let mut problems = Vec::new();
    // What the step must do once the fault met it.
    let rule = if op.acts && !fault.is_429() {
        Rule::SentOnce
    } else if op.method != Method::Get && !fault.before_acting() {
        Rule::RetriedWrite
    } else {
        Rule::Recovers
    };
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            tally.lock().unwrap().failures.push(format!("{where_}: {e}"));
            return;
        }
    };
    let mut wanted = expected[index].clone();
    if unused > 0 {
        // The fault met no request (the step fails before sending, or is refused before the
        // fault is taken): the step must behave as written.
        if let Err(e) = run.judge(&step, outcome) {
            problems.push(format!("without its fault: {e}"));
        }
    } else if rule != Rule::SentOnce {
        match (rule, outcome) {
            // A write whose first answer was lost is sent again (it is idempotent): what it
            // answers then describes the state after it, and an error says the first may
            // have taken effect (a retried delete answers 404).
            (Rule::RetriedWrite, Ok(_)) => {}
            (Rule::RetriedWrite, Err(error)) if error.may_have_acted() => {}
            (_, outcome) => {
                if let Err(e) = run.judge(&step, outcome) {
                    problems.push(format!("did not recover: {e}"));
                }
            }
        }
        if sent <= sdk_calls {
            problems.push(format!("{sent} requests for {sdk_calls} calls: nothing was retried"));
        }
        if elapsed < fault.waits {
            problems.push(format!("retried after {elapsed:?}, before the {:?} the server asked for", fault.waits));
        }
    } else {
        match outcome {
            Ok(answer) => problems.push(format!("an acting request succeeded through a fault: {answer}")),
            Err(error) if !error.may_have_acted() => problems.push(format!("the error does not say it may have acted: {error}")),
            Err(_) => tally.lock().unwrap().told_may_have_acted += 1,
        }
        if sent != 1 {
            problems.push(format!("an acting request was sent {sent} times"));
        }
        if fault.before_acting() {
            wanted.clear();
        }
    }
    if moved != wanted {
        problems.push(format!("counts moved by {moved:?}; the step asks for {wanted:?}"));
    }
    let mut tally = tally.lock().unwrap();
    if unused == 0 {
        tally.injected += 1;
        tally.covered.insert((operation.clone(), fault.name));
    }
    tally.retried += (sent - sdk_calls).max(0) as u64;
    for (what, n) in &moved {
        let asked = wanted.get(what).copied().unwrap_or(0);
        if *n > asked && asked >= 0 {
            tally.duplicates += (*n - asked) as u64;
        }
    }
    tally.failures.extend(problems.into_iter().map(|p| format!("{where_}: {p}")));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_under_every_fault() {
    // Every route under every fault buys numbers faster than the API's per-minute limit allows,
    // which has its own test.
    let sandbox = Sandbox::start(SandboxConfig { rate_limits: false, ..SandboxConfig::fast() }).await.unwrap();
    let base = sandbox.url();
    let faults: &'static [Fault] = Box::leak(faults().into_boxed_slice());
    let tally = Arc::new(std::sync::Mutex::new(Tally::default()));
    let started = Instant::now();
    // What each step changes, played without faults before anything runs beside it.
    let mut played = Vec::new();
    for doc in runner::scenarios() {
        played.push((Arc::new(baseline(&base, &doc).await), Arc::new(doc)));
    }
    // Every call step under every fault; a step with a key of its own is refused before any
    // fault can meet it.
    let jobs = played.iter().flat_map(|(expected, doc)| {
        let steps = doc.steps.iter().enumerate().filter(|(_, step)| step.get("call").is_some() && step.get("api_key").is_none());
        steps.flat_map(move |(index, _)| faults.iter().map(move |fault| (expected.clone(), doc.clone(), index, fault)))
    });
    // The sandbox clock is shared: replays after a step that moves it run alone, at the end.
    // So do the replays of keyless operations, whose faults are everyone's.
    let (alone, together): (Vec<_>, Vec<_>) = jobs.partition(|(_, doc, index, _)| {
        let op = doc.steps[*index]["call"].as_str().and_then(|id| OPERATIONS.iter().find(|op| op.id == id));
        op.is_some_and(|op| op.is_account_less())
            || doc.steps[..*index].iter().any(|s| s.get("control").and_then(Value::as_str).is_some_and(|c| c.contains("/clock")))
    });
    // Bounded, so that a faulted step's time limit measures the fault and not the queue.
    let parallel = Arc::new(Semaphore::new(64));
    let mut tasks = tokio::task::JoinSet::new();
    for (expected, doc, index, fault) in together {
        let (base, tally, parallel) = (base.clone(), tally.clone(), parallel.clone());
        tasks.spawn(async move {
            let _slot = parallel.acquire().await.unwrap();
            replay(base, doc, expected, index, fault, &tally).await;
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    for (expected, doc, index, fault) in alone {
        replay(base.clone(), doc, expected, index, fault, &tally).await;
    }
    let tally = tally.lock().unwrap();
    let routes: BTreeSet<&str> = tally.covered.iter().map(|(op, _)| op.as_str()).collect();
    let missing: Vec<String> = OPERATIONS
        .iter()
        .flat_map(|op| faults.iter().map(move |f| (op.id, f.name)))
        .filter(|(op, f)| !tally.covered.contains(&((*op).to_owned(), *f)))
        .map(|(op, f)| format!("{op} / {f}"))
        .collect();
    println!(
        "fault suite: {} routes of {}, {} fault kinds, {:.1} s\n  faults injected: {}\n  requests retried: {}\n  acting requests that failed and said they may have acted: {}\n  duplicates: {}",
        routes.len(),
        OPERATIONS.len(),
        faults.len(),
        started.elapsed().as_secs_f64(),
        tally.injected,
        tally.retried,
        tally.told_may_have_acted,
        tally.duplicates,
    );
    assert!(missing.is_empty(), "routes and faults that never met a request: {missing:?}");
    assert!(tally.failures.is_empty(), "{} failing:\n{}", tally.failures.len(), tally.failures.join("\n"));
    assert_eq!(tally.duplicates, 0);
}
