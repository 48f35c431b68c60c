//! The chatbot endpoints at okchat's paths, and the settings history. Handlers authenticate
//! (`Org`), call one service function, and wrap the result in the documented envelope; every
//! answer that shows a chatbot's state names its version in `ETag`.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use okchat::chatbot::MessageResponse;
use okchat::widget::{ChatWidgetResponse, VoiceAgentResponse};
use okchat::{
    messages, validate, ChatWidgetUpdate, Chatbot, ChatbotEnvelope, ChatbotMessageResponse,
    ChatbotsResponse, CreateChatbot, UpdateChatbot, VersionEnvelope, VersionsResponse,
    VoiceWidgetConfig,
};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::avatar::ImageKind;
use super::service;
use crate::error::{ApiError, ApiResult};
use crate::http::conditional::{IfMatch, Tagged};
use crate::http::extract::{JsonObject, Org};
use crate::http::origin::public_origin;
use crate::http::paging::Paging;
use crate::openapi::errors::*;
use crate::openapi::params::{ChatbotPath, IfMatchHeader, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create, update_by_query))
        .routes(routes!(details, delete, update_by_path))
        .routes(
            // Room for the multipart framing around a maximal image; the image itself is
            // checked against `AVATAR_MAX_BYTES` while it streams in.
            routes!(upload_avatar).layer(DefaultBodyLimit::max(
                validate::AVATAR_MAX_BYTES + 64 * 1024,
            )),
        )
        .routes(routes!(voice_agent))
        .routes(routes!(chat_widget))
        .routes(routes!(list_versions))
        .routes(routes!(get_version))
        .routes(routes!(restore_version))
}

/// The multipart form of Chatbot Avatar.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AvatarForm {
    /// A PNG, JPEG, GIF or WebP image.
    #[schema(value_type = String, format = Binary)]
    avatar: Vec<u8>,
}

/// Chatbot ids are UUIDs; anything else cannot name a chatbot, so it is "not found".
pub fn chatbot_id(raw: &str) -> ApiResult<String> {
    uuid::Uuid::parse_str(raw)
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| ApiError::not_found("Chatbot"))
}

#[utoipa::path(
    get,
    path = "/api/external/chatbots",
    operation_id = "getChatbots",
    tag = "chatbots",
    security(("api_key" = [])),
    responses((status = 200, description = "The organization's chatbots", body = ChatbotsResponse), Unauthorized, Internal),
)]
async fn list(State(state): State<AppState>, Org(org): Org) -> ApiResult<Json<ChatbotsResponse>> {
    let chatbots = service::list(&state.store, &org).await?;
    Ok(Json(ChatbotsResponse {
        chatbots: chatbots.into_iter().map(Into::into).collect(),
    }))
}

/// `{"message", "chatbot"}` tagged with the chatbot's version.
fn chatbot_message(message: &str, chatbot: Chatbot) -> Tagged<ChatbotMessageResponse> {
    Tagged::ok(
        chatbot.version_id.clone(),
        ChatbotMessageResponse {
            message: message.into(),
            chatbot,
        },
    )
}

#[utoipa::path(
    post,
    path = "/api/external/chatbots",
    operation_id = "createChatbot",
    tag = "chatbots",
    security(("api_key" = [])),
    request_body = CreateChatbot,
    responses(
        (status = 201, description = "Created", body = ChatbotMessageResponse, headers(("ETag" = String, description = "The chatbot's version, for `If-Match`"))),
        BadRequest, Unauthorized, Conflict, PayloadTooLarge, Internal,
    ),
)]
async fn create(
    State(state): State<AppState>,
    Org(org): Org,
    JsonObject(body): JsonObject,
) -> ApiResult<Tagged<ChatbotMessageResponse>> {
    let chatbot = service::create(&state.store, &org, body).await?;
    Ok(chatbot_message(messages::CHATBOT_CREATED, chatbot).with_status(StatusCode::CREATED))
}

async fn update(
    state: &AppState,
    org: &str,
    raw_id: &str,
    patch: serde_json::Value,
    if_match: &IfMatch,
) -> ApiResult<Tagged<ChatbotMessageResponse>> {
    let id = chatbot_id(raw_id)?;
    let chatbot = service::update(&state.store, org, &id, patch, if_match).await?;
    Ok(chatbot_message(messages::CHATBOT_UPDATED, chatbot))
}

/// Update Chatbot: a JSON Merge Patch of the chatbot named by `?id=`.
#[utoipa::path(
    patch,
    path = "/api/external/chatbots",
    operation_id = "updateChatbot",
    tag = "chatbots",
    security(("api_key" = [])),
    params(
        ("id" = String, Query, description = "The chatbot's id"),
        IfMatchHeader,
    ),
    request_body = UpdateChatbot,
    responses(
        (status = 200, description = "Updated", body = ChatbotMessageResponse, headers(("ETag" = String, description = "The chatbot's version, for `If-Match`"))),
        BadRequest, Unauthorized, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, Internal,
    ),
)]
async fn update_by_query(
    State(state): State<AppState>,
    Org(org): Org,
    Query(query): Query<HashMap<String, String>>,
    if_match: IfMatch,
    JsonObject(patch): JsonObject,
) -> ApiResult<Tagged<ChatbotMessageResponse>> {
    let Some(id) = query.get("id").filter(|id| !id.is_empty()) else {
        return Err(ApiError::field(
            "id",
            "is required: the chatbot id, as ?id=",
        ));
    };
    update(&state, &org, id, patch, &if_match).await
}

/// chatdeck addition: Update Chatbot with the id in the path.
#[utoipa::path(
    patch,
    path = "/api/external/chatbot/{chatbot_id}",
    operation_id = "updateChatbotById",
    tag = "chatbots",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        IfMatchHeader,
    ),
    request_body = UpdateChatbot,
    responses(
        (status = 200, description = "Updated", body = ChatbotMessageResponse, headers(("ETag" = String, description = "The chatbot's version, for `If-Match`"))),
        BadRequest, Unauthorized, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, Internal,
    ),
)]
async fn update_by_path(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    if_match: IfMatch,
    JsonObject(patch): JsonObject,
) -> ApiResult<Tagged<ChatbotMessageResponse>> {
    update(&state, &org, &id, patch, &if_match).await
}

#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}",
    operation_id = "getChatbotDetails",
    tag = "chatbots",
    security(("api_key" = [])),
    params(ChatbotPath),
    responses(
        (status = 200, description = "The chatbot", body = ChatbotEnvelope, headers(("ETag" = String, description = "The chatbot's version, for `If-Match`"))),
        Unauthorized, NotFound, Internal,
    ),
)]
async fn details(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
) -> ApiResult<Tagged<ChatbotEnvelope>> {
    let record = service::get(&state.store, &org, &chatbot_id(&id)?).await?;
    Ok(Tagged::ok(
        record.version_id.clone(),
        ChatbotEnvelope {
            chatbot: service::to_api(&record),
        },
    ))
}

#[utoipa::path(
    delete,
    path = "/api/external/chatbot/{chatbot_id}",
    operation_id = "deleteChatbot",
    tag = "chatbots",
    security(("api_key" = [])),
    params(ChatbotPath),
    responses(
        (status = 200, description = "Deleted, with its knowledge, conversations and files", body = MessageResponse),
        Unauthorized, NotFound, Internal,
    ),
)]
async fn delete(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
) -> ApiResult<Json<MessageResponse>> {
    let id = chatbot_id(&id)?;
    if !state.store.delete_chatbot(&org, &id).await? {
        return Err(ApiError::not_found("Chatbot"));
    }
    // The rows are gone (committed); files follow. A failure here leaves only unreachable
    // files behind, never a chatbot pointing at missing ones.
    let prefix = format!("chatbots/{id}");
    for files in [&state.files, &state.knowledge.files] {
        if let Err(error) = files.delete_prefix(&prefix).await {
            tracing::warn!(%error, chatbot = id, "could not remove the chatbot's files");
        }
    }
    Ok(Json(MessageResponse {
        message: messages::CHATBOT_DELETED.into(),
    }))
}

#[utoipa::path(
    patch,
    path = "/api/external/chatbot/{chatbot_id}/voice-agent",
    operation_id = "voiceAgent",
    tag = "chatbots",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        IfMatchHeader,
    ),
    request_body = VoiceWidgetConfig,
    responses(
        (status = 200, description = "Updated", body = VoiceAgentResponse, headers(("ETag" = String, description = "The chatbot's version, for `If-Match`"))),
        BadRequest, Unauthorized, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, Internal,
    ),
)]
async fn voice_agent(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    if_match: IfMatch,
    JsonObject(patch): JsonObject,
) -> ApiResult<Tagged<VoiceAgentResponse>> {
    let id = chatbot_id(&id)?;
    let record = service::update_voice_agent(&state.store, &org, &id, patch, &if_match).await?;
    Ok(Tagged::ok(
        record.version_id,
        VoiceAgentResponse {
            message: messages::VOICE_WIDGET_UPDATED.into(),
            voice_widget_config: record.voice_widget_config.unwrap_or_default(),
        },
    ))
}

#[utoipa::path(
    patch,
    path = "/api/external/chatbot/{chatbot_id}/chat-widget",
    operation_id = "chatWidget",
    tag = "chatbots",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        IfMatchHeader,
    ),
    request_body = ChatWidgetUpdate,
    responses(
        (status = 200, description = "Updated", body = ChatWidgetResponse, headers(("ETag" = String, description = "The chatbot's version, for `If-Match`"))),
        BadRequest, Unauthorized, NotFound, Conflict, PreconditionFailed, PayloadTooLarge, Internal,
    ),
)]
async fn chat_widget(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    if_match: IfMatch,
    JsonObject(patch): JsonObject,
) -> ApiResult<Tagged<ChatWidgetResponse>> {
    let id = chatbot_id(&id)?;
    let record = service::update_chat_widget(&state.store, &org, &id, patch, &if_match).await?;
    Ok(Tagged::ok(
        record.version_id.clone(),
        ChatWidgetResponse {
            message: messages::CHAT_WIDGET_UPDATED.into(),
            chat_widget_config: service::chat_widget_config(&record),
        },
    ))
}

/// chatdeck addition: the chatbot's settings history, newest first.
#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/versions",
    operation_id = "listChatbotVersions",
    tag = "chatbots",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        PageQuery,
    ),
    responses(
        (status = 200, description = "One page of versions", body = VersionsResponse),
        BadRequest, Unauthorized, NotFound, Internal,
    ),
)]
async fn list_versions(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<VersionsResponse>> {
    let id = chatbot_id(&id)?;
    let paging = Paging::from_query(&query)?;
    let (data, metadata) = service::list_versions(&state.store, &org, &id, paging).await?;
    Ok(Json(VersionsResponse { data, metadata }))
}

/// chatdeck addition: one version of the chatbot's settings.
#[utoipa::path(
    get,
    path = "/api/external/chatbot/{chatbot_id}/versions/{version_id}",
    operation_id = "getChatbotVersion",
    tag = "chatbots",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("version_id" = String, Path, description = "The version's id"),
    ),
    responses(
        (status = 200, description = "The version", body = VersionEnvelope),
        Unauthorized, NotFound, Internal,
    ),
)]
async fn get_version(
    State(state): State<AppState>,
    Org(org): Org,
    Path((id, version_id)): Path<(String, String)>,
) -> ApiResult<Json<VersionEnvelope>> {
    let id = chatbot_id(&id)?;
    let version = service::get_version(&state.store, &org, &id, &version_id).await?;
    Ok(Json(VersionEnvelope { version }))
}

/// chatdeck addition: makes an old version's settings current again (as a new version).
#[utoipa::path(
    post,
    path = "/api/external/chatbot/{chatbot_id}/versions/{version_id}/restore",
    operation_id = "restoreChatbotVersion",
    tag = "chatbots",
    security(("api_key" = [])),
    params(
        ChatbotPath,
        ("version_id" = String, Path, description = "The version's id"),
        IfMatchHeader,
    ),
    responses(
        (status = 200, description = "Restored", body = ChatbotMessageResponse, headers(("ETag" = String, description = "The chatbot's version, for `If-Match`"))),
        Unauthorized, NotFound, Conflict, PreconditionFailed, Internal,
    ),
)]
async fn restore_version(
    State(state): State<AppState>,
    Org(org): Org,
    Path((id, version_id)): Path<(String, String)>,
    if_match: IfMatch,
) -> ApiResult<Tagged<ChatbotMessageResponse>> {
    let id = chatbot_id(&id)?;
    let chatbot = service::restore_version(&state.store, &org, &id, &version_id, &if_match).await?;
    Ok(chatbot_message(messages::CHATBOT_UPDATED, chatbot))
}

async fn read_avatar(mut multipart: Multipart) -> ApiResult<Vec<u8>> {
    let bad_form = |_| {
        ApiError::unsupported_media_type(
            "Send the image as multipart/form-data in a part named \"avatar\".",
        )
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad_form)? {
        if field.name() != Some("avatar") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large(validate::AVATAR_TOO_LARGE)
            } else {
                bad_form(e)
            }
        })? {
            if bytes.len() + chunk.len() > validate::AVATAR_MAX_BYTES {
                return Err(ApiError::payload_too_large(validate::AVATAR_TOO_LARGE));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(ApiError::field(
        "avatar",
        "is required: a PNG, JPEG, GIF or WebP image",
    ))
}

#[utoipa::path(
    patch,
    path = "/api/external/chatbot/{chatbot_id}/update-avatar",
    operation_id = "chatbotAvatar",
    tag = "chatbots",
    security(("api_key" = [])),
    params(ChatbotPath),
    request_body(content = AvatarForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The avatar is stored and set", body = ChatbotMessageResponse, headers(("ETag" = String, description = "The chatbot's version, for `If-Match`"))),
        BadRequest, Unauthorized, NotFound, PayloadTooLarge, UnsupportedMediaType, Internal,
    ),
)]
async fn upload_avatar(
    State(state): State<AppState>,
    Org(org): Org,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Tagged<ChatbotMessageResponse>> {
    let id = chatbot_id(&id)?;
    // Unknown or foreign chatbots answer 404 before any upload is read or stored.
    service::get(&state.store, &org, &id).await?;
    let multipart = multipart.map_err(|_| {
        ApiError::unsupported_media_type(
            "Send the image as multipart/form-data in a part named \"avatar\".",
        )
    })?;
    let bytes = read_avatar(multipart).await?;
    let kind = ImageKind::sniff(&bytes)
        .ok_or_else(|| ApiError::unsupported_media_type(validate::AVATAR_TYPES))?;
    let key = format!(
        "chatbots/{id}/{}.{}",
        uuid::Uuid::new_v4(),
        kind.extension()
    );
    state
        .files
        .put(&key, &bytes)
        .await
        .map_err(ApiError::internal)?;
    let origin = public_origin(state.config.public_url.as_deref(), &headers);
    let url = format!("{origin}/uploads/{key}");
    let (chatbot, previous) = match service::set_avatar(&state.store, &org, &id, &url).await {
        Ok(done) => done,
        Err(error) => {
            if let Err(cleanup) = state.files.delete(&key).await {
                tracing::warn!(error = %cleanup, key, "could not remove an avatar that was not saved");
            }
            return Err(error);
        }
    };
    if let Some(old_key) = previous.as_deref().and_then(|old| own_upload_key(old, &id)) {
        if let Err(error) = state.files.delete(&old_key).await {
            tracing::warn!(%error, key = old_key, "could not remove the replaced avatar");
        }
    }
    Ok(chatbot_message(messages::AVATAR_UPDATED, chatbot))
}

/// The file key of an avatar URL this server issued for chatbot `id`, whatever host it named.
fn own_upload_key(url: &str, id: &str) -> Option<String> {
    let (_, key) = url.split_once("/uploads/")?;
    key.starts_with(&format!("chatbots/{id}/"))
        .then(|| key.to_owned())
}
