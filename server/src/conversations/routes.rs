//! okchat's conversation endpoints (Get A Conversation, Get Conversations, Get Messages) and
//! chatdeck's additions (filters, export, takeover and a person's replies).

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use okchat::{
    ConversationReply, ConversationUpdate, ExportFormat, Message, MessageEnvelope, Page, Session,
    SessionEnvelope,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, LastMessageForm};
use crate::chatbots::routes::chatbot_id;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{JsonObject, Org};
use crate::http::paging::Paging;
use crate::openapi::errors::*;
use crate::openapi::params::{ChatbotPath, ConversationPath, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        // A path of its own: the router prefers it over `{session_id}`.
        .routes(routes!(export))
        .routes(routes!(one, update))
        .routes(routes!(messages, reply))
}

#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/conversations",
    operation_id = "getConversations",
    tag = "conversations",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        PageQuery,
        ("state" = Option<String>, Query, description = "`in_progress` or `closed`"),
        ("from" = Option<String>, Query, description = "Only conversations updated at or after this date or RFC 3339 time"),
        ("to" = Option<String>, Query, description = "Only conversations updated at or before this date or RFC 3339 time"),
        ("q" = Option<String>, Query, description = "Only conversations whose messages contain this text"),
    ),
    responses(
        (status = 200, description = "One page of conversations, the latest first", body = Page<Session>),
        BadRequest, Unauthorized, NotFound, Internal,
    ),
)]
async fn list(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Page<Session>>> {
    let id = chatbot_id(&id)?;
    let paging = Paging::from_query(&query)?;
    let filter = service::filter_from_query(&query)?;
    let (data, total) = service::list(&state.store, &org, &id, &filter, paging).await?;
    Ok(Json(Page {
        data,
        metadata: paging.meta(total),
    }))
}

#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/conversations/{session_id}",
    operation_id = "getAConversation",
    tag = "conversations",
    security(("api_key" = [])),
    params(
        ConversationPath,
    ),
    responses(
        (status = 200, description = "The conversation", body = SessionEnvelope),
        Unauthorized, NotFound, Internal,
    ),
)]
async fn one(
    State(state): State<AppState>,
    Org(org): Org,
    Path((id, session_id)): Path<(String, String)>,
) -> ApiResult<Json<SessionEnvelope>> {
    let id = chatbot_id(&id)?;
    let session_id = service::session_id(&session_id)?;
    let record = service::get(&state.store, &org, &id, &session_id).await?;
    Ok(Json(SessionEnvelope {
        session: service::session_to_api(&record, LastMessageForm::Text),
    }))
}

#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/conversations/{session_id}/messages",
    operation_id = "getMessages",
    tag = "conversations",
    security(("api_key" = [])),
    params(
        ConversationPath,
        PageQuery,
    ),
    responses(
        (status = 200, description = "One page of messages, oldest first", body = Page<Message>),
        BadRequest, Unauthorized, NotFound, Internal,
    ),
)]
async fn messages(
    State(state): State<AppState>,
    Org(org): Org,
    Path((id, session_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Page<Message>>> {
    let id = chatbot_id(&id)?;
    let session_id = service::session_id(&session_id)?;
    let paging = Paging::from_query(&query)?;
    let (data, total) = service::messages(&state.store, &org, &id, &session_id, paging).await?;
    Ok(Json(Page {
        data,
        metadata: paging.meta(total),
    }))
}

/// chatdeck addition: a person takes the conversation over, hands it back, or closes it.
#[utoipa::path(
    patch,
    path = "/api/external/chatbot/{chatbot_id}/conversations/{session_id}",
    operation_id = "updateConversation",
    tag = "conversations",
    security(("api_key" = [])),
    params(
        ConversationPath,
    ),
    request_body = ConversationUpdate,
    responses(
        (status = 200, description = "Updated", body = SessionEnvelope),
        BadRequest, Unauthorized, NotFound, Conflict, PayloadTooLarge, Internal,
    ),
)]
async fn update(
    State(state): State<AppState>,
    Org(org): Org,
    Path((id, session_id)): Path<(String, String)>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<SessionEnvelope>> {
    let id = chatbot_id(&id)?;
    let session_id = service::session_id(&session_id)?;
    let session = service::update(&state.store, &org, &id, &session_id, body).await?;
    Ok(Json(SessionEnvelope { session }))
}

/// chatdeck addition: a person's reply in a conversation they took over.
#[utoipa::path(
    post,
    path = "/api/external/chatbot/{chatbot_id}/conversations/{session_id}/messages",
    operation_id = "replyToConversation",
    tag = "conversations",
    security(("api_key" = [])),
    params(
        ConversationPath,
    ),
    request_body = ConversationReply,
    responses(
        (status = 200, description = "Stored, and sent to the visitor's widget", body = MessageEnvelope),
        BadRequest, Unauthorized, NotFound, Conflict, PayloadTooLarge, Internal,
    ),
)]
async fn reply(
    State(state): State<AppState>,
    Org(org): Org,
    Path((id, session_id)): Path<(String, String)>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<MessageEnvelope>> {
    let id = chatbot_id(&id)?;
    let session_id = service::session_id(&session_id)?;
    let message = service::reply(&state.store, &org, &id, &session_id, body).await?;
    Ok(Json(MessageEnvelope { message }))
}

/// Streams the export; `format` is required so a client never guesses what it gets.
/// chatdeck addition: every matching conversation with its messages, streamed as a download.
#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/conversations/export",
    operation_id = "exportConversations",
    tag = "conversations",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("format" = inline(ExportFormat), Query, description = "`csv` or `jsonl`"),
        ("state" = Option<String>, Query, description = "`in_progress` or `closed`"),
        ("from" = Option<String>, Query, description = "Only conversations updated at or after this date or RFC 3339 time"),
        ("to" = Option<String>, Query, description = "Only conversations updated at or before this date or RFC 3339 time"),
        ("q" = Option<String>, Query, description = "Only conversations whose messages contain this text"),
    ),
    responses(
        (status = 200, description = "CSV (one row per message) or JSON Lines (one conversation per line)", content((String = "text/csv"), (String = "application/x-ndjson"))),
        BadRequest, Unauthorized, NotFound, Internal,
    ),
)]
async fn export(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let id = chatbot_id(&id)?;
    let format = match query.get("format").map(|f| f.trim()) {
        Some("csv") => ExportFormat::Csv,
        Some("jsonl") => ExportFormat::Jsonl,
        _ => return Err(ApiError::field("format", "must be \"csv\" or \"jsonl\"")),
    };
    let filter = service::filter_from_query(&query)?;
    crate::chatbots::service::get(&state.store, &org, &id).await?;
    let file_name = format!(
        "conversations-{}-{}.{}",
        &id[..8],
        &crate::time::now()[..10],
        format.as_str()
    );
    let body = Body::from_stream(super::export::stream(
        state.store.clone(),
        org,
        id,
        filter,
        format,
    ));
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(super::export::content_type(format)),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
                .map_err(ApiError::internal)?,
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, body).into_response())
}
