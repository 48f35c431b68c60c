//! Conversations (`Session`, §2.7), messages (§2.8) and pagination (§2.9).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `last_message`: an object in lists, a plain string in Get A Conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum LastMessage {
    Text(String),
    Message {
        id: String,
        content: String,
        sender_type: String,
    },
}

impl LastMessage {
    /// The message text, whichever form it came in.
    pub fn content(&self) -> &str {
        match self {
            LastMessage::Text(text) => text,
            LastMessage::Message { content, .. } => content,
        }
    }
}

/// One end-user conversation on one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: String,
    pub chatbot_id: String,
    pub platform: String,
    #[serde(default)]
    pub sns_user_id: Option<String>,
    #[serde(default)]
    pub session_token: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    pub active: bool,
    #[serde(default)]
    pub is_human_mode: bool,
    /// `in_progress` or `closed`; okchat sends it only in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default)]
    pub last_message: Option<LastMessage>,
    #[serde(default)]
    pub metadata: Value,
    #[serde(default)]
    pub voice_path: Option<String>,
    #[serde(default)]
    pub migrated_data: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// An image attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub name: String,
    pub url: String,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: String,
    pub session_id: String,
    /// `user` or `bot`.
    pub sender_type: String,
    pub content: String,
    #[serde(default)]
    pub attachments: Option<Vec<Attachment>>,
    #[serde(default)]
    pub metadata: Value,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub tool_calls: Option<Vec<Value>>,
    #[serde(default)]
    pub tool_results: Option<Vec<Value>>,
    #[serde(default)]
    pub tokens_used: u64,
    #[serde(default)]
    pub session_token: Option<String>,
    #[serde(default)]
    pub migrated_data: bool,
    pub created_at: String,
}

/// Pagination metadata: `{currentPage, pageSize, totalCount, totalPages}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PageMeta {
    pub current_page: u64,
    pub page_size: u64,
    pub total_count: u64,
    pub total_pages: u64,
}

impl PageMeta {
    /// Metadata for `page` (1-based) of `limit` items out of `total`.
    pub fn new(page: u64, limit: u64, total: u64) -> Self {
        Self {
            current_page: page,
            page_size: limit,
            total_count: total,
            total_pages: if limit == 0 { 0 } else { total.div_ceil(limit) },
        }
    }
}

/// `{ "data": [T], "metadata": PageMeta }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub data: Vec<T>,
    pub metadata: PageMeta,
}

/// `{ "session": Session }` (Get A Conversation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionEnvelope {
    pub session: Session,
}

/// Query of Get Conversations and Get Messages. Everything but `page` and `limit` filters
/// conversations only: `state` is okchat's, `platform`, `from`, `to` (ISO-8601 dates, on
/// `created_at`, both inclusive) and `q` (case-insensitive text in any message) are chatdeck
/// additions, also taken by the export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// chatdeck addition: `PATCH .../conversations/{sessionId}`, human takeover and closing. At
/// least one field is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_human_mode: Option<bool>,
    /// `in_progress` or `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// chatdeck addition: `POST .../conversations/{sessionId}/messages`, a person's reply (only
/// while the session is in human mode). `author` names the person (the console sends its
/// user's email); an API caller without it is stored as `api`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationReply {
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// `{ "message": Message }`, the answer to a person's reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageEnvelope {
    pub message: Message,
}

/// The formats of the conversation export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}
