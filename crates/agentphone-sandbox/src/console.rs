//! The browser console at `/console/`: a single-page app (`console/`) on the npm package's wasm
//! build, embedded at build time (`build.rs`). Every answer carries a strict Content-Security-Policy:
//! scripts only from here (the inline import map allowed by its hash), wasm compiled, styles from
//! files only, no frames, forms or plugins; connections to this sandbox, to HTTPS hosts (another
//! API) and to loopback (another sandbox).

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::error_reply::Failure;
use crate::state::World;

include!(concat!(env!("OUT_DIR"), "/console_assets.rs"));

pub(crate) fn routes() -> Router<Arc<World>> {
    Router::new()
        .route("/console", get(|| async { Redirect::permanent("/console/") }))
        .route("/console/", get(|| async { asset("index.html") }))
        .route("/console/{*path}", get(|Path(path): Path<String>| async move { asset(&path) }))
}

/// Whether this build carries the console (it needs the wasm build when compiled).
pub fn built() -> bool {
    MISSING.is_empty()
}

fn asset(name: &str) -> Response {
    if !built() {
        return not_built();
    }
    match ASSETS.iter().find(|(path, _)| *path == name) {
        Some((path, bytes)) => (StatusCode::OK, headers(content_type(path)), *bytes).into_response(),
        None => Failure::not_found("Console file").into_response(),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map_or("", |(_, extension)| extension) {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

fn policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        format!(
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {IMPORT_MAP_HASH}; style-src 'self'; img-src 'self' data:; \
             media-src 'self' blob:; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
        )
    })
}

fn headers(content_type: &'static str) -> [(HeaderName, HeaderValue); 5] {
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(policy()).unwrap_or(HeaderValue::from_static("default-src 'none'"))),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ]
}

/// What a sandbox built without the wasm build answers at `/console/`.
fn not_built() -> Response {
    let page = format!(
        "<!doctype html><meta charset=utf-8><title>AgentPhone console</title><h1>The console is not in this build</h1>\
         <p>It runs on the package's wasm build, which was missing when this sandbox was compiled:</p><ul>{}</ul>\
         <p>Run <code>bash scripts/wasm-build.sh</code>, then build again (the test and dist commands do both).</p>",
        MISSING.iter().map(|path| format!("<li><code>{path}</code></li>")).collect::<String>()
    );
    (StatusCode::SERVICE_UNAVAILABLE, headers("text/html; charset=utf-8"), page).into_response()
}
