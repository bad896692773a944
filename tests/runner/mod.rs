//! Plays the conformance scenarios (tests/scenarios/*.json; the format is in
//! tests/scenarios/README.md) through the core client against a sandbox. Shared by the
//! conformance runner and the fault suite, which replays the same steps under injected faults.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use agentphone::ffi::by_name::{self, Answer};
use agentphone::{Client, Error, RequestOptions, RetryPolicy};
use futures_util::StreamExt;
use serde_json::{Value, json};

/// One scenario of a file.
#[derive(Debug, Clone)]
pub struct ScenarioDoc {
    /// `file / name`, for messages.
    pub title: String,
    pub steps: Vec<Value>,
}

/// Every scenario of tests/scenarios, in file order.
pub fn scenarios() -> Vec<ScenarioDoc> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    files.sort();
    let mut out = Vec::new();
    for file in &files {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for scenario in doc["scenarios"].as_array().unwrap() {
            out.push(ScenarioDoc {
                title: format!("{} / {}", file.file_name().unwrap().to_string_lossy(), scenario["name"].as_str().unwrap()),
                steps: scenario["steps"].as_array().unwrap().clone(),
            });
        }
    }
    out
}

/// A scenario being played: its own API key (its own project) and the values it saved.
pub struct Scenario {
    base: String,
    vars: BTreeMap<String, Value>,
    /// Calls made through the SDK so far (an `until` step makes several).
    pub sdk_calls: u64,
    clients: BTreeMap<String, Client>,
}

/// One HTTP client for the control endpoints of every scenario.
static CONTROL: std::sync::LazyLock<reqwest::Client> = std::sync::LazyLock::new(reqwest::Client::new);

/// `${name}` references replaced by saved values.
fn substitute(value: &Value, vars: &BTreeMap<String, Value>) -> Value {
    match value {
        Value::String(text) => {
            if let Some(name) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')).filter(|n| !n.contains('$')) {
                return vars.get(name).cloned().unwrap_or_else(|| panic!("variable {name} is not defined"));
            }
            let mut out = text.clone();
            for (name, value) in vars {
                let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                out = out.replace(&format!("${{{name}}}"), &text);
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, vars)).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), substitute(v, vars))).collect()),
        other => other.clone(),
    }
}

/// The value at a dotted path (`\.` escapes a dot inside a key); `$` is the whole value.
fn at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if path == "$" {
        return Some(value);
    }
    let mut current = value;
    for key in path.replace("\\.", "\u{0}").split('.') {
        let key = key.replace('\u{0}', ".");
        current = match current {
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            Value::Object(map) => map.get(&key)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Checks one expectation; says what differed.
fn check(answer: &Value, path: &str, expected: &Value) -> Result<(), String> {
    let found = at(answer, path);
    let ok = match expected.as_object().filter(|m| m.len() == 1 && m.keys().all(|k| k.starts_with('$'))) {
        Some(matcher) => {
            let (name, arg) = matcher.iter().next().unwrap();
            match name.as_str() {
                "$len" => {
                    found.and_then(|f| f.as_array().map(Vec::len).or_else(|| f.as_str().map(|s| s.chars().count())))
                        == arg.as_u64().map(|n| n as usize)
                }
                "$present" => found.is_some_and(|f| !f.is_null()) == arg.as_bool().unwrap(),
                "$contains" => found.and_then(Value::as_str).is_some_and(|s| s.contains(arg.as_str().unwrap())),
                "$gte" => found.and_then(Value::as_f64).is_some_and(|f| f >= arg.as_f64().unwrap()),
                other => return Err(format!("unknown matcher {other}")),
            }
        }
        None => match (found, expected) {
            (None, Value::Null) => true,
            (Some(found), expected) => found == expected || found.as_f64().is_some_and(|f| Some(f) == expected.as_f64()),
            (None, _) => false,
        },
    };
    if ok { Ok(()) } else { Err(format!("`{path}`: expected {expected}, found {}", found.map_or("nothing".to_owned(), Value::to_string))) }
}

/// The error kind as the scenarios name it (`InsufficientBalance` is `insufficient_balance`).
pub fn kind_name(error: &Error) -> String {
    let debug = format!("{:?}", error.kind());
    let mut name = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

impl Scenario {
    /// A scenario with a fresh key against the sandbox at `base`.
    pub fn new(base: &str) -> Self {
        let key = format!("sk_test_scenario_{:016x}", fastrand::u64(..));
        let vars = BTreeMap::from([("sandbox".to_owned(), json!(base)), ("key".to_owned(), json!(key))]);
        Self { base: base.to_owned(), vars, sdk_calls: 0, clients: BTreeMap::new() }
    }

    pub fn key(&self) -> &str {
        self.vars["key"].as_str().unwrap()
    }

    fn client(&mut self, key: &str) -> Client {
        let base = &self.base;
        let build = || {
            Client::builder()
                .api_key(key)
                .base_url(base)
                .retry_policy(RetryPolicy { initial_backoff: Duration::from_millis(5), ..Default::default() })
                .build()
                .unwrap()
        };
        self.clients.entry(key.to_owned()).or_insert_with(build).clone()
    }

    async fn call(&mut self, operation: &str, args: Value, key: &str, options: &RequestOptions) -> Result<Value, Error> {
        self.sdk_calls += 1;
        let client = self.client(key);
        let operation = by_name::operation(operation)?;
        if operation.is_event_stream() {
            // An event stream: follow it to its end and list the events.
            let events: Vec<Value> =
                by_name::stream(&client, operation, args, options)?.collect::<Vec<_>>().await.into_iter().collect::<Result<_, _>>()?;
            return Ok(json!({ "events": events.iter().map(|e| e["event"].clone()).collect::<Vec<_>>() }));
        }
        match by_name::call(&client, operation, args, options).await? {
            Answer::Json(value) => Ok(value),
            Answer::Binary(content) => Ok(json!({
                "contentType": content.content_type,
                "size": content.data.len(),
                "magic": String::from_utf8_lossy(&content.data[..content.data.len().min(4)]),
            })),
        }
    }

    /// A request to the sandbox's control endpoints (`"POST /sandbox/faults"`) as `key`.
    pub async fn control_as(&self, key: &str, target: &str, body: Option<Value>) -> Value {
        self.control_with(Some(key), target, body).await
    }

    /// A control request with no key: what the sandbox does for everyone (e.g. a fault on the
    /// sign-up flow, whose requests carry no key).
    #[allow(dead_code)]
    pub async fn control_unkeyed(&self, target: &str, body: Option<Value>) -> Value {
        self.control_with(None, target, body).await
    }

    async fn control_with(&self, key: Option<&str>, target: &str, body: Option<Value>) -> Value {
        let (method, path) = target.split_once(' ').unwrap();
        let mut request = CONTROL.request(method.parse().unwrap(), format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "{target}: HTTP {}", response.status());
        serde_json::from_str(&response.text().await.unwrap()).unwrap()
    }

    /// The step with saved values filled in.
    pub fn prepare(&self, step: &Value) -> Value {
        substitute(step, &self.vars)
    }

    /// The key a (prepared) step runs with.
    pub fn step_key(&self, step: &Value) -> String {
        step.get("api_key").and_then(Value::as_str).unwrap_or_else(|| self.key()).to_owned()
    }

    /// Runs a prepared step (repeating it while its `until` does not hold) and returns what the
    /// last attempt answered.
    pub async fn perform(&mut self, step: &Value, options: &RequestOptions) -> Result<Result<Value, Error>, String> {
        let key = self.step_key(step);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let outcome = if let Some(operation) = step.get("call").and_then(Value::as_str) {
                self.call(operation, step.get("args").cloned().unwrap_or(json!({})), &key, options).await
            } else {
                Ok(self.control_as(&key, step["control"].as_str().unwrap(), step.get("body").cloned()).await)
            };
            let waiting = match (&outcome, step.get("until").and_then(Value::as_object)) {
                (Ok(answer), Some(until)) => until.iter().any(|(path, expected)| check(answer, path, expected).is_err()),
                _ => false,
            };
            if !waiting {
                return Ok(outcome);
            }
            if Instant::now() > deadline {
                return Err(format!("`until` not reached: {}", outcome.map(|a| a.to_string()).unwrap_or_default()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Checks a prepared step's outcome against its `expect` / `error`, and saves its values.
    pub fn judge(&mut self, step: &Value, outcome: Result<Value, Error>) -> Result<(), String> {
        match (outcome, step.get("error").and_then(Value::as_str)) {
            (Ok(answer), None) => {
                for (path, expected) in step.get("expect").and_then(Value::as_object).into_iter().flatten() {
                    check(&answer, path, expected)?;
                }
                for (name, path) in step.get("save").and_then(Value::as_object).into_iter().flatten() {
                    let value = at(&answer, path.as_str().unwrap()).ok_or_else(|| format!("nothing at `{path}` to save"))?;
                    self.vars.insert(name.clone(), value.clone());
                }
                Ok(())
            }
            (Ok(answer), Some(kind)) => Err(format!("expected a {kind} error, got {answer}")),
            (Err(error), None) => Err(format!("unexpected error: {error}")),
            (Err(error), Some(kind)) => {
                let mut problems = Vec::new();
                if kind_name(&error) != kind {
                    problems.push(format!("kind {} (not {kind}): {error}", kind_name(&error)));
                }
                if let Some(code) = step.get("error_code").and_then(Value::as_str)
                    && error.as_api().and_then(|a| a.code.as_deref()) != Some(code)
                {
                    problems.push(format!("code is not {code}: {error}"));
                }
                if let Some(field) = step.get("error_field").and_then(Value::as_str) {
                    match &error {
                        Error::Validation(v) if v.field == field => {}
                        other => problems.push(format!("field is not {field}: {other}")),
                    }
                }
                if let Some(acted) = step.get("may_have_acted").and_then(Value::as_bool)
                    && error.may_have_acted() != acted
                {
                    problems.push(format!("may_have_acted is {}: {error}", error.may_have_acted()));
                }
                if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
            }
        }
    }

    /// Plays one step as written.
    pub async fn step(&mut self, step: &Value) -> Result<(), String> {
        let step = self.prepare(step);
        let outcome = self.perform(&step, &RequestOptions::default()).await?;
        self.judge(&step, outcome)
    }
}
