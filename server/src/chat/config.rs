//! What an operator sets for the chat: an OpenAI-compatible endpoint for the whole deployment
//! (`CHATDECK_CHAT_BASE_URL`, `_API_KEY`, `_MODEL`) and the provider's time limits and retries.
//! Without an endpoint, bots with their own `openai_api_key` use OpenAI's, and the others the
//! built-in provider.

use std::time::Duration;

use secrecy::SecretString;

/// OpenAI's own API, for bots that bring a key on a deployment without an endpoint.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// The API base; `/chat/completions` is appended.
    pub base_url: String,
    /// The deployment's key; a bot's own key replaces it for that bot.
    pub api_key: Option<SecretString>,
    /// A model every bot uses (for endpoints that serve one model under their own name);
    /// `None` uses each bot's `settings.model`.
    pub model: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct ProviderLimits {
    /// To open the connection (`CHATDECK_CHAT_CONNECT_TIMEOUT_SECS`, 10 s).
    pub connect: Duration,
    /// From the request to the answer's first byte (`_FIRST_BYTE_TIMEOUT_SECS`, 60 s).
    pub first_byte: Duration,
    /// Between two events of an answer (`_IDLE_TIMEOUT_SECS`, 30 s).
    pub idle: Duration,
    /// Tries before the first token, the first included (`_MAX_ATTEMPTS`, 3).
    pub max_attempts: u32,
    /// The longest wait between tries, whatever `Retry-After` asks (`_MAX_RETRY_WAIT_SECS`, 10 s).
    pub max_retry_wait: Duration,
}

impl Default for ProviderLimits {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            first_byte: Duration::from_secs(60),
            idle: Duration::from_secs(30),
            max_attempts: 3,
            max_retry_wait: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ChatConfig {
    /// The deployment's endpoint; `None` means none configured.
    pub openai: Option<OpenAiConfig>,
    pub limits: ProviderLimits,
}
