//! A process killed (SIGKILL) while it streams an answer: the question it stored stays, once;
//! no half-written answer is left behind; another process on the same database reads the
//! conversation and answers its next message with the unanswered question in the history.

use std::time::Duration;

use futures_util::StreamExt;
use okchat::{ChatMessage, ChatRequest, Client, PageQuery, StreamPart};

use super::scripted::{self, Reply};
use crate::processes::SharedDatabase;

fn turn(text: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![ChatMessage::user(text)],
        platform: None,
        session_token: Some("visitor-after-a-crash".into()),
    }
}

#[tokio::test]
async fn a_process_killed_mid_answer_leaves_its_question_once_and_another_answers_on() {
    let database = SharedDatabase::new("crashy").await;
    let (script, config) = scripted::start(vec![
        Reply::Endless(Duration::from_millis(20)),
        Reply::Text(vec!["Resumed ", "answer."]),
    ])
    .await;
    let base_url = config.openai.unwrap().base_url;
    let scripted_chat = [
        ("CHATDECK_CHAT_BASE_URL", base_url.as_str()),
        ("CHATDECK_CHAT_API_KEY", scripted::DEPLOYMENT_KEY),
    ];

    let (mut first, client) = database.serve(&scripted_chat).await;
    let bot = client
        .create_chatbot(&okchat::CreateChatbot {
            name: Some("Crashy".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .chatbot;
    let mut frames = Box::pin(client.chat_stream(&bot.id, &turn("What is the refund window?")));
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

    let (mut second, client) = database.serve(&scripted_chat).await;
    let sessions = client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(sessions.data.len(), 1, "{sessions:?}");
    let session = &sessions.data[0].id;
    let messages = |client: Client, session: String| {
        let bot = bot.id.clone();
        async move {
            client
                .get_messages(&bot, &session, &PageQuery::default())
                .await
                .unwrap()
                .data
                .into_iter()
                .map(|m| (m.sender_type, m.content))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        messages(client.clone(), session.clone()).await,
        [("user".to_owned(), "What is the refund window?".to_owned())],
        "the question once, and no half-written answer"
    );

    let answer = client
        .chat(&bot.id, &turn("Are you still there?"))
        .await
        .expect("the next message is answered");
    assert_eq!(answer.session_id.as_deref(), Some(session.as_str()));
    let mut thread = messages(client.clone(), session.clone()).await;
    thread.sort_by_key(|(sender, _)| sender == "bot");
    assert_eq!(
        thread,
        [
            ("user".to_owned(), "What is the refund window?".to_owned()),
            ("user".to_owned(), "Are you still there?".to_owned()),
            ("bot".to_owned(), "Resumed answer.".to_owned()),
        ]
    );
    let asked = script.bodies().last().cloned().unwrap().to_string();
    assert!(
        asked.contains("What is the refund window?"),
        "the model sees the unanswered question: {asked}"
    );
    second.kill().unwrap();
    second.wait().unwrap();
}
