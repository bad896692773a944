//! Sequential `agents.get` latency through the core against bare reqwest on the same route (the
//! floor), and the core's concurrent throughput (1000 lists, 20 at a time):
//! `cargo run --release -p agentphone --example latency -- <base-url> [metrics.json] [--quick]`
//! (see bench/run.sh, which judges the bindings against these figures).

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::Instant;

use agentphone::{Client, CreateAgentParams, ListAgentsParams};
use futures_util::StreamExt;

const KEY: &str = "sk_test_bench_rust";

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).expect("usage: latency <base-url> [metrics.json] [--quick]").clone();
    let quick = args.iter().any(|a| a == "--quick");
    let client = Client::builder().api_key(KEY).base_url(&url).build().unwrap();
    let agent = client.agents().create(&CreateAgentParams { name: "Bench".into(), ..Default::default() }).await.unwrap();
    let bare = reqwest::Client::new();
    let route = format!("{url}/v1/agents/{}", agent.id);
    let n = if quick { 400 } else { 2000 };
    let (mut ours, mut floor) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n + 100 {
        let started = Instant::now();
        let got = client.agents().get(&agent.id).await.unwrap();
        let core = started.elapsed().as_secs_f64() * 1e6;
        let started = Instant::now();
        let body = bare.get(&route).bearer_auth(KEY).send().await.unwrap().bytes().await.unwrap();
        let _: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let reqwest_us = started.elapsed().as_secs_f64() * 1e6;
        assert_eq!(got.id, agent.id);
        if i >= 100 {
            ours.push(core);
            floor.push(reqwest_us);
        }
    }
    let (ours, floor) = (median(ours), median(floor));
    let list = || async { client.agents().list(&ListAgentsParams::default()).await.unwrap() };
    futures_util::stream::iter(0..100).map(|_| list()).buffer_unordered(20).collect::<Vec<_>>().await;
    let started = Instant::now();
    futures_util::stream::iter(0..1000).map(|_| list()).buffer_unordered(20).collect::<Vec<_>>().await;
    let rps = 1000.0 / started.elapsed().as_secs_f64();
    println!("| Rust | agentphone core | bare reqwest | core/reqwest |");
    println!("|---|---|---|---|");
    println!("| sequential agents.get ({n} calls, median) | {ours:.1} µs | {floor:.1} µs | {:.2} |", ours / floor);
    println!("| concurrent throughput (1000 lists, 20 at a time) | {rps:.0} req/s | – | – |");
    if let Some(path) = args.get(2).filter(|a| !a.starts_with("--")) {
        let metrics = serde_json::json!({"get_core": ours, "get_reqwest": floor, "concurrent_rps_core": rps});
        std::fs::write(path, metrics.to_string()).unwrap();
    }
}
