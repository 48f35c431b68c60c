//! The knowledge base (§3.1, §3.10–3.13) as chatdeck resolves it (`api-decisions.md`).

use serde::{Deserialize, Serialize};

/// Where a document is in ingestion (extract, chunk, index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentStatus {
    Processing,
    Ready,
    Failed,
}

impl DocumentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::Processing => "processing",
            DocumentStatus::Ready => "ready",
            DocumentStatus::Failed => "failed",
        }
    }
}

/// One uploaded document of a chatbot's knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnowledgeDocument {
    pub id: String,
    pub chatbot_id: String,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
    pub status: DocumentStatus,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub chunk_count: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// Answer of Knowledge Base Files (`POST /api/embedfiles`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadFilesResponse {
    pub message: String,
    pub documents: Vec<KnowledgeDocument>,
}

/// Query of Get Knowledge Base List: `title` substring, exact `id`, paging.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnowledgeListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

/// Answer of Delete Knowledge Base Data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteKnowledgeResponse {
    pub message: String,
    pub id: String,
}

/// Answer of Update Knowledge Base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateKnowledgeResponse {
    pub message: String,
    pub document: KnowledgeDocument,
}

/// Body of Query Knowledge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryKnowledgeRequest {
    pub query: String,
    /// chatdeck addition: how many results (1–50, default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// One retrieved chunk, rendered as `"Title: <title>\nChunk: <n>\n\n<text>"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeResult {
    pub content: String,
    pub similarity: f64,
    /// chatdeck addition: the document the chunk came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
}

/// Answer of Query Knowledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryKnowledgeResponse {
    pub results: Vec<KnowledgeResult>,
    pub similarity_threshold_setting: f64,
    pub status: String,
    pub total_docs: u64,
}
