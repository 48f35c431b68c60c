//! The knowledge endpoints at okchat's paths (Knowledge Base Files, Get List, Delete, Update,
//! Query Knowledge) and chatdeck's additions (text, pages, chunks, originals). Handlers read
//! the request, call one service function and wrap its answer in the documented envelope.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use okchat::{
    messages, AddKnowledgeText, AddKnowledgeUrls, DeleteKnowledgeResponse, KnowledgeChunk,
    KnowledgeDocument, Page, QueryKnowledgeRequest, QueryKnowledgeResponse,
    UpdateKnowledgeResponse, UploadFilesResponse,
};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::service::{self, Upload};
use super::store::DocumentFilter;
use crate::chatbots::routes::chatbot_id;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{JsonObject, Org};
use crate::http::paging::Paging;
use crate::openapi::errors::*;
use crate::openapi::params::{ChatbotPath, PageQuery};
use crate::state::AppState;

pub fn router(config: &super::KnowledgeConfig) -> OpenApiRouter<AppState> {
    // The request limit bounds what a client can make the server read; each file is held to
    // its own limit while it streams in.
    let uploads = DefaultBodyLimit::max(config.max_request_bytes);
    OpenApiRouter::new()
        .routes(routes!(upload).layer(uploads))
        .routes(
            routes!(list, delete, update)
                .layer(DefaultBodyLimit::max(config.max_file_bytes + 64 * 1024)),
        )
        .routes(routes!(add_text))
        .routes(routes!(add_urls))
        .routes(routes!(chunks))
        .routes(routes!(file))
        .routes(routes!(query))
}

/// The multipart form of Knowledge Base Files.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// One part per file (PDF, Word, text, Markdown, HTML, CSV...).
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// The multipart form of Update Knowledge Base.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct UpdateForm {
    /// The document to replace.
    #[schema(rename = "documentId")]
    document_id: String,
    /// The new content (optional: `?title=` alone renames).
    #[schema(value_type = Option<String>, format = Binary)]
    file: Option<Vec<u8>>,
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

#[utoipa::path(
    post,
    path = "/api/embedfiles",
    operation_id = "knowledgeBaseFiles",
    tag = "knowledge",
    security(("api_key" = [])),
    params(("chatbotId" = String, Query, description = "The chatbot the files are for")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Stored; each document is `processing` until a worker has read it", body = UploadFilesResponse),
        BadRequest, Unauthorized, NotFound, PayloadTooLarge, UnsupportedMediaType, Internal,
    ),
)]
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

#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/knowledge-base",
    operation_id = "getKnowledgeBaseListOfChatbot",
    tag = "knowledge",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("title" = Option<String>, Query, description = "Only documents whose title contains this"),
        ("id" = Option<String>, Query, description = "Only this document"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "One page of the chatbot's documents", body = Page<KnowledgeDocument>),
        BadRequest, Unauthorized, NotFound, Internal,
    ),
)]
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

#[utoipa::path(
    delete,
    path = "/api/external/chatbot/{chatbot_id}/knowledge-base",
    operation_id = "deleteKnowledgeBaseData",
    tag = "knowledge",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("id" = String, Query, description = "The document to delete"),
    ),
    responses(
        (status = 200, description = "Deleted with its chunks and original", body = DeleteKnowledgeResponse),
        BadRequest, Unauthorized, NotFound, Internal,
    ),
)]
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

#[utoipa::path(
    patch,
    path = "/api/external/chatbot/{chatbot_id}/knowledge-base",
    operation_id = "updateKnowledgeBase",
    tag = "knowledge",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("title" = Option<String>, Query, description = "A new title"),
    ),
    request_body(content = UpdateForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Updated; new content is read again (`processing`)", body = UpdateKnowledgeResponse),
        BadRequest, Unauthorized, NotFound, PayloadTooLarge, UnsupportedMediaType, Internal,
    ),
)]
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

/// chatdeck addition: a document typed in rather than uploaded.
#[utoipa::path(
    post,
    path = "/api/external/chatbot/{chatbot_id}/knowledge-base/text",
    operation_id = "addKnowledgeText",
    tag = "knowledge",
    security(("api_key" = [])),
    params(ChatbotPath),
    request_body = AddKnowledgeText,
    responses(
        (status = 200, description = "Stored and queued", body = UploadFilesResponse),
        BadRequest, Unauthorized, NotFound, PayloadTooLarge, Internal,
    ),
)]
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

/// chatdeck addition: web pages, fetched and read by the workers.
#[utoipa::path(
    post,
    path = "/api/external/chatbot/{chatbot_id}/knowledge-base/urls",
    operation_id = "addKnowledgeUrls",
    tag = "knowledge",
    security(("api_key" = [])),
    params(ChatbotPath),
    request_body = AddKnowledgeUrls,
    responses(
        (status = 200, description = "Queued, one document per page", body = UploadFilesResponse),
        BadRequest, Unauthorized, NotFound, PayloadTooLarge, Internal,
    ),
)]
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

/// chatdeck addition: the chunks a document was cut into, in order.
#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/knowledge-base/{document_id}/chunks",
    operation_id = "listKnowledgeChunks",
    tag = "knowledge",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("document_id" = String, Path, description = "The document's id"),
        PageQuery,
    ),
    responses(
        (status = 200, description = "One page of chunks", body = Page<KnowledgeChunk>),
        BadRequest, Unauthorized, NotFound, Internal,
    ),
)]
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
/// chatdeck addition: the uploaded original, as a download.
#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/knowledge-base/{document_id}/file",
    operation_id = "getKnowledgeOriginal",
    tag = "knowledge",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("document_id" = String, Path, description = "The document's id"),
    ),
    responses(
        (status = 200, description = "The original file, as an attachment", content_type = "application/octet-stream", body = Vec<u8>),
        Unauthorized, NotFound, Internal,
    ),
)]
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

#[utoipa::path(
    post,
    path = "/api/external/chatbot/{chatbot_id}/query-knowledge",
    operation_id = "queryKnowledge",
    tag = "knowledge",
    security(("api_key" = [])),
    params(ChatbotPath),
    request_body = QueryKnowledgeRequest,
    responses(
        (status = 200, description = "The best matching chunks, over the chatbot's similarity threshold", body = QueryKnowledgeResponse),
        BadRequest, Unauthorized, NotFound, PayloadTooLarge, Internal,
    ),
)]
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
