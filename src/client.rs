//! The typed async client of the okchat external API: one method per endpoint, named after the
//! spec's `operationId`s, returning the wire types of this crate.
//!
//! It speaks to chatdeck's own backend and to any okchat-compatible deployment (okchat.ai
//! included): the base URL and the organization's API key are all it needs. Every request
//! carries the key in `x-api-key`. Ids given to a method are percent-encoded into the path, so a
//! user-typed id can never reach a different route.
//!
//! ```no_run
//! # async fn demo() -> Result<(), okchat::ClientError> {
//! use okchat::{ChatMessage, ChatRequest, Client};
//!
//! let client = Client::new("https://v2.okchat.ai", "15a23c21867f4f38b0b46f5e4adb1caf87a040b34eb58f68");
//! for bot in client.get_chatbots().await?.chatbots {
//!     let request = ChatRequest {
//!         messages: vec![ChatMessage::user("Hello")],
//!         ..Default::default()
//!     };
//!     println!("{}: {}", bot.name, client.chat(&bot.id, &request).await?.output);
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use bytes::Bytes;
use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use reqwest::header::HeaderValue;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, Response, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::chat::{ChatRequest, ChatResponse, LineSplitter, StreamPart};
use crate::chatbot::{
    ChatbotEnvelope, ChatbotMessageResponse, ChatbotsResponse, CreateChatbot, MessageResponse,
    UpdateChatbot,
};
use crate::conversation::{
    ConversationReply, ConversationUpdate, ExportFormat, Message, MessageEnvelope, Page, PageQuery,
    Session, SessionEnvelope,
};
use crate::error::{ErrorBody, ErrorCode};
use crate::knowledge::{
    AddKnowledgeText, AddKnowledgeUrls, DeleteKnowledgeResponse, KnowledgeChunk, KnowledgeDocument,
    KnowledgeListQuery, QueryKnowledgeRequest, QueryKnowledgeResponse, UpdateKnowledgeResponse,
    UploadFilesResponse,
};
use crate::versions::{VersionEnvelope, VersionsResponse};
use crate::widget::{ChatWidgetResponse, ChatWidgetUpdate, VoiceAgentResponse, VoiceWidgetConfig};

const API_KEY_HEADER: &str = "x-api-key";
const REQUEST_ID_HEADER: &str = "x-request-id";
/// How much of an unexpected body an error message quotes.
const EXCERPT_CHARS: usize = 200;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The API answered with a non-2xx status. `code`, `message`, `fields` and `request_id`
    /// come from the error body (`api-decisions.md`); a body of another shape gives
    /// `code = "http_<status>"` and an excerpt of the body as `message`.
    #[error("{status} {code}: {message}{}", fields_suffix(.fields))]
    Api {
        status: u16,
        code: String,
        message: String,
        fields: BTreeMap<String, String>,
        request_id: Option<String>,
    },
    /// The request did not complete: connection, TLS, timeout, or the body broke off.
    #[error("could not reach the API: {0}")]
    Transport(String),
    /// A 2xx answer whose body is not the documented shape.
    #[error("unexpected response body: {0}")]
    Decode(String),
    /// The request cannot be expressed: a base URL that is not http(s), an id that is empty,
    /// `.` or `..` (URL parsers collapse those path segments, so they would reach a different
    /// route), an API key or content type that is not a valid header value.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

fn fields_suffix(fields: &BTreeMap<String, String>) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let reasons: Vec<String> = fields
        .iter()
        .map(|(path, reason)| format!("{path}: {reason}"))
        .collect();
    format!(" ({})", reasons.join("; "))
}

impl ClientError {
    /// The error for a non-2xx answer with `body`; `request_id` (the `x-request-id` header)
    /// is used when the body carries none.
    pub fn from_response(status: u16, body: &[u8], request_id: Option<String>) -> Self {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(ErrorBody { error }) => ClientError::Api {
                status,
                code: error.code,
                message: error.message,
                fields: error.fields,
                request_id: error.request_id.or(request_id),
            },
            Err(_) => {
                let excerpt = excerpt(body);
                let message = if excerpt.is_empty() {
                    reqwest::StatusCode::from_u16(status)
                        .ok()
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("no response body")
                        .to_owned()
                } else {
                    excerpt
                };
                ClientError::Api {
                    status,
                    code: format!("http_{status}"),
                    message,
                    fields: BTreeMap::new(),
                    request_id,
                }
            }
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The error code of an API error (`not_found`, `validation_failed`, `http_502`, ...).
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The code as one of the documented [`ErrorCode`]s, if it is one.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code().and_then(ErrorCode::parse)
    }

    /// The reason a validation error gives for the field at `path`
    /// (e.g. `settings.snippet.primaryColor`).
    pub fn field(&self, path: &str) -> Option<&str> {
        match self {
            ClientError::Api { fields, .. } => fields.get(path).map(String::as_str),
            _ => None,
        }
    }

    /// The id that finds the server's log line for the failed request.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ClientError::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

/// The start of `body` on one line, for error messages.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = words.char_indices().nth(EXCERPT_CHARS) {
        words.truncate(cut);
        words.push('…');
    }
    words
}

/// `e` with its chain of causes, which say what actually went wrong (refused, TLS, timeout).
fn transport(e: reqwest::Error) -> ClientError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    ClientError::Transport(message)
}

/// An answer together with the chatbot's version after the call (from the `ETag` header), for
/// the next conditional save. `version_id` is `None` when the server sent no `ETag` (okchat.ai
/// and other backends without settings history).
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    pub body: T,
    pub version_id: Option<String>,
}

/// The version an `ETag` names: without a weak `W/` prefix and the quotes.
fn etag_version(etag: &str) -> Option<String> {
    let tag = etag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let tag = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag);
    (!tag.is_empty()).then(|| tag.to_owned())
}

/// The `If-Match` value for a save over `version`. `*` stays bare: quoted it would be a tag
/// named `*` instead of "any current version".
fn if_match_value(version: &str) -> Result<HeaderValue, ClientError> {
    let refused = || ClientError::InvalidRequest(format!("{version:?} is not a version id"));
    if version == "*" {
        return Ok(HeaderValue::from_static("*"));
    }
    if version.is_empty() || version.contains('"') {
        return Err(refused());
    }
    HeaderValue::from_str(&format!("\"{version}\"")).map_err(|_| refused())
}

/// A file sent in a multipart upload.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadFile {
    pub file_name: String,
    /// Sent as the part's `Content-Type`; the server sniffs the content either way.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl UploadFile {
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    fn into_part(self) -> Result<Part, ClientError> {
        let part = Part::bytes(self.bytes).file_name(self.file_name);
        match self.content_type {
            Some(content_type) => part.mime_str(&content_type).map_err(|_| {
                ClientError::InvalidRequest(format!("{content_type:?} is not a content type"))
            }),
            None => Ok(part),
        }
    }
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

/// Appends `segment` to `path`, percent-encoding every byte outside RFC 3986's unreserved set
/// (so `/`, `?`, `#` and `%` in an id stay inside its segment).
fn push_segment(path: &mut String, segment: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    path.push('/');
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            path.push(char::from(byte));
        } else {
            path.push('%');
            path.push(char::from(HEX[usize::from(byte >> 4)]));
            path.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
}

/// `base` + the encoded `segments` + the form-encoded `query`.
fn endpoint<K, V>(base: &str, segments: &[&str], query: &[(K, V)]) -> Result<Url, ClientError>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut path = String::new();
    for segment in segments {
        if segment.is_empty() || *segment == "." || *segment == ".." {
            return Err(ClientError::InvalidRequest(format!(
                "{segment:?} is not a valid id"
            )));
        }
        push_segment(&mut path, segment);
    }
    let mut url = Url::parse(&format!("{base}{path}"))
        .map_err(|e| ClientError::InvalidRequest(format!("base URL {base:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ClientError::InvalidRequest(format!(
            "base URL {base:?} must start with http:// or https://"
        )));
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// `/api/external/chatbot/{chatbot_id}/{rest...}`.
fn chatbot_path<'a>(chatbot_id: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut path = vec!["api", "external", "chatbot", chatbot_id];
    path.extend_from_slice(rest);
    path
}

const CHATBOTS: [&str; 3] = ["api", "external", "chatbots"];
const NO_QUERY: [(&str, &str); 0] = [];

fn page_query(query: &PageQuery, with_state: bool) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let Some(page) = query.page {
        pairs.push(("page", page.to_string()));
    }
    if let Some(limit) = query.limit {
        pairs.push(("limit", limit.to_string()));
    }
    if with_state {
        let filters = [
            ("state", &query.state),
            ("platform", &query.platform),
            ("from", &query.from),
            ("to", &query.to),
            ("q", &query.q),
        ];
        for (name, value) in filters {
            if let Some(value) = value {
                pairs.push((name, value.clone()));
            }
        }
    }
    pairs
}

fn knowledge_query(query: &KnowledgeListQuery) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let Some(title) = &query.title {
        pairs.push(("title", title.clone()));
    }
    if let Some(id) = &query.id {
        pairs.push(("id", id.clone()));
    }
    if let Some(page) = query.page {
        pairs.push(("page", page.to_string()));
    }
    if let Some(limit) = query.limit {
        pairs.push(("limit", limit.to_string()));
    }
    pairs
}

/// Sends `request` and turns a non-2xx answer into [`ClientError::Api`].
async fn checked(request: RequestBuilder) -> Result<Response, ClientError> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let request_id = response
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.bytes().await.map_err(transport)?;
    Err(ClientError::from_response(
        status.as_u16(),
        &body,
        request_id,
    ))
}

fn parse_frame(line: &[u8]) -> Result<StreamPart, ClientError> {
    let line = std::str::from_utf8(line)
        .map_err(|e| ClientError::Decode(format!("stream frame is not UTF-8: {e}")))?;
    StreamPart::parse_line(line).map_err(|e| ClientError::Decode(e.to_string()))
}

/// The frames of a data stream body. A transport error or a malformed frame is yielded once and
/// ends the stream.
fn frames<S>(bytes: S) -> impl Stream<Item = Result<StreamPart, ClientError>>
where
    S: Stream<Item = Result<Bytes, ClientError>> + Unpin,
{
    struct State<S> {
        bytes: S,
        lines: LineSplitter,
        ready: VecDeque<Vec<u8>>,
        ended: bool,
    }
    let start = State {
        bytes,
        lines: LineSplitter::new(),
        ready: VecDeque::new(),
        ended: false,
    };
    stream::unfold(Some(start), |state| async move {
        let mut state = state?;
        loop {
            if let Some(line) = state.ready.pop_front() {
                return Some(match parse_frame(&line) {
                    Ok(part) => (Ok(part), Some(state)),
                    Err(e) => (Err(e), None),
                });
            }
            if state.ended {
                return None;
            }
            match state.bytes.next().await {
                Some(Ok(chunk)) => {
                    let lines = state.lines.push(&chunk);
                    state.ready.extend(lines);
                }
                Some(Err(e)) => return Some((Err(e), None)),
                None => {
                    state.ended = true;
                    let last = state.lines.finish();
                    state.ready.extend(last);
                }
            }
        }
    })
}

/// The okchat external API at one base URL, with one organization's API key.
///
/// Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

impl Client {
    /// A client with its own connection pool and reqwest's defaults (no overall timeout, so
    /// chat streams may run long). `base_url` is e.g. `https://v2.okchat.ai`; a trailing `/`
    /// is ignored.
    pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self::with_http(reqwest::Client::new(), base_url, api_key)
    }

    /// A client on `http`, to share a pool or set timeouts, proxies, TLS roots.
    pub fn with_http(
        http: reqwest::Client,
        base_url: impl Into<String>,
        api_key: impl Into<String>,
    ) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self {
            http,
            base_url,
            api_key: api_key.into(),
        }
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn request<K, V>(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(K, V)],
    ) -> Result<RequestBuilder, ClientError>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let url = endpoint(&self.base_url, segments, query)?;
        let mut key = HeaderValue::from_str(&self.api_key).map_err(|_| {
            ClientError::InvalidRequest("the API key is not a valid header value".into())
        })?;
        key.set_sensitive(true);
        Ok(self.http.request(method, url).header(API_KEY_HEADER, key))
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: Result<RequestBuilder, ClientError>,
    ) -> Result<T, ClientError> {
        let response = checked(request?).await?;
        let body = response.bytes().await.map_err(transport)?;
        serde_json::from_slice(&body)
            .map_err(|e| ClientError::Decode(format!("{e}; body: {}", excerpt(&body))))
    }

    /// Like `send`, keeping the chatbot version the answer's `ETag` names.
    async fn send_versioned<T: DeserializeOwned>(
        &self,
        request: Result<RequestBuilder, ClientError>,
    ) -> Result<Versioned<T>, ClientError> {
        let response = checked(request?).await?;
        let version_id = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .and_then(etag_version);
        let bytes = response.bytes().await.map_err(transport)?;
        let body = serde_json::from_slice(&bytes)
            .map_err(|e| ClientError::Decode(format!("{e}; body: {}", excerpt(&bytes))))?;
        Ok(Versioned { body, version_id })
    }

    /// A merge-patch request with `patch` as its body and, when given, `If-Match` on `if_match`.
    fn conditional_patch(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
        patch: &Value,
        if_match: Option<&str>,
    ) -> Result<RequestBuilder, ClientError> {
        let mut request = self.request(Method::PATCH, segments, query)?.json(patch);
        if let Some(version) = if_match {
            request = request.header(reqwest::header::IF_MATCH, if_match_value(version)?);
        }
        Ok(request)
    }

    /// Knowledge Base Files: `POST /api/embedfiles?chatbotId=`, one `files` part per file.
    pub async fn knowledge_base_files(
        &self,
        chatbot_id: &str,
        files: Vec<UploadFile>,
    ) -> Result<UploadFilesResponse, ClientError> {
        let mut form = Form::new().text("chatbotId", chatbot_id.to_owned());
        for file in files {
            form = form.part("files", file.into_part()?);
        }
        let request = self.request(
            Method::POST,
            &["api", "embedfiles"],
            &[("chatbotId", chatbot_id)],
        );
        self.send(request.map(|r| r.multipart(form))).await
    }

    /// Get Chatbots: `GET /api/external/chatbots`.
    pub async fn get_chatbots(&self) -> Result<ChatbotsResponse, ClientError> {
        self.send(self.request(Method::GET, &CHATBOTS, &NO_QUERY))
            .await
    }

    /// Create Chatbot: `POST /api/external/chatbots` (201).
    pub async fn create_chatbot(
        &self,
        body: &CreateChatbot,
    ) -> Result<ChatbotMessageResponse, ClientError> {
        let request = self.request(Method::POST, &CHATBOTS, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// Update Chatbot: `PATCH /api/external/chatbots?id=`, a JSON Merge Patch.
    pub async fn update_chatbot(
        &self,
        chatbot_id: &str,
        body: &UpdateChatbot,
    ) -> Result<ChatbotMessageResponse, ClientError> {
        let request = self.request(Method::PATCH, &CHATBOTS, &[("id", chatbot_id)]);
        self.send(request.map(|r| r.json(body))).await
    }

    /// Update Chatbot with any merge-patch body, e.g. one with `null`s the typed body
    /// cannot express in nested objects.
    pub async fn update_chatbot_raw(
        &self,
        chatbot_id: &str,
        body: &Value,
    ) -> Result<ChatbotMessageResponse, ClientError> {
        let request = self.request(Method::PATCH, &CHATBOTS, &[("id", chatbot_id)]);
        self.send(request.map(|r| r.json(body))).await
    }

    /// Update Chatbot (`PATCH /api/external/chatbots?id=`) saved only over the version
    /// `if_match` (chatdeck answers `412 precondition_failed` when the chatbot changed since);
    /// `None` saves unconditionally. Backends without versions ignore `If-Match`.
    pub async fn update_chatbot_if(
        &self,
        chatbot_id: &str,
        patch: &Value,
        if_match: Option<&str>,
    ) -> Result<Versioned<ChatbotMessageResponse>, ClientError> {
        let request = self.conditional_patch(&CHATBOTS, &[("id", chatbot_id)], patch, if_match);
        self.send_versioned(request).await
    }

    /// Get Chatbot Details: `GET /api/external/chatbot/{chatbotId}`.
    pub async fn get_chatbot_details(
        &self,
        chatbot_id: &str,
    ) -> Result<ChatbotEnvelope, ClientError> {
        let path = chatbot_path(chatbot_id, &[]);
        self.send(self.request(Method::GET, &path, &NO_QUERY)).await
    }

    /// Delete Chatbot: `DELETE /api/external/chatbot/{chatbotId}`.
    pub async fn delete_chatbot(&self, chatbot_id: &str) -> Result<MessageResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &[]);
        self.send(self.request(Method::DELETE, &path, &NO_QUERY))
            .await
    }

    /// Chatbot Avatar: `PATCH /api/external/chatbot/{chatbotId}/update-avatar`, part `avatar`.
    pub async fn chatbot_avatar(
        &self,
        chatbot_id: &str,
        avatar: UploadFile,
    ) -> Result<ChatbotMessageResponse, ClientError> {
        let form = Form::new().part("avatar", avatar.into_part()?);
        let path = chatbot_path(chatbot_id, &["update-avatar"]);
        let request = self.request(Method::PATCH, &path, &NO_QUERY);
        self.send(request.map(|r| r.multipart(form))).await
    }

    /// Voice Agent: `PATCH /api/external/chatbot/{chatbotId}/voice-agent`.
    pub async fn voice_agent(
        &self,
        chatbot_id: &str,
        body: &VoiceWidgetConfig,
    ) -> Result<VoiceAgentResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["voice-agent"]);
        let request = self.request(Method::PATCH, &path, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// Voice Agent with any merge-patch body (`null` clears a value).
    pub async fn voice_agent_raw(
        &self,
        chatbot_id: &str,
        body: &Value,
    ) -> Result<VoiceAgentResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["voice-agent"]);
        let request = self.request(Method::PATCH, &path, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// Voice Agent saved only over the version `if_match` (see [`Client::update_chatbot_if`]).
    pub async fn voice_agent_if(
        &self,
        chatbot_id: &str,
        patch: &Value,
        if_match: Option<&str>,
    ) -> Result<Versioned<VoiceAgentResponse>, ClientError> {
        let path = chatbot_path(chatbot_id, &["voice-agent"]);
        let request = self.conditional_patch(&path, &[], patch, if_match);
        self.send_versioned(request).await
    }

    /// Chat Widget: `PATCH /api/external/chatbot/{chatbotId}/chat-widget`.
    pub async fn chat_widget(
        &self,
        chatbot_id: &str,
        body: &ChatWidgetUpdate,
    ) -> Result<ChatWidgetResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["chat-widget"]);
        let request = self.request(Method::PATCH, &path, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// Chat Widget saved only over the version `if_match` (see [`Client::update_chatbot_if`]).
    pub async fn chat_widget_if(
        &self,
        chatbot_id: &str,
        patch: &Value,
        if_match: Option<&str>,
    ) -> Result<Versioned<ChatWidgetResponse>, ClientError> {
        let path = chatbot_path(chatbot_id, &["chat-widget"]);
        let request = self.conditional_patch(&path, &[], patch, if_match);
        self.send_versioned(request).await
    }

    /// Settings history: `GET /api/external/chatbot/{chatbotId}/versions?page&limit`, newest
    /// first.
    pub async fn list_versions(
        &self,
        chatbot_id: &str,
        page: Option<u32>,
        limit: Option<u32>,
    ) -> Result<VersionsResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["versions"]);
        let mut query = Vec::new();
        if let Some(page) = page {
            query.push(("page", page.to_string()));
        }
        if let Some(limit) = limit {
            query.push(("limit", limit.to_string()));
        }
        self.send(self.request(Method::GET, &path, &query)).await
    }

    /// One version: `GET /api/external/chatbot/{chatbotId}/versions/{versionId}`.
    pub async fn get_version(
        &self,
        chatbot_id: &str,
        version_id: &str,
    ) -> Result<VersionEnvelope, ClientError> {
        let path = chatbot_path(chatbot_id, &["versions", version_id]);
        self.send(self.request(Method::GET, &path, &NO_QUERY)).await
    }

    /// Puts a version's settings back as a new version:
    /// `POST /api/external/chatbot/{chatbotId}/versions/{versionId}/restore`. Answers like
    /// Update Chatbot.
    pub async fn restore_version(
        &self,
        chatbot_id: &str,
        version_id: &str,
    ) -> Result<ChatbotMessageResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["versions", version_id, "restore"]);
        self.send(self.request(Method::POST, &path, &NO_QUERY))
            .await
    }

    /// Get Knowledge Base List Of Chatbot: `GET /api/external/chatbot/{chatbotId}/knowledge-base`.
    pub async fn get_knowledge_base_list_of_chatbot(
        &self,
        chatbot_id: &str,
        query: &KnowledgeListQuery,
    ) -> Result<Page<KnowledgeDocument>, ClientError> {
        let path = chatbot_path(chatbot_id, &["knowledge-base"]);
        self.send(self.request(Method::GET, &path, &knowledge_query(query)))
            .await
    }

    /// Delete Knowledge Base Data: `DELETE /api/external/chatbot/{chatbotId}/knowledge-base?id=`.
    pub async fn delete_knowledge_base_data(
        &self,
        chatbot_id: &str,
        document_id: &str,
    ) -> Result<DeleteKnowledgeResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["knowledge-base"]);
        self.send(self.request(Method::DELETE, &path, &[("id", document_id)]))
            .await
    }

    /// Update Knowledge Base: `PATCH /api/external/chatbot/{chatbotId}/knowledge-base?title=`,
    /// multipart `documentId` and, to replace the content, `file`.
    pub async fn update_knowledge_base(
        &self,
        chatbot_id: &str,
        document_id: &str,
        title: Option<&str>,
        file: Option<UploadFile>,
    ) -> Result<UpdateKnowledgeResponse, ClientError> {
        let mut form = Form::new().text("documentId", document_id.to_owned());
        if let Some(file) = file {
            form = form.part("file", file.into_part()?);
        }
        let path = chatbot_path(chatbot_id, &["knowledge-base"]);
        let query: Vec<(&str, &str)> = title.map(|t| ("title", t)).into_iter().collect();
        let request = self.request(Method::PATCH, &path, &query);
        self.send(request.map(|r| r.multipart(form))).await
    }

    /// chatdeck addition: typed text or a Q&A entry as a document,
    /// `POST /api/external/chatbot/{chatbotId}/knowledge-base/text`.
    pub async fn add_knowledge_text(
        &self,
        chatbot_id: &str,
        body: &AddKnowledgeText,
    ) -> Result<UploadFilesResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["knowledge-base", "text"]);
        let request = self.request(Method::POST, &path, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// chatdeck addition: web pages (or sitemaps) fetched by the server, one document per page,
    /// `POST /api/external/chatbot/{chatbotId}/knowledge-base/urls`.
    pub async fn add_knowledge_urls(
        &self,
        chatbot_id: &str,
        body: &AddKnowledgeUrls,
    ) -> Result<UploadFilesResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["knowledge-base", "urls"]);
        let request = self.request(Method::POST, &path, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// chatdeck addition: a document's chunks in order,
    /// `GET /api/external/chatbot/{chatbotId}/knowledge-base/{documentId}/chunks`.
    pub async fn knowledge_chunks(
        &self,
        chatbot_id: &str,
        document_id: &str,
        query: &PageQuery,
    ) -> Result<Page<KnowledgeChunk>, ClientError> {
        let path = chatbot_path(chatbot_id, &["knowledge-base", document_id, "chunks"]);
        self.send(self.request(Method::GET, &path, &page_query(query, false)))
            .await
    }

    /// chatdeck addition: the original upload and its content type,
    /// `GET /api/external/chatbot/{chatbotId}/knowledge-base/{documentId}/file`.
    pub async fn knowledge_file(
        &self,
        chatbot_id: &str,
        document_id: &str,
    ) -> Result<(Option<String>, Bytes), ClientError> {
        let path = chatbot_path(chatbot_id, &["knowledge-base", document_id, "file"]);
        let response = checked(self.request(Method::GET, &path, &NO_QUERY)?).await?;
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.map_err(transport)?;
        Ok((content_type, bytes))
    }

    /// Query Knowledge: `POST /api/external/chatbot/{chatbotId}/query-knowledge`.
    pub async fn query_knowledge(
        &self,
        chatbot_id: &str,
        body: &QueryKnowledgeRequest,
    ) -> Result<QueryKnowledgeResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["query-knowledge"]);
        let request = self.request(Method::POST, &path, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// Chat: `POST /api/external/chatbot/{chatbotId}/chat?stream=false`.
    pub async fn chat(
        &self,
        chatbot_id: &str,
        body: &ChatRequest,
    ) -> Result<ChatResponse, ClientError> {
        let path = chatbot_path(chatbot_id, &["chat"]);
        let request = self.request(Method::POST, &path, &[("stream", "false")]);
        self.send(request.map(|r| r.json(body))).await
    }

    /// Chat with `?stream=true`: the frames of the data stream as they arrive. The request is
    /// sent when the stream is first polled; a non-2xx answer is the only item, and any later
    /// failure is the last one.
    pub fn chat_stream(
        &self,
        chatbot_id: &str,
        body: &ChatRequest,
    ) -> impl Stream<Item = Result<StreamPart, ClientError>> + Send + 'static {
        let path = chatbot_path(chatbot_id, &["chat"]);
        let request = self
            .request(Method::POST, &path, &[("stream", "true")])
            .map(|r| r.json(body));
        stream::once(async move { checked(request?).await })
            .map(|answer| match answer {
                Ok(response) => {
                    frames(Box::pin(response.bytes_stream().map_err(transport))).left_stream()
                }
                Err(error) => stream::iter([Err(error)]).right_stream(),
            })
            .flatten()
    }

    /// Get A Conversation: `GET /api/external/chatbot/{chatbotId}/conversations/{sessionId}`.
    pub async fn get_a_conversation(
        &self,
        chatbot_id: &str,
        session_id: &str,
    ) -> Result<SessionEnvelope, ClientError> {
        let path = chatbot_path(chatbot_id, &["conversations", session_id]);
        self.send(self.request(Method::GET, &path, &NO_QUERY)).await
    }

    /// Get Conversations: `GET /api/external/chatbot/{chatbotId}/conversations?page&limit&state`.
    pub async fn get_conversations(
        &self,
        chatbot_id: &str,
        query: &PageQuery,
    ) -> Result<Page<Session>, ClientError> {
        let path = chatbot_path(chatbot_id, &["conversations"]);
        self.send(self.request(Method::GET, &path, &page_query(query, true)))
            .await
    }

    /// Get Messages: `GET .../conversations/{sessionId}/messages?page&limit` (`state` is not
    /// sent: it filters conversations only).
    pub async fn get_messages(
        &self,
        chatbot_id: &str,
        session_id: &str,
        query: &PageQuery,
    ) -> Result<Page<Message>, ClientError> {
        let path = chatbot_path(chatbot_id, &["conversations", session_id, "messages"]);
        self.send(self.request(Method::GET, &path, &page_query(query, false)))
            .await
    }

    /// Takeover and closing: `PATCH .../conversations/{sessionId}` (chatdeck addition).
    pub async fn update_conversation(
        &self,
        chatbot_id: &str,
        session_id: &str,
        body: &ConversationUpdate,
    ) -> Result<SessionEnvelope, ClientError> {
        let path = chatbot_path(chatbot_id, &["conversations", session_id]);
        let request = self.request(Method::PATCH, &path, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// A person's reply: `POST .../conversations/{sessionId}/messages` (chatdeck addition).
    pub async fn reply_to_conversation(
        &self,
        chatbot_id: &str,
        session_id: &str,
        body: &ConversationReply,
    ) -> Result<MessageEnvelope, ClientError> {
        let path = chatbot_path(chatbot_id, &["conversations", session_id, "messages"]);
        let request = self.request(Method::POST, &path, &NO_QUERY);
        self.send(request.map(|r| r.json(body))).await
    }

    /// The export, `GET .../conversations/export?format&…filters` (chatdeck addition): the
    /// body as it streams in, for a caller that passes it on without holding it all.
    pub async fn export_conversations(
        &self,
        chatbot_id: &str,
        format: ExportFormat,
        query: &PageQuery,
    ) -> Result<Response, ClientError> {
        let path = chatbot_path(chatbot_id, &["conversations", "export"]);
        let mut pairs = page_query(query, true);
        pairs.retain(|(name, _)| *name != "page" && *name != "limit");
        pairs.push(("format", format.as_str().to_owned()));
        checked(self.request(Method::GET, &path, &pairs)?).await
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::thread;
    use std::time::Duration;

    use super::*;
    use crate::chat::ChatMessage;

    const KEY: &str = "15a23c21867f4f38b0b46f5e4adb1caf87a040b34eb58f68";
    const BOT: &str = "3317853e-0af2-427d-a56f-351a9587f48f";
    const SESSION: &str = "7a04ca3c-4ea8-44f5-b14d-f61bec64ea14";

    fn url(base: &str, segments: &[&str], query: &[(&str, &str)]) -> String {
        endpoint(base, segments, query).unwrap().to_string()
    }

    #[test]
    fn the_base_url_loses_its_trailing_slashes() {
        assert_eq!(
            Client::new("https://v2.okchat.ai/", KEY).base_url(),
            "https://v2.okchat.ai"
        );
        assert_eq!(
            Client::new("http://h:3000//", KEY).base_url(),
            "http://h:3000"
        );
        assert_eq!(
            Client::new("http://h/prefix", KEY).base_url(),
            "http://h/prefix"
        );
    }

    #[test]
    fn urls_join_the_base_the_path_and_the_query() {
        assert_eq!(
            url("https://v2.okchat.ai", &CHATBOTS, &[("id", BOT)]),
            format!("https://v2.okchat.ai/api/external/chatbots?id={BOT}")
        );
        assert_eq!(
            url(
                "http://127.0.0.1:3000/okchat",
                &chatbot_path(BOT, &["chat"]),
                &[("stream", "true")]
            ),
            format!("http://127.0.0.1:3000/okchat/api/external/chatbot/{BOT}/chat?stream=true")
        );
        assert_eq!(
            url("http://h", &chatbot_path(BOT, &[]), &[]),
            format!("http://h/api/external/chatbot/{BOT}")
        );
    }

    #[test]
    fn ids_are_percent_encoded_into_a_single_path_segment() {
        let id = "a/b?c#d e%f";
        assert_eq!(
            url(
                "http://h",
                &chatbot_path(id, &["conversations", "파일"]),
                &[]
            ),
            "http://h/api/external/chatbot/a%2Fb%3Fc%23d%20e%25f/conversations/%ED%8C%8C%EC%9D%BC"
        );
        assert_eq!(
            url("http://h", &chatbot_path("..a.", &[]), &[]),
            "http://h/api/external/chatbot/..a."
        );
    }

    #[test]
    fn ids_that_a_url_parser_would_collapse_are_refused() {
        for id in ["", ".", ".."] {
            let error = endpoint("http://h", &chatbot_path(id, &["chat"]), &NO_QUERY).unwrap_err();
            assert!(matches!(error, ClientError::InvalidRequest(_)), "{id:?}");
        }
    }

    #[test]
    fn query_values_are_form_encoded() {
        assert_eq!(
            url(
                "http://h",
                &["x"],
                &[("title", "파일 & co=1+2"), ("id", "a#b")]
            ),
            "http://h/x?title=%ED%8C%8C%EC%9D%BC+%26+co%3D1%2B2&id=a%23b"
        );
    }

    #[test]
    fn base_urls_must_be_http_or_https() {
        for base in ["localhost:3000", "ftp://h", "not a url", ""] {
            let error = endpoint(base, &CHATBOTS, &NO_QUERY).unwrap_err();
            assert!(matches!(error, ClientError::InvalidRequest(_)), "{base:?}");
        }
    }

    #[test]
    fn page_queries_send_only_what_is_set_and_state_only_for_conversations() {
        let query = PageQuery {
            page: Some(2),
            limit: None,
            state: Some("closed".into()),
            ..PageQuery::default()
        };
        assert_eq!(
            page_query(&query, true),
            [("page", "2".into()), ("state", "closed".into())]
        );
        assert_eq!(page_query(&query, false), [("page", "2".to_owned())]);
        assert!(knowledge_query(&KnowledgeListQuery::default()).is_empty());
    }

    #[test]
    fn documented_error_bodies_become_api_errors_with_fields() {
        let body = include_bytes!("../tests/fixtures/error.validation_failed.json");
        let error = ClientError::from_response(400, body, Some("req-1".into()));
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.code(), Some("validation_failed"));
        assert_eq!(error.error_code(), Some(ErrorCode::ValidationFailed));
        assert_eq!(error.field("name"), Some("is required"));
        assert_eq!(error.field("slug"), None);
        assert_eq!(
            error.request_id(),
            Some("req-1"),
            "the header fills a missing body id"
        );
        assert_eq!(
            error.to_string(),
            "400 validation_failed: The request body has invalid fields. (name: is required; \
             settings.snippet.primaryColor: must be a hex colour like #4F46E5)"
        );

        let body = include_bytes!("../tests/fixtures/error.internal.json");
        let error = ClientError::from_response(500, body, Some("header-id".into()));
        assert_eq!(
            error.request_id(),
            Some("01JN8Q4Z7X3V2K9M6T5R1W0YBC"),
            "the body's id wins"
        );
    }

    #[test]
    fn other_error_bodies_become_http_status_codes_with_an_excerpt() {
        let html = format!(
            "<html>\n  <body>Bad   gateway{}</body></html>",
            "!".repeat(400)
        );
        let error = ClientError::from_response(502, html.as_bytes(), None);
        assert_eq!(error.code(), Some("http_502"));
        assert_eq!(error.error_code(), None);
        let ClientError::Api { message, .. } = &error else {
            panic!("{error:?}")
        };
        assert!(message.starts_with("<html> <body>Bad gateway!!!"));
        assert_eq!(message.chars().count(), EXCERPT_CHARS + 1);
        assert!(message.ends_with('…'));

        let empty = ClientError::from_response(404, b"", None);
        assert_eq!(empty.code(), Some("http_404"));
        assert_eq!(empty.to_string(), "404 http_404: Not Found");

        let wrong_shape = ClientError::from_response(401, br#"{"error":"Unauthorized"}"#, None);
        assert_eq!(wrong_shape.code(), Some("http_401"));
        assert_eq!(
            wrong_shape.to_string(),
            r#"401 http_401: {"error":"Unauthorized"}"#
        );
    }

    #[test]
    fn a_character_split_between_chunks_is_rejoined() {
        let line = "0:\"파일\"\n".as_bytes();
        let mut lines = LineSplitter::new();
        let mut out = Vec::new();
        for byte in line {
            out.extend(lines.push(std::slice::from_ref(byte)));
        }
        assert_eq!(out, [line[..line.len() - 1].to_vec()]);
        assert_eq!(
            parse_frame(&out[0]).unwrap(),
            StreamPart::Text("파일".into())
        );
    }

    fn chunks(parts: &[&[u8]]) -> impl Stream<Item = Result<Bytes, ClientError>> + Unpin {
        let owned: Vec<_> = parts
            .iter()
            .map(|p| Ok(Bytes::copy_from_slice(p)))
            .collect();
        stream::iter(owned)
    }

    #[tokio::test]
    async fn frames_are_parsed_from_any_chunking() {
        let body = concat!(
            include_str!("../tests/fixtures/chat.stream.txt"),
            "0:\"파일\""
        );
        let expected: Vec<StreamPart> = body
            .lines()
            .map(|l| StreamPart::parse_line(l).unwrap())
            .collect();
        for size in [1, 2, 3, 7, 64, body.len()] {
            let pieces: Vec<&[u8]> = body.as_bytes().chunks(size).collect();
            let parts: Vec<_> = frames(chunks(&pieces)).collect().await;
            let parts: Vec<StreamPart> = parts.into_iter().map(Result::unwrap).collect();
            assert_eq!(parts, expected, "chunks of {size}");
        }
    }

    #[tokio::test]
    async fn a_malformed_frame_or_a_broken_body_ends_the_stream_with_one_error() {
        let parts: Vec<_> = frames(chunks(&[b"0:\"a\"\n", b"oops\n", b"0:\"b\"\n"]))
            .collect()
            .await;
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], Ok(StreamPart::Text("a".into())));
        assert!(matches!(parts[1], Err(ClientError::Decode(_))));

        let broken = stream::iter(vec![
            Ok(Bytes::from_static(b"0:\"a\"\n0:\"b")),
            Err(ClientError::Transport("reset".into())),
        ]);
        let parts: Vec<_> = frames(broken).collect().await;
        assert_eq!(
            parts,
            [
                Ok(StreamPart::Text("a".into())),
                Err(ClientError::Transport("reset".into()))
            ]
        );
    }

    #[test]
    fn debug_output_never_shows_the_api_key_or_file_bytes() {
        let client = Client::new("http://h", KEY);
        assert!(!format!("{client:?}").contains(KEY));
        let file = UploadFile::new("a.pdf", vec![7; 1000]).with_content_type("application/pdf");
        assert_eq!(
            format!("{file:?}"),
            r#"UploadFile { file_name: "a.pdf", content_type: Some("application/pdf"), bytes: 1000 bytes }"#
        );
    }

    /// One HTTP exchange as the fake server saw it.
    #[derive(Debug)]
    struct Seen {
        method: String,
        target: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Seen {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }

        fn route(&self) -> String {
            format!("{} {}", self.method, self.target)
        }

        fn body_text(&self) -> String {
            String::from_utf8_lossy(&self.body).into_owned()
        }
    }

    /// A one-shot HTTP/1.1 server on `127.0.0.1:0` that answers `status` with `body`, sent in
    /// `chunks` pieces (chunked transfer encoding when more than one), and reports the request.
    fn fake_server(
        status: u16,
        headers: &'static [(&'static str, &'static str)],
        chunks: Vec<Vec<u8>>,
    ) -> (String, thread::JoinHandle<Seen>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handle = thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let seen = read_request(&mut socket);
            let mut head = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n");
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            if chunks.len() == 1 {
                head.push_str(&format!("content-length: {}\r\n\r\n", chunks[0].len()));
                socket.write_all(head.as_bytes()).unwrap();
                socket.write_all(&chunks[0]).unwrap();
            } else {
                head.push_str("transfer-encoding: chunked\r\n\r\n");
                socket.write_all(head.as_bytes()).unwrap();
                for chunk in &chunks {
                    socket
                        .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                        .unwrap();
                    socket.write_all(chunk).unwrap();
                    socket.write_all(b"\r\n").unwrap();
                    socket.flush().unwrap();
                    thread::sleep(Duration::from_millis(5));
                }
                socket.write_all(b"0\r\n\r\n").unwrap();
            }
            socket.flush().unwrap();
            seen
        });
        (base, handle)
    }

    fn read_request(socket: &mut std::net::TcpStream) -> Seen {
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            let n = socket.read(&mut buf).unwrap();
            assert!(n > 0, "the client closed before sending a request");
            raw.extend_from_slice(&buf[..n]);
            if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
        };
        let head = String::from_utf8(raw[..head_end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap().split(' ');
        let method = request_line.next().unwrap().to_owned();
        let target = request_line.next().unwrap().to_owned();
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                let (n, v) = l.split_once(':').unwrap();
                (n.trim().to_ascii_lowercase(), v.trim().to_owned())
            })
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = raw[head_end + 4..].to_vec();
        while body.len() < length {
            let n = socket.read(&mut buf).unwrap();
            assert!(n > 0);
            body.extend_from_slice(&buf[..n]);
        }
        Seen {
            method,
            target,
            headers,
            body,
        }
    }

    /// Calls `call` against a fake server answering `200` with `fixture`.
    async fn exchange<T, F, Fut>(fixture: &str, call: F) -> (Seen, T)
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        exchange_with(&[], fixture, call).await
    }

    /// Like `exchange`, the answer also carrying `headers`.
    async fn exchange_with<T, F, Fut>(
        headers: &'static [(&'static str, &'static str)],
        fixture: &str,
        call: F,
    ) -> (Seen, T)
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        let (base, server) = fake_server(200, headers, vec![fixture.as_bytes().to_vec()]);
        let result = call(Client::new(base, KEY)).await;
        let seen = server.join().unwrap();
        assert_eq!(seen.header(API_KEY_HEADER), Some(KEY), "{}", seen.route());
        (seen, result.unwrap())
    }

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../tests/fixtures/", $name))
        };
    }

    fn assert_json_body(seen: &Seen, expected: &str) {
        assert_eq!(seen.header("content-type"), Some("application/json"));
        let body: Value = serde_json::from_slice(&seen.body).unwrap();
        assert_eq!(body, serde_json::from_str::<Value>(expected).unwrap());
    }

    #[tokio::test]
    async fn chatbot_endpoints_send_the_documented_requests() {
        let (seen, list) = exchange(fixture!("get_chatbots.response.json"), |c| async move {
            c.get_chatbots().await
        })
        .await;
        assert_eq!(seen.route(), "GET /api/external/chatbots");
        assert_eq!(list.chatbots[0].slug, "api-docs-demo-chatbot");

        let create: CreateChatbot =
            serde_json::from_str(fixture!("create_chatbot.request.json")).unwrap();
        let (seen, created) = exchange(fixture!("create_chatbot.response.json"), |c| async move {
            c.create_chatbot(&create).await
        })
        .await;
        assert_eq!(seen.route(), "POST /api/external/chatbots");
        assert_json_body(&seen, fixture!("create_chatbot.request.json"));
        assert_eq!(created.message, crate::messages::CHATBOT_CREATED);

        let update: UpdateChatbot =
            serde_json::from_str(fixture!("update_chatbot.merge_patch.request.json")).unwrap();
        let (seen, _) = exchange(fixture!("update_chatbot.response.json"), |c| async move {
            c.update_chatbot(BOT, &update).await
        })
        .await;
        assert_eq!(seen.method, "PATCH");
        assert_eq!(seen.target, format!("/api/external/chatbots?id={BOT}"));
        assert_json_body(&seen, fixture!("update_chatbot.merge_patch.request.json"));

        let raw = serde_json::json!({ "settings": { "snippet": { "logo": null } } });
        let (seen, _) = exchange(fixture!("update_chatbot.response.json"), |c| async move {
            c.update_chatbot_raw(BOT, &raw).await
        })
        .await;
        assert_eq!(seen.target, format!("/api/external/chatbots?id={BOT}"));
        assert_json_body(&seen, r#"{ "settings": { "snippet": { "logo": null } } }"#);

        let (seen, details) = exchange(
            fixture!("get_chatbot_details.response.json"),
            |c| async move { c.get_chatbot_details(BOT).await },
        )
        .await;
        assert_eq!(seen.route(), format!("GET /api/external/chatbot/{BOT}"));
        assert_eq!(details.chatbot.id, BOT);

        let (seen, deleted) = exchange(fixture!("delete_chatbot.response.json"), |c| async move {
            c.delete_chatbot(BOT).await
        })
        .await;
        assert_eq!(seen.route(), format!("DELETE /api/external/chatbot/{BOT}"));
        assert_eq!(deleted.message, crate::messages::CHATBOT_DELETED);

        let avatar = UploadFile::new("bot.jpg", b"\xFF\xD8\xFFjpeg".to_vec())
            .with_content_type("image/jpeg");
        let (seen, _) = exchange(fixture!("chatbot_avatar.response.json"), |c| async move {
            c.chatbot_avatar(BOT, avatar).await
        })
        .await;
        assert_eq!(seen.method, "PATCH");
        assert_eq!(
            seen.target,
            format!("/api/external/chatbot/{BOT}/update-avatar")
        );
        assert!(seen
            .header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary="));
        let body = seen.body_text();
        assert!(
            body.contains("name=\"avatar\"; filename=\"bot.jpg\"\r\nContent-Type: image/jpeg"),
            "{body}"
        );
    }

    #[tokio::test]
    async fn widget_endpoints_send_the_documented_requests() {
        let voice: VoiceWidgetConfig =
            serde_json::from_str(fixture!("voice_agent.request.json")).unwrap();
        let (seen, answer) = exchange(fixture!("voice_agent.response.json"), |c| async move {
            c.voice_agent(BOT, &voice).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("PATCH /api/external/chatbot/{BOT}/voice-agent")
        );
        assert_json_body(&seen, fixture!("voice_agent.request.json"));
        assert_eq!(answer.voice_widget_config.voice.as_deref(), Some("shimmer"));

        let raw = serde_json::json!({ "avatar": { "imageUrl": null } });
        let (seen, _) = exchange(fixture!("voice_agent.response.json"), |c| async move {
            c.voice_agent_raw(BOT, &raw).await
        })
        .await;
        assert_json_body(&seen, r#"{ "avatar": { "imageUrl": null } }"#);

        let widget: ChatWidgetUpdate =
            serde_json::from_str(fixture!("chat_widget.request.json")).unwrap();
        let (seen, answer) = exchange(fixture!("chat_widget.response.json"), |c| async move {
            c.chat_widget(BOT, &widget).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("PATCH /api/external/chatbot/{BOT}/chat-widget")
        );
        assert_json_body(&seen, fixture!("chat_widget.request.json"));
        assert_eq!(answer.chat_widget_config.language, "auto");
    }

    const VERSION: &str = "9d2f6c1e-2b7a-4c55-8f0e-3a6b1d4e7c90";

    #[tokio::test]
    async fn conditional_saves_send_if_match_and_read_the_new_version_from_the_etag() {
        let patch = serde_json::json!({ "name": "Renamed", "settings": { "logo": null } });
        let (seen, saved) = exchange_with(
            &[("etag", "\"c1d7a0f4-6f1e-4b8e-9a51-2f0d3c7b9e12\"")],
            fixture!("update_chatbot.response.json"),
            |c| async move { c.update_chatbot_if(BOT, &patch, Some(VERSION)).await },
        )
        .await;
        assert_eq!(
            seen.route(),
            format!("PATCH /api/external/chatbots?id={BOT}")
        );
        assert_eq!(
            seen.header("if-match"),
            Some(format!("\"{VERSION}\"").as_str())
        );
        assert_json_body(
            &seen,
            r#"{ "name": "Renamed", "settings": { "logo": null } }"#,
        );
        assert_eq!(saved.body.message, crate::messages::CHATBOT_UPDATED);
        assert_eq!(
            saved.version_id.as_deref(),
            Some("c1d7a0f4-6f1e-4b8e-9a51-2f0d3c7b9e12")
        );

        let patch = serde_json::json!({ "voice": "alloy" });
        let (seen, saved) = exchange_with(
            &[("etag", "W/\"v-7\"")],
            fixture!("voice_agent.response.json"),
            |c| async move { c.voice_agent_if(BOT, &patch, Some(VERSION)).await },
        )
        .await;
        assert_eq!(
            seen.route(),
            format!("PATCH /api/external/chatbot/{BOT}/voice-agent")
        );
        assert_eq!(
            seen.header("if-match"),
            Some(format!("\"{VERSION}\"").as_str())
        );
        assert_json_body(&seen, r#"{ "voice": "alloy" }"#);
        assert_eq!(
            saved.version_id.as_deref(),
            Some("v-7"),
            "a weak tag counts"
        );

        let patch = serde_json::json!({ "language": "ko" });
        let (seen, saved) = exchange(fixture!("chat_widget.response.json"), |c| async move {
            c.chat_widget_if(BOT, &patch, None).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("PATCH /api/external/chatbot/{BOT}/chat-widget")
        );
        assert_eq!(seen.header("if-match"), None, "no version, no condition");
        assert_json_body(&seen, r#"{ "language": "ko" }"#);
        assert_eq!(saved.body.chat_widget_config.language, "auto");
        assert_eq!(saved.version_id, None, "no ETag, no version");

        let patch = serde_json::json!({});
        let (seen, _) = exchange(fixture!("update_chatbot.response.json"), |c| async move {
            c.update_chatbot_if(BOT, &patch, Some("*")).await
        })
        .await;
        assert_eq!(
            seen.header("if-match"),
            Some("*"),
            "the wildcard stays bare"
        );
    }

    #[test]
    fn etags_name_the_version_without_quotes_or_weak_prefix() {
        assert_eq!(etag_version("\"abc\"").as_deref(), Some("abc"));
        assert_eq!(etag_version("W/\"abc\"").as_deref(), Some("abc"));
        assert_eq!(etag_version(" abc ").as_deref(), Some("abc"));
        assert_eq!(etag_version("\"\""), None);
        assert_eq!(etag_version(""), None);
    }

    #[tokio::test]
    async fn a_version_that_cannot_be_an_entity_tag_is_refused_before_sending() {
        let client = Client::new("http://127.0.0.1:9", KEY);
        for version in ["", "a\"b", "line\nbreak"] {
            let error = client
                .update_chatbot_if(BOT, &serde_json::json!({}), Some(version))
                .await
                .unwrap_err();
            assert!(
                matches!(error, ClientError::InvalidRequest(_)),
                "{version:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_stale_conditional_save_is_a_412_precondition_failed() {
        let (base, server) = fake_server(
            412,
            &[("content-type", "application/json")],
            vec![br#"{"error":{"code":"precondition_failed","message":"The chatbot changed since version x."}}"#.to_vec()],
        );
        let error = Client::new(base, KEY)
            .update_chatbot_if(BOT, &serde_json::json!({"name": "x"}), Some(VERSION))
            .await
            .unwrap_err();
        server.join().unwrap();
        assert_eq!(error.status(), Some(412));
        assert_eq!(error.error_code(), Some(ErrorCode::PreconditionFailed));
    }

    #[tokio::test]
    async fn version_endpoints_send_the_documented_requests() {
        let (seen, list) = exchange(fixture!("get_versions.response.json"), |c| async move {
            c.list_versions(BOT, Some(2), Some(25)).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("GET /api/external/chatbot/{BOT}/versions?page=2&limit=25")
        );
        assert_eq!(list.data.len(), 3);
        assert_eq!(list.data[2].changed, Vec::<String>::new());

        let (seen, _) = exchange(fixture!("get_versions.response.json"), |c| async move {
            c.list_versions(BOT, None, None).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("GET /api/external/chatbot/{BOT}/versions")
        );

        let (seen, one) = exchange(fixture!("get_version.response.json"), |c| async move {
            c.get_version(BOT, VERSION).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("GET /api/external/chatbot/{BOT}/versions/{VERSION}")
        );
        assert_eq!(one.version.id, VERSION);

        let (seen, restored) =
            exchange(fixture!("restore_version.response.json"), |c| async move {
                c.restore_version(BOT, VERSION).await
            })
            .await;
        assert_eq!(
            seen.route(),
            format!("POST /api/external/chatbot/{BOT}/versions/{VERSION}/restore")
        );
        assert_eq!(restored.message, crate::messages::CHATBOT_UPDATED);

        let client = Client::new("http://127.0.0.1:9", KEY);
        let error = client.get_version(BOT, "..").await.unwrap_err();
        assert!(matches!(error, ClientError::InvalidRequest(_)));
    }

    #[tokio::test]
    async fn knowledge_endpoints_send_the_documented_requests() {
        let files = vec![
            UploadFile::new("faq.pdf", b"%PDF-1.7".to_vec()).with_content_type("application/pdf"),
            UploadFile::new("파일 안내.md", b"# hi".to_vec()),
        ];
        let (seen, uploaded) = exchange(
            fixture!("knowledge_base_files.response.json"),
            |c| async move { c.knowledge_base_files(BOT, files).await },
        )
        .await;
        assert_eq!(
            seen.route(),
            format!("POST /api/embedfiles?chatbotId={BOT}")
        );
        let body = seen.body_text();
        assert!(
            body.contains(&format!("name=\"chatbotId\"\r\n\r\n{BOT}\r\n")),
            "{body}"
        );
        assert_eq!(body.matches("name=\"files\"").count(), 2, "{body}");
        assert!(
            body.contains("filename=\"faq.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7")
        );
        assert_eq!(uploaded.documents.len(), 2);

        let query = KnowledgeListQuery {
            title: Some("파일".into()),
            limit: Some(20),
            ..Default::default()
        };
        let (seen, page) = exchange(
            fixture!("get_knowledge_base_list_of_chatbot.response.json"),
            |c| async move { c.get_knowledge_base_list_of_chatbot(BOT, &query).await },
        )
        .await;
        assert_eq!(seen.method, "GET");
        assert_eq!(
            seen.target,
            format!("/api/external/chatbot/{BOT}/knowledge-base?title=%ED%8C%8C%EC%9D%BC&limit=20")
        );
        assert_eq!(page.metadata.total_count, 2);

        let doc = "2043a479-0cca-4495-97cc-c4b490138f3d";
        let (seen, deleted) = exchange(
            fixture!("delete_knowledge_base_data.response.json"),
            |c| async move { c.delete_knowledge_base_data(BOT, doc).await },
        )
        .await;
        assert_eq!(
            seen.route(),
            format!("DELETE /api/external/chatbot/{BOT}/knowledge-base?id={doc}")
        );
        assert_eq!(deleted.id, doc);

        let file = UploadFile::new("faq-2025.pdf", b"%PDF-2.0".to_vec());
        let (seen, updated) = exchange(
            fixture!("update_knowledge_base.response.json"),
            |c| async move {
                c.update_knowledge_base(BOT, doc, Some("파일"), Some(file))
                    .await
            },
        )
        .await;
        assert_eq!(seen.method, "PATCH");
        assert_eq!(
            seen.target,
            format!("/api/external/chatbot/{BOT}/knowledge-base?title=%ED%8C%8C%EC%9D%BC")
        );
        let body = seen.body_text();
        assert!(
            body.contains(&format!("name=\"documentId\"\r\n\r\n{doc}\r\n")),
            "{body}"
        );
        assert!(
            body.contains("name=\"file\"; filename=\"faq-2025.pdf\""),
            "{body}"
        );
        assert_eq!(updated.document.title, "파일");

        let (seen, _) = exchange(
            fixture!("update_knowledge_base.response.json"),
            |c| async move { c.update_knowledge_base(BOT, doc, None, None).await },
        )
        .await;
        assert_eq!(
            seen.target,
            format!("/api/external/chatbot/{BOT}/knowledge-base")
        );
        assert!(!seen.body_text().contains("name=\"file\""));

        let request = QueryKnowledgeRequest {
            query: "What's okchat ai?".into(),
            ..Default::default()
        };
        let (seen, answer) = exchange(fixture!("query_knowledge.response.json"), |c| async move {
            c.query_knowledge(BOT, &request).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("POST /api/external/chatbot/{BOT}/query-knowledge")
        );
        assert_json_body(&seen, fixture!("query_knowledge.request.json"));
        assert_eq!(answer.total_docs, 7);
    }

    #[tokio::test]
    async fn chat_and_conversation_endpoints_send_the_documented_requests() {
        let request: ChatRequest = serde_json::from_str(fixture!("chat.request.json")).unwrap();
        let (seen, answer) = exchange(fixture!("chat.response.json"), |c| async move {
            c.chat(BOT, &request).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("POST /api/external/chatbot/{BOT}/chat?stream=false")
        );
        assert_json_body(&seen, fixture!("chat.request.json"));
        assert_eq!(answer.finish_reason, "stop");

        let (seen, one) = exchange(
            fixture!("get_a_conversation.response.json"),
            |c| async move { c.get_a_conversation(BOT, SESSION).await },
        )
        .await;
        assert_eq!(
            seen.route(),
            format!("GET /api/external/chatbot/{BOT}/conversations/{SESSION}")
        );
        assert_eq!(one.session.id, SESSION);

        let query = PageQuery {
            page: Some(1),
            limit: Some(10),
            state: Some("in_progress".into()),
            ..PageQuery::default()
        };
        let (seen, list) = exchange(
            fixture!("get_conversations.response.json"),
            |c| async move { c.get_conversations(BOT, &query).await },
        )
        .await;
        assert_eq!(
            seen.target,
            format!("/api/external/chatbot/{BOT}/conversations?page=1&limit=10&state=in_progress")
        );
        assert_eq!(list.data.len(), 2);

        let (seen, messages) = exchange(fixture!("get_messages.response.json"), |c| async move {
            c.get_messages(BOT, SESSION, &PageQuery::default()).await
        })
        .await;
        assert_eq!(
            seen.route(),
            format!("GET /api/external/chatbot/{BOT}/conversations/{SESSION}/messages")
        );
        assert_eq!(messages.data[0].sender_type, "user");
    }

    fn hello() -> ChatRequest {
        ChatRequest {
            messages: vec![ChatMessage::user("How large may a file be?")],
            platform: Some("web".into()),
            session_token: Some("t-1".into()),
        }
    }

    #[tokio::test]
    async fn chat_stream_yields_frames_split_across_http_chunks() {
        let body = fixture!("chat.stream.txt").as_bytes();
        let pieces: Vec<Vec<u8>> = body.chunks(13).map(<[u8]>::to_vec).collect();
        let (base, server) = fake_server(
            200,
            &[
                ("content-type", "text/plain; charset=utf-8"),
                ("x-vercel-ai-data-stream", "v1"),
            ],
            pieces,
        );
        let parts: Vec<_> = Client::new(base, KEY)
            .chat_stream(BOT, &hello())
            .collect()
            .await;
        let seen = server.join().unwrap();
        assert_eq!(
            seen.target,
            format!("/api/external/chatbot/{BOT}/chat?stream=true")
        );
        assert_eq!(seen.header(API_KEY_HEADER), Some(KEY));
        let expected: Vec<_> = fixture!("chat.stream.txt")
            .lines()
            .map(|l| Ok(StreamPart::parse_line(l).unwrap()))
            .collect();
        assert_eq!(parts, expected);
    }

    #[tokio::test]
    async fn chat_stream_refusals_are_a_single_api_error() {
        let (base, server) = fake_server(
            409,
            &[
                ("content-type", "application/json"),
                ("x-request-id", "r-9"),
            ],
            vec![br#"{"error":{"code":"conflict","message":"The chatbot is paused."}}"#.to_vec()],
        );
        let parts: Vec<_> = Client::new(base, KEY)
            .chat_stream(BOT, &hello())
            .collect()
            .await;
        server.join().unwrap();
        assert_eq!(parts.len(), 1);
        let error = parts[0].as_ref().unwrap_err();
        assert_eq!(error.status(), Some(409));
        assert_eq!(error.error_code(), Some(ErrorCode::Conflict));
        assert_eq!(error.request_id(), Some("r-9"));
    }

    #[tokio::test]
    async fn non_2xx_answers_are_api_errors_and_bad_2xx_bodies_are_decode_errors() {
        let (base, server) = fake_server(
            404,
            &[],
            vec![fixture!("error.not_found.json").as_bytes().to_vec()],
        );
        let error = Client::new(base, KEY)
            .get_chatbot_details(BOT)
            .await
            .unwrap_err();
        server.join().unwrap();
        assert_eq!(
            (error.status(), error.code()),
            (Some(404), Some("not_found"))
        );

        let (base, server) = fake_server(200, &[], vec![b"{\"chatbots\": 3}".to_vec()]);
        let error = Client::new(base, KEY).get_chatbots().await.unwrap_err();
        server.join().unwrap();
        assert!(
            matches!(&error, ClientError::Decode(m) if m.contains("chatbots")),
            "{error:?}"
        );
        assert_eq!(error.status(), None);
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_transport_error() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let error = Client::new(base, KEY).get_chatbots().await.unwrap_err();
        assert!(matches!(error, ClientError::Transport(_)), "{error:?}");
    }

    #[tokio::test]
    async fn requests_that_cannot_be_built_fail_before_sending() {
        let client = Client::new("http://127.0.0.1:9", KEY);
        let error = client.delete_chatbot("..").await.unwrap_err();
        assert!(matches!(error, ClientError::InvalidRequest(_)));

        let bad_key = Client::new("http://127.0.0.1:9", "line\nbreak");
        let error = bad_key.get_chatbots().await.unwrap_err();
        assert!(matches!(error, ClientError::InvalidRequest(_)));

        let bad_type = UploadFile::new("a", Vec::new()).with_content_type("not a type");
        let error = client.chatbot_avatar(BOT, bad_type).await.unwrap_err();
        assert!(matches!(error, ClientError::InvalidRequest(_)));

        let parts: Vec<_> = client.chat_stream("", &hello()).collect().await;
        assert!(matches!(parts[..], [Err(ClientError::InvalidRequest(_))]));
    }
}
