//! Sequential `agents.get` latency through the core against bare reqwest on the same route (the
//! floor): `cargo run --release -p agentphone --example latency -- <base-url>` (see bench/run.sh).

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::time::Instant;

use agentphone::{Client, CreateAgentParams};

const KEY: &str = "sk_test_bench_rust";

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = std::env::args().nth(1).expect("usage: latency <base-url>");
    let client = Client::builder().api_key(KEY).base_url(&url).build().unwrap();
    let agent = client.agents().create(&CreateAgentParams { name: "Bench".into(), ..Default::default() }).await.unwrap();
    let bare = reqwest::Client::new();
    let route = format!("{url}/v1/agents/{}", agent.id);
    let n = 2000;
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
    println!("| Rust | agentphone core | bare reqwest | core/reqwest |");
    println!("|---|---|---|---|");
    println!("| sequential agents.get ({n} calls, median) | {ours:.1} µs | {floor:.1} µs | {:.2} |", ours / floor);
}
