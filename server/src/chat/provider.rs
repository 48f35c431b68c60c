//! The one interface every model provider implements: one streamed model step. The chat service
//! owns everything around it (retrieval, the prompt, the tool loop, storing, the wire protocol),
//! so a provider only turns a step request into a stream of events.

use std::pin::Pin;

use async_trait::async_trait;
use futures_util::Stream;
use okchat::chat::Usage;
use okchat::knowledge::KnowledgeResult;
use secrecy::SecretString;
use serde_json::Value;

/// Who said a turn of the conversation the model is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Turn {
    User(String),
    Assistant(String),
    /// The model asked for tools in one step; their results follow as `ToolResult` turns.
    ToolCalls(Vec<ToolCall>),
    ToolResult {
        call_id: String,
        content: String,
    },
}

/// A function the model may call, described by a JSON schema for its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub parameters: Value,
}

/// One call of a tool the model asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    /// The arguments as the model wrote them (a JSON object, not checked by the provider).
    pub arguments: Value,
}

/// Everything one model step needs.
#[derive(Debug, Clone)]
pub struct StepRequest {
    /// The model to ask; a provider with one model of its own ignores it.
    pub model: String,
    /// The system prompt (instructions, personality, date and, without tools, the knowledge).
    pub system: String,
    /// The conversation so far, oldest first, the new user turn last.
    pub turns: Vec<Turn>,
    /// Tools offered in this step; empty when the tool loop is off.
    pub tools: Vec<ToolSpec>,
    /// The chunks retrieved for the question (also in `system` when tools are off), for
    /// providers that answer from them directly.
    pub knowledge: Vec<KnowledgeResult>,
    /// The bot's language (`auto`, `en`, `ko`, …).
    pub language: String,
    /// The bot's greeting (`settings.greeting`), for providers that answer a hello with it.
    pub greeting: String,
    /// A per-bot key that replaces the deployment's key for this step.
    pub api_key: Option<SecretString>,
}

/// What a step streams, in order: text deltas and tool calls, then exactly one `Finish`.
#[derive(Debug, Clone, PartialEq)]
pub enum StepEvent {
    TextDelta(String),
    ToolCall(ToolCall),
    Finish {
        /// The AI SDK's reasons: `stop`, `length`, `tool-calls`, `content-filter`, `other`.
        finish_reason: String,
        usage: Usage,
        response_id: String,
        model_id: String,
    },
}

pub type StepStream = Pin<Box<dyn Stream<Item = Result<StepEvent, ProviderError>> + Send>>;

/// Why a step failed. The chat service maps all of them to `upstream_unavailable` for the
/// client; the detail is logged (never with a key in it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The upstream could not be reached, timed out, or answered 429/5xx after the retries.
    #[error("model provider unavailable: {0}")]
    Unavailable(String),
    /// The upstream refused the key.
    #[error("model provider refused the key")]
    Unauthorized,
    /// The upstream refused the request (4xx other than 401/403/408/429) or sent something
    /// that is not its protocol.
    #[error("model provider rejected the request: {0}")]
    Rejected(String),
}

#[async_trait]
pub trait ChatProvider: Send + Sync {
    /// Stored on each bot message as `provider` (`openai`, `local`).
    fn name(&self) -> &'static str;

    /// Whether the tool loop may offer this provider tools.
    fn supports_tools(&self) -> bool;

    /// Starts one step. Errors before the first event come back here; errors after it come as
    /// an `Err` item of the stream.
    async fn step(&self, request: StepRequest) -> Result<StepStream, ProviderError>;
}
