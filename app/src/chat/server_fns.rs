//! The playground's calls to the backend API, made on the console server with the
//! organization's key: what the page needs to draw the answers' sources, and the chat itself,
//! streamed back as [`PlaygroundEvent`] lines.

use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, Streaming};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The chatbot's retrieval threshold, drawn on the sources' score bars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaygroundSetup {
    pub threshold: String,
    pub threshold_percent: u32,
    /// The model the bot's settings name; empty for the provider's default.
    pub model: String,
}

/// Signed-in users only: what the playground shows beside the chat.
#[server]
pub async fn load_playground(id: String) -> Result<PlaygroundSetup, AppError> {
    use crate::knowledge::labels::{percent, two_decimals};
    let (_, client) = crate::backend::client().await?;
    let settings = client.get_chatbot_details(&id).await?.chatbot.settings;
    let threshold = settings.effective_similarity_threshold();
    Ok(PlaygroundSetup {
        threshold: two_decimals(threshold),
        threshold_percent: percent(threshold),
        model: settings.model,
    })
}

/// Signed-in users only: sends `message` in the playground conversation `session` and
/// streams the answer as it is generated. Failures before the answer starts (a paused bot, a
/// session that ended) are the server function's error; later ones are a `failed` event.
#[server(output = Streaming)]
pub async fn playground_chat(
    id: String,
    session: String,
    message: String,
) -> Result<ByteStream<AppError>, AppError> {
    use futures_util::{stream, StreamExt};

    use okchat::StreamPart;

    use super::events::{events_of, AnswerText, PlaygroundEvent};
    use crate::knowledge::server_fns::backend::retrieved;

    let message = message.trim().to_owned();
    if message.is_empty() {
        return Err(AppError::Validation {
            message: "Write a message first.".into(),
            fields: [("message".to_owned(), "must not be empty".to_owned())].into(),
        });
    }
    let (_, client) = crate::backend::client().await?;
    let request = okchat::ChatRequest {
        messages: vec![okchat::ChatMessage::user(message.clone())],
        platform: Some(super::PLATFORM.into()),
        session_token: Some(session),
    };
    let mut frames = Box::pin(client.chat_stream(&id, &request));
    let first = match frames.next().await {
        Some(first) => first?,
        None => {
            return Err(AppError::BackendUnavailable(
                "The backend sent no answer.".into(),
            ))
        }
    };
    let terms = crate::knowledge::highlight::terms(&message);
    let text = std::sync::Arc::new(std::sync::Mutex::new(AnswerText::default()));
    let rest = text.clone();
    let lines = stream::once(async move { Ok(first) })
        .chain(frames)
        .scan(false, move |failed, frame| {
            // After a failure the stream ends: its event was the last line.
            if *failed {
                return std::future::ready(None);
            }
            let mut text = text.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let events: Vec<PlaygroundEvent> = match frame {
                Ok(StreamPart::Text(delta)) => text
                    .push(&delta, std::time::Instant::now())
                    .into_iter()
                    .collect(),
                Ok(frame) => text
                    .flush()
                    .into_iter()
                    .chain(events_of(frame, |r| retrieved(r, &terms)))
                    .collect(),
                Err(error) => {
                    tracing::warn!(%error, "the playground's answer stream broke off");
                    *failed = true;
                    text.flush()
                        .into_iter()
                        .chain([PlaygroundEvent::Failed {
                            message: "The answer broke off. Try again.".into(),
                        }])
                        .collect()
                }
            };
            let lines: String = events.iter().map(PlaygroundEvent::to_line).collect();
            std::future::ready(Some(lines))
        })
        // A stream that ends without its finish frame still sends the text it gathered.
        .chain(stream::once(async move {
            let mut text = rest.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            text.flush().map(|e| e.to_line()).unwrap_or_default()
        }))
        .filter(|lines| std::future::ready(!lines.is_empty()))
        .map(Ok::<_, AppError>);
    Ok(ByteStream::new(lines))
}
