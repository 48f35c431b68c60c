//! What the chatbots feature needs from a database engine.

use async_trait::async_trait;
use okchat::{PersonalityConfig, Settings, VoiceWidgetConfig};

use crate::store::StoreResult;

/// A chatbot as stored: the API object's editable parts plus bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatbotRecord {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub is_public: bool,
    pub active: bool,
    pub personality_config: PersonalityConfig,
    pub settings: Settings,
    pub voice_widget_config: Option<VoiceWidgetConfig>,
    pub language: String,
    /// The sites the widget may run on (`scheme://host[:port]`); empty allows every site.
    pub allowed_origins: Vec<String>,
    /// Whether the widget lists the documents an answer drew on.
    pub show_sources: bool,
    /// The provider key in clear: the server must send it upstream. Never leaves in a response.
    pub openai_api_key: Option<String>,
    pub version_id: Option<String>,
    /// Bumped by every update; an update names the revision it was computed from.
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[cfg(test)]
impl ChatbotRecord {
    /// A chatbot with the API's defaults, for unit tests.
    pub(crate) fn sample(id: &str, name: &str) -> Self {
        Self {
            id: id.into(),
            organization_id: "o".into(),
            name: name.into(),
            slug: name.to_lowercase(),
            description: String::new(),
            is_public: false,
            active: true,
            personality_config: PersonalityConfig::default(),
            settings: Settings::default(),
            voice_widget_config: None,
            language: "auto".into(),
            allowed_origins: Vec::new(),
            show_sources: false,
            openai_api_key: None,
            version_id: None,
            revision: 1,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }
}

/// A settings version to record with a write.
pub struct NewVersion {
    pub id: String,
    pub snapshot: serde_json::Value,
    /// The leaf paths that differ from the previous version (empty for the first).
    pub changed: Vec<String>,
    pub created_at: String,
}

/// A recorded version: the chatbot as the API showed it right after that change.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    pub id: String,
    pub chatbot_id: String,
    pub snapshot: serde_json::Value,
    pub changed: Vec<String>,
    pub created_at: String,
}

/// A version as the history lists it, without its snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionListing {
    pub id: String,
    pub changed: Vec<String>,
    pub created_at: String,
}

#[async_trait]
pub trait ChatbotStore {
    /// The organization's chatbots, newest first.
    async fn list_chatbots(&self, organization_id: &str) -> StoreResult<Vec<ChatbotRecord>>;
    async fn get_chatbot(
        &self,
        organization_id: &str,
        id: &str,
    ) -> StoreResult<Option<ChatbotRecord>>;
    /// Inserts the chatbot and its first version in one transaction.
    /// `StoreError::Conflict` when the slug is taken in the organization.
    /// The chatbot with this id in any organization: only for the public widget routes,
    /// which decide from the bot itself (public, active) whether to answer.
    async fn find_chatbot(&self, id: &str) -> StoreResult<Option<ChatbotRecord>>;
    async fn insert_chatbot(
        &self,
        chatbot: &ChatbotRecord,
        version: &NewVersion,
    ) -> StoreResult<()>;
    /// Writes `chatbot` (whose `revision` is the one it was read at) and records `version`, in
    /// one transaction, only if the stored revision is still that one. Returns false, changing
    /// nothing, when another write got there first.
    async fn update_chatbot(
        &self,
        chatbot: &ChatbotRecord,
        version: &NewVersion,
    ) -> StoreResult<bool>;
    /// Deletes the chatbot and everything it owns. Returns false if there was none.
    async fn delete_chatbot(&self, organization_id: &str, id: &str) -> StoreResult<bool>;
    /// How many versions the chatbot has (for tests and the console's history).
    async fn count_versions(&self, chatbot_id: &str) -> StoreResult<i64>;
    /// One page of the versions of the organization's chatbot, newest first, and how many it
    /// has in all.
    async fn list_versions(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<VersionListing>, u64)>;
    /// One version of the organization's chatbot.
    async fn get_version(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        version_id: &str,
    ) -> StoreResult<Option<VersionRecord>>;
}
