//! The sandbox under load: SDK clients for several API keys at once doing mixed reads and writes
//! on loopback, with a fixed number of requests and a time limit. Nothing may fail, nothing of
//! one key may show up for another, and every count must add up afterwards. It prints the
//! requests, errors, leaks and latency percentiles.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agentphone::*;
use agentphone_sandbox::{Sandbox, SandboxConfig};

const TENANTS: usize = 8;
const CLIENTS_PER_TENANT: usize = 4;
const OPERATIONS_PER_CLIENT: usize = 125;
const TIME_LIMIT: Duration = Duration::from_secs(90);

/// What every client saw.
#[derive(Default)]
struct Observed {
    latencies: Vec<Duration>,
    errors: Vec<String>,
    leaks: Vec<String>,
    /// Agent ids by tenant, for the cross-tenant probes.
    agents: Vec<Vec<String>>,
}

struct Tenant {
    key: String,
    tag: String,
    client: Client,
    agent: String,
}

fn tagged(tag: &str, name: Option<&str>) -> bool {
    name.is_some_and(|n| n.starts_with(&format!("{tag}-")))
}

/// Times one request; its error, if any, is recorded.
async fn timed<T>(observed: &Mutex<Observed>, what: &str, request: impl Future<Output = Result<T>>) -> Option<T> {
    let started = Instant::now();
    let result = request.await;
    let mut observed = observed.lock().unwrap();
    observed.latencies.push(started.elapsed());
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            observed.errors.push(format!("{what}: {error}"));
            None
        }
    }
}

/// One client's share of the work: writes (agents, contacts, messages) among reads that check
/// that only this tenant's records come back, and probes for another tenant's agents.
async fn work(tenant: usize, worker: usize, tag: String, client: Client, agent: String, observed: Arc<Mutex<Observed>>) -> (u64, u64, u64) {
    let (mut agents, mut contacts, mut messages) = (0, 0, 0);
    let mut own: Vec<String> = vec![agent.clone()];
    for i in 0..OPERATIONS_PER_CLIENT {
        match i % 10 {
            0 | 5 => {
                let params = CreateAgentParams { name: format!("{tag}-w{worker}-{i}"), ..Default::default() };
                if let Some(created) = timed(&observed, "create agent", client.agents().create(&params)).await {
                    own.push(created.id.clone());
                    observed.lock().unwrap().agents[tenant].push(created.id);
                    agents += 1;
                }
            }
            1 => {
                let phone = format!("+1628555{:04}", worker * 1000 + i);
                let params = CreateContactParams { name: format!("{tag}-w{worker}-{i}"), phone_number: phone, ..Default::default() };
                if timed(&observed, "create contact", client.contacts().create(&params)).await.is_some() {
                    contacts += 1;
                }
            }
            2 | 7 => {
                let params = SendMessageParams {
                    agent_id: Some(agent.clone()),
                    to_number: Some(format!("+1650555{:04}", 1000 + worker * 200 + i)),
                    body: Some(format!("{tag} message {i}")),
                    ..Default::default()
                };
                if timed(&observed, "send message", client.messages().send(&params)).await.is_some() {
                    messages += 1;
                }
            }
            3 | 8 => {
                let params = ListAgentsParams { limit: Some(100), ..Default::default() };
                if let Some(page) = timed(&observed, "list agents", client.agents().list(&params)).await {
                    for foreign in page.data.iter().filter(|a| !tagged(&tag, a.name.as_deref())) {
                        observed.lock().unwrap().leaks.push(format!("{tag} listed agent {} ({:?})", foreign.id, foreign.name));
                    }
                }
            }
            4 => {
                let id = own[fastrand::usize(..own.len())].clone();
                if let Some(found) = timed(&observed, "get agent", client.agents().get(&id)).await
                    && !tagged(&tag, found.name.as_deref())
                {
                    observed.lock().unwrap().leaks.push(format!("{tag} read agent {id} as {:?}", found.name));
                }
            }
            6 => {
                // Another tenant's agent must not exist for this key.
                let other = (tenant + 1 + fastrand::usize(..TENANTS - 1)) % TENANTS;
                let id = {
                    let observed = observed.lock().unwrap();
                    let theirs = &observed.agents[other];
                    theirs[fastrand::usize(..theirs.len())].clone()
                };
                let started = Instant::now();
                let result = client.agents().get(&id).await;
                let mut observed = observed.lock().unwrap();
                observed.latencies.push(started.elapsed());
                match result {
                    Err(error) if error.kind() == ErrorKind::NotFound => {}
                    Err(error) => observed.errors.push(format!("cross-tenant probe: {error}")),
                    Ok(agent) => observed.leaks.push(format!("{tag} read another tenant's agent {} ({:?})", agent.id, agent.name)),
                }
            }
            _ => {
                let params = ListContactsParams { limit: Some(100), ..Default::default() };
                if let Some(page) = timed(&observed, "list contacts", client.contacts().list(&params)).await {
                    for foreign in page.data.iter().filter(|c| !tagged(&tag, c.name.as_deref())) {
                        observed.lock().unwrap().leaks.push(format!("{tag} listed contact {} ({:?})", foreign.id, foreign.name));
                    }
                }
            }
        }
    }
    (agents, contacts, messages)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread")]
async fn load_across_keys_is_isolated_and_counts_add_up() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client_for = |key: &str| Client::builder().api_key(key).base_url(sandbox.url()).build().unwrap();
    let mut tenants = Vec::new();
    for t in 0..TENANTS {
        let key = format!("sk_test_load_{t}_{:012x}", fastrand::u64(..1 << 48));
        let client = client_for(&key);
        let tag = format!("t{t}");
        let agent = client.agents().create(&CreateAgentParams { name: format!("{tag}-main"), ..Default::default() }).await.unwrap();
        client.numbers().buy(&BuyNumberParams { agent_id: Some(agent.id.clone()), ..Default::default() }).await.unwrap();
        tenants.push(Tenant { key, tag, client, agent: agent.id });
    }
    // Every tenant has an agent from the start, so every probe has a target.
    let agents = tenants.iter().map(|t| vec![t.agent.clone()]).collect();
    let observed = Arc::new(Mutex::new(Observed { agents, ..Default::default() }));

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (t, tenant) in tenants.iter().enumerate() {
        for w in 0..CLIENTS_PER_TENANT {
            // Each worker is a client of its own, as separate processes of one customer would be.
            let client = client_for(&tenant.key);
            let work = work(t, w, tenant.tag.clone(), client, tenant.agent.clone(), observed.clone());
            tasks.spawn(async move { (t, work.await) });
        }
    }
    let mut made = vec![(0u64, 0u64, 0u64); TENANTS];
    let all = async {
        while let Some(done) = tasks.join_next().await {
            let (t, (agents, contacts, messages)) = done.unwrap();
            made[t].0 += agents;
            made[t].1 += contacts;
            made[t].2 += messages;
        }
    };
    tokio::time::timeout(TIME_LIMIT, all).await.expect("the load finished within its time limit");
    let elapsed = started.elapsed();

    // Afterwards every tenant holds exactly what its clients made.
    let mut mismatches = Vec::new();
    for (tenant, (agents, contacts, messages)) in tenants.iter().zip(&made) {
        let listed = tenant.client.agents().list(&ListAgentsParams { limit: Some(1), ..Default::default() }).await.unwrap();
        let contacts_listed = tenant.client.contacts().list(&ListContactsParams { limit: Some(1), ..Default::default() }).await.unwrap();
        let usage = tenant.client.usage().get().await.unwrap();
        let sent = usage.stats.and_then(|s| s.total_messages);
        let expected = (Some((agents + 1) as i64), Some(*contacts as i64), Some(*messages as i64));
        let found = (listed.total, contacts_listed.total, sent);
        if found != expected {
            mismatches.push(format!("{}: agents, contacts, messages are {found:?}, made {expected:?}", tenant.tag));
        }
    }

    let observed = observed.lock().unwrap();
    let mut sorted = observed.latencies.clone();
    sorted.sort();
    let requests = sorted.len();
    println!(
        "load: {requests} requests from {} clients across {TENANTS} keys in {:.2} s ({:.0} req/s)\n  errors: {}\n  cross-tenant leaks: {}\n  latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        TENANTS * CLIENTS_PER_TENANT,
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        observed.errors.len(),
        observed.leaks.len(),
        percentile(&sorted, 0.50).as_secs_f64() * 1e3,
        percentile(&sorted, 0.99).as_secs_f64() * 1e3,
        sorted.last().unwrap().as_secs_f64() * 1e3,
    );
    assert_eq!(requests, TENANTS * CLIENTS_PER_TENANT * OPERATIONS_PER_CLIENT, "every planned request was made");
    assert!(observed.errors.is_empty(), "errors: {:#?}", &observed.errors[..observed.errors.len().min(20)]);
    assert!(observed.leaks.is_empty(), "leaks: {:#?}", &observed.leaks[..observed.leaks.len().min(20)]);
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
