//! Settings history (chatdeck addition, `api-decisions.md` "Update semantics"): every change to
//! a chatbot records a version; these are the list, one version, and (through the client)
//! restoring one.

use serde::{Deserialize, Serialize};

use crate::chatbot::Chatbot;
use crate::conversation::PageMeta;

/// One version in the list: when it was made and which settings it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionSummary {
    pub id: String,
    pub created_at: String,
    /// JSON paths of the leaves that differ from the previous version, dot-joined
    /// (`settings.snippet.primaryColor`); empty for the first version.
    #[serde(default)]
    pub changed: Vec<String>,
}

/// `GET /api/external/chatbot/{chatbotId}/versions`: newest first, paged like conversations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionsResponse {
    pub data: Vec<VersionSummary>,
    pub metadata: PageMeta,
}

/// One version: the chatbot as it was right after that change (secrets masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionDetail {
    pub id: String,
    pub created_at: String,
    pub chatbot: Chatbot,
}

/// `GET /api/external/chatbot/{chatbotId}/versions/{versionId}`: `{ "version": VersionDetail }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionEnvelope {
    pub version: VersionDetail,
}
