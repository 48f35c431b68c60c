//! The public widget routes: what a visitor's browser may read and send without a key.

mod limits;
mod origins;
mod page;
mod public;

use okchat::Chatbot;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// A new bot that takes public traffic.
pub async fn public_bot(app: &TestApp, name: &str) -> Chatbot {
    let bot = app.create(name).await;
    app.client
        .update_chatbot_raw(&bot.id, &json!({"is_public": true}))
        .await
        .expect("made public")
        .chatbot
}

/// A session token as the widget makes one: 128 random bits, base64url.
pub fn new_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub struct Answer {
    pub status: u16,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

/// A request as a visitor's browser sends it: no key, `Origin` when given.
async fn visit(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    origin: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let mut request = app.http.request(method, app.url(path));
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

/// A visitor's message to the bot, answered whole.
pub async fn say(
    app: &TestApp,
    bot: &str,
    token: &str,
    text: &str,
    headers: &[(&str, &str)],
) -> Answer {
    visit(
        app,
        reqwest::Method::POST,
        &format!("/api/public/chatbots/{bot}/chat"),
        None,
        headers,
        Some(json!({"messages": [{"role": "user", "content": text}], "sessionToken": token})),
    )
    .await
}

pub async fn thread(app: &TestApp, bot: &str, token: &str, after: Option<&str>) -> Answer {
    let query = after.map(|id| format!("?after={id}")).unwrap_or_default();
    visit(
        app,
        reqwest::Method::GET,
        &format!("/api/public/chatbots/{bot}/sessions/{token}/messages{query}"),
        None,
        &[],
        None,
    )
    .await
}
