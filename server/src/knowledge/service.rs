//! The knowledge base's rules: what an upload, a typed entry or a list of pages becomes, how
//! documents are renamed, replaced and deleted, and how a question is answered with chunks.
//! Every operation is scoped to the caller's organization and chatbot: another organization's
//! document is "not found".

use std::sync::Arc;

use okchat::validate::Validate;
use okchat::{
    AddKnowledgeText, AddKnowledgeUrls, DocumentSource, DocumentStatus, KnowledgeChunk,
    KnowledgeDocument, KnowledgeResult, QueryKnowledgeRequest, QueryKnowledgeResponse,
};
use serde_json::Value;
use tokio::sync::Notify;

use super::embeddings::Embedder;
use super::extract::{self, Format};
use super::fetch::Fetcher;
use super::search::{self, Question};
use super::store::{ChunkHit, DocumentFilter, DocumentRecord, Replacement};
use super::KnowledgeConfig;
use crate::chatbots::service as chatbots;
use crate::chatbots::store::ChatbotRecord;
use crate::error::{ApiError, ApiResult};
use crate::files::FileStore;
use crate::http::paging::Paging;
use crate::store::DynStore;

/// Pages one sitemap may add (`api-decisions.md`).
pub const SITEMAP_MAX_PAGES: usize = 200;

/// What the knowledge routes and the worker share.
pub struct Knowledge {
    /// Originals, out of the public `/uploads` tree: only the file route serves them.
    pub files: Arc<dyn FileStore>,
    pub config: KnowledgeConfig,
    pub fetcher: Fetcher,
    pub embedder: Option<Embedder>,
    /// Wakes the workers when a job is queued.
    pub wake: Notify,
}

impl Knowledge {
    pub fn new(files: Arc<dyn FileStore>, config: KnowledgeConfig) -> Self {
        Self {
            fetcher: Fetcher::new(config.fetch.clone()),
            embedder: config.embeddings.clone().map(Embedder::new),
            files,
            config,
            wake: Notify::new(),
        }
    }
}

/// One file of an upload, read whole (at most `max_file_bytes`).
pub struct Upload {
    pub file_name: String,
    pub bytes: bytes::Bytes,
}

pub fn to_api(record: &DocumentRecord) -> KnowledgeDocument {
    KnowledgeDocument {
        id: record.id.clone(),
        chatbot_id: record.chatbot_id.clone(),
        title: record.title.clone(),
        file_name: record.file_name.clone(),
        content_type: record.content_type.clone(),
        size_bytes: u64::try_from(record.size_bytes).unwrap_or(0),
        status: record.status,
        error: record.error.clone(),
        chunk_count: u64::try_from(record.chunk_count).unwrap_or(0),
        created_at: record.created_at.clone(),
        updated_at: record.updated_at.clone(),
        source: Some(record.source),
        source_url: record.source_url.clone(),
    }
}

/// Document ids are UUIDs; anything else cannot name a document.
pub fn document_id(raw: &str) -> ApiResult<String> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| ApiError::not_found("Knowledge document"))
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Where a document's original lives: under its chatbot, so deleting the chatbot removes it.
pub fn file_key(chatbot_id: &str, document_id: &str, format: Format) -> String {
    let extension = match format {
        Format::Pdf => "pdf",
        Format::Markdown => "md",
        Format::Text => "txt",
        Format::Html => "html",
        Format::Docx => "docx",
        Format::Csv => "csv",
        Format::Json => "json",
    };
    format!(
        "chatbots/{chatbot_id}/{document_id}/{}.{extension}",
        new_id()
    )
}

/// A file name's title: the name without its extension ("faq.pdf" is "faq").
fn title_of(file_name: &str) -> String {
    let stem = match file_name.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem,
        _ => file_name,
    };
    stem.trim()
        .chars()
        .take(okchat::validate::DOCUMENT_TITLE_MAX)
        .collect()
}

/// The last path segment of what a client calls its file, without directories it may send.
fn clean_file_name(raw: &str) -> String {
    let name = raw.rsplit(['/', '\\']).next().unwrap_or(raw).trim();
    let name: String = name.chars().filter(|c| !c.is_control()).take(255).collect();
    if name.is_empty() {
        "upload".into()
    } else {
        name
    }
}

const ACCEPTED: &str = "PDF, Markdown, plain text, HTML, DOCX, CSV or JSON";

/// What a new document is, before it has an id.
struct NewContent {
    title: String,
    file_name: String,
    format: Format,
    size_bytes: usize,
    source: DocumentSource,
    source_url: Option<String>,
}

/// A processing document for new content, its original stored under a fresh key (a page's
/// arrives when it is fetched).
fn new_document(chatbot: &ChatbotRecord, content: NewContent, now: &str) -> DocumentRecord {
    let id = new_id();
    let file_key =
        (content.source != DocumentSource::Url).then(|| file_key(&chatbot.id, &id, content.format));
    DocumentRecord {
        id,
        chatbot_id: chatbot.id.clone(),
        organization_id: chatbot.organization_id.clone(),
        title: content.title,
        file_name: content.file_name,
        format: content.format.as_str().into(),
        content_type: content.format.content_type().into(),
        size_bytes: i64::try_from(content.size_bytes).unwrap_or(i64::MAX),
        source: content.source,
        source_url: content.source_url,
        file_key,
        status: DocumentStatus::Processing,
        error: None,
        chunk_count: 0,
        generation: 1,
        created_at: now.into(),
        updated_at: now.into(),
    }
}

/// Stores each original, then records every document and its job in one transaction. On any
/// failure the originals already stored are removed again: nothing half-added remains.
async fn add(
    store: &DynStore,
    knowledge: &Knowledge,
    documents: Vec<(DocumentRecord, Option<bytes::Bytes>)>,
    now: &str,
) -> ApiResult<Vec<KnowledgeDocument>> {
    let mut stored = Vec::new();
    let mut rows = Vec::new();
    let mut result = Ok(());
    for (document, bytes) in documents {
        if let (Some(key), Some(bytes)) = (&document.file_key, bytes) {
            if let Err(error) = knowledge.files.put(key, &bytes).await {
                result = Err(ApiError::internal(format!("storing an original: {error}")));
                break;
            }
            stored.push(key.clone());
        }
        rows.push((document, new_id()));
    }
    if result.is_ok() {
        result = store
            .insert_documents(&rows, now)
            .await
            .map_err(ApiError::from);
    }
    if let Err(error) = result {
        for key in stored {
            if let Err(cleanup) = knowledge.files.delete(&key).await {
                tracing::warn!(%cleanup, key, "could not remove an original after a failed add");
            }
        }
        return Err(error);
    }
    knowledge.wake.notify_waiters();
    Ok(rows.iter().map(|(d, _)| to_api(d)).collect())
}

/// Knowledge Base Files: every file is checked (type, size) before anything is stored.
pub async fn upload(
    store: &DynStore,
    knowledge: &Knowledge,
    org: &str,
    chatbot_id: &str,
    uploads: Vec<Upload>,
) -> ApiResult<Vec<KnowledgeDocument>> {
    let chatbot = chatbots::get(store, org, chatbot_id).await?;
    if uploads.is_empty() {
        return Err(ApiError::field("files", "attach at least one file"));
    }
    let now = crate::time::now();
    let mut documents = Vec::new();
    for (i, upload) in uploads.into_iter().enumerate() {
        let file_name = clean_file_name(&upload.file_name);
        if upload.bytes.is_empty() {
            return Err(ApiError::field(
                &format!("files.{i}"),
                &format!("{file_name} is empty"),
            ));
        }
        let Some(format) = extract::sniff(&file_name, &upload.bytes) else {
            return Err(ApiError::unsupported_media_type(format!(
                "{file_name} is not a file chatdeck can read: upload {ACCEPTED}."
            )));
        };
        let document = new_document(
            &chatbot,
            NewContent {
                title: title_of(&file_name),
                file_name,
                format,
                size_bytes: upload.bytes.len(),
                source: DocumentSource::File,
                source_url: None,
            },
            &now,
        );
        documents.push((document, Some(upload.bytes)));
    }
    add(store, knowledge, documents, &now).await
}

/// How a Q&A entry is indexed, as okchat shows it.
pub fn qa_text(question: &str, answer: &str) -> String {
    format!("Question: {}\n\nAnswer: {}", question.trim(), answer.trim())
}

/// Typed text or a Q&A entry, as one document.
pub async fn add_text(
    store: &DynStore,
    knowledge: &Knowledge,
    org: &str,
    chatbot_id: &str,
    body: Value,
) -> ApiResult<Vec<KnowledgeDocument>> {
    let chatbot = chatbots::get(store, org, chatbot_id).await?;
    let input: AddKnowledgeText = chatbots::typed(body)?;
    input.validate().map_err(ApiError::validation)?;
    let (text, source, format, file_name) = match (&input.text, &input.question, &input.answer) {
        (Some(text), _, _) => (
            text.clone(),
            DocumentSource::Text,
            Format::Markdown,
            "text.md",
        ),
        (None, Some(question), Some(answer)) => (
            qa_text(question, answer),
            DocumentSource::Qa,
            Format::Text,
            "qa.txt",
        ),
        _ => unreachable!("validation requires text, or a question and an answer"),
    };
    let now = crate::time::now();
    let bytes = bytes::Bytes::from(text.into_bytes());
    let document = new_document(
        &chatbot,
        NewContent {
            title: input.title.trim().into(),
            file_name: file_name.into(),
            format,
            size_bytes: bytes.len(),
            source,
            source_url: None,
        },
        &now,
    );
    add(store, knowledge, vec![(document, Some(bytes))], &now).await
}

/// Web pages, one document each, fetched by the worker; with `sitemap`, the sitemaps are read
/// now (so the answer lists every page) and their pages become the documents.
pub async fn add_urls(
    store: &DynStore,
    knowledge: &Knowledge,
    org: &str,
    chatbot_id: &str,
    body: Value,
) -> ApiResult<Vec<KnowledgeDocument>> {
    let chatbot = chatbots::get(store, org, chatbot_id).await?;
    let input: AddKnowledgeUrls = chatbots::typed(body)?;
    input.validate().map_err(ApiError::validation)?;
    let mut urls = Vec::new();
    for (i, raw) in input.urls.iter().enumerate() {
        // Literal addresses are checked now; names when the fetch connects.
        let url = knowledge
            .fetcher
            .check_url(raw.trim())
            .map_err(|e| ApiError::field(&format!("urls.{i}"), &e.to_string()))?;
        urls.push(url.to_string());
    }
    let pages = if input.sitemap {
        let mut pages: Vec<String> = Vec::new();
        for (i, url) in urls.iter().enumerate() {
            let left = SITEMAP_MAX_PAGES.saturating_sub(pages.len());
            if left == 0 {
                break;
            }
            let listed = knowledge
                .fetcher
                .sitemap(url, left)
                .await
                .map_err(|e| ApiError::field(&format!("urls.{i}"), &e.to_string()))?;
            for page in listed {
                if !pages.contains(&page) {
                    pages.push(page);
                }
            }
        }
        if pages.is_empty() {
            return Err(ApiError::field("urls", "the sitemap lists no pages"));
        }
        pages
    } else {
        let mut unique = Vec::new();
        for url in urls {
            if !unique.contains(&url) {
                unique.push(url);
            }
        }
        unique
    };
    let now = crate::time::now();
    let documents = pages
        .into_iter()
        .map(|url| {
            // The address stands in for the title until the page's own arrives.
            let content = NewContent {
                title: url.clone(),
                file_name: page_file_name(&url),
                format: Format::Html,
                size_bytes: 0,
                source: DocumentSource::Url,
                source_url: Some(url),
            };
            (new_document(&chatbot, content, &now), None)
        })
        .collect();
    add(store, knowledge, documents, &now).await
}

/// A page's file name: its last path segment, or the host for a site's root.
fn page_file_name(url: &str) -> String {
    let parsed = reqwest::Url::parse(url).ok();
    let segment = parsed
        .as_ref()
        .and_then(|u| u.path_segments())
        .and_then(|mut s| s.next_back())
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let name = segment
        .or_else(|| {
            parsed
                .as_ref()
                .and_then(|u| u.host_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "page".into());
    clean_file_name(&name)
}

pub async fn list(
    store: &DynStore,
    org: &str,
    chatbot_id: &str,
    filter: DocumentFilter,
    paging: Paging,
) -> ApiResult<(Vec<KnowledgeDocument>, u64)> {
    chatbots::get(store, org, chatbot_id).await?;
    let (rows, total) = store
        .list_documents(
            org,
            chatbot_id,
            &filter,
            paging.offset(),
            i64::from(paging.limit),
        )
        .await?;
    Ok((rows.iter().map(to_api).collect(), total))
}

async fn document(
    store: &DynStore,
    org: &str,
    chatbot_id: &str,
    id: &str,
) -> ApiResult<DocumentRecord> {
    store
        .get_document(org, chatbot_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Knowledge document"))
}

/// Update Knowledge Base: a new title, new content, or both (renamed first).
pub async fn update(
    store: &DynStore,
    knowledge: &Knowledge,
    org: &str,
    chatbot_id: &str,
    raw_document_id: Option<&str>,
    title: Option<&str>,
    upload: Option<Upload>,
) -> ApiResult<KnowledgeDocument> {
    chatbots::get(store, org, chatbot_id).await?;
    let Some(raw_id) = raw_document_id.filter(|id| !id.trim().is_empty()) else {
        return Err(ApiError::field(
            "documentId",
            "must name the document to update",
        ));
    };
    let id = document_id(raw_id)?;
    let title = title.map(str::trim);
    if let Some(title) = title {
        okchat::validate::check_required_len(title, okchat::validate::DOCUMENT_TITLE_MAX)
            .map_err(|reason| ApiError::field("title", &reason))?;
    }
    if title.is_none() && upload.is_none() {
        return Err(ApiError::field(
            "file",
            "send a new title (query title), a new file (part file), or both",
        ));
    }
    let current = document(store, org, chatbot_id, &id).await?;
    let checked = match upload {
        Some(upload) => {
            let file_name = clean_file_name(&upload.file_name);
            if upload.bytes.is_empty() {
                return Err(ApiError::field("file", &format!("{file_name} is empty")));
            }
            let format = extract::sniff(&file_name, &upload.bytes).ok_or_else(|| {
                ApiError::unsupported_media_type(format!(
                    "{file_name} is not a file chatdeck can read: upload {ACCEPTED}."
                ))
            })?;
            Some((file_name, format, upload.bytes))
        }
        None => None,
    };
    let now = crate::time::now();
    let mut record = current;
    if let Some(title) = title {
        record = store
            .rename_document(org, chatbot_id, &id, title, &now)
            .await?
            .ok_or_else(|| ApiError::not_found("Knowledge document"))?;
    }
    if let Some((file_name, format, bytes)) = checked {
        let key = file_key(chatbot_id, &id, format);
        knowledge
            .files
            .put(&key, &bytes)
            .await
            .map_err(|e| ApiError::internal(format!("storing an original: {e}")))?;
        let replacement = Replacement {
            file_name,
            format: format.as_str().into(),
            content_type: format.content_type().into(),
            size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            file_key: key.clone(),
            job_id: new_id(),
        };
        let replaced = store
            .replace_document(org, chatbot_id, &id, &replacement, &now)
            .await;
        let (replaced, old_key) = match replaced {
            Ok(Some(done)) => done,
            other => {
                if let Err(cleanup) = knowledge.files.delete(&key).await {
                    tracing::warn!(%cleanup, key, "could not remove an unused original");
                }
                return match other {
                    Err(error) => Err(error.into()),
                    _ => Err(ApiError::not_found("Knowledge document")),
                };
            }
        };
        if let Some(old_key) = old_key {
            if let Err(error) = knowledge.files.delete(&old_key).await {
                tracing::warn!(%error, old_key, "could not remove a replaced original");
            }
        }
        knowledge.wake.notify_waiters();
        record = replaced;
    }
    Ok(to_api(&record))
}

pub async fn delete(
    store: &DynStore,
    knowledge: &Knowledge,
    org: &str,
    chatbot_id: &str,
    raw_document_id: Option<&str>,
) -> ApiResult<String> {
    chatbots::get(store, org, chatbot_id).await?;
    let Some(raw_id) = raw_document_id.filter(|id| !id.trim().is_empty()) else {
        return Err(ApiError::field("id", "must name the document to delete"));
    };
    let id = document_id(raw_id)?;
    let Some(file_key) = store.delete_document(org, chatbot_id, &id).await? else {
        return Err(ApiError::not_found("Knowledge document"));
    };
    // The rows are gone (committed); the original follows.
    if let Some(key) = file_key {
        if let Err(error) = knowledge.files.delete(&key).await {
            tracing::warn!(%error, key, "could not remove a deleted document's original");
        }
    }
    Ok(id)
}

pub async fn chunks(
    store: &DynStore,
    org: &str,
    chatbot_id: &str,
    raw_document_id: &str,
    paging: Paging,
) -> ApiResult<(Vec<KnowledgeChunk>, u64)> {
    chatbots::get(store, org, chatbot_id).await?;
    let id = document_id(raw_document_id)?;
    document(store, org, chatbot_id, &id).await?;
    let (rows, total) = store
        .list_chunks(&id, paging.offset(), i64::from(paging.limit))
        .await?;
    let chunks = rows
        .into_iter()
        .map(|row| KnowledgeChunk {
            index: u32::try_from(row.index).unwrap_or(u32::MAX),
            char_count: row.body.chars().count() as u64,
            content: row.body,
            headings: row.headings,
        })
        .collect();
    Ok((chunks, total))
}

/// The original of a document: its bytes, content type and file name.
pub async fn original(
    store: &DynStore,
    knowledge: &Knowledge,
    org: &str,
    chatbot_id: &str,
    raw_document_id: &str,
) -> ApiResult<(bytes::Bytes, String, String)> {
    chatbots::get(store, org, chatbot_id).await?;
    let id = document_id(raw_document_id)?;
    let record = document(store, org, chatbot_id, &id).await?;
    let Some(key) = &record.file_key else {
        return Err(ApiError::not_found(
            "The page has not been fetched yet, so its file",
        ));
    };
    let bytes = knowledge
        .files
        .get(key)
        .await
        .map_err(|e| ApiError::internal(format!("reading an original: {e}")))?;
    Ok((bytes, record.content_type, record.file_name))
}

/// Query Knowledge: candidates from the engine (and the vectors, when configured), scored on
/// `search`'s scale, sorted, the bot's threshold and result count applied.
pub async fn query(
    store: &DynStore,
    knowledge: &Knowledge,
    org: &str,
    chatbot_id: &str,
    body: Value,
) -> ApiResult<QueryKnowledgeResponse> {
    let input: QueryKnowledgeRequest = chatbots::typed(body)?;
    input.validate().map_err(ApiError::validation)?;
    let chatbot = chatbots::get(store, org, chatbot_id).await?;
    let limit = input
        .limit
        .unwrap_or_else(|| chatbot.settings.effective_max_knowledge_results());
    let found = retrieve(store, knowledge, &chatbot, &input.query, limit).await?;
    Ok(QueryKnowledgeResponse {
        total_docs: found.results.len() as u64,
        results: found.results,
        similarity_threshold_setting: found.threshold,
        status: "OK".into(),
        dropped: input
            .include_dropped
            .unwrap_or(false)
            .then_some(found.dropped),
        ranking: Some(if found.hybrid { "hybrid" } else { "full-text" }.into()),
    })
}

/// What retrieval found for a question: Query Knowledge answers it and the chat answers from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrieval {
    /// At or over the bot's threshold, best first, at most the limit.
    pub results: Vec<KnowledgeResult>,
    /// Under the threshold, best first, at most the limit.
    pub dropped: Vec<KnowledgeResult>,
    pub threshold: f64,
    /// Whether vector ranking took part (an embeddings provider is configured and answered).
    pub hybrid: bool,
}

/// Ranks the chatbot's chunks for `query`: full text, and vectors when an embeddings provider
/// is configured (full text alone, logged, when it fails).
pub async fn retrieve(
    store: &DynStore,
    knowledge: &Knowledge,
    chatbot: &ChatbotRecord,
    query: &str,
    limit: u32,
) -> ApiResult<Retrieval> {
    let threshold = chatbot.settings.effective_similarity_threshold();
    let question = Question::new(query, &chatbot.language);
    let candidates = i64::from(limit.saturating_mul(4).clamp(20, 200));
    let full_text = store
        .search_chunks(&chatbot.id, &question.terms, candidates)
        .await?;
    let vector = match &knowledge.embedder {
        Some(embedder) => vector_candidates(store, embedder, &chatbot.id, query, candidates)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "vector ranking unavailable; full text alone");
                Vec::new()
            }),
        None => Vec::new(),
    };
    let hybrid = !vector.is_empty();
    let ranked = search::rank(&question, full_text, vector);
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let result = |s: &search::Scored| KnowledgeResult {
        content: search::render(&s.hit.title, s.hit.index, &s.hit.body),
        similarity: s.similarity,
        document_id: Some(s.hit.document_id.clone()),
        title: Some(s.hit.title.clone()),
        chunk_index: u32::try_from(s.hit.index).ok(),
    };
    let (kept, dropped): (Vec<_>, Vec<_>) = ranked.iter().partition(|s| s.similarity >= threshold);
    Ok(Retrieval {
        results: kept.into_iter().take(limit).map(result).collect(),
        dropped: dropped.into_iter().take(limit).map(result).collect(),
        threshold,
        hybrid,
    })
}

/// The chunks nearest the question's embedding, best first, with their cosines.
async fn vector_candidates(
    store: &DynStore,
    embedder: &Embedder,
    chatbot_id: &str,
    query: &str,
    limit: i64,
) -> anyhow::Result<Vec<(ChunkHit, f64)>> {
    let vectors = store.chunk_vectors(chatbot_id).await?;
    if vectors.is_empty() {
        return Ok(Vec::new());
    }
    let question = embedder
        .embed(&[query.to_owned()])
        .await?
        .pop()
        .unwrap_or_default();
    let mut scored: Vec<(i64, f64)> = vectors
        .iter()
        .map(|v| (v.chunk_id, search::cosine(&question, &v.embedding)))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let ids: Vec<i64> = scored.iter().map(|(id, _)| *id).collect();
    let mut hits = store.chunks_by_id(chatbot_id, &ids).await?;
    Ok(scored
        .into_iter()
        .filter_map(|(id, cosine)| {
            let at = hits.iter().position(|h| h.chunk_id == id)?;
            Some((hits.swap_remove(at), cosine))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_file_names_without_their_extension() {
        assert_eq!(title_of("faq.pdf"), "faq");
        assert_eq!(title_of("파일 안내.md"), "파일 안내");
        assert_eq!(title_of("archive.tar.gz"), "archive.tar");
        assert_eq!(title_of(".env"), ".env");
        assert_eq!(title_of("README"), "README");
    }

    #[test]
    fn file_names_lose_directories_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\ada\\faq.pdf"), "faq.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\n.txt"), "ab.txt");
        assert_eq!(clean_file_name("  "), "upload");
    }

    #[test]
    fn pages_are_named_by_their_last_segment_or_host() {
        assert_eq!(
            page_file_name("https://example.com/docs/setup.html"),
            "setup.html"
        );
        assert_eq!(page_file_name("https://example.com/"), "example.com");
        assert_eq!(page_file_name("https://example.com/docs/"), "example.com");
    }

    #[test]
    fn qa_entries_read_as_okchat_shows_them() {
        assert_eq!(
            qa_text(" What is it? ", "A platform. "),
            "Question: What is it?\n\nAnswer: A platform."
        );
    }
}
