use okchat::{ConversationReply, ConversationUpdate, PageQuery};

use super::seed;
use crate::helpers::{assert_api_error, assert_field_error, spawn_app};

fn human(on: bool) -> ConversationUpdate {
    ConversationUpdate {
        is_human_mode: Some(on),
        state: None,
    }
}

fn reply(content: &str) -> ConversationReply {
    ConversationReply {
        content: content.into(),
        author: Some("sam@acme.test".into()),
    }
}

#[tokio::test]
async fn a_person_replies_only_while_the_conversation_is_taken_over() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    let session = seed(
        &app,
        &bot,
        "visitor",
        "web",
        "2025-03-05T09:00:00",
        &[("user", "Can a person help me?")],
    )
    .await;

    assert_api_error(
        app.client
            .reply_to_conversation(&bot.id, &session, &reply("Too early"))
            .await,
        409,
        "conflict",
    );
    let taken = app
        .client
        .update_conversation(&bot.id, &session, &human(true))
        .await
        .unwrap()
        .session;
    assert!(taken.is_human_mode);
    assert_eq!(taken.state.as_deref(), Some("in_progress"));

    let sent = app
        .client
        .reply_to_conversation(&bot.id, &session, &reply("  Hi, Sam here.  "))
        .await
        .unwrap()
        .message;
    assert_eq!(sent.sender_type, "bot");
    assert_eq!(sent.provider.as_deref(), Some("human"));
    assert_eq!(sent.model, None);
    assert_eq!(sent.content, "Hi, Sam here.");
    assert_eq!(sent.metadata["author"], "sam@acme.test");

    let thread = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(thread.data.len(), 2);
    assert_eq!(thread.data[1], sent);
    let listed = app
        .client
        .get_a_conversation(&bot.id, &session)
        .await
        .unwrap()
        .session;
    assert_eq!(listed.last_message.unwrap().content(), "Hi, Sam here.");

    // Handed back: a reply is refused again and stores nothing.
    app.client
        .update_conversation(&bot.id, &session, &human(false))
        .await
        .unwrap();
    assert_api_error(
        app.client
            .reply_to_conversation(&bot.id, &session, &reply("Still here?"))
            .await,
        409,
        "conflict",
    );
    let thread = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(thread.metadata.total_count, 2);
}

#[tokio::test]
async fn closing_and_reopening_a_conversation() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    let session = seed(&app, &bot, "visitor", "web", "2025-03-05T09:00:00", &[]).await;
    let closed = app
        .client
        .update_conversation(
            &bot.id,
            &session,
            &ConversationUpdate {
                is_human_mode: Some(true),
                state: Some("closed".into()),
            },
        )
        .await
        .unwrap()
        .session;
    assert_eq!(closed.state.as_deref(), Some("closed"));
    assert!(closed.is_human_mode);
    assert!(closed.updated_at > closed.created_at);
    let reopened = app
        .client
        .update_conversation(
            &bot.id,
            &session,
            &ConversationUpdate {
                state: Some("in_progress".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .session;
    assert_eq!(reopened.state.as_deref(), Some("in_progress"));
    assert!(reopened.is_human_mode, "an absent field keeps its value");
}

#[tokio::test]
async fn bad_updates_and_replies_change_nothing() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    let session = seed(&app, &bot, "visitor", "web", "2025-03-05T09:00:00", &[]).await;
    let path = format!("/api/external/chatbot/{}/conversations/{session}", bot.id);
    for (body, field) in [
        (r#"{}"#, "is_human_mode"),
        (r#"{"state": "resolved"}"#, "state"),
        (r#"{"is_human_mode": "yes"}"#, "is_human_mode"),
        (r#"{"is_human_mode": true, "state": 3}"#, "state"),
    ] {
        let (status, error) = app.send_raw(reqwest::Method::PATCH, &path, body).await;
        assert_eq!(status, 400, "{body}: {error}");
        assert_eq!(error["error"]["code"], "validation_failed", "{body}");
        assert!(
            error["error"]["fields"][field].is_string(),
            "{body}: {error}"
        );
    }
    let (status, error) = app
        .send_raw(reqwest::Method::PATCH, &path, "{not json")
        .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (400, Some("invalid_json"))
    );
    let unchanged = app
        .client
        .get_a_conversation(&bot.id, &session)
        .await
        .unwrap()
        .session;
    assert!(!unchanged.is_human_mode);
    assert_eq!(unchanged.updated_at, "2025-03-05T09:00:00.000000+00:00");

    app.client
        .update_conversation(&bot.id, &session, &human(true))
        .await
        .unwrap();
    assert_field_error(
        app.client
            .reply_to_conversation(&bot.id, &session, &reply("   "))
            .await,
        "content",
    );
    let thread = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    assert!(thread.data.is_empty());
}

#[tokio::test]
async fn another_organization_can_neither_take_over_nor_reply() {
    let app = spawn_app().await;
    let bot = app.create("Acme's bot").await;
    let session = seed(&app, &bot, "visitor", "web", "2025-03-05T09:00:00", &[]).await;
    app.client
        .update_conversation(&bot.id, &session, &human(true))
        .await
        .unwrap();
    let other = app.client_for("globex").await;
    assert_api_error(
        other
            .update_conversation(&bot.id, &session, &human(false))
            .await,
        404,
        "not_found",
    );
    assert_api_error(
        other
            .reply_to_conversation(&bot.id, &session, &reply("I am not Acme"))
            .await,
        404,
        "not_found",
    );
    let unchanged = app
        .client
        .get_a_conversation(&bot.id, &session)
        .await
        .unwrap()
        .session;
    assert!(unchanged.is_human_mode);
    assert_eq!(unchanged.last_message, None);
}
