//! The sandbox in-process, for `agentphone-rs/testing`, and the `agentphone` command for the
//! package's `bin`: both only in the native addon (the wasm build has no sockets to serve on).

use std::sync::{Arc, Mutex};

use agentphone_sandbox::{Sandbox, SandboxOptions};
use napi_derive::napi;
use serde_json::Value;

#[napi(object)]
pub struct SandboxAnswer {
    pub status: u32,
    pub body: Value,
    /// For a status of 400 or more, the answer in one line, as the client words API errors.
    pub refusal: Option<String>,
}

#[napi]
pub struct NativeSandbox {
    /// `None` once closed.
    sandbox: Mutex<Option<Arc<Sandbox>>>,
    url: String,
}

#[napi]
impl NativeSandbox {
    /// Starts a sandbox on a free loopback port. `options`: the fields of `SandboxOptions`
    /// (snake_case: `testing.js` converts).
    #[napi(factory)]
    pub async fn start(options: Value) -> napi::Result<NativeSandbox> {
        let options = SandboxOptions::from_json(options).map_err(napi::Error::from_reason)?;
        let sandbox = Sandbox::start(options.config())
            .await
            .map_err(|e| napi::Error::from_reason(format!("the sandbox cannot listen on 127.0.0.1: {e}")))?;
        Ok(NativeSandbox { url: sandbox.url(), sandbox: Mutex::new(Some(Arc::new(sandbox))) })
    }

    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// One request to the sandbox, in-process.
    #[napi]
    pub async fn request(&self, method: String, path: String, api_key: Option<String>, body: Option<Value>) -> napi::Result<SandboxAnswer> {
        let sandbox = self.sandbox.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let sandbox = sandbox.ok_or_else(|| napi::Error::from_reason("the sandbox is closed"))?;
        let (status, body) = sandbox.request(&method, &path, api_key.as_deref(), body.as_ref()).await.map_err(napi::Error::from_reason)?;
        let refusal = (status >= 400).then(|| agentphone::ffi::errors::refusal(status, &body));
        Ok(SandboxAnswer { status: u32::from(status), body, refusal })
    }

    /// Stops the server and resolves once it has (see `Sandbox::close`). Idempotent.
    #[napi]
    pub async fn close(&self) {
        let sandbox = self.sandbox.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(sandbox) = sandbox {
            sandbox.close().await;
        }
    }
}

/// Runs the command line `argv` (the program name first) to the end and answers its exit status.
/// It blocks: it is the whole of `bin/agentphone.js`. The command runs on a thread of its own so
/// that its runtime never nests in the addon's.
#[napi]
pub fn cli_main(argv: Vec<String>) -> u32 {
    let command = std::thread::spawn(move || agentphone_cli::main(argv));
    u32::from(command.join().unwrap_or(1))
}
