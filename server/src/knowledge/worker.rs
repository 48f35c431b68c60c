//! The ingestion queue's workers: claim a job with a lease, fetch or read the original,
//! extract, chunk, embed, and index it in one transaction.
//!
//! Restart-safe by construction: a job leaves the queue only in the transaction that indexes
//! its document, so work pending when the process dies is still queued at the next start, where
//! its lease runs out and any instance takes it over. A job whose document was replaced or
//! deleted meanwhile changes nothing (`KnowledgeStore::complete_job`).

use std::sync::Arc;
use std::time::Duration;

use okchat::DocumentSource;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::chunk;
use super::extract::{self, Format};
use super::service::Knowledge;
use super::store::{ClaimedJob, FetchedFile, NewChunk, Outcome};
use crate::ops::metrics::JobOutcome;
use crate::ops::Metrics;
use crate::store::DynStore;

/// How long an idle worker waits before looking again when nothing woke it (another instance
/// may have queued work).
const POLL: Duration = Duration::from_secs(2);
/// How long a job that hit a passing failure (storage, database, provider) waits to be retried.
const RETRY_AFTER: Duration = Duration::from_secs(15);

/// Starts `knowledge.config.workers` workers named `instance/n`; they run until the runtime stops.
/// Starts the instance's workers. When `stopping` is cancelled (the server shuts down), each
/// stops claiming and hands the job it holds back to the queue at once, for another instance
/// (or this one's next start) to take without waiting for the lease to run out.
pub fn spawn(
    store: DynStore,
    knowledge: Arc<Knowledge>,
    metrics: Arc<Metrics>,
    stopping: CancellationToken,
    instance: &str,
) {
    for n in 0..knowledge.config.workers.max(1) {
        let worker = Worker {
            store: store.clone(),
            knowledge: knowledge.clone(),
            metrics: metrics.clone(),
            stopping: stopping.clone(),
            name: format!("{instance}/{n}"),
        };
        tokio::spawn(worker.run());
    }
}

struct Worker {
    store: DynStore,
    knowledge: Arc<Knowledge>,
    metrics: Arc<Metrics>,
    stopping: CancellationToken,
    name: String,
}

fn at(offset: Duration) -> String {
    crate::time::format(OffsetDateTime::now_utc() + offset)
}

/// Why a job could not finish now but may later.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Passing(String);

impl Worker {
    async fn run(self) {
        while !self.stopping.is_cancelled() {
            // Registered for a wake-up before looking, so a job queued in between is not missed.
            let woken = self.knowledge.wake.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match self.claim().await {
                Ok(Some(job)) => self.process(job).await,
                Ok(None) => {
                    // Either way the queue is looked at again: woken, or after the poll interval.
                    tokio::select! {
                        () = &mut woken => {}
                        () = tokio::time::sleep(POLL) => {}
                        () = self.stopping.cancelled() => {}
                    }
                }
                Err(error) => {
                    tracing::error!(%error, worker = self.name, "could not claim a job");
                    tokio::select! {
                        () = tokio::time::sleep(POLL) => {}
                        () = self.stopping.cancelled() => {}
                    }
                }
            }
        }
    }

    async fn claim(&self) -> crate::store::StoreResult<Option<ClaimedJob>> {
        let now = crate::time::now();
        self.store
            .claim_job(&self.name, &now, &at(self.knowledge.config.lease))
            .await
    }

    async fn process(&self, job: ClaimedJob) {
        let document = job.document.id.clone();
        let started = std::time::Instant::now();
        let outcome = if job.attempts > self.knowledge.config.max_attempts {
            Ok(Outcome::Failed {
                reason: format!(
                    "Processing was interrupted {} times before it could finish, so chatdeck \
                     gave up on this file.",
                    job.attempts - 1
                ),
            })
        } else {
            let renewal = self.keep_lease(&job);
            // Nothing is written until the job completes below, so dropping the work halfway
            // leaves the document as it was (the PDF reader's process is killed with it).
            let outcome = tokio::select! {
                outcome = self.ingest(&job) => Some(outcome),
                () = self.stopping.cancelled() => None,
            };
            renewal.abort();
            let Some(outcome) = outcome else {
                self.metrics
                    .observe_job(JobOutcome::Retried, started.elapsed());
                tracing::info!(document, "shutting down: the job goes back to the queue");
                self.hand_back(&job, &crate::time::now()).await;
                return;
            };
            outcome
        };
        match outcome {
            Ok(outcome) => {
                let now = crate::time::now();
                match self
                    .store
                    .complete_job(&job, &self.name, &outcome, &now)
                    .await
                {
                    Ok(true) => {
                        self.metrics
                            .observe_job(JobOutcome::Done, started.elapsed());
                        tracing::info!(
                            document,
                            worker = self.name,
                            ready = matches!(outcome, Outcome::Ready { .. }),
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "document processed"
                        )
                    }
                    Ok(false) => {
                        self.metrics
                            .observe_job(JobOutcome::Discarded, started.elapsed());
                        tracing::info!(
                            document,
                            "document changed or was deleted while processing; result discarded"
                        )
                    }
                    Err(error) => {
                        self.metrics
                            .observe_job(JobOutcome::Retried, started.elapsed());
                        tracing::error!(%error, document, "could not record a processed document");
                        self.release(&job).await;
                    }
                }
            }
            Err(Passing(reason)) => {
                self.metrics
                    .observe_job(JobOutcome::Retried, started.elapsed());
                tracing::warn!(reason, document, "processing will be retried");
                self.release(&job).await;
            }
        }
    }

    async fn release(&self, job: &ClaimedJob) {
        self.hand_back(job, &at(RETRY_AFTER)).await;
    }

    /// Gives the job up, to be claimed again from `run_after` on.
    async fn hand_back(&self, job: &ClaimedJob, run_after: &str) {
        if let Err(error) = self
            .store
            .release_job(&job.job_id, &self.name, run_after)
            .await
        {
            // The lease runs out by itself; the job is retried then.
            tracing::error!(%error, job = job.job_id, "could not release a job");
        }
    }

    /// Renews the lease at a third of its length while the job runs.
    fn keep_lease(&self, job: &ClaimedJob) -> tokio::task::JoinHandle<()> {
        let store = self.store.clone();
        let lease = self.knowledge.config.lease;
        let (job_id, name) = (job.job_id.clone(), self.name.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                match store.renew_job(&job_id, &name, &at(lease)).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => tracing::warn!(%error, job_id, "could not renew a lease"),
                }
            }
        })
    }

    async fn ingest(&self, job: &ClaimedJob) -> Result<Outcome, Passing> {
        let document = &job.document;
        let knowledge = &self.knowledge;
        // A fetched page is stored as the original only once it proved readable.
        let (bytes, format, page) = match &document.file_key {
            Some(key) => {
                let bytes = knowledge
                    .files
                    .get(key)
                    .await
                    .map_err(|e| Passing(format!("reading the original: {e}")))?;
                let format = Format::parse(&document.format).unwrap_or(Format::Text);
                (bytes, format, None)
            }
            None => {
                let url = document.source_url.clone().unwrap_or_default();
                let page = match knowledge.fetcher.page(&url).await {
                    Ok(page) => page,
                    Err(error) => {
                        return Ok(Outcome::Failed {
                            reason: error.to_string(),
                        })
                    }
                };
                let Some(format) =
                    page_format(&page.url, page.content_type.as_deref(), &page.bytes)
                else {
                    return Ok(Outcome::Failed {
                        reason: format!(
                            "{url} is not a page chatdeck can read ({}).",
                            page.content_type.as_deref().unwrap_or("no content type")
                        ),
                    });
                };
                (page.bytes.clone(), format, Some(page.bytes))
            }
        };
        let extracted = match extract::extract(format, bytes, &knowledge.config.extract).await {
            Ok(extracted) => extracted,
            Err(error) => {
                return Ok(Outcome::Failed {
                    reason: error.to_string(),
                })
            }
        };
        // Cutting megabytes of text takes a while (about 0.1 s per 16 MiB of Markdown, seconds
        // on a hostile endless line): off the runtime's threads, which serve the requests.
        let is_qa = document.source == DocumentSource::Qa;
        let settings = knowledge.config.chunk;
        let text = extracted.text;
        let chunks = tokio::task::spawn_blocking(move || {
            if is_qa {
                qa_chunks(&text, &settings)
            } else {
                chunk::chunk(&text, &settings)
                    .into_iter()
                    .map(|c| NewChunk {
                        body: c.text,
                        headings: c.headings,
                        embedding: None,
                    })
                    .collect()
            }
        })
        .await;
        let Ok(chunks) = chunks else {
            tracing::error!(document = document.id, "chunking panicked");
            return Ok(Outcome::Failed {
                reason: "chatdeck could not cut this file's text into passages.".into(),
            });
        };
        if chunks.is_empty() {
            return Ok(Outcome::Failed {
                reason: "The file has no text to index.".into(),
            });
        }
        let chunks = self.embed(document.title.as_str(), chunks).await?;
        let file = match page {
            Some(bytes) => Some(self.store_page(job, format, &bytes).await?),
            None => None,
        };
        Ok(Outcome::Ready {
            chunks,
            // Only a fetched page takes its own title: uploads and entries keep their names.
            title: file.is_some().then_some(extracted.title).flatten(),
            file,
        })
    }

    async fn store_page(
        &self,
        job: &ClaimedJob,
        format: Format,
        bytes: &[u8],
    ) -> Result<FetchedFile, Passing> {
        let key = super::service::file_key(&job.document.chatbot_id, &job.document.id, format);
        self.knowledge
            .files
            .put(&key, bytes)
            .await
            .map_err(|e| Passing(format!("storing a fetched page: {e}")))?;
        Ok(FetchedFile {
            file_key: key,
            format: format.as_str().into(),
            content_type: format.content_type().into(),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        })
    }

    /// Adds embeddings when a provider is configured; a provider that fails is a passing
    /// failure (the job is retried), since indexing without vectors would rank this document
    /// below the others for good.
    async fn embed(
        &self,
        title: &str,
        mut chunks: Vec<NewChunk>,
    ) -> Result<Vec<NewChunk>, Passing> {
        let Some(embedder) = &self.knowledge.embedder else {
            return Ok(chunks);
        };
        let texts: Vec<String> = chunks
            .iter()
            .map(|c| format!("{title}\n\n{}", c.body))
            .collect();
        let vectors = embedder
            .embed(&texts)
            .await
            .map_err(|e| Passing(e.to_string()))?;
        for (chunk, vector) in chunks.iter_mut().zip(vectors) {
            chunk.embedding = Some(vector);
        }
        Ok(chunks)
    }
}

/// What a fetched page is: HTML unless it says (or sniffs as) something else chatdeck reads.
fn page_format(url: &str, content_type: Option<&str>, bytes: &[u8]) -> Option<Format> {
    let essence = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some("text/html" | "application/xhtml+xml") | None => Some(Format::Html),
        Some("text/plain") => Some(Format::Text),
        Some("text/markdown") => Some(Format::Markdown),
        _ => {
            let name = url.rsplit('/').next().unwrap_or("page");
            extract::sniff(name, bytes)
        }
    }
}

/// A Q&A entry's chunks: the whole entry when it fits, else the answer cut into passages, each
/// under the question so every chunk still reads "Question: …\n\nAnswer: …".
fn qa_chunks(text: &str, settings: &chunk::ChunkSettings) -> Vec<NewChunk> {
    let single = || {
        vec![NewChunk {
            body: text.to_owned(),
            headings: Vec::new(),
            embedding: None,
        }]
    };
    if text.chars().count() <= settings.max_chars {
        return single();
    }
    let Some((question, answer)) = text.split_once("\n\nAnswer: ") else {
        return single();
    };
    chunk::chunk(answer, settings)
        .into_iter()
        .map(|part| NewChunk {
            body: format!("{question}\n\nAnswer: {}", part.text),
            headings: Vec::new(),
            embedding: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_html_unless_they_say_otherwise() {
        assert_eq!(
            page_format("https://x/a", Some("text/html; charset=utf-8"), b"<p>"),
            Some(Format::Html)
        );
        assert_eq!(page_format("https://x/a", None, b"<p>"), Some(Format::Html));
        assert_eq!(
            page_format("https://x/a.txt", Some("text/plain"), b"hi"),
            Some(Format::Text)
        );
        assert_eq!(
            page_format("https://x/a.png", Some("image/png"), b"\x89PNG\r\n\x1a\n"),
            None
        );
    }

    #[test]
    fn a_long_answer_is_cut_under_its_question() {
        let settings = chunk::ChunkSettings {
            max_chars: 200,
            overlap_chars: 0,
        };
        let answer = "This sentence explains one more detail of the answer. ".repeat(12);
        let chunks = qa_chunks(&format!("Question: Why?\n\nAnswer: {answer}"), &settings);
        assert!(chunks.len() > 1);
        for chunk in &chunks {
            assert!(
                chunk.body.starts_with("Question: Why?\n\nAnswer: "),
                "{}",
                chunk.body
            );
        }
        let short = qa_chunks("Question: Why?\n\nAnswer: Because.", &settings);
        assert_eq!(short.len(), 1);
    }
}
