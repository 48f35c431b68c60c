//! A turn sent again under the client's id for it (`messages[].id`, as the AI SDK's `useChat`
//! sends): stored once; answered with the answer already stored, without asking the model again;
//! while that answer is still being written, answered with it once it is; answered anew when its
//! answer was cut off. The same words under another id are a new turn.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use okchat::{ChatMessage, ChatRequest, PageQuery, StreamPart};

use super::scripted::{self, Reply};
use super::{refund_bot, stream_all, times_sent};
use crate::helpers::{assert_field_error, spawn_app_with_chat, TestApp};

const TOKEN: &str = "visitor-who-sends-again";

fn turn(text: &str, id: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![ChatMessage::user(text).with_id(id)],
        platform: None,
        session_token: Some(TOKEN.into()),
    }
}

/// The conversation of `TOKEN`, oldest first.
async fn messages(app: &TestApp, bot: &str) -> Vec<okchat::Message> {
    let sessions = app
        .client
        .get_conversations(bot, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(sessions.data.len(), 1, "{sessions:?}");
    let page = PageQuery {
        limit: Some(100),
        ..Default::default()
    };
    app.client
        .get_messages(bot, &sessions.data[0].id, &page)
        .await
        .unwrap()
        .data
}

/// The conversation of `TOKEN` as (sender, text, cut off) triples, oldest first.
async fn thread(app: &TestApp, bot: &str) -> Vec<(String, String, bool)> {
    messages(app, bot)
        .await
        .into_iter()
        .map(|m| {
            let cut_off = m.metadata["cut_off"] == true;
            (m.sender_type, m.content, cut_off)
        })
        .collect()
}

fn owned(triples: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
    triples
        .iter()
        .map(|(sender, text, cut_off)| ((*sender).into(), (*text).into(), *cut_off))
        .collect()
}

/// The refund question and one whole answer to it.
fn asked_and_answered_once() -> Vec<(String, String, bool)> {
    owned(&[
        ("user", "How long do refunds take?", false),
        ("bot", "Refunds take 14 days.", false),
    ])
}

#[tokio::test]
async fn a_turn_sent_again_under_its_id_is_stored_once_and_gets_the_stored_answer() {
    let (script, config) = scripted::start(vec![
        Reply::Text(vec!["Refunds take ", "14 days."]),
        Reply::Text(vec!["Still 14 days."]),
    ])
    .await;
    let app = spawn_app_with_chat(config).await;
    let bot = refund_bot(&app).await;
    let question = turn("How long do refunds take?", "msg-1");

    let first = app.client.chat(&bot.id, &question).await.unwrap();
    assert_eq!(first.output, "Refunds take 14 days.");
    let again = app.client.chat(&bot.id, &question).await.unwrap();
    assert_eq!(again.output, first.output);
    assert_eq!(again.session_id, first.session_id);
    assert_eq!(again.finish_reason, "stop");
    let streamed = stream_all(&app, &bot.id, &question).await;
    let text: String = streamed
        .iter()
        .filter_map(|part| match part {
            StreamPart::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Refunds take 14 days.");
    let answer = thread_message_id(&app, &bot.id, "bot").await;
    assert!(
        matches!(&streamed[0], StreamPart::StartStep { message_id } if *message_id == answer),
        "the stream names the stored answer: {streamed:?}"
    );
    assert!(
        matches!(streamed.last(), Some(StreamPart::FinishMessage(f)) if f.finish_reason == "stop"),
        "{streamed:?}"
    );
    assert_eq!(script.bodies().len(), 1, "the model was asked once");
    assert_eq!(thread(&app, &bot.id).await, asked_and_answered_once());

    // The same words under a new id are the visitor asking again.
    let asked_again = app
        .client
        .chat(&bot.id, &turn("How long do refunds take?", "msg-2"))
        .await
        .unwrap();
    assert_eq!(asked_again.output, "Still 14 days.");
    assert_eq!(thread(&app, &bot.id).await.len(), 4);
}

#[tokio::test]
async fn a_turn_sent_again_while_its_answer_is_being_written_gets_that_answer_once_written() {
    let pieces = vec!["Refunds ", "take ", "14 ", "days."];
    let (script, config) = scripted::start(vec![
        Reply::Paced(pieces, Duration::from_millis(250)),
        Reply::Text(vec!["A second answer."]),
    ])
    .await;
    let app = spawn_app_with_chat(config).await;
    let bot = refund_bot(&app).await;
    let question = turn("How long do refunds take?", "msg-1");

    // The first send reads its stream to the end; the same turn comes again once its first
    // words have arrived.
    let (started, answering) = tokio::sync::oneshot::channel();
    let first = tokio::spawn({
        let (client, bot, question) = (app.client.clone(), bot.id.clone(), question.clone());
        async move {
            let mut frames = Box::pin(client.chat_stream(&bot, &question));
            let mut started = Some(started);
            let mut text = String::new();
            while let Some(frame) = frames.next().await {
                if let StreamPart::Text(piece) = frame.unwrap() {
                    text.push_str(&piece);
                    if let Some(started) = started.take() {
                        let _ = started.send(());
                    }
                }
            }
            text
        }
    });
    answering.await.unwrap();
    let again = app.client.chat(&bot.id, &question).await.unwrap();

    assert_eq!(first.await.unwrap(), "Refunds take 14 days.");
    assert_eq!(again.output, "Refunds take 14 days.");
    assert_eq!(script.bodies().len(), 1, "the model was asked once");
    assert_eq!(thread(&app, &bot.id).await, asked_and_answered_once());
}

/// The id of the newest message of `sender` in `TOKEN`'s conversation.
async fn thread_message_id(app: &TestApp, bot: &str, sender: &str) -> String {
    messages(app, bot)
        .await
        .into_iter()
        .rev()
        .find(|m| m.sender_type == sender)
        .map(|m| m.id)
        .unwrap()
}

#[tokio::test]
async fn a_turn_whose_answer_was_cut_off_is_answered_anew_when_sent_again() {
    let (script, config) = scripted::start(vec![
        Reply::Endless(Duration::from_millis(20)),
        Reply::Text(vec!["Refunds take 14 days."]),
    ])
    .await;
    let app = spawn_app_with_chat(config).await;
    let bot = refund_bot(&app).await;
    let question = turn("How long do refunds take?", "msg-1");

    let mut frames = Box::pin(app.client.chat_stream(&bot.id, &question));
    let mut pieces = 0;
    while pieces < 3 {
        if let StreamPart::Text(_) = frames.next().await.unwrap().unwrap() {
            pieces += 1;
        }
    }
    drop(frames);
    let started = Instant::now();
    while !thread(&app, &bot.id).await.iter().any(|m| m.2) {
        assert!(started.elapsed() < Duration::from_secs(10), "nothing kept");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let answer = app.client.chat(&bot.id, &question).await.unwrap();
    assert_eq!(answer.output, "Refunds take 14 days.");
    let stored = thread(&app, &bot.id).await;
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert_eq!(stored[0].0, "user");
    assert!(stored[1].2, "the cut-off answer is kept: {stored:?}");
    assert_eq!(
        stored[2],
        ("bot".into(), "Refunds take 14 days.".into(), false)
    );
    let bodies = script.bodies();
    assert_eq!(bodies.len(), 2);
    assert_eq!(
        times_sent(&bodies[1], "How long do refunds take?"),
        1,
        "the model sees the question once, not its cut-off answer: {}",
        bodies[1]
    );
    assert_eq!(times_sent(&bodies[1], "word0"), 0, "{}", bodies[1]);
}

#[tokio::test]
async fn a_turn_id_must_be_short_visible_ascii() {
    let app = crate::helpers::spawn_app().await;
    let bot = app.create("Ids").await;
    for id in ["", "two words", &"x".repeat(129)] {
        assert_field_error(
            app.client.chat(&bot.id, &turn("hello", id)).await,
            "messages.0.id",
        );
    }
}
