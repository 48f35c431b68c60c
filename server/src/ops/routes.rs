//! `/healthz`, `/readyz`, `/metrics`, and the middleware that times every request.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

/// Live: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "operations",
    responses((status = 200, description = "`ok`", content_type = "text/plain", body = String)),
)]
async fn healthz() -> &'static str {
    "ok"
}

/// What `/readyz` answers.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Readiness {
    /// `ready` or `unavailable`.
    status: String,
    /// `database` and `files`: `ok` or `unavailable`.
    checks: std::collections::BTreeMap<String, String>,
}

/// Ready when the database answers a query and the file storage takes a write. A load balancer
/// sends no traffic to an instance answering 503; the body says which part failed (no detail
/// of the error: that goes to the log).
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers and file storage takes writes", body = Readiness),
        (status = 503, description = "A part is unavailable (named in `checks`)", body = Readiness),
    ),
)]
async fn readyz(State(state): State<AppState>) -> Response {
    let database = match state.store.ping().await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "readiness: the database does not answer");
            "unavailable"
        }
    };
    let mut files = "ok";
    for storage in [&state.files, &state.knowledge.files] {
        if let Err(error) = storage.check().await {
            tracing::warn!(%error, "readiness: file storage does not take writes");
            files = "unavailable";
        }
    }
    let ready = database == "ok" && files == "ok";
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "unavailable" },
        "checks": { "database": database, "files": files },
    });
    (status, Json(body)).into_response()
}

/// The measurements, for a bearer of `CHATDECK_METRICS_TOKEN`; not served without one.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "operations",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus (OpenMetrics) text", content_type = "application/openmetrics-text", body = String),
        (status = 401, description = "No bearer token, or not the right one"),
        (status = 404, description = "This server was started without a metrics token"),
    ),
)]
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = &state.config.ops.metrics_token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !bearer_matches(&headers, token.expose_secret()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    let queue = match state.store.pending_jobs().await {
        Ok(n) => n,
        Err(error) => {
            tracing::warn!(%error, "metrics: could not count the knowledge queue");
            -1
        }
    };
    let text = state.metrics.render(queue, state.store.pool_use());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

/// Compares digests, so the comparison takes the same time whatever the guess.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    Sha256::digest(given.trim().as_bytes()) == Sha256::digest(token.as_bytes())
}

/// Counts and times each request under its route's template; requests no route matched
/// (static files, unknown paths) share the route label `unmatched`, so a scan of random
/// paths adds no series.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = match request.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_owned(),
        _ => "OTHER".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.observe_request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}
