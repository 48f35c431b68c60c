//! The inbox's calls to the backend API, made on the console server with the organization's
//! key: a page of conversations, one thread, and the takeover, reply and close actions.

use leptos::prelude::*;

use super::model::{Filters, ListPage, Row, Thread, ThreadMessage};
use crate::error::AppError;

/// Signed-in users only: `page` of the chatbot's conversations matching `filters`, newest
/// first.
#[server]
pub async fn list_conversations(
    id: String,
    filters: Filters,
    page: u64,
) -> Result<ListPage, AppError> {
    let (_, client) = crate::backend::client().await?;
    let page = page.max(1);
    let answer = client
        .get_conversations(&id, &filters.query(Some(page)))
        .await?;
    Ok(ListPage {
        rows: answer.data.into_iter().map(Row::from).collect(),
        page: answer.metadata.current_page,
        total_pages: answer.metadata.total_pages,
        total: answer.metadata.total_count,
    })
}

/// Signed-in users only: one conversation and its messages, oldest first.
#[server]
pub async fn get_thread(id: String, conversation: String) -> Result<Thread, AppError> {
    let (_, client) = crate::backend::client().await?;
    // The most messages a thread shows (its newest ones); longer threads are in the export.
    const THREAD_AT_MOST: u64 = 1_000;
    const PAGE: u64 = 100;
    let session = client.get_a_conversation(&id, &conversation).await?.session;
    let first = client
        .get_messages(
            &id,
            &conversation,
            &okchat::PageQuery {
                page: Some(1),
                limit: Some(PAGE),
                ..Default::default()
            },
        )
        .await?;
    // Pages are oldest first: a long thread shows its newest THREAD_AT_MOST messages.
    let pages = first.metadata.total_pages;
    let from_page = pages.saturating_sub(THREAD_AT_MOST / PAGE).max(1);
    let mut messages = if from_page == 1 {
        first.data
    } else {
        Vec::new()
    };
    for page in from_page.max(2)..=pages {
        let more = client
            .get_messages(
                &id,
                &conversation,
                &okchat::PageQuery {
                    page: Some(page),
                    limit: Some(PAGE),
                    ..Default::default()
                },
            )
            .await?;
        messages.extend(more.data);
    }
    Ok(Thread {
        row: Row::from(session),
        messages: messages.into_iter().map(ThreadMessage::from).collect(),
    })
}

/// Signed-in users only: takes the conversation over (`human`), hands it back, closes or
/// reopens it; answers the conversation as it now is.
#[server]
pub async fn update_conversation(
    id: String,
    conversation: String,
    human: Option<bool>,
    closed: Option<bool>,
) -> Result<Row, AppError> {
    let (_, client) = crate::backend::client().await?;
    let body = okchat::ConversationUpdate {
        is_human_mode: human,
        state: closed.map(|closed| if closed { "closed" } else { "in_progress" }.to_owned()),
    };
    let answer = client
        .update_conversation(&id, &conversation, &body)
        .await?;
    Ok(Row::from(answer.session))
}

/// Signed-in users only: replies in the conversation as the signed-in person (it must be
/// taken over first).
#[server]
pub async fn reply(
    id: String,
    conversation: String,
    content: String,
) -> Result<ThreadMessage, AppError> {
    let content = content.trim().to_owned();
    if content.is_empty() {
        return Err(AppError::Validation {
            message: "Write a reply first.".into(),
            fields: [("content".to_owned(), "must not be empty".to_owned())].into(),
        });
    }
    let (user, client) = crate::backend::client().await?;
    let body = okchat::ConversationReply {
        content,
        author: Some(user.email),
    };
    let answer = client
        .reply_to_conversation(&id, &conversation, &body)
        .await?;
    Ok(ThreadMessage::from(answer.message))
}
