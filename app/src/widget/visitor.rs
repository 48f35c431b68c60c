//! The embedded widget's calls to the public routes, from the visitor's browser: the thread,
//! a message with its answer streamed, a rating, and the session token kept per tab.

use okchat::PublicMessage;

use super::strings::Strings;
use super::transcript::{Author, Message};

/// Why a call failed, as the widget tells the visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trouble {
    /// Over a rate limit: try again after this many seconds.
    Wait(u64),
    /// The bot is private, paused or not allowed on this site.
    Unavailable,
    /// Anything else: the network, the server.
    Failed,
}

impl Trouble {
    pub fn sentence(&self, strings: &Strings) -> String {
        match self {
            Trouble::Wait(seconds) => strings.wait(*seconds),
            Trouble::Unavailable => strings.unavailable.clone(),
            Trouble::Failed => strings.failed.clone(),
        }
    }
}

/// A stored message as the widget's transcript shows it, with its id.
pub fn to_message(message: &PublicMessage) -> (String, Message) {
    let author = match (message.sender_type.as_str(), &message.author) {
        ("user", _) => Author::Visitor,
        (_, Some(_)) => Author::Person,
        _ => Author::Bot,
    };
    (
        message.id.clone(),
        Message {
            author,
            text: message.content.clone(),
            html: message.html.clone(),
        },
    )
}

#[cfg(feature = "hydrate")]
mod browser {
    use gloo_net::http::{Request, Response};
    use okchat::chat::LineSplitter;
    use okchat::{PublicMessages, StreamPart};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    use super::*;

    fn path(chatbot_id: &str, rest: &str) -> String {
        format!("/api/public/chatbots/{chatbot_id}{rest}")
    }

    fn trouble(response: &Response) -> Trouble {
        match response.status() {
            429 => Trouble::Wait(
                response
                    .headers()
                    .get("retry-after")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(5),
            ),
            403 | 404 => Trouble::Unavailable,
            _ => Trouble::Failed,
        }
    }

    /// The visitor's thread, or only what came after `after`.
    pub async fn thread(
        chatbot_id: &str,
        token: &str,
        after: Option<&str>,
    ) -> Result<Vec<PublicMessage>, Trouble> {
        let query = after.map(|id| format!("?after={id}")).unwrap_or_default();
        let url = path(chatbot_id, &format!("/sessions/{token}/messages{query}"));
        let response = Request::get(&url)
            .send()
            .await
            .map_err(|_| Trouble::Failed)?;
        if !response.ok() {
            return Err(trouble(&response));
        }
        let page: PublicMessages = response.json().await.map_err(|_| Trouble::Failed)?;
        Ok(page.messages)
    }

    /// Sends `text` and calls `on_text` with each piece of the answer as it arrives.
    pub async fn say(
        chatbot_id: &str,
        token: &str,
        text: &str,
        mut on_text: impl FnMut(&str),
    ) -> Result<(), Trouble> {
        let body = okchat::ChatRequest {
            messages: vec![okchat::ChatMessage::user(text)],
            platform: None,
            session_token: Some(token.to_owned()),
        };
        let response = Request::post(&path(chatbot_id, "/chat?stream=true"))
            .json(&body)
            .map_err(|_| Trouble::Failed)?
            .send()
            .await
            .map_err(|_| Trouble::Failed)?;
        if !response.ok() {
            return Err(trouble(&response));
        }
        let reader: web_sys::ReadableStreamDefaultReader = response
            .body()
            .ok_or(Trouble::Failed)?
            .get_reader()
            .unchecked_into();
        let mut lines = LineSplitter::new();
        let mut failed = false;
        loop {
            let chunk = JsFuture::from(reader.read())
                .await
                .map_err(|_| Trouble::Failed)?;
            let done = js_sys::Reflect::get(&chunk, &"done".into())
                .map(|d| d.is_truthy())
                .unwrap_or(true);
            let mut frames = Vec::new();
            if done {
                frames.extend(lines.finish());
            } else if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
                frames.extend(lines.push(&js_sys::Uint8Array::new(&value).to_vec()));
            }
            for line in frames {
                match StreamPart::answer_piece(&String::from_utf8_lossy(&line)) {
                    Some(Ok(delta)) => on_text(&delta),
                    Some(Err(_)) => failed = true,
                    None => {}
                }
            }
            if done {
                break;
            }
        }
        if failed {
            Err(Trouble::Failed)
        } else {
            Ok(())
        }
    }

    /// Rates the bot's answer `message_id` (`None` takes a rating back).
    pub async fn rate(
        chatbot_id: &str,
        token: &str,
        message_id: &str,
        feedback: Option<okchat::Feedback>,
    ) -> Result<(), Trouble> {
        /// The body of a rating: `{"feedback": "up" | "down" | null}`.
        #[derive(serde::Serialize)]
        struct Rating {
            feedback: Option<&'static str>,
        }
        let body = Rating {
            feedback: feedback.map(okchat::Feedback::as_str),
        };
        let url = path(
            chatbot_id,
            &format!("/sessions/{token}/messages/{message_id}"),
        );
        let response = Request::patch(&url)
            .json(&body)
            .map_err(|_| Trouble::Failed)?
            .send()
            .await
            .map_err(|_| Trouble::Failed)?;
        if response.ok() {
            Ok(())
        } else {
            Err(trouble(&response))
        }
    }

    /// The session token the loader gave this frame (`#session=…`, kept in the embedding
    /// site's storage for the tab), if any.
    pub fn given_session() -> Option<String> {
        let hash = web_sys::window()?.location().hash().ok()?;
        let token = hash.strip_prefix("#session=")?.to_owned();
        okchat::public::check_session_token(&token)
            .is_ok()
            .then_some(token)
    }

    /// A new session token (128 random bits), which the loader keeps for the tab.
    pub fn new_session() -> String {
        let mut bits = [0u8; 16];
        let token = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .and_then(|c| c.get_random_values_with_u8_array(&mut bits).ok())
            .map(|_| bits.iter().map(|b| format!("{b:02x}")).collect::<String>())
            .unwrap_or_else(|| format!("{:032x}", (js_sys::Math::random() * 1e18) as u128));
        tell_parent(&format!("chatdeck:session:{token}"));
        token
    }

    /// Tells the loader on the embedding page `message` (`chatdeck:ready`: the panel can take
    /// the focus; `chatdeck:close`: the visitor closed it). The loader checks that it comes from
    /// its own frame; the message says nothing a page could misuse.
    pub fn tell_parent(message: &str) {
        if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
            parent.post_message(&message.into(), "*").ok();
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::*;
