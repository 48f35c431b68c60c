//! A process killed (SIGKILL) while it streams an answer: the question it stored stays, once;
//! no half-written answer is left behind; another process on the same database reads the
//! conversation and answers its next message with the unanswered question in the history, or
//! answers the question itself when the client sends it again under its id.

use std::time::Duration;

use futures_util::StreamExt;
use okchat::{ChatMessage, ChatRequest, Client, PageQuery, StreamPart};

use super::scripted::{self, Reply, Script};
use super::times_sent;
use crate::processes::SharedDatabase;

const TOKEN: &str = "visitor-after-a-crash";
const QUESTION: &str = "What is the refund window?";

fn turn(text: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![ChatMessage::user(text)],
        platform: None,
        session_token: Some(TOKEN.into()),
    }
}

/// A server on a fresh database whose model answers the first question endlessly and the next
/// with "Resumed answer.", killed once it has streamed a few words of the answer to `question`.
/// Returns the database, the model's script, the model's settings for the next server and the bot.
async fn killed_mid_answer(
    question: &ChatRequest,
) -> (SharedDatabase, Script, Vec<(String, String)>, String) {
    let database = SharedDatabase::new("crashy").await;
    let (script, config) = scripted::start(vec![
        Reply::Endless(Duration::from_millis(20)),
        Reply::Text(vec!["Resumed ", "answer."]),
    ])
    .await;
    let scripted_chat = vec![
        (
            "CHATDECK_CHAT_BASE_URL".to_owned(),
            config.openai.unwrap().base_url,
        ),
        (
            "CHATDECK_CHAT_API_KEY".to_owned(),
            scripted::DEPLOYMENT_KEY.to_owned(),
        ),
    ];
    let (mut first, client) = database.serve(&env(&scripted_chat)).await;
    let bot = client
        .create_chatbot(&okchat::CreateChatbot::named("Crashy"))
        .await
        .unwrap()
        .chatbot;
    let mut frames = Box::pin(client.chat_stream(&bot.id, question));
    let mut pieces = 0;
    while pieces < 5 {
        match frames.next().await.expect("the answer streams") {
            Ok(StreamPart::Text(_)) => pieces += 1,
            Ok(_) => {}
            Err(error) => panic!("{error}"),
        }
    }
    first.kill().expect("kill -9 mid-answer");
    first.wait().unwrap();
    assert!(
        matches!(frames.next().await, None | Some(Err(_))),
        "the stream ends with its process"
    );
    (database, script, scripted_chat, bot.id)
}

fn env(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The only conversation's id and its messages as (sender, text), oldest first.
async fn conversation(client: &Client, bot: &str) -> (String, Vec<(String, String)>) {
    let sessions = client
        .get_conversations(bot, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(sessions.data.len(), 1, "{sessions:?}");
    let session = sessions.data[0].id.clone();
    let messages = client
        .get_messages(bot, &session, &PageQuery::default())
        .await
        .unwrap()
        .data
        .into_iter()
        .map(|m| (m.sender_type, m.content))
        .collect();
    (session, messages)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_process_killed_mid_answer_leaves_its_question_once_and_another_answers_on() {
    let (database, script, scripted_chat, bot) = killed_mid_answer(&turn(QUESTION)).await;

    let (mut second, client) = database.serve(&env(&scripted_chat)).await;
    let (session, thread) = conversation(&client, &bot).await;
    assert_eq!(
        thread,
        pairs(&[("user", QUESTION)]),
        "the question once, and no half-written answer"
    );

    let answer = client
        .chat(&bot, &turn("Are you still there?"))
        .await
        .expect("the next message is answered");
    assert_eq!(answer.session_id.as_deref(), Some(session.as_str()));
    let (_, mut thread) = conversation(&client, &bot).await;
    thread.sort_by_key(|(sender, _)| sender == "bot");
    assert_eq!(
        thread,
        pairs(&[
            ("user", QUESTION),
            ("user", "Are you still there?"),
            ("bot", "Resumed answer."),
        ])
    );
    let asked = script.bodies().last().cloned().unwrap().to_string();
    assert!(
        asked.contains(QUESTION),
        "the model sees the unanswered question: {asked}"
    );
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test]
async fn a_question_sent_again_under_its_id_after_a_crash_is_stored_once_and_answered() {
    let question = ChatRequest {
        messages: vec![ChatMessage::user(QUESTION).with_id("turn-1")],
        ..turn(QUESTION)
    };
    let (database, script, scripted_chat, bot) = killed_mid_answer(&question).await;

    let (mut second, client) = database.serve(&env(&scripted_chat)).await;
    let text: String = client
        .chat_stream(&bot, &question)
        .filter_map(|part| async move {
            match part.expect("a well-formed frame") {
                StreamPart::Text(t) => Some(t),
                _ => None,
            }
        })
        .collect()
        .await;
    assert_eq!(text, "Resumed answer.");
    assert_eq!(
        conversation(&client, &bot).await.1,
        pairs(&[("user", QUESTION), ("bot", "Resumed answer.")]),
        "the question once, answered once"
    );
    let asked = script.bodies().last().cloned().unwrap();
    assert_eq!(
        times_sent(&asked, QUESTION),
        1,
        "the model is asked the question once: {asked}"
    );
    second.kill().unwrap();
    second.wait().unwrap();
}
