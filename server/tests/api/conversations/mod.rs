//! Conversations over HTTP: okchat's listing, single session and messages (order, paging,
//! `last_message` forms), chatdeck's filters, takeover and replies, and the streamed export.
//! Sessions are seeded through the store with chosen timestamps (the chat's own tests store
//! them by chatting).

mod export;
mod listing;
mod takeover;

use okchat::Chatbot;
use serde_json::json;
use server::conversations::store::{AppendIf, NewMessage, NewSession};

use crate::helpers::TestApp;

/// A conversation of `caller` on `platform` opened at `at` (`2025-03-07T10:00:00`, UTC), with
/// `messages` (`("user" | "bot", text)`) a second apart after it. Answers the session id.
pub async fn seed(
    app: &TestApp,
    bot: &Chatbot,
    caller: &str,
    platform: &str,
    at: &str,
    messages: &[(&str, &str)],
) -> String {
    let store = &app.state.store;
    let opened = format!("{at}.000000+00:00");
    let session = store
        .open_session(
            &NewSession {
                id: uuid::Uuid::new_v4().to_string(),
                organization_id: bot.organization_id.clone(),
                chatbot_id: bot.id.clone(),
                platform: platform.into(),
                sns_user_id: Some(caller.into()),
                metadata: json!({ "anonymous": true }),
            },
            &opened,
        )
        .await
        .unwrap();
    for (i, (sender, content)) in messages.iter().enumerate() {
        let message = NewMessage {
            id: uuid::Uuid::new_v4().to_string(),
            sender_type: (*sender).into(),
            content: (*content).into(),
            metadata: json!({}),
            model: (*sender == "bot").then(|| "local".into()),
            provider: (*sender == "bot").then(|| "local".into()),
            ..Default::default()
        };
        let when = format!("{at}.{:06}+00:00", i + 1);
        store
            .append_message(&session.id, &message, AppendIf::Always, &when)
            .await
            .unwrap()
            .expect("the session exists");
    }
    session.id
}
