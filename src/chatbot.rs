//! Chatbots: the full object (§2.1), the list item (§2.3), settings and snippet (§2.2), the
//! create and update bodies (§3.3, §3.4) and their response envelopes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::widget::{ChatWidgetConfig, VoiceWidgetConfig};

/// The personality of a bot: free strings shown to the LLM.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalityConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
}

/// The branding of the embeddable chat widget.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Snippet {
    pub name: String,
    pub header: String,
    pub slogan: String,
    pub logo: String,
    pub primary_color: String,
    pub secondary_color: String,
}

/// A chatbot's `settings` object as the API returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Settings {
    pub model: String,
    pub prompt: String,
    pub greeting: String,
    #[serde(rename = "isToolEnabled")]
    pub is_tool_enabled: bool,
    #[serde(rename = "isRequestUserInfoEnabled")]
    pub is_request_user_info_enabled: bool,
    /// Present only once an avatar was uploaded (§3.7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    pub snippet: Snippet,
    /// chatdeck addition: retrieval results under this similarity (0–1) are dropped. Absent
    /// means the default, so okchat's own objects (which have no such field) read the same.
    #[serde(
        rename = "similarityThreshold",
        skip_serializing_if = "Option::is_none"
    )]
    pub similarity_threshold: Option<f64>,
    /// chatdeck addition: how many knowledge chunks Query Knowledge and Chat use (1–50).
    #[serde(
        rename = "maxKnowledgeResults",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_knowledge_results: Option<u32>,
}

impl Settings {
    /// The threshold in force: the bot's own or the default.
    pub fn effective_similarity_threshold(&self) -> f64 {
        self.similarity_threshold
            .unwrap_or(crate::defaults::SIMILARITY_THRESHOLD)
    }

    /// The result count in force: the bot's own or the default.
    pub fn effective_max_knowledge_results(&self) -> u32 {
        self.max_knowledge_results
            .unwrap_or(crate::defaults::MAX_KNOWLEDGE_RESULTS)
    }
}

/// The full chatbot (Create, Update, Details and Avatar responses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chatbot {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
    pub is_public: bool,
    pub active: bool,
    #[serde(default)]
    pub personality_config: PersonalityConfig,
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub enabled_plugins: Option<Value>,
    #[serde(default)]
    pub suggestions: Option<Value>,
    #[serde(default)]
    pub voice_widget_config: Option<VoiceWidgetConfig>,
    /// chatdeck addition: the widget branding plus `language` (`api-decisions.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_widget_config: Option<ChatWidgetConfig>,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub v1_chatbot_id: Option<String>,
    #[serde(default)]
    pub docs_metadata: Option<Value>,
    #[serde(default)]
    pub managers: Option<Value>,
    #[serde(default)]
    pub migrated_data: bool,
    /// Write-only secret: responses carry `null` or a masked form, never the key.
    #[serde(default)]
    pub openai_api_key: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A chatbot as Get Chatbots lists it: the full object without the five legacy/secret fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatbotListItem {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
    pub is_public: bool,
    pub active: bool,
    #[serde(default)]
    pub personality_config: PersonalityConfig,
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub enabled_plugins: Option<Value>,
    #[serde(default)]
    pub suggestions: Option<Value>,
    #[serde(default)]
    pub voice_widget_config: Option<VoiceWidgetConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_widget_config: Option<ChatWidgetConfig>,
    #[serde(default)]
    pub version_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Chatbot> for ChatbotListItem {
    fn from(c: Chatbot) -> Self {
        Self {
            id: c.id,
            organization_id: c.organization_id,
            name: c.name,
            slug: c.slug,
            description: c.description,
            is_public: c.is_public,
            active: c.active,
            personality_config: c.personality_config,
            settings: c.settings,
            enabled_plugins: c.enabled_plugins,
            suggestions: c.suggestions,
            voice_widget_config: c.voice_widget_config,
            chat_widget_config: c.chat_widget_config,
            version_id: c.version_id,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// The chatbot shape the three documented knowledge-base responses carry (§2.4); okchat's
/// placeholder, kept so clients of the original responses still parse them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegacyChatbot {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
    pub is_public: bool,
    pub active: bool,
    #[serde(default)]
    pub personality_config: PersonalityConfig,
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub openai_api_key: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// `{ "chatbot": LegacyChatbot }`, the documented (placeholder) knowledge-base response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegacyChatbotEnvelope {
    pub chatbot: LegacyChatbot,
}

/// Snippet fields in a create or update body; absent fields keep (update) or default (create).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SnippetInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slogan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_color: Option<String>,
}

/// Settings fields in a create or update body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingsInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    #[serde(
        rename = "isToolEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub is_tool_enabled: Option<bool>,
    #[serde(
        rename = "isRequestUserInfoEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub is_request_user_info_enabled: Option<bool>,
    /// `null` removes the avatar; a URL sets it (uploads go through Chatbot Avatar).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub avatar: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<SnippetInput>,
    /// `null` goes back to the default.
    #[serde(
        rename = "similarityThreshold",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub similarity_threshold: Option<Option<f64>>,
    /// `null` goes back to the default.
    #[serde(
        rename = "maxKnowledgeResults",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub max_knowledge_results: Option<Option<u32>>,
}

/// Body of Create Chatbot (`POST /api/external/chatbots`). Only `name` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateChatbot {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Generated from `name` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    /// chatdeck addition: create a paused bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personality_config: Option<PersonalityConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SettingsInput>,
    /// Bring-your-own provider key; write-only.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub openai_api_key: Option<Option<String>>,
}

impl CreateChatbot {
    /// A chatbot with only its name: everything else takes the API's defaults.
    pub fn named(name: impl Into<String>) -> Self {
        CreateChatbot {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

/// Body of Update Chatbot (`PATCH /api/external/chatbots?id=`), applied as JSON Merge Patch:
/// absent fields keep their value, nested objects merge, `null` clears an optional value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateChatbot {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The slug cannot change; a client may echo the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personality_config: Option<PersonalityConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SettingsInput>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub openai_api_key: Option<Option<String>>,
}

/// `{ "chatbots": [...] }` (Get Chatbots).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatbotsResponse {
    pub chatbots: Vec<ChatbotListItem>,
}

/// `{ "chatbot": Chatbot }` (Get Chatbot Details).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatbotEnvelope {
    pub chatbot: Chatbot,
}

/// `{ "message", "chatbot" }` (Create, Update, Avatar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatbotMessageResponse {
    pub message: String,
    pub chatbot: Chatbot,
}

/// `{ "message" }` (Delete Chatbot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageResponse {
    pub message: String,
}
