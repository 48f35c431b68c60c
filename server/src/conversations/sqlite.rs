//! `ConversationStore` on SQLite. A session's newest message is the one at its
//! `message_count`, so lists join it by key instead of sorting each session's messages.

use async_trait::async_trait;
use serde_json::Value;

use super::store::{
    turn_conflict, AppendIf, ConversationStore, LastMessageRecord, MessageRecord, NewMessage,
    NewSession, SessionChange, SessionCursor, SessionFilter, SessionRecord, SessionState,
};
use crate::store::sqlite::SqliteStore;
use crate::store::{StoreError, StoreResult};

struct SessionRow {
    id: String,
    chatbot_id: String,
    organization_id: String,
    platform: String,
    sns_user_id: Option<String>,
    user_id: Option<String>,
    is_human_mode: bool,
    state: String,
    metadata: String,
    message_count: i64,
    last_id: Option<String>,
    last_content: Option<String>,
    last_sender: Option<String>,
    created_at: String,
    updated_at: String,
}

fn json(column: &str, text: &str) -> StoreResult<Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

fn optional_json(column: &str, text: Option<&str>) -> StoreResult<Option<Value>> {
    text.map(|text| json(column, text)).transpose()
}

fn to_text(value: Option<&Value>) -> Option<String> {
    value.map(Value::to_string)
}

impl TryFrom<SessionRow> for SessionRecord {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> StoreResult<Self> {
        let last_message = match (row.last_id, row.last_content, row.last_sender) {
            (Some(id), Some(content), Some(sender_type)) => Some(LastMessageRecord {
                id,
                content,
                sender_type,
            }),
            _ => None,
        };
        Ok(SessionRecord {
            state: SessionState::parse(&row.state).ok_or_else(|| {
                StoreError::Corrupt(format!("chat_session.state: {:?}", row.state))
            })?,
            metadata: json("chat_session.metadata", &row.metadata)?,
            id: row.id,
            chatbot_id: row.chatbot_id,
            organization_id: row.organization_id,
            platform: row.platform,
            sns_user_id: row.sns_user_id,
            user_id: row.user_id,
            is_human_mode: row.is_human_mode,
            message_count: row.message_count,
            last_message,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

struct MessageRow {
    id: String,
    session_id: String,
    seq: i64,
    sender_type: String,
    content: String,
    attachments: Option<String>,
    metadata: String,
    model: Option<String>,
    provider: Option<String>,
    tool_calls: Option<String>,
    tool_results: Option<String>,
    tokens_used: i64,
    created_at: String,
}

impl TryFrom<MessageRow> for MessageRecord {
    type Error = StoreError;

    fn try_from(row: MessageRow) -> StoreResult<Self> {
        Ok(MessageRecord {
            attachments: optional_json("chat_message.attachments", row.attachments.as_deref())?,
            metadata: json("chat_message.metadata", &row.metadata)?,
            tool_calls: optional_json("chat_message.tool_calls", row.tool_calls.as_deref())?,
            tool_results: optional_json("chat_message.tool_results", row.tool_results.as_deref())?,
            id: row.id,
            session_id: row.session_id,
            seq: row.seq,
            sender_type: row.sender_type,
            content: row.content,
            model: row.model,
            provider: row.provider,
            tokens_used: row.tokens_used,
            created_at: row.created_at,
        })
    }
}

fn sessions(rows: Vec<SessionRow>) -> StoreResult<Vec<SessionRecord>> {
    rows.into_iter().map(SessionRecord::try_from).collect()
}

fn messages(rows: Vec<MessageRow>) -> StoreResult<Vec<MessageRecord>> {
    rows.into_iter().map(MessageRecord::try_from).collect()
}

macro_rules! select_session {
    ($where:literal, $($arg:expr),*) => {
        sqlx::query_as!(
            SessionRow,
            r#"select s.id as "id!", s.chatbot_id, s.organization_id, s.platform, s.sns_user_id,
                      s.user_id, s.is_human_mode as "is_human_mode: bool", s.state, s.metadata,
                      s.message_count, m.id as "last_id?", m.content as "last_content?",
                      m.sender_type as "last_sender?", s.created_at, s.updated_at
               from chat_session s
               left join chat_message m on m.session_id = s.id and m.seq = s.message_count
               where "# + $where,
            $($arg),*
        )
    };
}

macro_rules! select_messages {
    ($where:literal, $($arg:expr),*) => {
        sqlx::query_as!(
            MessageRow,
            r#"select id as "id!", session_id, seq, sender_type, content, attachments, metadata,
                      model, provider, tool_calls, tool_results, tokens_used, created_at
               from chat_message where "# + $where,
            $($arg),*
        )
    };
}

/// The text filter's needle: SQLite's `lower` folds ASCII letters only, so the needle is
/// folded the same way (a Unicode-folded needle could never match an unfolded haystack).
fn needle(filter: &SessionFilter) -> Option<String> {
    filter.text.as_deref().map(str::to_ascii_lowercase)
}

#[async_trait]
impl ConversationStore for SqliteStore {
    async fn find_session(
        &self,
        chatbot_id: &str,
        platform: &str,
        sns_user_id: &str,
    ) -> StoreResult<Option<SessionRecord>> {
        let row = select_session!(
            "s.chatbot_id = ? and s.platform = ? and s.sns_user_id = ?",
            chatbot_id,
            platform,
            sns_user_id
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(SessionRecord::try_from).transpose()
    }

    async fn open_session(&self, session: &NewSession, now: &str) -> StoreResult<SessionRecord> {
        // A returning caller's session is read without a write: every write waits for the one
        // writer, and most turns belong to a conversation that already exists.
        if let Some(caller) = &session.sns_user_id {
            let found = select_session!(
                "s.chatbot_id = ? and s.sns_user_id = ?",
                session.chatbot_id,
                caller
            )
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = found {
                return row.try_into();
            }
        }
        let metadata = session.metadata.to_string();
        // A second first message of the same caller hits the unique key and is dropped here;
        // both requests then read the one session.
        sqlx::query!(
            "insert into chat_session (id, chatbot_id, organization_id, platform, sns_user_id,
                 metadata, created_at, updated_at)
             values (?, ?, ?, ?, ?, ?, ?, ?)
             on conflict do nothing",
            session.id,
            session.chatbot_id,
            session.organization_id,
            session.platform,
            session.sns_user_id,
            metadata,
            now,
            now
        )
        .execute(&self.pool)
        .await?;
        let row = select_session!(
            "s.id = ?1 or (?2 is not null and s.chatbot_id = ?3 and s.sns_user_id = ?2)",
            session.id,
            session.sns_user_id,
            session.chatbot_id
        )
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    async fn get_session(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
    ) -> StoreResult<Option<SessionRecord>> {
        select_session!(
            "s.organization_id = ? and s.chatbot_id = ? and s.id = ?",
            organization_id,
            chatbot_id,
            id
        )
        .fetch_optional(&self.pool)
        .await?
        .map(SessionRecord::try_from)
        .transpose()
    }

    async fn list_sessions(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        filter: &SessionFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<SessionRecord>, u64)> {
        let state = filter.state.map(SessionState::as_str);
        let text = needle(filter);
        let total = sqlx::query_scalar!(
            r#"select count(*) as "n!: i64" from chat_session s
               where s.organization_id = ?1 and s.chatbot_id = ?2
                 and (?3 is null or s.state = ?3)
                 and (?4 is null or s.platform = ?4)
                 and (?5 is null or s.created_at >= ?5)
                 and (?6 is null or s.created_at < ?6)
                 and (?7 is null or exists (select 1 from chat_message t
                      where t.session_id = s.id and instr(lower(t.content), ?7) > 0))"#,
            organization_id,
            chatbot_id,
            state,
            filter.platform,
            filter.created_from,
            filter.created_before,
            text
        )
        .fetch_one(&self.pool)
        .await?;
        let rows = select_session!(
            "s.organization_id = ?1 and s.chatbot_id = ?2
               and (?3 is null or s.state = ?3)
               and (?4 is null or s.platform = ?4)
               and (?5 is null or s.created_at >= ?5)
               and (?6 is null or s.created_at < ?6)
               and (?7 is null or exists (select 1 from chat_message t
                    where t.session_id = s.id and instr(lower(t.content), ?7) > 0))
             order by s.created_at desc, s.id desc limit ?8 offset ?9",
            organization_id,
            chatbot_id,
            state,
            filter.platform,
            filter.created_from,
            filter.created_before,
            text,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        Ok((sessions(rows)?, u64::try_from(total).unwrap_or(0)))
    }

    async fn sessions_after(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        filter: &SessionFilter,
        after: Option<&SessionCursor>,
        limit: i64,
    ) -> StoreResult<Vec<SessionRecord>> {
        let state = filter.state.map(SessionState::as_str);
        let text = needle(filter);
        let after_created = after.map(|c| c.created_at.as_str());
        let after_id = after.map(|c| c.id.as_str());
        let rows = select_session!(
            "s.organization_id = ?1 and s.chatbot_id = ?2
               and (?3 is null or s.state = ?3)
               and (?4 is null or s.platform = ?4)
               and (?5 is null or s.created_at >= ?5)
               and (?6 is null or s.created_at < ?6)
               and (?7 is null or exists (select 1 from chat_message t
                    where t.session_id = s.id and instr(lower(t.content), ?7) > 0))
               and (?8 is null or s.created_at < ?8 or (s.created_at = ?8 and s.id < ?9))
             order by s.created_at desc, s.id desc limit ?10",
            organization_id,
            chatbot_id,
            state,
            filter.platform,
            filter.created_from,
            filter.created_before,
            text,
            after_created,
            after_id,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        sessions(rows)
    }

    async fn update_session(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
        change: &SessionChange,
        now: &str,
    ) -> StoreResult<Option<SessionRecord>> {
        let state = change.state.map(SessionState::as_str);
        // `json_patch` is RFC 7396: the given keys are set, the others kept.
        let metadata = change
            .metadata
            .as_ref()
            .map(|keys| Value::Object(keys.clone()).to_string());
        let mut tx = self.write().await?;
        let changed = sqlx::query!(
            "update chat_session
             set is_human_mode = coalesce(?1, is_human_mode),
                 state = coalesce(?2, state),
                 metadata = case when ?3 is null then metadata else json_patch(metadata, ?3) end,
                 updated_at = ?4
             where organization_id = ?5 and chatbot_id = ?6 and id = ?7",
            change.is_human_mode,
            state,
            metadata,
            now,
            organization_id,
            chatbot_id,
            id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let row = select_session!("s.id = ?", id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        row.try_into().map(Some)
    }

    async fn append_message(
        &self,
        session_id: &str,
        message: &NewMessage,
        condition: AppendIf,
        now: &str,
    ) -> StoreResult<Option<MessageRecord>> {
        let human_mode_only = condition == AppendIf::HumanMode;
        let mut tx = self.write().await?;
        let seq = sqlx::query_scalar!(
            "update chat_session set message_count = message_count + 1, updated_at = ?1
             where id = ?2 and (not ?3 or is_human_mode)
             returning message_count",
            now,
            session_id,
            human_mode_only
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(seq) = seq else {
            return Ok(None);
        };
        let metadata = message.metadata.to_string();
        let tool_calls = to_text(message.tool_calls.as_ref());
        let tool_results = to_text(message.tool_results.as_ref());
        sqlx::query!(
            "insert into chat_message (id, session_id, seq, sender_type, content, metadata, model,
                 provider, tool_calls, tool_results, tokens_used, created_at, client_id)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            message.id,
            session_id,
            seq,
            message.sender_type,
            message.content,
            metadata,
            message.model,
            message.provider,
            tool_calls,
            tool_results,
            message.tokens_used,
            now,
            message.client_id
        )
        .execute(&mut *tx)
        .await
        .map_err(|error| turn_conflict(error, message))?;
        tx.commit().await?;
        Ok(Some(MessageRecord {
            id: message.id.clone(),
            session_id: session_id.to_owned(),
            seq,
            sender_type: message.sender_type.clone(),
            content: message.content.clone(),
            attachments: None,
            metadata: message.metadata.clone(),
            model: message.model.clone(),
            provider: message.provider.clone(),
            tool_calls: message.tool_calls.clone(),
            tool_results: message.tool_results.clone(),
            tokens_used: message.tokens_used,
            created_at: now.to_owned(),
        }))
    }

    async fn list_messages(
        &self,
        session_id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<MessageRecord>, u64)> {
        let total = sqlx::query_scalar!(
            r#"select message_count as "n!: i64" from chat_session where id = ?"#,
            session_id
        )
        .fetch_optional(&self.pool)
        .await?
        .unwrap_or(0);
        let rows = select_messages!(
            "session_id = ? order by seq limit ? offset ?",
            session_id,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        Ok((messages(rows)?, u64::try_from(total).unwrap_or(0)))
    }

    async fn set_feedback(
        &self,
        session_id: &str,
        message_id: &str,
        feedback: Option<&str>,
    ) -> StoreResult<Option<MessageRecord>> {
        let mut tx = self.write().await?;
        let changed = sqlx::query!(
            "update chat_message
             set metadata = case when ?1 is null then json_remove(metadata, '$.feedback')
                                 else json_set(metadata, '$.feedback', ?1) end
             where session_id = ?2 and id = ?3 and sender_type = 'bot'",
            feedback,
            session_id,
            message_id
        )
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok(None);
        }
        let row = select_messages!("session_id = ? and id = ?", session_id, message_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(row.try_into()?))
    }

    async fn messages_after(
        &self,
        session_id: &str,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<MessageRecord>> {
        let rows = select_messages!(
            "session_id = ? and seq > ? order by seq limit ?",
            session_id,
            after_seq,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        messages(rows)
    }

    async fn find_message(
        &self,
        session_id: &str,
        message_id: &str,
    ) -> StoreResult<Option<MessageRecord>> {
        let rows = select_messages!("session_id = ? and id = ?", session_id, message_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(messages(rows)?.pop())
    }

    async fn message_by_client_id(
        &self,
        session_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<MessageRecord>> {
        let rows = select_messages!("session_id = ? and client_id = ?", session_id, client_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(messages(rows)?.pop())
    }

    async fn recent_messages(
        &self,
        session_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<MessageRecord>> {
        let rows = select_messages!(
            "session_id = ? order by seq desc limit ?",
            session_id,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        let mut newest_first = messages(rows)?;
        newest_first.reverse();
        Ok(newest_first)
    }

    async fn claim_answer(
        &self,
        message_id: &str,
        holder: &str,
        now: &str,
        until: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let claimed = sqlx::query!(
            "insert into chat_answer_lease (message_id, holder, held_until) values (?1, ?2, ?3)
             on conflict (message_id) do update set holder = ?2, held_until = ?3
             where chat_answer_lease.held_until <= ?4",
            message_id,
            holder,
            until,
            now
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(claimed.rows_affected() > 0)
    }

    async fn renew_answer(&self, message_id: &str, holder: &str, until: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query!(
            "update chat_answer_lease set held_until = ? where message_id = ? and holder = ?",
            until,
            message_id,
            holder
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn release_answer(&self, message_id: &str, holder: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query!(
            "delete from chat_answer_lease where message_id = ? and holder = ?",
            message_id,
            holder
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
