//! okchat's conversation endpoints (Get A Conversation, Get Conversations, Get Messages) and
//! chatdeck's additions (filters, export, takeover and a person's replies).

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use okchat::{ExportFormat, Message, MessageEnvelope, Page, Session, SessionEnvelope};

use super::service::{self, LastMessageForm};
use crate::chatbots::routes::chatbot_id;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{JsonObject, Org};
use crate::http::paging::Paging;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/external/chatbot/{chatbot_id}/conversations",
            get(list),
        )
        // A path of its own: the router prefers it over `{session_id}`.
        .route(
            "/api/external/chatbot/{chatbot_id}/conversations/export",
            get(export),
        )
        .route(
            "/api/external/chatbot/{chatbot_id}/conversations/{session_id}",
            get(one).patch(update),
        )
        .route(
            "/api/external/chatbot/{chatbot_id}/conversations/{session_id}/messages",
            get(messages).post(reply),
        )
}

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
