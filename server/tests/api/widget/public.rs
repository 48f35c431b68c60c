use okchat::{ConversationReply, ConversationUpdate, PageQuery};
use reqwest::Method;
use serde_json::json;

use super::{new_token, public_bot, say, thread, visit, Answer};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_public_bot_shows_the_widget_what_it_needs_and_nothing_else() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Front desk").await;
    app.client
        .update_chatbot_raw(
            &bot.id,
            &json!({"settings": {"prompt": "SECRET-PROMPT", "greeting": "Hello there!"},
                    "openai_api_key": "sk-secretsecretsecretsecret"}),
        )
        .await
        .unwrap();
    let answer = visit(
        &app,
        Method::GET,
        &format!("/api/public/chatbots/{}", bot.id),
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let shown = answer.json();
    let chatbot = &shown["chatbot"];
    assert_eq!(chatbot["id"], bot.id.as_str());
    assert_eq!(chatbot["name"], "Front desk");
    assert_eq!(chatbot["language"], "auto");
    assert_eq!(chatbot["settings"]["greeting"], "Hello there!");
    assert_eq!(chatbot["settings"]["snippet"]["header"], "Front desk");
    let mut keys: Vec<_> = chatbot.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["id", "language", "name", "settings"]);
    let mut settings: Vec<_> = chatbot["settings"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    settings.sort();
    assert_eq!(settings, ["avatar", "greeting", "snippet"]);
    for secret in ["SECRET-PROMPT", "sk-secret", "model", "organization"] {
        assert!(!answer.text.contains(secret), "{secret} in {}", answer.text);
    }
}

#[tokio::test]
async fn private_paused_and_unknown_bots_are_not_found_on_every_public_route() {
    let app = spawn_app().await;
    let private = app.create("Private").await;
    let paused = public_bot(&app, "Paused").await;
    app.client
        .update_chatbot_raw(&paused.id, &json!({"active": false}))
        .await
        .unwrap();
    let token = new_token();
    for id in [
        private.id.as_str(),
        paused.id.as_str(),
        "6f1c2a4e-0000-4000-8000-000000000000",
        "not-an-id",
    ] {
        let shown = visit(
            &app,
            Method::GET,
            &format!("/api/public/chatbots/{id}"),
            None,
            &[],
            None,
        )
        .await;
        assert_eq!(
            (shown.status, shown.code().as_str()),
            (404, "not_found"),
            "{id}"
        );
        let chat = say(&app, id, &token, "Hello?", &[]).await;
        assert_eq!(
            (chat.status, chat.code().as_str()),
            (404, "not_found"),
            "{id}"
        );
        let read = thread(&app, id, &token, None).await;
        assert_eq!(read.status, 404, "{id}");
    }
    let listed = app
        .client
        .get_conversations(&private.id, &PageQuery::default())
        .await
        .unwrap();
    assert!(listed.data.is_empty(), "a refused message was stored");
}

#[tokio::test]
async fn a_visitor_chats_and_reads_back_only_their_own_thread() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Shop").await;
    let ada = new_token();
    let bob = new_token();

    let answer = say(&app, &bot.id, &ada, "What are your opening hours?", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json();
    assert!(!body["output"].as_str().unwrap().is_empty(), "{body}");
    assert_eq!(
        body["steps"],
        json!([]),
        "the provider's steps are not a visitor's business"
    );
    let session = body["session_id"].as_str().unwrap().to_owned();

    let read = thread(&app, &bot.id, &ada, None).await;
    assert_eq!(read.status, 200, "{}", read.text);
    let messages = read.json()["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_eq!(messages[0]["sender_type"], "user");
    assert_eq!(messages[0]["content"], "What are your opening hours?");
    assert_eq!(messages[1]["sender_type"], "bot");
    assert!(messages[1].get("model").is_none() && messages[1].get("metadata").is_none());
    assert!(
        messages[1]["html"].as_str().unwrap().starts_with("<p>"),
        "{}",
        messages[1]
    );
    assert!(messages[0].get("html").is_none());

    let later = thread(&app, &bot.id, &ada, messages[0]["id"].as_str()).await;
    assert_eq!(later.json()["messages"].as_array().unwrap().len(), 1);
    assert_eq!(later.json()["messages"][0]["id"], messages[1]["id"]);

    // Another visitor's token reads an empty thread, and an id from Ada's is not theirs.
    let other = thread(&app, &bot.id, &bob, None).await;
    assert_eq!(
        (other.status, other.json()["messages"].clone()),
        (200, json!([]))
    );
    let probing = thread(&app, &bot.id, &bob, messages[0]["id"].as_str()).await;
    assert_eq!(
        probing.status, 200,
        "an unknown thread has nothing after anything"
    );
    // Once Bob has a thread of his own, an id from Ada's is not one of his.
    assert_eq!(say(&app, &bot.id, &bob, "Hello", &[]).await.status, 200);
    let probing = thread(&app, &bot.id, &bob, messages[0]["id"].as_str()).await;
    assert_eq!(probing.status, 400, "{}", probing.text);
    assert!(!probing.text.contains("opening hours"), "{}", probing.text);

    // The owner sees the visitor's conversation, stored as web traffic.
    let stored = app
        .client
        .get_a_conversation(&bot.id, &session)
        .await
        .unwrap()
        .session;
    assert_eq!(stored.platform, "web");
}

#[tokio::test]
async fn session_tokens_and_messages_of_the_wrong_shape_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Shop").await;
    let path = format!("/api/public/chatbots/{}/chat", bot.id);
    let cases = [
        (
            json!({"messages": [{"role": "user", "content": "Hi"}]}),
            "sessionToken",
        ),
        (
            json!({"messages": [{"role": "user", "content": "Hi"}], "sessionToken": "short"}),
            "sessionToken",
        ),
        (
            json!({"messages": [{"role": "user", "content": "Hi"}], "sessionToken": "a/b".repeat(10)}),
            "sessionToken",
        ),
        (
            json!({"messages": [{"role": "user", "content": "x".repeat(20_001)}], "sessionToken": new_token()}),
            "messages.0.content",
        ),
        (
            json!({"messages": [{"role": "user", "content": "One"}, {"role": "user", "content": "Two"}], "sessionToken": new_token()}),
            "messages",
        ),
    ];
    for (body, field) in cases {
        let answer = visit(&app, Method::POST, &path, None, &[], Some(body)).await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (400, "validation_failed"),
            "{}",
            answer.text
        );
        assert!(
            answer.json()["error"]["fields"].get(field).is_some(),
            "{field}: {}",
            answer.text
        );
    }
    let read = thread(&app, &bot.id, "short", None).await;
    assert_eq!(read.status, 400, "{}", read.text);
    let listed = app
        .client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    assert!(listed.data.is_empty(), "a refused message was stored");
}

#[tokio::test]
async fn a_streamed_answer_carries_the_text_but_not_the_retrieved_knowledge() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Shop").await;
    let body = json!({"messages": [{"role": "user", "content": "Do you ship abroad?"}],
                      "sessionToken": new_token()});
    let owner = app
        .http
        .post(app.url(&format!(
            "/api/external/chatbot/{}/chat?stream=true",
            bot.id
        )))
        .header("x-api-key", &app.key)
        .json(&body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(owner.lines().any(|l| l.starts_with("2:")), "{owner}");

    let answer = visit(
        &app,
        Method::POST,
        &format!("/api/public/chatbots/{}/chat?stream=true", bot.id),
        None,
        &[],
        Some(
            json!({"messages": [{"role": "user", "content": "Do you ship abroad?"}],
                    "sessionToken": new_token()}),
        ),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.headers["x-vercel-ai-data-stream"], "v1");
    let codes: Vec<&str> = answer
        .text
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert!(codes.contains(&"0"), "{}", answer.text);
    assert_eq!(codes.last(), Some(&"d"), "{}", answer.text);
    assert!(
        codes.iter().all(|c| ["f", "0", "3", "e", "d"].contains(c)),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn a_visitor_rates_answers_and_the_owner_sees_the_rating() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Shop").await;
    let token = new_token();
    let session = say(&app, &bot.id, &token, "Hello", &[]).await.json()["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let messages = thread(&app, &bot.id, &token, None).await.json()["messages"].clone();
    let (question, answer) = (
        messages[0]["id"].as_str().unwrap(),
        messages[1]["id"].as_str().unwrap(),
    );
    let rate = |token: String, id: String, body: serde_json::Value| {
        let app = &app;
        let bot = bot.id.clone();
        async move {
            visit(
                app,
                Method::PATCH,
                &format!("/api/public/chatbots/{bot}/sessions/{token}/messages/{id}"),
                None,
                &[],
                Some(body),
            )
            .await
        }
    };

    let up = rate(token.clone(), answer.into(), json!({"feedback": "up"})).await;
    assert_eq!(up.status, 200, "{}", up.text);
    assert_eq!(up.json()["feedback"], "up");
    let seen = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(seen.data[1].metadata["feedback"], "up");
    assert_eq!(
        thread(&app, &bot.id, &token, None).await.json()["messages"][1]["feedback"],
        "up"
    );

    let cleared = rate(token.clone(), answer.into(), json!({"feedback": null})).await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert!(cleared.json().get("feedback").is_none());
    let seen = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    assert!(
        seen.data[1].metadata.get("feedback").is_none(),
        "{:?}",
        seen.data[1].metadata
    );

    let own_question = rate(token.clone(), question.into(), json!({"feedback": "up"})).await;
    assert_eq!(own_question.status, 404, "only answers are rated");
    let someone_else = rate(new_token(), answer.into(), json!({"feedback": "down"})).await;
    assert_eq!(
        someone_else.status, 404,
        "another visitor cannot rate this thread"
    );
    for bad in [
        json!({"feedback": "meh"}),
        json!({}),
        json!({"feedback": 1}),
    ] {
        let refused = rate(token.clone(), answer.into(), bad).await;
        assert_eq!(refused.status, 400, "{}", refused.text);
    }
    let seen = app
        .client
        .get_messages(&bot.id, &session, &PageQuery::default())
        .await
        .unwrap();
    assert!(
        seen.data[1].metadata.get("feedback").is_none(),
        "a refused rating changed it"
    );
}

#[tokio::test]
async fn a_person_s_reply_reaches_the_visitor_s_thread_marked_as_a_person_s_without_their_email() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Shop").await;
    let token = new_token();
    let session = say(&app, &bot.id, &token, "Can a person help?", &[])
        .await
        .json()["session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = thread(&app, &bot.id, &token, None).await.json()["messages"].clone();
    let last = before[1]["id"].as_str().unwrap().to_owned();
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
    app.client
        .reply_to_conversation(
            &bot.id,
            &session,
            &ConversationReply {
                content: "Hi, Sam here.".into(),
                // What the console signs a reply with: the staff member's email, which is for
                // the owner's records and must never reach an anonymous visitor.
                author: Some("sam@acme.test".into()),
            },
        )
        .await
        .unwrap();

    let read = thread(&app, &bot.id, &token, Some(&last)).await;
    assert!(!read.text.contains("sam@acme.test"), "{}", read.text);
    let news = read.json()["messages"].clone();
    assert_eq!(news.as_array().unwrap().len(), 1, "{news}");
    assert_eq!(news[0]["content"], "Hi, Sam here.");
    assert_eq!(news[0]["by_person"], true);
    assert_eq!(news[0]["sender_type"], "bot");
    assert!(before[1].get("by_person").is_none(), "{before}");

    // While a person has the conversation, the visitor's message waits for them: no bot answer.
    let waiting = say(&app, &bot.id, &token, "Thanks Sam!", &[]).await;
    assert_eq!(waiting.status, 200, "{}", waiting.text);
    let all = thread(&app, &bot.id, &token, None).await.json()["messages"].clone();
    assert_eq!(all.as_array().unwrap().len(), 4, "{all}");
    assert_eq!(all[3]["sender_type"], "user");
}

#[tokio::test]
async fn a_thread_names_an_answer_s_documents_only_when_the_owner_shows_sources() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Shop").await;
    let added = app
        .client
        .add_knowledge_text(
            &bot.id,
            &okchat::AddKnowledgeText {
                title: "Shipping policy".into(),
                text: Some("We ship abroad to every country in Europe within five days.".into()),
                question: None,
                answer: None,
            },
        )
        .await
        .unwrap();
    crate::knowledge::settled(&app, &bot.id, &added.documents[0].id).await;
    let token = new_token();
    say(&app, &bot.id, &token, "Do you ship abroad?", &[]).await;
    let answer = |thread: &Answer| thread.json()["messages"][1].clone();

    let hidden = thread(&app, &bot.id, &token, None).await;
    assert!(answer(&hidden).get("sources").is_none(), "{}", hidden.text);

    app.client
        .chat_widget(
            &bot.id,
            &okchat::ChatWidgetUpdate {
                show_sources: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let details = app.details_json(&bot.id).await;
    assert_eq!(
        details["chatbot"]["chat_widget_config"]["showSources"],
        json!(true),
        "{details}"
    );
    let shown = thread(&app, &bot.id, &token, None).await;
    assert_eq!(
        answer(&shown)["sources"],
        json!(["Shipping policy"]),
        "{}",
        shown.text
    );
    // The visitor's own message has none, and the passages themselves never leave.
    assert!(shown.json()["messages"][0].get("sources").is_none());
    for internal in ["document_id", "similarity", "chunk_index"] {
        assert!(!shown.text.contains(internal), "{}", shown.text);
    }
}
