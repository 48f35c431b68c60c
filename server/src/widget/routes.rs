//! The public widget routes (`/api/public/chatbots/{chatbotId}/…`): no key, CORS without
//! credentials, the bot's origin allow-list, and rate limits on chat messages.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Json;
use okchat::{
    ChatRequest, ChatResponse, Feedback, PublicChatbotResponse, PublicMessage, PublicMessages,
};
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service;
use crate::chat;
use crate::chatbots::routes::chatbot_id;
use crate::chatbots::store::ChatbotRecord;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::JsonObject;
use crate::http::origin::is_own_origin;
use crate::openapi::errors::*;
use crate::openapi::params::{ChatbotPath, OriginHeader, VisitorPath};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    // Any site may ask (the answer then says whether the bot allows it), never with cookies:
    // the allow-list is the bot's, so it is checked by the handlers, which know the bot.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::PATCH])
        .allow_headers([header::CONTENT_TYPE])
        .expose_headers([header::RETRY_AFTER])
        .max_age(Duration::from_secs(600));
    let routes = OpenApiRouter::new()
        .routes(routes!(chatbot))
        .routes(routes!(chat))
        .routes(routes!(thread))
        .routes(routes!(feedback))
        // Not an endpoint: the JSON 404 for every path under the prefix that none matched.
        .route("/api/public/{*rest}", any(crate::error::api_not_found));
    crate::openapi::map_router(routes, |router| {
        router
            .method_not_allowed_fallback(crate::error::method_not_allowed)
            .layer(cors)
    })
}

/// The body of a visitor's feedback on an answer.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct FeedbackBody {
    /// `null` takes the feedback back.
    feedback: Option<Feedback>,
}

/// The bot behind `raw_id`, if it takes public traffic from the requesting site.
async fn allowed_bot(
    state: &AppState,
    raw_id: &str,
    headers: &HeaderMap,
) -> ApiResult<ChatbotRecord> {
    let bot = service::visible(&state.store, &chatbot_id(raw_id)?).await?;
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    // The frame's own requests carry the origin the browser sees, which behind a proxy that
    // terminates TLS need not be the one this server works out: any scheme on its host counts.
    service::allow_origin(&bot, origin, |origin| {
        is_own_origin(state.config.public_url.as_deref(), headers, origin)
    })?;
    Ok(bot)
}

/// What the widget shows of a chatbot: its name, branding, greeting and language.
#[utoipa::path(
    get,
    path = "/api/public/chatbots/{chatbot_id}",
    operation_id = "getPublicChatbot",
    tag = "public",
    params(
        ChatbotPath,
        OriginHeader,
    ),
    responses(
        (status = 200, description = "The chatbot's public face", body = PublicChatbotResponse),
        Forbidden, NotFound, Internal,
    ),
)]
async fn chatbot(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<PublicChatbotResponse>> {
    let bot = allowed_bot(&state, &id, &headers).await?;
    Ok(Json(service::view(&bot)))
}

/// A visitor's message: the answer, as Chat gives it, without tool calls or provider details.
#[utoipa::path(
    post,
    path = "/api/public/chatbots/{chatbot_id}/chat",
    operation_id = "publicChat",
    tag = "public",
    params(
        ChatbotPath,
        ("stream" = Option<String>, Query, description = "`true` for the AI SDK data stream, `false` (the default) for one JSON answer"),
        OriginHeader,
    ),
    request_body = ChatRequest,
    responses(
        (status = 200, description = "The answer: JSON, or with `stream=true` the AI SDK data stream", content((ChatResponse = "application/json"), (String = "text/plain"))),
        BadRequest, Forbidden, NotFound, Conflict, PayloadTooLarge, RateLimited, Internal, Upstream,
    ),
)]
async fn chat(
    State(state): State<AppState>,
    Visitor(visitor): Visitor,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> ApiResult<Response> {
    let bot = allowed_bot(&state, &id, &headers).await?;
    let stream = chat::routes::wants_stream(&query)?;
    let body = service::chat_body(body)?;
    state
        .limits
        .check(visitor, &bot.id)
        .await?
        .map_err(|limited| {
            ApiError::rate_limited(
                "Too many messages: please wait a moment before sending another.",
                limited.retry_after,
            )
        })?;
    let started = chat::service::start(
        &state.store,
        &state.knowledge,
        &state.chat,
        &bot.organization_id,
        &bot.id,
        body,
    )
    .await?;
    if !stream {
        let answer = chat::service::collect(started).await?;
        return Ok(Json(service::public_answer(answer)).into_response());
    }
    Ok(chat::routes::data_stream_of(
        chat::service::frames(started),
        service::public_frame,
    ))
}

/// The visitor's conversation, for a widget that reloads or waits for a person's reply.
#[utoipa::path(
    get,
    path = "/api/public/chatbots/{chatbot_id}/sessions/{token}/messages",
    operation_id = "getPublicMessages",
    tag = "public",
    params(
        VisitorPath,
        ("after" = Option<String>, Query, description = "Only messages after the one with this id"),
        OriginHeader,
    ),
    responses(
        (status = 200, description = "The conversation's messages", body = PublicMessages),
        BadRequest, Forbidden, NotFound, Internal,
    ),
)]
async fn thread(
    State(state): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult<Json<PublicMessages>> {
    let bot = allowed_bot(&state, &id, &headers).await?;
    let token = service::session_token(&token)?;
    let after = query.get("after").map(String::as_str);
    Ok(Json(
        service::thread(&state.store, &bot, token, after).await?,
    ))
}

/// A visitor's thumbs up or down on an answer.
#[utoipa::path(
    patch,
    path = "/api/public/chatbots/{chatbot_id}/sessions/{token}/messages/{message_id}",
    operation_id = "publicFeedback",
    tag = "public",
    params(
        VisitorPath,
        ("message_id" = String, Path, description = "The answer's id"),
        OriginHeader,
    ),
    request_body = FeedbackBody,
    responses(
        (status = 200, description = "The answer with its feedback", body = PublicMessage),
        BadRequest, Forbidden, NotFound, PayloadTooLarge, Internal,
    ),
)]
async fn feedback(
    State(state): State<AppState>,
    Path((id, token, message_id)): Path<(String, String, String)>,
    headers: HeaderMap,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<PublicMessage>> {
    let bot = allowed_bot(&state, &id, &headers).await?;
    let token = service::session_token(&token)?;
    Ok(Json(
        service::feedback(&state.store, &bot, token, &message_id, body).await?,
    ))
}

/// The visitor's address: the connection's peer, or behind trusted proxies the
/// `X-Forwarded-For` entry the furthest of them added. Without either (a server not started
/// with connection info) every visitor shares one quota, which errs on the side of refusing.
struct Visitor(IpAddr);

impl FromRequestParts<AppState> for Visitor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let forwarded = forwarded_for(&parts.headers, state.config.widget.trusted_proxies);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(Visitor(
            forwarded
                .or(peer)
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

/// The address that reached the furthest of `proxies` trusted proxies: each appends the
/// address it was reached from to `X-Forwarded-For` (one header or several, in order), so it
/// is the entry `proxies` from the end. What comes before it, anyone could have written. With
/// fewer entries than proxies (a request that came past some of them), the first.
fn forwarded_for(headers: &HeaderMap, proxies: u8) -> Option<IpAddr> {
    let hops = usize::from(proxies).checked_sub(1)?;
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let entry = entries.iter().rev().nth(hops).or(entries.first())?;
    entry.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_proxy_s_entry_is_the_visitor() {
        let mut headers = HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        assert_eq!(forwarded_for(&headers, 1), "198.51.100.7".parse().ok());
        headers.append("x-forwarded-for", "192.0.2.4".parse().unwrap());
        assert_eq!(forwarded_for(&headers, 1), "192.0.2.4".parse().ok());
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(forwarded_for(&headers, 1), None);
    }

    #[test]
    fn behind_two_proxies_the_visitor_is_the_entry_the_outer_one_added() {
        let mut headers = HeaderMap::new();
        // What the visitor wrote, what the CDN added (the visitor), what the balancer added
        // (the CDN's edge), across two headers.
        headers.append("x-forwarded-for", "10.9.9.9, 203.0.113.9".parse().unwrap());
        headers.append("x-forwarded-for", "198.51.100.7".parse().unwrap());
        assert_eq!(forwarded_for(&headers, 2), "203.0.113.9".parse().ok());
        assert_eq!(forwarded_for(&headers, 3), "10.9.9.9".parse().ok());
        // Fewer entries than proxies: the furthest there is.
        assert_eq!(forwarded_for(&headers, 9), "10.9.9.9".parse().ok());
    }

    #[test]
    fn with_no_trusted_proxy_the_header_is_not_read() {
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert_eq!(forwarded_for(&headers, 0), None);
    }
}
