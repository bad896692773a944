//! A webhook receiver on loopback for the sandbox's tests: records each delivery with its headers,
//! and answers voice turns with whatever the test scripted.

#![allow(dead_code, clippy::unwrap_used)]

pub use clients::*;

mod clients;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone)]
pub struct Delivery {
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Delivery {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

type Answer = dyn Fn(&serde_json::Value) -> (u16, &'static str, String) + Send + Sync;

#[derive(Debug)]
pub struct Receiver {
    pub url: String,
    seen: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    /// `answer(event)` gives status, content type and body.
    pub async fn start(answer: impl Fn(&serde_json::Value) -> (u16, &'static str, String) + Send + Sync + 'static) -> Self {
        let seen: Arc<Mutex<Vec<Delivery>>> = Arc::default();
        let log = seen.clone();
        let answer: Arc<Answer> = Arc::new(answer);
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let (log, answer) = (log.clone(), answer.clone());
            async move {
                let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
                let event: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                log.lock().unwrap().push(Delivery { headers, body });
                let (status, content_type, reply) = answer(&event);
                Response::builder()
                    .status(status)
                    .header("content-type", content_type)
                    .body(axum::body::Body::from(reply))
                    .unwrap()
                    .into_response()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, seen }
    }

    /// Answers 200 `{}` to everything.
    pub async fn ok() -> Self {
        Self::start(|_| (200, "application/json", "{}".into())).await
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits (up to 5 s) until `n` deliveries arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Delivery> {
        for _ in 0..500 {
            let seen = self.deliveries();
            if seen.len() >= n {
                return seen;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("expected {n} deliveries, got {}", self.deliveries().len());
    }
}
