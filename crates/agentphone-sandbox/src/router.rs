//! The sandbox's HTTP surface: every operation of the table, the `/sandbox` control routes,
//! CORS for browsers, and a request id on every answer.

use std::sync::Arc;

use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use tower_http::cors::CorsLayer;

use crate::error_reply::Failure;
use crate::state::World;
use crate::{console, control, ids};

pub(crate) fn router(world: Arc<World>) -> axum::Router {
    let cors = CorsLayer::permissive().expose_headers([
        axum::http::HeaderName::from_static("x-request-id"),
        axum::http::HeaderName::from_static("retry-after"),
        axum::http::HeaderName::from_static("content-disposition"),
    ]);
    crate::generated::routes::api_routes()
        .merge(control::routes())
        .merge(console::routes())
        .fallback(|| async { Failure::not_found("Route").into_response() })
        .layer(cors)
        .layer(axum::middleware::map_response(add_request_id))
        .with_state(world)
}

async fn add_request_id(mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&ids::new_id("req")) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
