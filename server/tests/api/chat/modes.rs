use okchat::{ConversationUpdate, PageQuery, StreamPart};
use serde_json::json;

use super::{ask, refund_bot, stream_all};
use crate::helpers::{assert_api_error, assert_field_error, spawn_app};

#[tokio::test]
async fn a_paused_bot_answers_409_and_stores_nothing() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    app.client
        .update_chatbot_raw(&bot.id, &json!({ "active": false }))
        .await
        .unwrap();
    assert_api_error(
        app.client.chat(&bot.id, &ask("refunds?", "v")).await,
        409,
        "conflict",
    );
    let listed = app
        .client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.metadata.total_count, 0);
}

#[tokio::test]
async fn in_human_mode_the_visitor_s_message_waits_for_a_person() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    let first = app
        .client
        .chat(&bot.id, &ask("refunds?", "waiting"))
        .await
        .unwrap();
    let session = first.session_id.unwrap();
    app.client
        .update_conversation(
            &bot.id,
            &session,
            &ConversationUpdate {
                is_human_mode: Some(true),
                state: None,
            },
        )
        .await
        .unwrap();
    let quiet = app
        .client
        .chat(&bot.id, &ask("Can a person help?", "waiting"))
        .await
        .unwrap();
    assert_eq!(quiet.output, "");
    assert_eq!(quiet.finish_reason, "other");
    let frames = stream_all(&app, &bot.id, &ask("Hello?", "waiting")).await;
    assert_eq!(frames.len(), 1, "{frames:?}");
    let StreamPart::FinishMessage(done) = &frames[0] else {
        panic!("{frames:?}");
    };
    assert_eq!(done.finish_reason, "other");
    let thread = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    let contents: Vec<_> = thread.data.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(&contents[2..], ["Can a person help?", "Hello?"]);
}

#[tokio::test]
async fn a_closed_conversation_reopens_when_the_visitor_writes_again() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    let session = app
        .client
        .chat(&bot.id, &ask("refunds?", "returning"))
        .await
        .unwrap()
        .session_id
        .unwrap();
    app.client
        .update_conversation(
            &bot.id,
            &session,
            &ConversationUpdate {
                state: Some("closed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    app.client
        .chat(&bot.id, &ask("one more thing", "returning"))
        .await
        .unwrap();
    let reopened = app
        .client
        .get_a_conversation(&bot.id, &session)
        .await
        .unwrap()
        .session;
    assert_eq!(reopened.state.as_deref(), Some("in_progress"));
}

#[tokio::test]
async fn with_lead_capture_the_bot_asks_for_an_email_first_then_answers_the_question() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    app.client
        .update_chatbot_raw(
            &bot.id,
            &json!({ "settings": { "isRequestUserInfoEnabled": true } }),
        )
        .await
        .unwrap();
    let asked = app
        .client
        .chat(&bot.id, &ask("How long do refunds take?", "lead"))
        .await
        .unwrap();
    assert!(asked.output.contains("email"), "{}", asked.output);
    let answered = app
        .client
        .chat(&bot.id, &ask("sure: ada@example.com", "lead"))
        .await
        .unwrap();
    assert!(
        answered
            .output
            .starts_with("Refunds are paid within 14 days"),
        "the kept question is answered: {}",
        answered.output
    );
    let session = app
        .client
        .get_a_conversation(&bot.id, &answered.session_id.unwrap())
        .await
        .unwrap()
        .session;
    assert_eq!(session.metadata["lead"]["email"], "ada@example.com");
    // Asked once: later questions are answered directly.
    let later = app
        .client
        .chat(&bot.id, &ask("When are you open?", "lead"))
        .await
        .unwrap();
    assert!(later.output.contains("nine to five"), "{}", later.output);

    // A visitor who declines is not asked twice.
    app.client
        .chat(&bot.id, &ask("refunds?", "shy"))
        .await
        .unwrap();
    let declined = app
        .client
        .chat(&bot.id, &ask("no thanks. When are you open?", "shy"))
        .await
        .unwrap();
    assert!(
        declined.output.contains("nine to five"),
        "{}",
        declined.output
    );
}

#[tokio::test]
async fn bad_requests_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let bot = refund_bot(&app).await;
    let mut empty = ask("x", "bad");
    empty.messages.clear();
    assert_field_error(app.client.chat(&bot.id, &empty).await, "messages");
    let mut answered = ask("x", "bad");
    answered.messages.push(okchat::ChatMessage {
        id: None,
        role: "assistant".into(),
        content: "an answer".into(),
    });
    assert_field_error(app.client.chat(&bot.id, &answered).await, "messages");
    let path = format!("/api/external/chatbot/{}/chat?stream=maybe", bot.id);
    let (status, error) = app
        .send_raw(
            reqwest::Method::POST,
            &path,
            r#"{"messages":[{"role":"user","content":"hi"}]}"#,
        )
        .await;
    assert_eq!(status, 400, "{error}");
    assert!(error["error"]["fields"]["stream"].is_string());
    let other = app.client_for("globex").await;
    assert_api_error(
        other.chat(&bot.id, &ask("refunds?", "bad")).await,
        404,
        "not_found",
    );
    let listed = app
        .client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.metadata.total_count, 0);
}
