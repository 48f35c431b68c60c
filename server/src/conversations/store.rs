//! What conversations need from a database engine: sessions found or made by their caller's
//! key, messages appended in order, the filtered listing and the export's pages.

use async_trait::async_trait;
use serde_json::Value;

use crate::store::{StoreError, StoreResult};

/// `in_progress` or `closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    InProgress,
    Closed,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::InProgress => "in_progress",
            SessionState::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "in_progress" => Some(SessionState::InProgress),
            "closed" => Some(SessionState::Closed),
            _ => None,
        }
    }
}

/// The newest message of a session, as lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct LastMessageRecord {
    pub id: String,
    pub content: String,
    pub sender_type: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub id: String,
    pub chatbot_id: String,
    pub organization_id: String,
    pub platform: String,
    pub sns_user_id: Option<String>,
    pub user_id: Option<String>,
    pub is_human_mode: bool,
    pub state: SessionState,
    /// A JSON object.
    pub metadata: Value,
    pub message_count: i64,
    pub last_message: Option<LastMessageRecord>,
    pub created_at: String,
    pub updated_at: String,
}

/// A session to open when its caller has none yet.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub organization_id: String,
    pub chatbot_id: String,
    pub platform: String,
    /// The caller's key; `None` opens a session nobody can find again by key.
    pub sns_user_id: Option<String>,
    pub metadata: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MessageRecord {
    pub id: String,
    pub session_id: String,
    /// 1-based position in the session.
    pub seq: i64,
    /// `user` or `bot`.
    pub sender_type: String,
    pub content: String,
    pub attachments: Option<Value>,
    /// A JSON object.
    pub metadata: Value,
    pub model: Option<String>,
    pub provider: Option<String>,
    pub tool_calls: Option<Value>,
    pub tool_results: Option<Value>,
    pub tokens_used: i64,
    pub created_at: String,
}

/// A message to append; the store gives it its position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewMessage {
    pub id: String,
    pub sender_type: String,
    pub content: String,
    pub metadata: Value,
    pub model: Option<String>,
    pub provider: Option<String>,
    pub tool_calls: Option<Value>,
    pub tool_results: Option<Value>,
    pub tokens_used: i64,
    /// The client's id of a visitor's turn, unique in its session.
    pub client_id: Option<String>,
}

/// `error` from inserting `message`, as `StoreError::Conflict` when it is the session's
/// uniqueness of client ids: another request stored the same turn first.
pub(crate) fn turn_conflict(error: sqlx::Error, message: &NewMessage) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() && message.client_id.is_some() => {
            StoreError::Conflict(format!(
                "the turn {:?} is stored already",
                message.client_id.as_deref().unwrap_or_default()
            ))
        }
        _ => StoreError::Database(error),
    }
}

/// When an append may happen: a person's reply only while the session is in human mode,
/// checked in the same transaction as the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendIf {
    Always,
    HumanMode,
}

/// What Update (takeover, closing) and the chat (lead capture) change on a session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionChange {
    pub is_human_mode: Option<bool>,
    pub state: Option<SessionState>,
    /// Keys set in `metadata`, the others kept.
    pub metadata: Option<serde_json::Map<String, Value>>,
}

/// The listing's filters, already validated: times in the stored format.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionFilter {
    pub state: Option<SessionState>,
    pub platform: Option<String>,
    /// Inclusive.
    pub created_from: Option<String>,
    /// Exclusive.
    pub created_before: Option<String>,
    /// Text in any message of the session, matched without regard to case.
    pub text: Option<String>,
}

/// A position in the newest-first order of sessions: (`created_at`, `id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCursor {
    pub created_at: String,
    pub id: String,
}

#[async_trait]
pub trait ConversationStore {
    /// The chatbot's session with `session.sns_user_id`, or `session` inserted when there is
    /// none (concurrent first messages of one caller meet in one session).
    async fn open_session(&self, session: &NewSession, now: &str) -> StoreResult<SessionRecord>;
    async fn get_session(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
    ) -> StoreResult<Option<SessionRecord>>;
    /// The chatbot's session of the caller `sns_user_id` on `platform`, if it has one.
    async fn find_session(
        &self,
        chatbot_id: &str,
        platform: &str,
        sns_user_id: &str,
    ) -> StoreResult<Option<SessionRecord>>;
    /// One page of the chatbot's sessions, newest first, and how many match in all.
    async fn list_sessions(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        filter: &SessionFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<SessionRecord>, u64)>;
    /// Up to `limit` matching sessions after `after` in the newest-first order: the export's
    /// pages, stable while new sessions arrive.
    async fn sessions_after(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        filter: &SessionFilter,
        after: Option<&SessionCursor>,
        limit: i64,
    ) -> StoreResult<Vec<SessionRecord>>;
    /// Applies `change`; `None` when there is no such session.
    async fn update_session(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
        change: &SessionChange,
        now: &str,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Appends the message at the session's next position and bumps its `updated_at`, in one
    /// transaction. `None` when the session is gone or `condition` does not hold.
    async fn append_message(
        &self,
        session_id: &str,
        message: &NewMessage,
        condition: AppendIf,
        now: &str,
    ) -> StoreResult<Option<MessageRecord>>;
    /// One page of the session's messages, oldest first, and how many it has.
    async fn list_messages(
        &self,
        session_id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<MessageRecord>, u64)>;
    /// Up to `limit` messages after position `after_seq`, oldest first.
    async fn messages_after(
        &self,
        session_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<MessageRecord>>;
    /// Sets (or with `None` removes) `metadata.feedback` of the session's bot message `id`;
    /// `None` when the session has no such bot message.
    async fn set_feedback(
        &self,
        session_id: &str,
        message_id: &str,
        feedback: Option<&str>,
    ) -> StoreResult<Option<MessageRecord>>;
    /// The session's message `message_id`, if it has one.
    async fn find_message(
        &self,
        session_id: &str,
        message_id: &str,
    ) -> StoreResult<Option<MessageRecord>>;
    /// The session's visitor turn the client sent under `client_id`, if it is stored.
    async fn message_by_client_id(
        &self,
        session_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<MessageRecord>>;
    /// The session's newest `limit` messages, oldest first (the chat's history).
    async fn recent_messages(
        &self,
        session_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<MessageRecord>>;
    /// Makes `holder` the one answering the visitor turn `message_id` until `until`, unless
    /// another holder's lease on it lasts past `now`. True when `holder` has it.
    async fn claim_answer(
        &self,
        message_id: &str,
        holder: &str,
        now: &str,
        until: &str,
    ) -> StoreResult<bool>;
    /// Moves `holder`'s lease on answering `message_id` to `until` (nothing if it lost it).
    async fn renew_answer(&self, message_id: &str, holder: &str, until: &str) -> StoreResult<()>;
    /// Ends `holder`'s lease on answering `message_id`: the answer is stored, or none will be.
    async fn release_answer(&self, message_id: &str, holder: &str) -> StoreResult<()>;
}
