//! The knowledge base (§3.1, §3.10–3.13) as chatdeck resolves it (`api-decisions.md`).

use serde::{Deserialize, Serialize};

/// Where a document is in ingestion (extract, chunk, index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// chatdeck addition: how a document entered the knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DocumentSource {
    /// Uploaded through Knowledge Base Files.
    File,
    /// Typed text.
    Text,
    /// A typed question and answer.
    Qa,
    /// A web page the server fetched.
    Url,
}

impl DocumentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentSource::File => "file",
            DocumentSource::Text => "text",
            DocumentSource::Qa => "qa",
            DocumentSource::Url => "url",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::File, Self::Text, Self::Qa, Self::Url]
            .into_iter()
            .find(|source| source.as_str() == value)
    }
}

/// One uploaded document of a chatbot's knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// chatdeck addition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<DocumentSource>,
    /// chatdeck addition: the page a `url` document was fetched from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
}

/// chatdeck addition, body of `POST …/knowledge-base/text`: typed text (`text`), or a Q&A
/// entry (`question` and `answer`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddKnowledgeText {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

/// chatdeck addition, body of `POST …/knowledge-base/urls`: pages to fetch, or with
/// `sitemap` the sitemaps whose pages (up to 200) to fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddKnowledgeUrls {
    pub urls: Vec<String>,
    #[serde(default)]
    pub sitemap: bool,
}

/// chatdeck addition: one chunk of a document, as `GET …/knowledge-base/{id}/chunks` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnowledgeChunk {
    /// 1-based, in document order: the `Chunk: n` of Query Knowledge.
    pub index: u32,
    pub content: String,
    pub char_count: u64,
    /// The headings the chunk sits under, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headings: Vec<String>,
}

/// Answer of Knowledge Base Files (`POST /api/embedfiles`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadFilesResponse {
    pub message: String,
    pub documents: Vec<KnowledgeDocument>,
}

/// Query of Get Knowledge Base List: `title` substring, exact `id`, paging.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteKnowledgeResponse {
    pub message: String,
    pub id: String,
}

/// Answer of Update Knowledge Base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateKnowledgeResponse {
    pub message: String,
    pub document: KnowledgeDocument,
}

/// Body of Query Knowledge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryKnowledgeRequest {
    pub query: String,
    /// chatdeck addition: how many results (1–50, default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// chatdeck addition: also answer the results the threshold drops, in `dropped`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_dropped: Option<bool>,
}

/// One retrieved chunk, rendered as `"Title: <title>\nChunk: <n>\n\n<text>"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KnowledgeResult {
    pub content: String,
    pub similarity: f64,
    /// chatdeck addition: the document the chunk came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// chatdeck addition: that document's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// chatdeck addition: the chunk's `index` in its document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk_index: Option<u32>,
}

/// Answer of Query Knowledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryKnowledgeResponse {
    pub results: Vec<KnowledgeResult>,
    pub similarity_threshold_setting: f64,
    pub status: String,
    pub total_docs: u64,
    /// chatdeck addition (with `include_dropped`): the best results under the threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<Vec<KnowledgeResult>>,
    /// chatdeck addition: `"full-text"`, or `"hybrid"` when vector ranking took part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranking: Option<String>,
}
