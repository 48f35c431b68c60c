//! Embeddings from an OpenAI-compatible endpoint (`POST {base}/embeddings`), for hybrid
//! ranking. Without one configured, retrieval is full-text alone.

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;

use super::EmbeddingsConfig;

/// Texts per request: providers cap batch sizes, and a smaller batch fails less at once.
const BATCH: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddingsError {
    #[error("the embeddings provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the embeddings provider answered {0}")]
    Status(u16),
    #[error("the embeddings provider's answer could not be read: {0}")]
    Malformed(String),
}

#[derive(Clone)]
pub struct Embedder {
    http: reqwest::Client,
    config: EmbeddingsConfig,
}

#[derive(Deserialize)]
struct Answer {
    data: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    index: usize,
    embedding: Vec<f32>,
}

impl Embedder {
    pub fn new(config: EmbeddingsConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a client with a timeout builds");
        Self { http, config }
    }

    /// One embedding per text, in order.
    pub async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbeddingsError> {
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(BATCH) {
            out.extend(self.embed_batch(batch).await?);
        }
        Ok(out)
    }

    async fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbeddingsError> {
        let url = format!("{}/embeddings", self.config.base_url.trim_end_matches('/'));
        let response = self
            .http
            .post(url)
            .bearer_auth(self.config.api_key.expose_secret())
            .json(&serde_json::json!({ "model": self.config.model, "input": texts }))
            .send()
            .await
            .map_err(|e| EmbeddingsError::Unreachable(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(EmbeddingsError::Status(response.status().as_u16()));
        }
        let mut answer: Answer = response
            .json()
            .await
            .map_err(|e| EmbeddingsError::Malformed(e.without_url().to_string()))?;
        if answer.data.len() != texts.len() {
            return Err(EmbeddingsError::Malformed(format!(
                "{} embeddings for {} texts",
                answer.data.len(),
                texts.len()
            )));
        }
        answer.data.sort_by_key(|item| item.index);
        Ok(answer.data.into_iter().map(|item| item.embedding).collect())
    }
}
