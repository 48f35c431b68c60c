use std::time::{Duration, Instant};

use futures_util::StreamExt;
use okchat::{PageQuery, StreamPart};
use serde_json::json;

use super::scripted::{self, Reply, DEPLOYMENT_KEY, MODEL_ID};
use super::{ask, refund_bot, stream_all};
use crate::helpers::{assert_api_error, spawn_app_with_chat, TestApp};

async fn app_with(replies: Vec<Reply>) -> (TestApp, scripted::Script) {
    let (script, config) = scripted::start(replies).await;
    (spawn_app_with_chat(config).await, script)
}

async fn bot_messages(app: &TestApp, bot: &str) -> Vec<okchat::Message> {
    let sessions = app
        .client
        .get_conversations(bot, &PageQuery::default())
        .await
        .unwrap();
    let mut all = Vec::new();
    for session in sessions.data {
        let page = app
            .client
            .get_messages(bot, &session.id, &PageQuery::default())
            .await
            .unwrap();
        all.extend(page.data);
    }
    all
}

#[tokio::test]
async fn the_model_answers_with_the_knowledge_and_history_in_its_prompt() {
    let (app, script) = app_with(vec![
        Reply::Text(vec!["Refunds take ", "14 days."]),
        Reply::Text(vec!["You're welcome!"]),
    ])
    .await;
    let bot = refund_bot(&app).await;
    let answer = app
        .client
        .chat(&bot.id, &ask("How long do refunds take?", "v"))
        .await
        .unwrap();
    assert_eq!(answer.output, "Refunds take 14 days.");
    assert_eq!(answer.finish_reason, "stop");
    let step = &answer.steps[0];
    assert_eq!(step.usage.prompt_tokens, 310);
    assert_eq!(step.usage.total_tokens, Some(331));
    let response = step.response.as_ref().unwrap();
    assert_eq!(response.id, "chatcmpl-scripted");
    assert_eq!(response.model_id, MODEL_ID);
    assert!(response.headers.is_none(), "no upstream headers leak");

    let request = &script.bodies()[0];
    assert_eq!(request["model"], "gpt-4o-mini");
    assert_eq!(request["stream"], true);
    assert_eq!(request["temperature"], 0);
    assert!(request.get("tools").is_none());
    let system = request["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("Refunds are paid within 14 days"),
        "{system}"
    );
    assert!(system.contains("Time awareness: today is"));
    assert_eq!(
        request["messages"][1]["content"],
        "How long do refunds take?"
    );
    assert_eq!(
        script.authorizations()[0].as_deref(),
        Some(format!("Bearer {DEPLOYMENT_KEY}").as_str())
    );

    app.client
        .chat(&bot.id, &ask("Thanks!", "v"))
        .await
        .unwrap();
    let second = &script.bodies()[1]["messages"];
    let roles: Vec<_> = second
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["system", "user", "assistant", "user"]);
    assert_eq!(second[2]["content"], "Refunds take 14 days.");

    let stored = bot_messages(&app, &bot.id).await;
    assert_eq!(stored[1].provider.as_deref(), Some("openai"));
    assert_eq!(stored[1].model.as_deref(), Some(MODEL_ID));
    assert_eq!(stored[1].tokens_used, 331);
}

#[tokio::test]
async fn with_tools_on_the_model_searches_the_knowledge_base_in_a_loop() {
    let replies = || {
        vec![
            Reply::ToolCall {
                id: "call_1",
                name: "searchKnowledgeBase",
                arguments: r#"{"query":"refund time"}"#,
            },
            Reply::Text(vec!["Within ", "14 days."]),
        ]
    };
    let (app, script) = app_with([replies(), replies()].concat()).await;
    let bot = refund_bot(&app).await;
    app.client
        .update_chatbot_raw(&bot.id, &json!({ "settings": { "isToolEnabled": true } }))
        .await
        .unwrap();

    let answer = app
        .client
        .chat(&bot.id, &ask("How long do refunds take?", "tools"))
        .await
        .unwrap();
    assert_eq!(answer.output, "Within 14 days.");
    assert_eq!(answer.steps.len(), 2);
    assert_eq!(answer.steps[0].finish_reason, "tool-calls");
    assert_eq!(
        answer.steps[0].tool_calls[0]["toolName"],
        "searchKnowledgeBase"
    );
    assert_eq!(
        answer.steps[0].tool_calls[0]["args"]["query"],
        "refund time"
    );
    let result = &answer.steps[0].tool_results[0]["result"];
    assert!(result[0]["content"].as_str().unwrap().contains("14 days"));
    assert_eq!(answer.steps[1].step_type, "tool-result");

    let bodies = script.bodies();
    assert_eq!(
        bodies[0]["tools"][0]["function"]["name"],
        "searchKnowledgeBase"
    );
    assert_eq!(bodies[0]["tool_choice"], "auto");
    let system = bodies[0]["messages"][0]["content"].as_str().unwrap();
    assert!(
        !system.contains("Refunds are paid"),
        "the tool fetches the knowledge"
    );
    let messages = bodies[1]["messages"].as_array().unwrap();
    let tool = messages.iter().find(|m| m["role"] == "tool").unwrap();
    assert_eq!(tool["tool_call_id"], "call_1");
    assert!(tool["content"].as_str().unwrap().contains("14 days"));

    // The stream carries the call and its result between the steps.
    let frames = stream_all(&app, &bot.id, &ask("How long do refunds take?", "tools2")).await;
    let codes: Vec<String> = frames
        .iter()
        .map(|f| f.to_line().split(':').next().unwrap().to_owned())
        .collect();
    let call = codes
        .iter()
        .position(|c| c == "9")
        .expect("a tool call frame");
    let result = codes
        .iter()
        .position(|c| c == "a")
        .expect("a tool result frame");
    let text = codes.iter().position(|c| c == "0").unwrap();
    assert!(call < result && result < text, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| *c == "e").count(), 2, "{codes:?}");
    assert_eq!(codes.last().unwrap(), "d");
    let knowledge_frames: Vec<&StreamPart> = frames
        .iter()
        .filter(|f| matches!(f, StreamPart::Data(_)))
        .collect();
    assert!(knowledge_frames.len() >= 2, "{knowledge_frames:?}");
}

#[tokio::test]
async fn failures_before_the_first_token_are_retried() {
    let (app, script) = app_with(vec![
        Reply::Status(429, Some("0")),
        Reply::Status(503, None),
        Reply::Text(vec!["Third time lucky."]),
    ])
    .await;
    let bot = refund_bot(&app).await;
    let answer = app
        .client
        .chat(&bot.id, &ask("refunds?", "retry"))
        .await
        .unwrap();
    assert_eq!(answer.output, "Third time lucky.");
    assert_eq!(script.bodies().len(), 3);
}

#[tokio::test]
async fn an_upstream_that_stays_down_is_upstream_unavailable_and_leaks_no_key() {
    let (app, script) = app_with(vec![
        Reply::Status(500, None),
        Reply::Status(502, None),
        Reply::Status(500, None),
        Reply::Status(401, None),
        Reply::Malformed,
    ])
    .await;
    let bot = refund_bot(&app).await;
    for round in ["down", "refused", "malformed"] {
        let error = assert_api_error(
            app.client.chat(&bot.id, &ask("refunds?", round)).await,
            502,
            "upstream_unavailable",
        );
        assert!(!error.to_string().contains(DEPLOYMENT_KEY), "{error}");
    }
    assert_eq!(
        script.bodies().len(),
        5,
        "401 and malformed answers are not retried"
    );
    // The visitor's messages are kept; no empty answers are stored.
    let stored = bot_messages(&app, &bot.id).await;
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|m| m.sender_type == "user"));
}

#[tokio::test]
async fn a_failure_mid_stream_ends_with_an_error_frame() {
    let (app, _script) = app_with(vec![Reply::Silent]).await;
    let bot = refund_bot(&app).await;
    let started = Instant::now();
    let frames = stream_all(&app, &bot.id, &ask("refunds?", "silent")).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    let n = frames.len();
    assert!(matches!(frames[n - 2], StreamPart::Error(_)), "{frames:?}");
    let StreamPart::FinishMessage(done) = &frames[n - 1] else {
        panic!("{frames:?}");
    };
    assert_eq!(done.finish_reason, "error");
}

#[tokio::test]
async fn a_client_that_disconnects_mid_stream_keeps_the_partial_answer() {
    let (app, _script) = app_with(vec![Reply::Endless(Duration::from_millis(20))]).await;
    let bot = refund_bot(&app).await;
    let mut frames = Box::pin(
        app.client
            .chat_stream(&bot.id, &ask("Tell me everything", "gone")),
    );
    let mut seen = String::new();
    while let Some(frame) = frames.next().await {
        if let StreamPart::Text(t) = frame.unwrap() {
            seen.push_str(&t);
            if seen.len() > 40 {
                break;
            }
        }
    }
    drop(frames);
    let started = Instant::now();
    let answer = loop {
        let stored = bot_messages(&app, &bot.id).await;
        if let Some(answer) = stored.into_iter().find(|m| m.sender_type == "bot") {
            break answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no partial answer stored"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        answer.content.starts_with(&seen),
        "{} / {seen}",
        answer.content
    );
    assert_eq!(answer.metadata["cut_off"], true);
}

#[tokio::test]
async fn a_bot_s_own_key_replaces_the_deployment_s() {
    let (app, script) = app_with(vec![Reply::Text(vec!["Hi."])]).await;
    let bot = refund_bot(&app).await;
    app.client
        .update_chatbot_raw(
            &bot.id,
            &json!({ "openai_api_key": "sk-bot-own-key-abcdefghijkl" }),
        )
        .await
        .unwrap();
    app.client.chat(&bot.id, &ask("hi", "own")).await.unwrap();
    assert_eq!(
        script.authorizations()[0].as_deref(),
        Some("Bearer sk-bot-own-key-abcdefghijkl")
    );
}
