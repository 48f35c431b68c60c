//! The public widget routes (`/api/public/chatbots/{chatbotId}/…`, a chatdeck addition): what
//! a visitor's browser may read and send without a key.

use serde::{Deserialize, Serialize};

use crate::chatbot::Snippet;

/// `GET /api/public/chatbots/{chatbotId}`: `{"chatbot": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicChatbotResponse {
    pub chatbot: PublicChatbot,
}

/// What the widget shows of a bot, nothing else: never the prompt, model, keys or knowledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicChatbot {
    pub id: String,
    pub name: String,
    /// The widget's language: a code, or `auto` (the visitor's browser decides).
    pub language: String,
    pub settings: PublicSettings,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicSettings {
    pub greeting: String,
    pub avatar: Option<String>,
    pub snippet: Snippet,
}

/// `GET …/sessions/{sessionToken}/messages?after=`: the visitor's thread, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicMessages {
    pub messages: Vec<PublicMessage>,
}

/// A message as the visitor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicMessage {
    pub id: String,
    /// `user` or `bot`.
    pub sender_type: String,
    pub content: String,
    /// A bot message's Markdown as safe HTML, rendered by the server (raw HTML shown as text,
    /// only http, https and mailto links), so the widget carries no Markdown parser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// `true` on a reply written by a person who took the conversation over; absent on the
    /// bot's own answers. Who wrote it (the API's `metadata.author`, a staff member's email) is
    /// the owner's to know, never the visitor's.
    #[serde(default, skip_serializing_if = "is_false")]
    pub by_person: bool,
    /// The visitor's rating of a bot answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    /// The titles of the documents a bot answer drew on, each once, best first; only when
    /// the owner shows sources in the widget.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    pub created_at: String,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// Thumbs up or down on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Feedback {
    Up,
    Down,
}

impl Feedback {
    pub fn as_str(self) -> &'static str {
        match self {
            Feedback::Up => "up",
            Feedback::Down => "down",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "up" => Some(Feedback::Up),
            "down" => Some(Feedback::Down),
            _ => None,
        }
    }
}

/// A widget session token: 22–128 characters of `[A-Za-z0-9_-]` (at least 128 random bits
/// in base64url), so a visitor's thread cannot be guessed.
pub fn check_session_token(token: &str) -> Result<(), String> {
    let shape = token.len() >= 22
        && token.len() <= 128
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if shape {
        Ok(())
    } else {
        Err("must be 22 to 128 characters of A-Z, a-z, 0-9, - and _".into())
    }
}
