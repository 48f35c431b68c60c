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

/// `json`, written by chatdeck's server, as a `T`; `None` if it is not one.
///
/// The widget decodes with serde-json-core, not serde_json: serde_json's deserializer (its
/// number parsing and the float formatting of its error messages come with it) was 22 kB of
/// the widget's 171 kB of gzipped wasm. serde-json-core skips unknown fields and unescapes
/// strings, but does not join `\u` surrogate pairs: the server's serde_json writes characters
/// outside ASCII as they are and escapes only control characters, so it never sends one.
pub fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
    // Unescaping never makes a string longer than its JSON.
    let mut unescaped = vec![0; json.len()];
    serde_json_core::from_str_escaped(json, &mut unescaped)
        .ok()
        .map(|(value, _)| value)
}

/// `value` as JSON, for a request's body: serde-json-core again (serde_json's serializer would
/// be linked for this alone). It writes into a buffer of fixed size, so a body that does not
/// fit is written again into one four times larger.
pub fn encode<T: serde::Serialize>(value: &T) -> String {
    let mut capacity = 1 << 10;
    loop {
        let mut json = vec![0; capacity];
        // Its one error is a full buffer; past 64 MiB the server refuses the body anyway.
        match serde_json_core::to_slice(value, &mut json) {
            Err(_) if capacity < 1 << 26 => capacity *= 4,
            written => {
                json.truncate(written.unwrap_or(0));
                // serde-json-core writes UTF-8 only.
                return String::from_utf8(json).unwrap_or_default();
            }
        }
    }
}

/// A stored message as the widget's transcript shows it, with its id.
pub fn to_message(message: &PublicMessage) -> (String, Message) {
    let author = match (message.sender_type.as_str(), message.by_person) {
        ("user", _) => Author::Visitor,
        (_, true) => Author::Person,
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
        let json = response.text().await.map_err(|_| Trouble::Failed)?;
        let page: PublicMessages = decode(&json).ok_or(Trouble::Failed)?;
        Ok(page.messages)
    }

    /// Sends `text` as the turn `turn_id` (the same id again when it is sent again, so the
    /// server stores it once) and calls `on_text` with each piece of the answer as it arrives.
    pub async fn say(
        chatbot_id: &str,
        token: &str,
        text: &str,
        turn_id: &str,
        mut on_text: impl FnMut(&str),
    ) -> Result<(), Trouble> {
        let body = okchat::ChatRequest {
            messages: vec![okchat::ChatMessage::user(text).with_id(turn_id)],
            platform: None,
            session_token: Some(token.to_owned()),
        };
        let response = Request::post(&path(chatbot_id, "/chat?stream=true"))
            .header("content-type", "application/json")
            .body(encode(&body))
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
                match StreamPart::answer_piece(&String::from_utf8_lossy(&line), decode) {
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
            .header("content-type", "application/json")
            .body(encode(&body))
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

    /// 128 random bits in hex.
    pub fn random_id() -> String {
        let mut bits = [0u8; 16];
        web_sys::window()
            .and_then(|w| w.crypto().ok())
            .and_then(|c| c.get_random_values_with_u8_array(&mut bits).ok())
            .map(|_| bits.iter().map(|b| format!("{b:02x}")).collect::<String>())
            .unwrap_or_else(|| format!("{:032x}", (js_sys::Math::random() * 1e18) as u128))
    }

    /// A new session token, which the loader keeps for the tab.
    pub fn new_session() -> String {
        let token = random_id();
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

#[cfg(test)]
mod tests {
    use okchat::{ChatMessage, ChatRequest, Feedback, PublicMessages};

    use super::*;

    /// Text a model or a visitor might write, with everything JSON must escape.
    const AWKWARD: &str = "He said \"hi\" \\ then left.\n\ttabbed\r\u{1} bell\u{7} \
                           </script><!-- é ü ß 日本語 مرحبا 😀🇫🇷 \u{2028}\u{2029} end";

    fn message(id: &str, content: &str) -> PublicMessage {
        PublicMessage {
            id: id.into(),
            sender_type: "bot".into(),
            content: content.into(),
            html: Some(format!("<p>{content}</p>")),
            by_person: false,
            feedback: Some(Feedback::Down),
            sources: vec!["Guide \"A\"".into(), "日本".into()],
            created_at: "2026-12-06T10:00:00Z".into(),
        }
    }

    #[test]
    fn what_the_server_writes_decodes_to_the_same_thread() {
        let page = PublicMessages {
            messages: vec![
                message("m1", AWKWARD),
                message("m2", ""),
                message("m3", &AWKWARD.repeat(300)),
            ],
        };
        let json = serde_json::to_string(&page).unwrap();
        assert_eq!(decode::<PublicMessages>(&json), Some(page));
    }

    #[test]
    fn fields_it_does_not_know_are_skipped() {
        let json = r#"{"messages":[{"id":"m1","sender_type":"user","content":"hi",
            "created_at":"t","later":{"n":-1.5e3,"list":[true,null,"x"]},"count":7}],
            "next":null}"#;
        let page = decode::<PublicMessages>(json).unwrap();
        assert_eq!(page.messages[0].content, "hi");
        assert_eq!(page.messages[0].feedback, None);
    }

    #[test]
    fn what_is_not_the_expected_json_decodes_to_nothing() {
        assert_eq!(decode::<PublicMessages>("not json"), None);
        assert_eq!(decode::<PublicMessages>(r#"{"messages":[{"id":1}]}"#), None);
        assert_eq!(decode::<String>("\"unterminated"), None);
    }

    #[test]
    fn a_request_body_reads_back_as_written_however_long() {
        for text in [String::new(), AWKWARD.into(), "\u{1}".repeat(5_000)] {
            let body = ChatRequest {
                messages: vec![ChatMessage::user(&text).with_id("0f3a")],
                platform: None,
                session_token: Some("ab12".into()),
            };
            let written: serde_json::Value = serde_json::from_str(&encode(&body)).unwrap();
            assert_eq!(written, serde_json::to_value(&body).unwrap());
        }
    }
}
