//! Chat (`POST /api/external/chatbot/{chatbotId}/chat?stream=`): okchat's non-stream answer,
//! or the Vercel AI SDK data stream (protocol v1) with `stream=true`.

use std::collections::HashMap;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream;
use okchat::{ChatRequest, ChatResponse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service;
use crate::chatbots::routes::chatbot_id;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{JsonObject, Org};
use crate::openapi::errors::*;
use crate::openapi::params::ChatbotPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(chat))
}

/// `stream` as okchat sends it: the string `true` or `false`; absent means `false`.
pub fn wants_stream(query: &HashMap<String, String>) -> ApiResult<bool> {
    match query.get("stream").map(|s| s.trim()) {
        None | Some("false") | Some("") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::field("stream", "must be \"true\" or \"false\"")),
    }
}

#[utoipa::path(
    post,
    path = "/api/external/chatbot/{chatbot_id}/chat",
    operation_id = "chat",
    tag = "chat",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("stream" = Option<String>, Query, description = "`true` for the Vercel AI SDK data stream (protocol v1), `false` (the default) for one JSON answer"),
    ),
    request_body = ChatRequest,
    responses(
        (status = 200, description = "The answer: JSON, or with `stream=true` the AI SDK data stream (`0:\"text\"` lines, then `e:` and `d:` finish parts)", content((ChatResponse = "application/json"), (String = "text/plain"))),
        BadRequest, Unauthorized, NotFound, Conflict, PayloadTooLarge, Internal, Upstream,
    ),
)]
async fn chat(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    let id = chatbot_id(&id)?;
    let stream = wants_stream(&query)?;
    let started =
        service::start(&state.store, &state.knowledge, &state.chat, &org, &id, body).await?;
    if !stream {
        return Ok(Json(service::collect(started).await?).into_response());
    }
    Ok(data_stream(service::frames(started)))
}

/// The frames as the protocol's lines, each sent as soon as it is made.
pub fn data_stream(frames: tokio::sync::mpsc::Receiver<okchat::StreamPart>) -> Response {
    data_stream_of(frames, |_| true)
}

/// The frames `keep` lets through, as the protocol's lines.
pub fn data_stream_of(
    frames: tokio::sync::mpsc::Receiver<okchat::StreamPart>,
    keep: fn(&okchat::StreamPart) -> bool,
) -> Response {
    let lines = stream::unfold(frames, move |mut frames| async move {
        loop {
            let part = frames.recv().await?;
            if keep(&part) {
                return Some((Ok::<_, Infallible>(Bytes::from(part.to_line())), frames));
            }
        }
    });
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        ),
        (
            HeaderName::from_static("x-vercel-ai-data-stream"),
            HeaderValue::from_static("v1"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        // Proxies such as nginx would otherwise hold the tokens back until a buffer fills.
        (
            HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        ),
    ];
    (headers, Body::from_stream(lines)).into_response()
}
