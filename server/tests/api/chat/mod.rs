//! Chat over HTTP with the built-in provider and with a scripted OpenAI-compatible endpoint: answers from the knowledge base, sessions and
//! storing, the data stream's frames, human mode, inactive bots, lead capture and refusals.

mod crash;
mod local;
mod modes;
mod openai;
mod resend;
mod scripted;
mod stream;

use futures_util::StreamExt;
use okchat::client::UploadFile;
use okchat::{ChatMessage, ChatRequest, StreamPart};

use crate::helpers::TestApp;

pub fn ask(question: &str, token: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![ChatMessage::user(question)],
        platform: Some("web".into()),
        session_token: Some(token.into()),
    }
}

/// A chatbot whose knowledge base holds the refund policy, indexed.
pub async fn refund_bot(app: &TestApp) -> okchat::Chatbot {
    let bot = app.create("Acme Support").await;
    crate::knowledge::ingest(
        app,
        &bot.id,
        vec![UploadFile::new(
            "refund-policy.md",
            "# Refunds\n\nOur shop opened in 2019. Refunds are paid within 14 days of the \
             return arriving. Shipping costs are not refunded.\n\n# Opening hours\n\nWe are \
             open from nine to five on weekdays.",
        )],
    )
    .await;
    bot
}

/// Every frame of a streamed answer.
pub async fn stream_all(app: &TestApp, bot: &str, request: &ChatRequest) -> Vec<StreamPart> {
    app.client
        .chat_stream(bot, request)
        .map(|frame| frame.expect("a well-formed frame"))
        .collect()
        .await
}

/// How many of the messages the model was sent (a recorded request `body`) carry `text`.
pub fn times_sent(body: &serde_json::Value, text: &str) -> usize {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["content"].as_str().is_some_and(|c| c.contains(text)))
        .count()
}
