//! The knowledge endpoints at okchat's paths (Knowledge Base Files, Get List, Delete, Update,
//! Query Knowledge) and chatdeck's additions (text, pages, chunks, originals). Handlers read
//! the request, call one service function and wrap its answer in the documented envelope.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use okchat::{
    messages, DeleteKnowledgeResponse, KnowledgeChunk, KnowledgeDocument, Page,
    QueryKnowledgeResponse, UpdateKnowledgeResponse, UploadFilesResponse,
};

use super::service::{self, Upload};
use super::store::DocumentFilter;
use crate::chatbots::routes::chatbot_id;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{JsonObject, Org};
use crate::http::paging::Paging;
use crate::state::AppState;

pub fn router(config: &super::KnowledgeConfig) -> Router<AppState> {
    // The request limit bounds what a client can make the server read; each file is held to
    // its own limit while it streams in.
    let uploads = DefaultBodyLimit::max(config.max_request_bytes);
    Router::new()
        .route("/api/embedfiles", post(upload).layer(uploads))
        .route(
            "/api/external/chatbot/{chatbot_id}/knowledge-base",
            get(list)
                .delete(delete)
                .patch(update)
                .layer(DefaultBodyLimit::max(config.max_file_bytes + 64 * 1024)),
        )
        .route(
            "/api/external/chatbot/{chatbot_id}/knowledge-base/text",
            post(add_text),
        )
        .route(
            "/api/external/chatbot/{chatbot_id}/knowledge-base/urls",
            post(add_urls),
        )
        .route(
            "/api/external/chatbot/{chatbot_id}/knowledge-base/{document_id}/chunks",
            get(chunks),
        )
        .route(
            "/api/external/chatbot/{chatbot_id}/knowledge-base/{document_id}/file",
            get(file),
        )
        .route(
            "/api/external/chatbot/{chatbot_id}/query-knowledge",
            post(query),
        )
}

fn not_multipart(part: &str) -> ApiError {
    ApiError::unsupported_media_type(format!(
        "Send the upload as multipart/form-data with the file in a part named \"{part}\"."
    ))
}

fn too_large(state: &AppState) -> ApiError {
    let mib = state.knowledge.config.max_file_bytes / (1024 * 1024);
    ApiError::payload_too_large(format!(
        "A file is larger than {mib} MiB, or the request than {} MiB.",
        state.knowledge.config.max_request_bytes / (1024 * 1024)
    ))
}

/// Reads one file part whole, refusing it past the per-file limit as soon as it gets there.
async fn read_file(
    state: &AppState,
    mut field: axum::extract::multipart::Field<'_>,
    part: &str,
) -> ApiResult<Upload> {
    let file_name = field.file_name().unwrap_or("upload").to_owned();
    let limit = state.knowledge.config.max_file_bytes;
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(state)
        } else {
            not_multipart(part)
        }
    })? {
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::payload_too_large(format!(
                "{file_name} is larger than {} MiB.",
                limit / (1024 * 1024)
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Upload {
        file_name,
        bytes: bytes.into(),
    })
}

async fn upload(
    State(state): State<AppState>,
    Org(org): Org,
    Query(query): Query<HashMap<String, String>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<UploadFilesResponse>> {
    let Some(raw_id) = query.get("chatbotId").filter(|id| !id.is_empty()) else {
        return Err(ApiError::field(
            "chatbotId",
            "is required (query parameter)",
        ));
    };
    let id = chatbot_id(raw_id)?;
    // Unknown or foreign chatbots answer 404 before any upload is read.
    crate::chatbots::service::get(&state.store, &org, &id).await?;
    let mut multipart = multipart.map_err(|_| not_multipart("files"))?;
    let mut uploads = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(&state)
        } else {
            not_multipart("files")
        }
    })? {
        if field.name() != Some("files") {
            continue;
        }
        if uploads.len() == state.knowledge.config.max_files {
            return Err(ApiError::field(
                "files",
                &format!(
                    "at most {} files per upload",
                    state.knowledge.config.max_files
                ),
            ));
        }
        uploads.push(read_file(&state, field, "files").await?);
    }
    let documents = service::upload(&state.store, &state.knowledge, &org, &id, uploads).await?;
    Ok(Json(UploadFilesResponse {
        message: messages::FILES_UPLOADED.into(),
        documents,
    }))
}

async fn list(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Page<KnowledgeDocument>>> {
    let id = chatbot_id(&id)?;
    let paging = Paging::from_query(&query)?;
    let filter = DocumentFilter {
        title: query.get("title").filter(|t| !t.is_empty()).cloned(),
        id: query.get("id").filter(|i| !i.is_empty()).cloned(),
    };
    let (data, total) = service::list(&state.store, &org, &id, filter, paging).await?;
    Ok(Json(Page {
        data,
        metadata: paging.meta(total),
    }))
}

async fn delete(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<DeleteKnowledgeResponse>> {
    let id = chatbot_id(&id)?;
    let deleted = service::delete(
        &state.store,
        &state.knowledge,
        &org,
        &id,
        query.get("id").map(String::as_str),
    )
    .await?;
    Ok(Json(DeleteKnowledgeResponse {
        message: messages::KNOWLEDGE_DELETED.into(),
        id: deleted,
    }))
}

async fn update(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<UpdateKnowledgeResponse>> {
    let id = chatbot_id(&id)?;
    crate::chatbots::service::get(&state.store, &org, &id).await?;
    let mut multipart = multipart.map_err(|_| not_multipart("file"))?;
    let mut document_id = None;
    let mut upload = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(&state)
        } else {
            not_multipart("file")
        }
    })? {
        match field.name() {
            Some("documentId") => {
                let id = field.text().await.map_err(|_| not_multipart("file"))?;
                crate::http::nul::refuse_in_text("documentId", &id)?;
                document_id = Some(id);
            }
            Some("file") if upload.is_none() => {
                upload = Some(read_file(&state, field, "file").await?);
            }
            _ => {}
        }
    }
    let document = service::update(
        &state.store,
        &state.knowledge,
        &org,
        &id,
        document_id.as_deref(),
        query.get("title").map(String::as_str),
        upload,
    )
    .await?;
    Ok(Json(UpdateKnowledgeResponse {
        message: messages::KNOWLEDGE_UPDATED.into(),
        document,
    }))
}

async fn add_text(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<UploadFilesResponse>> {
    let id = chatbot_id(&id)?;
    let documents = service::add_text(&state.store, &state.knowledge, &org, &id, body).await?;
    Ok(Json(UploadFilesResponse {
        message: messages::KNOWLEDGE_TEXT_ADDED.into(),
        documents,
    }))
}

async fn add_urls(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<UploadFilesResponse>> {
    let id = chatbot_id(&id)?;
    let documents = service::add_urls(&state.store, &state.knowledge, &org, &id, body).await?;
    Ok(Json(UploadFilesResponse {
        message: messages::KNOWLEDGE_URLS_ADDED.into(),
        documents,
    }))
}

async fn chunks(
    State(state): State<AppState>,
    Org(org): Org,
    Path((id, document_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Page<KnowledgeChunk>>> {
    let id = chatbot_id(&id)?;
    let paging = Paging::from_query(&query)?;
    let (data, total) = service::chunks(&state.store, &org, &id, &document_id, paging).await?;
    Ok(Json(Page {
        data,
        metadata: paging.meta(total),
    }))
}

/// The original as a download: never rendered by the browser (an uploaded HTML file must not
/// run as a page of this origin).
async fn file(
    State(state): State<AppState>,
    Org(org): Org,
    Path((id, document_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id = chatbot_id(&id)?;
    let (bytes, content_type, file_name) =
        service::original(&state.store, &state.knowledge, &org, &id, &document_id).await?;
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(&file_name, percent_encoding::NON_ALPHANUMERIC)
    );
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        ),
    ];
    Ok((headers, bytes).into_response())
}

async fn query(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<QueryKnowledgeResponse>> {
    let id = chatbot_id(&id)?;
    let answer = service::query(&state.store, &state.knowledge, &org, &id, body).await?;
    Ok(Json(answer))
}
