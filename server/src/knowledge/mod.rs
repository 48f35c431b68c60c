//! The knowledge base: okchat's Knowledge Base Files, Get List, Delete, Update and Query
//! Knowledge, plus typed text, Q&A entries, web pages, chunk listings and downloads.
//!
//! A tour: `routes` is the HTTP surface and `service` its rules; `extract` turns each accepted
//! format into text (PDF in a limited child process) and `chunk` cuts it into passages under
//! their headings; `fetch` reads web pages behind the private-address guard; `worker` runs the
//! queue of ingestion jobs (leases, restart-safe, one transaction per indexed document);
//! `search` scores candidates on the engine-independent 0–1 scale; `embeddings` calls an
//! OpenAI-compatible embeddings endpoint when one is configured; `store` is what an engine must
//! offer, `sqlite` the SQLite one (FTS5) and `postgres` the PostgreSQL one (`tsvector`).

pub mod chunk;
pub mod embeddings;
pub mod extract;
pub mod fetch;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod routes;
mod rows;
pub mod search;
pub mod service;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod store;
pub mod worker;

use std::time::Duration;

use secrecy::SecretString;

/// Everything about ingestion and retrieval an operator can set.
#[derive(Debug, Clone)]
pub struct KnowledgeConfig {
    /// Largest file per upload part (`CHATDECK_UPLOAD_MAX_FILE_BYTES`, 20 MiB).
    pub max_file_bytes: usize,
    /// Largest upload request in all (`CHATDECK_UPLOAD_MAX_REQUEST_BYTES`, 100 MiB).
    pub max_request_bytes: usize,
    /// Most files in one upload.
    pub max_files: usize,
    pub chunk: chunk::ChunkSettings,
    pub extract: extract::Limits,
    pub fetch: fetch::FetchLimits,
    /// How long a claimed job stays its worker's without a renewal
    /// (`CHATDECK_JOB_LEASE_SECS`, 60 s); a job of a dead worker is taken over after it.
    pub lease: Duration,
    /// Jobs processed at once by this instance.
    pub workers: usize,
    /// Claims before a job that keeps being interrupted is given up as failed.
    pub max_attempts: i64,
    pub embeddings: Option<EmbeddingsConfig>,
}

impl Default for KnowledgeConfig {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            max_request_bytes: 100 * 1024 * 1024,
            max_files: 50,
            chunk: chunk::ChunkSettings::default(),
            extract: extract::Limits::default(),
            fetch: fetch::FetchLimits::default(),
            lease: Duration::from_secs(60),
            workers: 2,
            max_attempts: 3,
            embeddings: None,
        }
    }
}

/// An OpenAI-compatible embeddings endpoint (`CHATDECK_EMBEDDINGS_URL`, `_API_KEY`, `_MODEL`).
#[derive(Debug, Clone)]
pub struct EmbeddingsConfig {
    /// The API base, e.g. `https://api.openai.com/v1`; `/embeddings` is appended.
    pub base_url: String,
    pub api_key: SecretString,
    pub model: String,
}
