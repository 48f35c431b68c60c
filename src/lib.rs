//! `okchat`: the contract of the okchat.ai external API, as chatdeck speaks it.
//!
//! Wire types for the requests and responses of all 17 endpoints (field names exactly as
//! documented), the validation rules both the backend and the console forms apply, and, behind
//! the feature `client`, a typed async HTTP client. Without `client` this crate has no I/O and
//! compiles to `wasm32-unknown-unknown`, so the browser validates with the very rules the API
//! enforces.

pub mod chat;
pub mod chatbot;
pub mod contrast;
pub mod conversation;
pub mod defaults;
pub mod error;
pub mod knowledge;
pub mod messages;
pub mod nullable;
pub mod public;
pub mod validate;
pub mod versions;
pub mod widget;

#[cfg(feature = "client")]
pub mod client;

pub use chat::{ChatMessage, ChatRequest, ChatResponse, StreamPart, Usage};
pub use chatbot::{
    Chatbot, ChatbotEnvelope, ChatbotListItem, ChatbotMessageResponse, ChatbotsResponse,
    CreateChatbot, MessageResponse, PersonalityConfig, Settings, SettingsInput, Snippet,
    SnippetInput, UpdateChatbot,
};
pub use conversation::{
    ConversationReply, ConversationUpdate, ExportFormat, LastMessage, Message, MessageEnvelope,
    Page, PageMeta, PageQuery, Session, SessionEnvelope,
};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use knowledge::{
    AddKnowledgeText, AddKnowledgeUrls, DeleteKnowledgeResponse, DocumentSource, DocumentStatus,
    KnowledgeChunk, KnowledgeDocument, KnowledgeListQuery, KnowledgeResult, QueryKnowledgeRequest,
    QueryKnowledgeResponse, UpdateKnowledgeResponse, UploadFilesResponse,
};
pub use public::{Feedback, PublicChatbot, PublicChatbotResponse, PublicMessage, PublicMessages};
pub use validate::{ApiKey, ChatbotName, FieldErrors, HexColor, Language, LogoUrl, Slug, Validate};
pub use versions::{VersionDetail, VersionEnvelope, VersionSummary, VersionsResponse};
pub use widget::{ChatWidgetConfig, ChatWidgetUpdate, VoiceWidgetConfig};

#[cfg(feature = "client")]
pub use client::{Client, ClientError, UploadFile, Versioned};
