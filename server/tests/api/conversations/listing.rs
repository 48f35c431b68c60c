use okchat::{LastMessage, PageQuery};

use super::seed;
use crate::helpers::{assert_api_error, assert_field_error, spawn_app};

fn page(page: u64, limit: u64) -> PageQuery {
    PageQuery {
        page: Some(page),
        limit: Some(limit),
        ..Default::default()
    }
}

#[tokio::test]
async fn conversations_are_newest_first_with_the_last_message_as_an_object() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    let older = seed(
        &app,
        &bot,
        "visitor-1",
        "web",
        "2025-03-05T09:00:00",
        &[("user", "Hi"), ("bot", "Hello! How can I help?")],
    )
    .await;
    let newer = seed(&app, &bot, "visitor-2", "web", "2025-03-06T09:00:00", &[]).await;

    let listed = app
        .client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    let ids: Vec<_> = listed.data.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [newer.as_str(), older.as_str()]);
    assert_eq!(listed.metadata.total_count, 2);
    assert_eq!(listed.metadata.page_size, 10);
    let first = &listed.data[1];
    assert_eq!(first.state.as_deref(), Some("in_progress"));
    assert_eq!(first.sns_user_id.as_deref(), Some("visitor-1"));
    assert_eq!(first.metadata["anonymous"], true);
    match &first.last_message {
        Some(LastMessage::Message {
            content,
            sender_type,
            ..
        }) => {
            assert_eq!(content, "Hello! How can I help?");
            assert_eq!(sender_type, "bot");
        }
        other => panic!("expected the object form, got {other:?}"),
    }
    assert_eq!(listed.data[0].last_message, None);

    // Get A Conversation shows the text form, and `state` too.
    let one = app
        .client
        .get_a_conversation(&bot.id, &older)
        .await
        .unwrap()
        .session;
    assert_eq!(
        one.last_message,
        Some(LastMessage::Text("Hello! How can I help?".into()))
    );
    assert_eq!(one.state.as_deref(), Some("in_progress"));
    assert_eq!(one.updated_at, "2025-03-05T09:00:00.000002+00:00");
}

#[tokio::test]
async fn pages_past_the_end_are_empty_with_true_metadata() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    for day in 1..=5 {
        let at = format!("2025-03-{day:02}T09:00:00");
        seed(&app, &bot, &format!("v{day}"), "web", &at, &[]).await;
    }
    let second = app
        .client
        .get_conversations(&bot.id, &page(2, 2))
        .await
        .unwrap();
    let callers: Vec<_> = second
        .data
        .iter()
        .map(|s| s.sns_user_id.clone().unwrap())
        .collect();
    assert_eq!(callers, ["v3", "v2"]);
    assert_eq!(second.metadata.total_pages, 3);
    let past = app
        .client
        .get_conversations(&bot.id, &page(9, 2))
        .await
        .unwrap();
    assert!(past.data.is_empty());
    assert_eq!(past.metadata.current_page, 9);
    assert_eq!(past.metadata.total_count, 5);
    assert_eq!(past.metadata.total_pages, 3);
    assert_field_error(
        app.client.get_conversations(&bot.id, &page(1, 101)).await,
        "limit",
    );
    assert_field_error(
        app.client.get_conversations(&bot.id, &page(0, 10)).await,
        "page",
    );
}

#[tokio::test]
async fn messages_are_oldest_first_and_paged() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    let turns: Vec<String> = (1..=25).map(|i| format!("message {i}")).collect();
    let messages: Vec<(&str, &str)> = turns
        .iter()
        .enumerate()
        .map(|(i, t)| (if i % 2 == 0 { "user" } else { "bot" }, t.as_str()))
        .collect();
    let session = seed(
        &app,
        &bot,
        "visitor",
        "web",
        "2025-03-05T09:00:00",
        &messages,
    )
    .await;
    let first = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(first.data.len(), 10);
    assert_eq!(first.data[0].content, "message 1");
    assert_eq!(first.data[0].sender_type, "user");
    assert_eq!(first.data[1].sender_type, "bot");
    assert_eq!(first.data[1].provider.as_deref(), Some("local"));
    assert_eq!(first.data[0].session_id, session);
    assert_eq!(first.metadata.total_count, 25);
    let last = app
        .client
        .get_messages(&bot.id, &session, &page(3, 10))
        .await
        .unwrap();
    let contents: Vec<_> = last.data.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(
        contents,
        [
            "message 21",
            "message 22",
            "message 23",
            "message 24",
            "message 25"
        ]
    );
    let past = app
        .client
        .get_messages(&bot.id, &session, &page(4, 10))
        .await
        .unwrap();
    assert!(past.data.is_empty());
    assert_eq!(past.metadata.total_pages, 3);
}

#[tokio::test]
async fn filters_narrow_the_list_and_bad_ones_name_their_parameter() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    let refund = seed(
        &app,
        &bot,
        "a",
        "web",
        "2025-03-05T23:59:59",
        &[("user", "I want a REFUND please")],
    )
    .await;
    let kakao = seed(
        &app,
        &bot,
        "b",
        "kakao",
        "2025-03-06T00:00:00",
        &[
            ("user", "Opening hours?"),
            ("bot", "We open at nine; refunds take a week."),
        ],
    )
    .await;
    let closed = seed(
        &app,
        &bot,
        "c",
        "web",
        "2025-03-07T12:00:00",
        &[("user", "bye")],
    )
    .await;
    app.client
        .update_conversation(
            &bot.id,
            &closed,
            &okchat::ConversationUpdate {
                state: Some("closed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let ids = |query: PageQuery| {
        let client = app.client.clone();
        let bot = bot.id.clone();
        async move {
            let page = client.get_conversations(&bot, &query).await.unwrap();
            assert_eq!(page.metadata.total_count, page.data.len() as u64);
            page.data.into_iter().map(|s| s.id).collect::<Vec<_>>()
        }
    };
    let q = |f: fn(&mut PageQuery)| {
        let mut query = PageQuery::default();
        f(&mut query);
        query
    };
    assert_eq!(
        ids(q(|q| q.state = Some("closed".into()))).await,
        [closed.as_str()]
    );
    assert_eq!(
        ids(q(|q| q.state = Some("in_progress".into()))).await,
        [kakao.as_str(), refund.as_str()]
    );
    assert_eq!(
        ids(q(|q| q.platform = Some("kakao".into()))).await,
        [kakao.as_str()]
    );
    // A date is the whole day; both ends are inclusive.
    assert_eq!(
        ids(q(|q| q.to = Some("2025-03-05".into()))).await,
        [refund.as_str()]
    );
    assert_eq!(
        ids(q(|q| {
            q.from = Some("2025-03-06".into());
            q.to = Some("2025-03-07".into());
        }))
        .await,
        [closed.as_str(), kakao.as_str()]
    );
    assert_eq!(
        ids(q(|q| q.from = Some("2025-03-06T00:00:00Z".into()))).await,
        [closed.as_str(), kakao.as_str()]
    );
    // Text in any message, any case.
    assert_eq!(
        ids(q(|q| q.q = Some("refund".into()))).await,
        [kakao.as_str(), refund.as_str()]
    );
    assert_eq!(
        ids(q(|q| {
            q.q = Some("Refund".into());
            q.platform = Some("web".into());
        }))
        .await,
        [refund.as_str()]
    );
    // LIKE's wildcards are plain text here.
    assert!(ids(q(|q| q.q = Some("%".into()))).await.is_empty());

    for (name, query) in [
        ("state", q(|q| q.state = Some("resolved".into()))),
        ("from", q(|q| q.from = Some("last week".into()))),
        (
            "to",
            q(|q| {
                q.from = Some("2025-03-07".into());
                q.to = Some("2025-03-06".into());
            }),
        ),
    ] {
        assert_field_error(app.client.get_conversations(&bot.id, &query).await, name);
    }
}

#[tokio::test]
async fn another_organization_reaches_none_of_the_conversations() {
    let app = spawn_app().await;
    let bot = app.create("Acme's bot").await;
    let session = seed(
        &app,
        &bot,
        "visitor",
        "web",
        "2025-03-05T09:00:00",
        &[("user", "my order number is 1234")],
    )
    .await;
    let other = app.client_for("globex").await;
    assert_api_error(
        other
            .get_conversations(&bot.id, &PageQuery::default())
            .await,
        404,
        "not_found",
    );
    assert_api_error(
        other.get_a_conversation(&bot.id, &session).await,
        404,
        "not_found",
    );
    assert_api_error(
        other
            .get_messages(&bot.id, &session, &PageQuery::default())
            .await,
        404,
        "not_found",
    );
    // A session id under another of the owner's own bots is not found either.
    let second = app.create("Second bot").await;
    assert_api_error(
        app.client.get_a_conversation(&second.id, &session).await,
        404,
        "not_found",
    );
    assert_api_error(
        app.client.get_a_conversation(&bot.id, "not-a-uuid").await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn deleting_the_chatbot_deletes_its_conversations() {
    let app = spawn_app().await;
    let bot = app.create("Short-lived").await;
    let session = seed(
        &app,
        &bot,
        "visitor",
        "web",
        "2025-03-05T09:00:00",
        &[("user", "hello")],
    )
    .await;
    app.client.delete_chatbot(&bot.id).await.unwrap();
    let (messages, _) = app
        .state
        .store
        .list_messages(&session, 0, 10)
        .await
        .unwrap();
    assert!(messages.is_empty());
}
