//! The public widget's rules: which bots answer, which sites may ask, what a visitor may read
//! and change of their own thread.

use okchat::public::check_session_token;
use okchat::{
    ChatRequest, ChatResponse, Feedback, PublicChatbot, PublicChatbotResponse, PublicMessage,
    PublicMessages,
};
use serde_json::Value;

use crate::chatbots::service::typed;
use crate::chatbots::store::ChatbotRecord;
use crate::conversations::store::MessageRecord;
use crate::error::{ApiError, ApiResult};
use crate::store::DynStore;

/// Public chat sessions are stored with this platform; the widget routes find only these.
pub const PLATFORM: &str = "web";
/// Most messages one thread read returns (a thread longer than this is read in pages with
/// `after`).
const THREAD_PAGE: i64 = 200;

/// The bot, when it takes public traffic: public and active. Any other id, a private or a
/// paused bot alike, is `404`, so the routes do not tell which bots exist.
pub async fn visible(store: &DynStore, id: &str) -> ApiResult<ChatbotRecord> {
    match store.find_chatbot(id).await? {
        Some(bot) if bot.is_public && bot.active => Ok(bot),
        _ => Err(ApiError::not_found("Chatbot")),
    }
}

/// Whether a browser at `origin` may use the bot's widget routes: no `Origin` (not a
/// cross-site browser request), chatdeck's own pages (`is_own`, where the widget's frame is
/// served), an empty allow-list, or an origin on it.
pub fn allow_origin(
    bot: &ChatbotRecord,
    origin: Option<&str>,
    is_own: impl Fn(&str) -> bool,
) -> ApiResult<()> {
    match origin {
        None => Ok(()),
        Some(origin)
            if is_own(origin)
                || bot.allowed_origins.is_empty()
                || bot.allowed_origins.iter().any(|allowed| allowed == origin) =>
        {
            Ok(())
        }
        Some(_) => Err(ApiError::forbidden(
            "This chatbot's widget is not allowed on this site: its owner can add the site in \
             the widget settings.",
        )),
    }
}

pub fn view(bot: &ChatbotRecord) -> PublicChatbotResponse {
    PublicChatbotResponse {
        chatbot: PublicChatbot {
            id: bot.id.clone(),
            name: bot.name.clone(),
            language: bot.language.clone(),
            settings: okchat::public::PublicSettings {
                greeting: bot.settings.greeting.clone(),
                avatar: bot.settings.avatar.clone(),
                snippet: bot.settings.snippet.clone(),
            },
        },
    }
}

pub fn session_token(token: &str) -> ApiResult<&str> {
    check_session_token(token).map_err(|reason| ApiError::field("sessionToken", &reason))?;
    Ok(token)
}

/// The Chat body as a visitor may send it: a session token of the widget's shape and one new
/// message; the platform is always `web`. Answers the body to hand to the chat.
pub fn chat_body(mut body: Value) -> ApiResult<Value> {
    let request: ChatRequest = typed(body.clone())?;
    let Some(token) = request.session_token.as_deref() else {
        return Err(ApiError::field("sessionToken", "is required"));
    };
    session_token(token)?;
    let new_turns = request
        .messages
        .iter()
        .rev()
        .take_while(|m| m.role == "user")
        .count();
    if new_turns > 1 {
        return Err(ApiError::field(
            "messages",
            "must end with exactly one message whose role is \"user\"",
        ));
    }
    body["platform"] = Value::String(PLATFORM.into());
    Ok(body)
}

/// What a visitor sees of a non-streamed answer: the text and where it was stored, not the
/// provider's steps or tool traffic.
pub fn public_answer(answer: ChatResponse) -> ChatResponse {
    ChatResponse {
        tool_calls: Vec::new(),
        tool_results: Vec::new(),
        steps: Vec::new(),
        ..answer
    }
}

/// Whether a frame of the answer's stream reaches a visitor: the text, its steps, errors and
/// the finish; not the retrieved knowledge (`2:`) nor annotations and tool frames.
pub fn public_frame(part: &okchat::StreamPart) -> bool {
    use okchat::StreamPart::*;
    matches!(
        part,
        StartStep { .. } | Text(_) | Error(_) | FinishStep(_) | FinishMessage(_)
    )
}

/// The visitor's thread, oldest first; only messages after `after` when given (an id from
/// this thread). A token that has not chatted yet has an empty thread.
pub async fn thread(
    store: &DynStore,
    bot: &ChatbotRecord,
    token: &str,
    after: Option<&str>,
) -> ApiResult<PublicMessages> {
    let Some(session) = store.find_session(&bot.id, PLATFORM, token).await? else {
        return Ok(PublicMessages {
            messages: Vec::new(),
        });
    };
    let after_seq = match after {
        None => 0,
        Some(id) => store
            .find_message(&session.id, id)
            .await?
            .map(|m| m.seq)
            .ok_or_else(|| ApiError::field("after", "is not a message of this conversation"))?,
    };
    let records = store
        .messages_after(&session.id, after_seq, THREAD_PAGE)
        .await?;
    Ok(PublicMessages {
        messages: records
            .iter()
            .map(|m| public_message(m, bot.show_sources))
            .collect(),
    })
}

/// Thumbs up, down or neither on one of the bot's answers in the visitor's own thread.
pub async fn feedback(
    store: &DynStore,
    bot: &ChatbotRecord,
    token: &str,
    message_id: &str,
    body: Value,
) -> ApiResult<PublicMessage> {
    let feedback = match body.get("feedback") {
        Some(Value::Null) => None,
        Some(Value::String(text)) => Some(
            Feedback::parse(text)
                .ok_or_else(|| ApiError::field("feedback", "must be \"up\", \"down\" or null"))?,
        ),
        Some(_) => {
            return Err(ApiError::field(
                "feedback",
                "must be \"up\", \"down\" or null",
            ))
        }
        None => return Err(ApiError::field("feedback", "is required")),
    };
    let not_found = || ApiError::not_found("Message");
    let session = store
        .find_session(&bot.id, PLATFORM, token)
        .await?
        .ok_or_else(not_found)?;
    let message = store
        .set_feedback(&session.id, message_id, feedback.map(Feedback::as_str))
        .await?
        .ok_or_else(not_found)?;
    Ok(public_message(&message, bot.show_sources))
}

/// The titles of the documents in an answer's `metadata.knowledge`, each once, in the order
/// retrieval ranked them.
fn sources(metadata: &Value) -> Vec<String> {
    let mut titles: Vec<String> = Vec::new();
    let passages = metadata.get("knowledge").and_then(Value::as_array);
    for title in passages
        .into_iter()
        .flatten()
        .filter_map(|k| k.get("title").and_then(Value::as_str))
    {
        if !title.is_empty() && !titles.iter().any(|t| t == title) {
            titles.push(title.to_owned());
        }
    }
    titles
}

/// A stored message as its visitor sees it; `show_sources`: with the titles of the documents
/// a bot answer drew on.
fn public_message(message: &MessageRecord, show_sources: bool) -> PublicMessage {
    let text = |key: &str| {
        message
            .metadata
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    PublicMessage {
        id: message.id.clone(),
        sender_type: message.sender_type.clone(),
        content: message.content.clone(),
        html: (message.sender_type == "bot")
            .then(|| app::widget::markdown::to_safe_html(&message.content)),
        by_person: message.provider.as_deref() == Some("human"),
        feedback: text("feedback").as_deref().and_then(Feedback::parse),
        sources: if show_sources {
            sources(&message.metadata)
        } else {
            Vec::new()
        },
        created_at: message.created_at.clone(),
    }
}
