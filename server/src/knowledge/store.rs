//! What the knowledge base needs from a database engine: documents, their chunks and the
//! full-text index over them, and the queue of ingestion jobs.

use async_trait::async_trait;
use okchat::{DocumentSource, DocumentStatus};

use crate::store::StoreResult;

/// A document as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRecord {
    pub id: String,
    pub chatbot_id: String,
    pub organization_id: String,
    pub title: String,
    pub file_name: String,
    /// `extract::Format::as_str`.
    pub format: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub source: DocumentSource,
    pub source_url: Option<String>,
    /// The original in the knowledge file store; `None` for a page not fetched yet.
    pub file_key: Option<String>,
    pub status: DocumentStatus,
    pub error: Option<String>,
    pub chunk_count: i64,
    /// Bumped by every content replacement; a job indexes exactly one generation.
    pub generation: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// New content for an existing document (Update Knowledge Base with a `file`).
#[derive(Debug, Clone)]
pub struct Replacement {
    pub file_name: String,
    pub format: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub file_key: String,
    pub job_id: String,
}

/// `title` (case-insensitive substring) and `id` (exact), as Get Knowledge Base List filters.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub title: Option<String>,
    pub id: Option<String>,
}

/// A chunk ready to be indexed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChunk {
    pub body: String,
    pub headings: Vec<String>,
    pub embedding: Option<Vec<f32>>,
}

/// A stored chunk, as the chunks listing shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkRecord {
    /// 1-based position in the document.
    pub index: i64,
    pub body: String,
    pub headings: Vec<String>,
}

/// A full-text match, best first by the engine's own ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkHit {
    /// The chunk's row, to fuse with vector matches.
    pub chunk_id: i64,
    pub document_id: String,
    pub title: String,
    pub index: i64,
    pub headings: Vec<String>,
    pub body: String,
}

/// A chunk's embedding, for vector ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkVector {
    pub chunk_id: i64,
    pub embedding: Vec<f32>,
}

/// A job a worker holds: the document generation to index, until the lease runs out.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    pub job_id: String,
    pub document: DocumentRecord,
    pub generation: i64,
    /// Including this one.
    pub attempts: i64,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ready {
        chunks: Vec<NewChunk>,
        /// The title the content gave (a fetched page's `<title>`), when the document has none
        /// of its owner's yet.
        title: Option<String>,
        /// The original, when the job made it (a fetched page).
        file: Option<FetchedFile>,
    },
    Failed {
        reason: String,
    },
}

/// A fetched page stored as the document's original.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedFile {
    pub file_key: String,
    pub format: String,
    pub content_type: String,
    pub size_bytes: i64,
}

#[async_trait]
pub trait KnowledgeStore {
    /// Inserts documents with one job each, in one transaction: all or none.
    async fn insert_documents(
        &self,
        documents: &[(DocumentRecord, String)],
        now: &str,
    ) -> StoreResult<()>;
    /// One page of the chatbot's documents, newest first, and how many match in all.
    async fn list_documents(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        filter: &DocumentFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<DocumentRecord>, u64)>;
    async fn get_document(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
    ) -> StoreResult<Option<DocumentRecord>>;
    /// Renames the document (and its chunks, whose titles the index weighs).
    async fn rename_document(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
        title: &str,
        now: &str,
    ) -> StoreResult<Option<DocumentRecord>>;
    /// Points the document at new content and queues its indexing as a new generation, in one
    /// transaction. Answers the document and the file key it no longer uses.
    async fn replace_document(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
        replacement: &Replacement,
        now: &str,
    ) -> StoreResult<Option<(DocumentRecord, Option<String>)>>;
    /// Deletes the document, its chunks and jobs. Answers its file key, or `None` when there
    /// was no such document.
    async fn delete_document(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        id: &str,
    ) -> StoreResult<Option<Option<String>>>;
    /// The document's chunks in order, and how many it has.
    async fn list_chunks(
        &self,
        document_id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<ChunkRecord>, u64)>;
    /// The chatbot's chunks matching any of `terms` (already normalised words), best first,
    /// titles weighing more than headings and headings more than body text.
    async fn search_chunks(
        &self,
        chatbot_id: &str,
        terms: &[String],
        limit: i64,
    ) -> StoreResult<Vec<ChunkHit>>;
    /// Chunks by row id (the vector ranking's matches), in no particular order.
    async fn chunks_by_id(&self, chatbot_id: &str, ids: &[i64]) -> StoreResult<Vec<ChunkHit>>;
    /// Every embedded chunk of the chatbot.
    async fn chunk_vectors(&self, chatbot_id: &str) -> StoreResult<Vec<ChunkVector>>;

    /// Claims the oldest due job whose lease is free or ran out: `worker` holds it until
    /// `until`. `None` when nothing is due.
    async fn claim_job(
        &self,
        worker: &str,
        now: &str,
        until: &str,
    ) -> StoreResult<Option<ClaimedJob>>;
    /// Extends `worker`'s lease; false when the job is no longer its own.
    async fn renew_job(&self, job_id: &str, worker: &str, until: &str) -> StoreResult<bool>;
    /// Gives the job back to the queue, due again at `run_after`.
    async fn release_job(&self, job_id: &str, worker: &str, run_after: &str) -> StoreResult<()>;
    /// Ends the job in one transaction: the document's old chunks go, the new ones (if any) come,
    /// its status, counts and error are set, the job is deleted. Only while `worker` still holds
    /// the job and the document is still at the job's generation; false (changing nothing)
    /// otherwise, so a chunk is never indexed twice nor for stale content.
    async fn complete_job(
        &self,
        job: &ClaimedJob,
        worker: &str,
        outcome: &Outcome,
        now: &str,
    ) -> StoreResult<bool>;
    /// Jobs not yet done (queued or held), for tests and the queue's depth.
    async fn pending_jobs(&self) -> StoreResult<i64>;
    /// Of those, the jobs a worker holds at `now` (its lease runs past it).
    async fn held_jobs(&self, now: &str) -> StoreResult<i64>;
}
