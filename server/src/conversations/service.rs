//! The rules of the conversation endpoints: the listing's filters, takeover and closing, a
//! person's reply, and the records as the API shows them.

use std::collections::HashMap;

use okchat::validate::Validate;
use okchat::{ConversationReply, ConversationUpdate, LastMessage, Message, Session};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, Time};

use super::store::{
    AppendIf, MessageRecord, NewMessage, SessionChange, SessionFilter, SessionRecord, SessionState,
};
use crate::chatbots::service::{self as chatbots, typed};
use crate::error::{ApiError, ApiResult};
use crate::http::paging::Paging;
use crate::store::DynStore;

/// The longest text filter, in characters.
const TEXT_FILTER_MAX: usize = 200;

/// Session ids are UUIDs; anything else cannot name a session.
pub fn session_id(raw: &str) -> ApiResult<String> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| ApiError::not_found("Conversation"))
}

/// Which form `last_message` takes: an object in lists, the text in Get A Conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastMessageForm {
    Object,
    Text,
}

pub fn session_to_api(record: &SessionRecord, form: LastMessageForm) -> Session {
    let last_message = record.last_message.as_ref().map(|last| match form {
        LastMessageForm::Object => LastMessage::Message {
            id: last.id.clone(),
            content: last.content.clone(),
            sender_type: last.sender_type.clone(),
        },
        LastMessageForm::Text => LastMessage::Text(last.content.clone()),
    });
    Session {
        id: record.id.clone(),
        chatbot_id: record.chatbot_id.clone(),
        platform: record.platform.clone(),
        sns_user_id: record.sns_user_id.clone(),
        session_token: None,
        user_id: record.user_id.clone(),
        active: true,
        is_human_mode: record.is_human_mode,
        state: Some(record.state.as_str().into()),
        last_message,
        metadata: record.metadata.clone(),
        voice_path: None,
        migrated_data: false,
        created_at: record.created_at.clone(),
        updated_at: record.updated_at.clone(),
    }
}

fn array(value: &Option<Value>) -> Option<Vec<Value>> {
    value.as_ref().map(|v| match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    })
}

pub fn message_to_api(record: &MessageRecord) -> Message {
    Message {
        id: record.id.clone(),
        session_id: record.session_id.clone(),
        sender_type: record.sender_type.clone(),
        content: record.content.clone(),
        attachments: record
            .attachments
            .as_ref()
            .and_then(|a| serde_json::from_value(a.clone()).ok()),
        metadata: record.metadata.clone(),
        model: record.model.clone(),
        provider: record.provider.clone(),
        tool_calls: array(&record.tool_calls),
        tool_results: array(&record.tool_results),
        tokens_used: u64::try_from(record.tokens_used).unwrap_or(0),
        session_token: None,
        migrated_data: false,
        created_at: record.created_at.clone(),
    }
}

/// A `from`/`to` bound: a date (`2025-03-07`, the whole day) or an RFC 3339 time.
enum Bound {
    Day(Date),
    Instant(OffsetDateTime),
}

fn bound(name: &str, raw: &str) -> ApiResult<Bound> {
    let raw = raw.trim();
    if let Ok(day) = Date::parse(raw, format_description!("[year]-[month]-[day]")) {
        return Ok(Bound::Day(day));
    }
    OffsetDateTime::parse(raw, &Rfc3339)
        .map(|at| Bound::Instant(at.to_offset(time::UtcOffset::UTC)))
        .map_err(|_| {
            ApiError::field(
                name,
                "must be a date (2025-03-07) or an ISO-8601 time (2025-03-07T09:30:00Z)",
            )
        })
}

/// Reads the listing's filters (`state`, `platform`, `from`, `to`, `q`) from a query; empty
/// values are absent. `from` and `to` are both inclusive: `to=2025-03-07` includes that day.
pub fn filter_from_query(query: &HashMap<String, String>) -> ApiResult<SessionFilter> {
    let given = |name: &str| query.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let state = given("state")
        .map(|raw| {
            SessionState::parse(raw)
                .ok_or_else(|| ApiError::field("state", "must be \"in_progress\" or \"closed\""))
        })
        .transpose()?;
    let start = given("from").map(|raw| bound("from", raw)).transpose()?;
    let end = given("to").map(|raw| bound("to", raw)).transpose()?;
    let created_from = start.map(|b| match b {
        Bound::Day(day) => day.with_time(Time::MIDNIGHT).assume_utc(),
        Bound::Instant(at) => at,
    });
    let created_before = end.map(|b| match b {
        Bound::Day(day) => day.with_time(Time::MIDNIGHT).assume_utc() + Duration::days(1),
        Bound::Instant(at) => at + Duration::microseconds(1),
    });
    if let (Some(from), Some(before)) = (created_from, created_before) {
        if from >= before {
            return Err(ApiError::field("to", "must not be before from"));
        }
    }
    let text = given("q").map(str::to_owned);
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > TEXT_FILTER_MAX)
    {
        return Err(ApiError::field(
            "q",
            &format!("must be at most {TEXT_FILTER_MAX} characters"),
        ));
    }
    Ok(SessionFilter {
        state,
        platform: given("platform").map(str::to_owned),
        created_from: created_from.map(crate::time::format),
        created_before: created_before.map(crate::time::format),
        text,
    })
}

pub async fn list(
    store: &DynStore,
    org: &str,
    chatbot_id: &str,
    filter: &SessionFilter,
    paging: Paging,
) -> ApiResult<(Vec<Session>, u64)> {
    chatbots::get(store, org, chatbot_id).await?;
    let (records, total) = store
        .list_sessions(
            org,
            chatbot_id,
            filter,
            paging.offset(),
            i64::from(paging.limit),
        )
        .await?;
    let sessions = records
        .iter()
        .map(|r| session_to_api(r, LastMessageForm::Object))
        .collect();
    Ok((sessions, total))
}

/// The session, 404 when it is not this chatbot's (or the chatbot not the organization's).
pub async fn get(
    store: &DynStore,
    org: &str,
    chatbot_id: &str,
    session_id: &str,
) -> ApiResult<SessionRecord> {
    chatbots::get(store, org, chatbot_id).await?;
    store
        .get_session(org, chatbot_id, session_id)
        .await?
        .ok_or_else(|| ApiError::not_found("Conversation"))
}

pub async fn messages(
    store: &DynStore,
    org: &str,
    chatbot_id: &str,
    session_id: &str,
    paging: Paging,
) -> ApiResult<(Vec<Message>, u64)> {
    let session = get(store, org, chatbot_id, session_id).await?;
    let (records, total) = store
        .list_messages(&session.id, paging.offset(), i64::from(paging.limit))
        .await?;
    Ok((records.iter().map(message_to_api).collect(), total))
}

/// Takeover, hand-back and closing.
pub async fn update(
    store: &DynStore,
    org: &str,
    chatbot_id: &str,
    session_id: &str,
    body: Value,
) -> ApiResult<Session> {
    let input: ConversationUpdate = typed(body)?;
    input.validate().map_err(ApiError::validation)?;
    chatbots::get(store, org, chatbot_id).await?;
    let change = SessionChange {
        is_human_mode: input.is_human_mode,
        state: input.state.as_deref().and_then(SessionState::parse),
        metadata: None,
    };
    let record = store
        .update_session(org, chatbot_id, session_id, &change, &crate::time::now())
        .await?
        .ok_or_else(|| ApiError::not_found("Conversation"))?;
    Ok(session_to_api(&record, LastMessageForm::Text))
}

/// A person's reply, shown to okchat clients as a bot message from the provider `human`.
pub async fn reply(
    store: &DynStore,
    org: &str,
    chatbot_id: &str,
    session_id: &str,
    body: Value,
) -> ApiResult<Message> {
    let input: ConversationReply = typed(body)?;
    input.validate().map_err(ApiError::validation)?;
    let session = get(store, org, chatbot_id, session_id).await?;
    let author = input
        .author
        .as_deref()
        .map(str::trim)
        .unwrap_or("api")
        .to_owned();
    let message = NewMessage {
        id: uuid::Uuid::new_v4().to_string(),
        sender_type: "bot".into(),
        content: input.content.trim().to_owned(),
        metadata: serde_json::json!({ "author": author }),
        provider: Some("human".into()),
        ..Default::default()
    };
    let stored = store
        .append_message(
            &session.id,
            &message,
            AppendIf::HumanMode,
            &crate::time::now(),
        )
        .await?
        .ok_or_else(|| {
            ApiError::conflict(
                "This conversation is not in human mode: take it over before replying.",
            )
        })?;
    Ok(message_to_api(&stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(pairs: &[(&str, &str)]) -> ApiResult<SessionFilter> {
        let query = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        filter_from_query(&query)
    }

    #[test]
    fn dates_cover_whole_days_and_times_are_inclusive() {
        let f = filter(&[("from", "2025-03-07"), ("to", "2025-03-07")]).unwrap();
        assert_eq!(
            f.created_from.as_deref(),
            Some("2025-03-07T00:00:00.000000+00:00")
        );
        assert_eq!(
            f.created_before.as_deref(),
            Some("2025-03-08T00:00:00.000000+00:00")
        );
        let f = filter(&[("to", "2025-03-07T09:30:00+02:00")]).unwrap();
        assert_eq!(
            f.created_before.as_deref(),
            Some("2025-03-07T07:30:00.000001+00:00")
        );
    }

    #[test]
    fn bad_filters_name_their_parameter() {
        for (name, value) in [
            ("state", "resolved"),
            ("from", "yesterday"),
            ("to", "2025-13-01"),
            ("q", &"x".repeat(201)),
        ] {
            let error = filter(&[(name, value)]).unwrap_err();
            assert!(format!("{error:?}").contains(name), "{name}={value}");
        }
        let error = filter(&[("from", "2025-03-08"), ("to", "2025-03-07")]).unwrap_err();
        assert!(format!("{error:?}").contains("\"to\""));
    }

    #[test]
    fn empty_parameters_are_no_filter() {
        let f = filter(&[("state", ""), ("q", "  "), ("platform", "")]).unwrap();
        assert_eq!(f, SessionFilter::default());
        let f = filter(&[("state", "closed"), ("q", " refund ")]).unwrap();
        assert_eq!(f.state, Some(SessionState::Closed));
        assert_eq!(f.text.as_deref(), Some("refund"));
    }
}
