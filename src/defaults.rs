//! What a chatbot gets for every field its creator leaves out. The API applies these on create
//! and the console pre-fills its form with them, so both show the same bot.

pub const MODEL: &str = "gpt-4o-mini";
pub const PROMPT: &str = "You are a helpful assistant. Answer from the knowledge base when it is relevant, and say so when you do not know.";
pub const GREETING: &str = "Hello! How can I assist you today?";
pub const TONE: &str = "Professional";
pub const STYLE: &str = "Friendly";
pub const SLOGAN: &str = "How can I help you today?";
pub const PRIMARY_COLOR: &str = "#4F46E5";
pub const SECONDARY_COLOR: &str = "#10B981";
pub const LANGUAGE: &str = "auto";
pub const IS_PUBLIC: bool = false;
pub const ACTIVE: bool = true;
pub const IS_TOOL_ENABLED: bool = false;
pub const IS_REQUEST_USER_INFO_ENABLED: bool = false;
/// Retrieval results under this similarity are dropped (`api-decisions.md`: 0.45 on our scale).
pub const SIMILARITY_THRESHOLD: f64 = 0.45;
/// Knowledge chunks per query or chat turn.
pub const MAX_KNOWLEDGE_RESULTS: u32 = 5;
