//! The two widget configurations: the voice agent (§2.5, §3.8) and the chat widget (§2.6, §3.9).

use serde::{Deserialize, Serialize};

/// LLM settings of the voice agent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoiceModel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<i64>,
}

/// Voice activity detection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Vad {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_padding_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silence_duration_ms: Option<i64>,
}

/// Labels of the voice widget.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceText {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_call: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_call: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_to_action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listening_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaking_status: Option<String>,
}

/// The voice widget's avatar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceAvatar {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

/// Colours and radii of the voice widget.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VoiceAppearance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_text_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_outline_color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub button_radius: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_radius: Option<i64>,
}

/// `voice_widget_config`: both the Voice Agent body (a merge patch) and its stored form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoiceWidgetConfig {
    #[serde(rename = "agentId", default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<VoiceModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vad: Option<Vad>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<VoiceText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<VoiceAvatar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appearance: Option<VoiceAppearance>,
}

/// `chat_widget_config`: the snippet's branding plus `language` (`"auto"` detects).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ChatWidgetConfig {
    pub name: String,
    pub header: String,
    pub slogan: String,
    pub logo: String,
    pub primary_color: String,
    pub secondary_color: String,
    pub language: String,
    /// chatdeck addition: the sites (`scheme://host[:port]`) the widget may be embedded on;
    /// empty means every site.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_origins: Vec<String>,
    /// chatdeck addition: whether the widget lists the knowledge an answer drew on (the
    /// documents' titles) under it; off unless the owner turns it on.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub show_sources: bool,
}

/// Body of Chat Widget (`PATCH .../chat-widget`): a merge patch of [`ChatWidgetConfig`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChatWidgetUpdate {
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_sources: Option<bool>,
}

/// `{ "message", "voice_widget_config" }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoiceAgentResponse {
    pub message: String,
    pub voice_widget_config: VoiceWidgetConfig,
}

/// `{ "message", "chat_widget_config" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatWidgetResponse {
    pub message: String,
    pub chat_widget_config: ChatWidgetConfig,
}
