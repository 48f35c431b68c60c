//! The knowledge server functions: each checks the session, then calls the backend API with the
//! organization's `okchat::Client`. Uploads arrive as multipart: one file per request from the
//! hydrated uploader (so each file has its own progress), any number from the plain form.
//!
//! Forms post their fields as `input[<form key>]` (the `ui::fields` controls); the API's field
//! errors come back under the same keys, so each shows beside its field.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use okchat::{KnowledgeChunk, KnowledgeDocument, Page};
use serde::{Deserialize, Serialize};

use super::highlight::Segment;
use crate::error::AppError;

/// Form key → value, as the forms post them.
pub type Values = BTreeMap<String, String>;

/// Documents the table shows at a time.
pub const DOCUMENTS_PER_PAGE: u32 = 20;
/// Chunks a document's page shows at a time.
pub const CHUNKS_PER_PAGE: u32 = 20;
/// The largest file the console forwards: the backend's default per-file limit
/// (`api-decisions.md`). The console holds a file in memory while it forwards it, so it stops
/// reading there; the uploader refuses larger files before sending them.
pub const FILE_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// What the console says about a file over [`FILE_MAX_BYTES`].
pub fn too_large(file_name: &str) -> String {
    format!("“{file_name}” is larger than 20 MiB.")
}

/// The form keys of the add forms and the settings form.
pub mod keys {
    pub const TEXT_TITLE: &str = "text.title";
    pub const TEXT_TEXT: &str = "text.text";
    pub const QA_TITLE: &str = "qa.title";
    pub const QA_QUESTION: &str = "qa.question";
    pub const QA_ANSWER: &str = "qa.answer";
    pub const URLS: &str = "urls.urls";
    pub const SITEMAP: &str = "urls.sitemap";
    pub const THRESHOLD: &str = "similarity_threshold";
    pub const MAX_RESULTS: &str = "max_knowledge_results";
    /// Where an upload's refusal is told.
    pub const FILE: &str = "file";
    pub const RENAME_TITLE: &str = "title";
}

/// One page of the knowledge base, and the filter it was loaded with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentList {
    pub documents: Vec<KnowledgeDocument>,
    pub title: String,
    pub page: u32,
    pub total_pages: u32,
    pub total_count: u64,
}

impl DocumentList {
    /// Whether any document on the page is still being extracted and indexed.
    pub fn processing(&self) -> bool {
        self.documents
            .iter()
            .any(|d| d.status == okchat::DocumentStatus::Processing)
    }
}

/// The bot's retrieval settings as the form holds them (empty = the default), and the values
/// in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetrievalSettings {
    pub values: Values,
    pub threshold_in_force: String,
    pub max_results_in_force: u32,
}

/// One chunk Test retrieval found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retrieved {
    pub document_id: Option<String>,
    pub title: String,
    pub chunk_index: Option<u32>,
    /// The chunk's text in pieces, the question's words marked.
    pub segments: Vec<Segment>,
    /// The similarity, two decimals.
    pub score: String,
    /// The similarity as a bar's width, 0–100.
    pub percent: u32,
}

/// What Test retrieval answers: the chunks a chat would use, the best ones the threshold
/// drops, and how they were ranked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retrieval {
    pub query: String,
    pub used: Vec<Retrieved>,
    pub dropped: Vec<Retrieved>,
    pub threshold: String,
    pub threshold_percent: u32,
    /// `full-text`, or `hybrid` when vector ranking took part.
    pub ranking: Option<String>,
}

/// Splits a result's `content` (`"Title: <title>\nChunk: <n>\n\n<text>"`, the documented
/// layout) into its title, chunk number and text; content of another shape is all text.
pub fn split_result_content(content: &str) -> (Option<&str>, Option<u32>, &str) {
    let Some(rest) = content.strip_prefix("Title: ") else {
        return (None, None, content);
    };
    let Some((title, rest)) = rest.split_once('\n') else {
        return (None, None, content);
    };
    let Some(rest) = rest.strip_prefix("Chunk: ") else {
        return (Some(title), None, rest.trim_start_matches('\n'));
    };
    let (number, text) = rest.split_once("\n\n").unwrap_or((rest, ""));
    (Some(title), number.trim().parse().ok(), text)
}

/// The form keys of the API's field paths for one add form: `prefix` + the path, and every
/// `urls.<i>` onto the one URL field, naming the line.
pub fn keyed_errors(prefix: &str, fields: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut keyed = BTreeMap::new();
    for (path, reason) in fields {
        if let Some(line) = path
            .strip_prefix("urls.")
            .and_then(|i| i.parse::<usize>().ok())
        {
            let reason = format!("Line {}: {reason}", line + 1);
            keyed
                .entry(keys::URLS.to_owned())
                .and_modify(|all: &mut String| {
                    all.push(' ');
                    all.push_str(&reason);
                })
                .or_insert(reason);
        } else {
            keyed.insert(format!("{prefix}.{path}"), reason);
        }
    }
    keyed
}

/// The addresses in the URL field: one per line, blank lines skipped.
pub fn url_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A Q&A entry's title when none is typed: its question, cut to the title limit.
pub fn qa_title(title: &str, question: &str) -> String {
    if title.trim().is_empty() {
        question
            .trim()
            .chars()
            .take(okchat::validate::DOCUMENT_TITLE_MAX)
            .collect()
    } else {
        title.trim().to_owned()
    }
}

/// Parses the settings form: empty fields go back to the defaults (`null` in the patch),
/// anything else must be a number the API takes.
pub fn settings_patch(input: &Values) -> Result<okchat::SettingsInput, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let text = |key: &str| input.get(key).map(|v| v.trim()).unwrap_or_default();
    let threshold = match text(keys::THRESHOLD) {
        "" => Some(None),
        t => match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(Some(v)),
            _ => {
                errors.insert(
                    keys::THRESHOLD.to_owned(),
                    "must be a number between 0 and 1".to_owned(),
                );
                None
            }
        },
    };
    let max_results = match text(keys::MAX_RESULTS) {
        "" => Some(None),
        t => match t.parse::<u32>() {
            Ok(v) => Some(Some(v)),
            Err(_) => {
                errors.insert(
                    keys::MAX_RESULTS.to_owned(),
                    format!(
                        "must be a whole number between 1 and {}",
                        okchat::validate::KNOWLEDGE_RESULTS_MAX
                    ),
                );
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(okchat::SettingsInput {
        similarity_threshold: threshold,
        max_knowledge_results: max_results,
        ..Default::default()
    })
}

#[cfg(feature = "ssr")]
pub(crate) mod backend {
    use super::*;
    use okchat::{ClientError, UploadFile, Validate};

    pub fn invalid(fields: BTreeMap<String, String>) -> AppError {
        AppError::Validation {
            message: "Some fields are invalid.".into(),
            fields,
        }
    }

    /// The API's refusal of one add form, its field errors under that form's keys.
    pub fn add_error(prefix: &'static str) -> impl Fn(ClientError) -> AppError {
        move |error| match AppError::from(error) {
            AppError::Validation { message, fields } => AppError::Validation {
                message,
                fields: keyed_errors(prefix, fields),
            },
            other => other,
        }
    }

    /// Checks `body` with okchat's rules before anything is sent.
    pub fn check(prefix: &str, body: &impl Validate) -> Result<(), AppError> {
        body.validate()
            .map_err(|errors| invalid(keyed_errors(prefix, errors.0)))
    }

    /// A form posted before the page hydrated goes back to the tab, saying what was added
    /// (leptos would go back to the page it came from, an earlier refusal still in its query).
    pub fn back_to_tab(id: &str, added: usize) {
        if crate::backend::is_plain_form_post() {
            leptos_axum::redirect(&format!("/chatbots/{id}/knowledge?added={added}"));
        }
    }

    /// A refused upload, told under the `file` key as well, so the uploader knows it from a
    /// failure to reach the backend.
    pub fn refused(message: String) -> AppError {
        AppError::Validation {
            fields: BTreeMap::from([(keys::FILE.to_owned(), message.clone())]),
            message,
        }
    }

    /// A refused upload's reason: the backend's field reason when it gives one (an empty
    /// file, `files.0`), else its message (type, size), each naming the file.
    pub fn upload_error(error: ClientError) -> AppError {
        match AppError::from(error) {
            AppError::Validation { message, fields } => {
                refused(fields.into_values().next().unwrap_or(message))
            }
            other => other,
        }
    }

    /// The text fields and the files of a multipart form. A file over [`FILE_MAX_BYTES`] is
    /// refused while it streams in, so it is never held whole.
    pub async fn read_form(data: MultipartData) -> Result<(Values, Vec<UploadFile>), AppError> {
        let interrupted = || refused("The upload was interrupted.".into());
        let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
        let (mut fields, mut files) = (Values::new(), Vec::new());
        while let Some(mut field) = multipart.next_field().await.map_err(|_| interrupted())? {
            let Some(name) = field.name().map(str::to_owned) else {
                continue;
            };
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let content_type = field.content_type().map(|m| m.to_string());
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(|_| interrupted())? {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() as u64 > FILE_MAX_BYTES {
                            return Err(refused(too_large(&file_name)));
                        }
                    }
                    // A plain form with no file chosen still posts one empty, nameless part.
                    if file_name.is_empty() && bytes.is_empty() {
                        continue;
                    }
                    files.push(UploadFile {
                        file_name,
                        content_type,
                        bytes,
                    });
                }
                None => {
                    let text = field.text().await.map_err(|_| interrupted())?;
                    fields.insert(name, text);
                }
            }
        }
        Ok((fields, files))
    }

    pub fn settings_of(settings: &okchat::Settings) -> RetrievalSettings {
        RetrievalSettings {
            values: Values::from([
                (
                    keys::THRESHOLD.to_owned(),
                    settings
                        .similarity_threshold
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                ),
                (
                    keys::MAX_RESULTS.to_owned(),
                    settings
                        .max_knowledge_results
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                ),
            ]),
            threshold_in_force: settings.effective_similarity_threshold().to_string(),
            max_results_in_force: settings.effective_max_knowledge_results(),
        }
    }

    pub fn retrieved(result: okchat::KnowledgeResult, terms: &[String]) -> Retrieved {
        use crate::knowledge::labels::{percent, two_decimals};
        let (title, chunk, text) = split_result_content(&result.content);
        Retrieved {
            title: result
                .title
                .clone()
                .or(title.map(str::to_owned))
                .unwrap_or_else(|| "Untitled".to_owned()),
            chunk_index: result.chunk_index.or(chunk),
            segments: crate::knowledge::highlight::segments(text, terms),
            score: two_decimals(result.similarity),
            percent: percent(result.similarity),
            document_id: result.document_id,
        }
    }
}

/// Signed-in users only: a page of the chatbot's documents whose title contains `title`.
#[server]
pub async fn list_documents(
    id: String,
    title: String,
    page: u32,
) -> Result<DocumentList, AppError> {
    let (_, client) = crate::backend::client().await?;
    let page = page.max(1);
    let title = title.trim().to_owned();
    let query = okchat::KnowledgeListQuery {
        title: (!title.is_empty()).then(|| title.clone()),
        id: None,
        page: Some(u64::from(page)),
        limit: Some(u64::from(DOCUMENTS_PER_PAGE)),
    };
    let found = client
        .get_knowledge_base_list_of_chatbot(&id, &query)
        .await?;
    Ok(DocumentList {
        documents: found.data,
        title,
        page,
        total_pages: u32::try_from(found.metadata.total_pages).unwrap_or(u32::MAX),
        total_count: found.metadata.total_count,
    })
}

/// Signed-in users only: the documents `documents` as stored now (the uploader follows the
/// ones it sent); a deleted one is left out.
#[server]
pub async fn document_statuses(
    id: String,
    #[server(default)] documents: Vec<String>,
) -> Result<Vec<KnowledgeDocument>, AppError> {
    let (_, client) = crate::backend::client().await?;
    let mut found = Vec::new();
    for document in documents.into_iter().take(DOCUMENTS_PER_PAGE as usize) {
        let query = okchat::KnowledgeListQuery {
            id: Some(document),
            ..Default::default()
        };
        let page = client
            .get_knowledge_base_list_of_chatbot(&id, &query)
            .await?;
        found.extend(page.data);
    }
    Ok(found)
}

/// Signed-in users only: one document of the chatbot.
#[server]
pub async fn get_document(id: String, document_id: String) -> Result<KnowledgeDocument, AppError> {
    let (_, client) = crate::backend::client().await?;
    let query = okchat::KnowledgeListQuery {
        id: Some(document_id),
        ..Default::default()
    };
    let page = client
        .get_knowledge_base_list_of_chatbot(&id, &query)
        .await?;
    page.data
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("This document was not found.".into()))
}

/// Signed-in users only: a page of a document's chunks, in document order.
#[server]
pub async fn list_chunks(
    id: String,
    document_id: String,
    page: u32,
) -> Result<Page<KnowledgeChunk>, AppError> {
    let (_, client) = crate::backend::client().await?;
    let query = okchat::PageQuery {
        page: Some(u64::from(page.max(1))),
        limit: Some(u64::from(CHUNKS_PER_PAGE)),
        ..Default::default()
    };
    Ok(client.knowledge_chunks(&id, &document_id, &query).await?)
}

/// Signed-in users only: uploads files (multipart fields `id` and one or more `files`) to
/// the chatbot's knowledge base; each becomes a document, `processing` until indexed. A
/// refused file (type, size) answers a validation error naming it, under `file`.
#[server(input = MultipartFormData)]
pub async fn upload_documents(data: MultipartData) -> Result<Vec<KnowledgeDocument>, AppError> {
    let (_, client) = crate::backend::client().await?;
    let (fields, files) = backend::read_form(data).await?;
    let id = fields
        .get("id")
        .cloned()
        .ok_or_else(|| backend::refused("Bad chatbot id.".into()))?;
    if files.is_empty() {
        return Err(backend::refused("Choose a file first.".into()));
    }
    let uploaded = client
        .knowledge_base_files(&id, files)
        .await
        .map_err(backend::upload_error)?;
    backend::back_to_tab(&id, uploaded.documents.len());
    Ok(uploaded.documents)
}

/// Signed-in users only: replaces a document's content with a new file (multipart fields
/// `id`, `document_id` and `file`); it is extracted and indexed again.
#[server(input = MultipartFormData)]
pub async fn replace_document(data: MultipartData) -> Result<KnowledgeDocument, AppError> {
    let (_, client) = crate::backend::client().await?;
    let (fields, mut files) = backend::read_form(data).await?;
    let (Some(id), Some(document_id)) = (fields.get("id"), fields.get("document_id")) else {
        return Err(backend::refused("Bad document id.".into()));
    };
    let file = files
        .pop()
        .ok_or_else(|| backend::refused("Choose a file first.".into()))?;
    let updated = client
        .update_knowledge_base(id, document_id, None, Some(file))
        .await
        .map_err(backend::upload_error)?;
    Ok(updated.document)
}

/// Signed-in users only: gives a document a new title.
#[server]
pub async fn rename_document(
    id: String,
    document_id: String,
    title: String,
) -> Result<KnowledgeDocument, AppError> {
    let title = title.trim().to_owned();
    if let Err(reason) =
        okchat::validate::check_required_len(&title, okchat::validate::DOCUMENT_TITLE_MAX)
    {
        return Err(backend::invalid(BTreeMap::from([(
            keys::RENAME_TITLE.to_owned(),
            reason,
        )])));
    }
    let (_, client) = crate::backend::client().await?;
    let updated = client
        .update_knowledge_base(&id, &document_id, Some(&title), None)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Validation { message, fields } if fields.is_empty() => {
                backend::invalid(BTreeMap::from([(keys::RENAME_TITLE.to_owned(), message)]))
            }
            other => other,
        })?;
    Ok(updated.document)
}

/// Signed-in users only: deletes a document and its chunks.
#[server]
pub async fn delete_document(id: String, document_id: String) -> Result<(), AppError> {
    let (_, client) = crate::backend::client().await?;
    client.delete_knowledge_base_data(&id, &document_id).await?;
    Ok(())
}

/// Signed-in users only: typed text (`text.title`, `text.text`) as a document.
#[server]
pub async fn add_text(id: String, input: Values) -> Result<Vec<KnowledgeDocument>, AppError> {
    let field = |key: &str| input.get(key).cloned().unwrap_or_default();
    let body = okchat::AddKnowledgeText {
        title: field(keys::TEXT_TITLE).trim().to_owned(),
        text: Some(field(keys::TEXT_TEXT)),
        ..Default::default()
    };
    backend::check("text", &body)?;
    let (_, client) = crate::backend::client().await?;
    let added = client
        .add_knowledge_text(&id, &body)
        .await
        .map_err(backend::add_error("text"))?;
    backend::back_to_tab(&id, added.documents.len());
    Ok(added.documents)
}

/// Signed-in users only: a Q&A entry (`qa.question`, `qa.answer`, optional `qa.title`, else
/// the question) as a document.
#[server]
pub async fn add_qa(id: String, input: Values) -> Result<Vec<KnowledgeDocument>, AppError> {
    let field = |key: &str| input.get(key).cloned().unwrap_or_default();
    let question = field(keys::QA_QUESTION);
    let body = okchat::AddKnowledgeText {
        title: qa_title(&field(keys::QA_TITLE), &question),
        text: None,
        question: Some(question),
        answer: Some(field(keys::QA_ANSWER)),
    };
    backend::check("qa", &body)?;
    let (_, client) = crate::backend::client().await?;
    let added = client
        .add_knowledge_text(&id, &body)
        .await
        .map_err(backend::add_error("qa"))?;
    backend::back_to_tab(&id, added.documents.len());
    Ok(added.documents)
}

/// Signed-in users only: web pages (`urls.urls`, one address per line), or with
/// `urls.sitemap` the pages of those sitemaps, fetched by the backend as documents.
#[server]
pub async fn add_urls(id: String, input: Values) -> Result<Vec<KnowledgeDocument>, AppError> {
    let body = okchat::AddKnowledgeUrls {
        urls: url_lines(input.get(keys::URLS).map_or("", String::as_str)),
        sitemap: input.get(keys::SITEMAP).is_some_and(|v| v == "on"),
    };
    backend::check("urls", &body)?;
    let (_, client) = crate::backend::client().await?;
    let added = client
        .add_knowledge_urls(&id, &body)
        .await
        .map_err(backend::add_error("urls"))?;
    backend::back_to_tab(&id, added.documents.len());
    Ok(added.documents)
}

/// Signed-in users only: the chatbot's retrieval settings.
#[server]
pub async fn get_retrieval_settings(id: String) -> Result<RetrievalSettings, AppError> {
    let (_, client) = crate::backend::client().await?;
    let chatbot = client.get_chatbot_details(&id).await?.chatbot;
    Ok(backend::settings_of(&chatbot.settings))
}

/// Signed-in users only: saves the similarity threshold and the result count, and nothing
/// else: the patch holds only these two settings, so a save elsewhere is kept.
#[server]
pub async fn save_retrieval_settings(
    id: String,
    input: Values,
) -> Result<RetrievalSettings, AppError> {
    use okchat::Validate;
    let settings = settings_patch(&input).map_err(backend::invalid)?;
    let patch = okchat::UpdateChatbot {
        settings: Some(settings),
        ..Default::default()
    };
    let to_form_keys = |fields: BTreeMap<String, String>| {
        fields
            .into_iter()
            .map(|(path, reason)| {
                let key = match path.as_str() {
                    "settings.similarityThreshold" => keys::THRESHOLD.to_owned(),
                    "settings.maxKnowledgeResults" => keys::MAX_RESULTS.to_owned(),
                    _ => path,
                };
                (key, reason)
            })
            .collect()
    };
    patch
        .validate()
        .map_err(|e| backend::invalid(to_form_keys(e.0)))?;
    let (_, client) = crate::backend::client().await?;
    let chatbot = client
        .update_chatbot(&id, &patch)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Validation { message, fields } => AppError::Validation {
                message,
                fields: to_form_keys(fields),
            },
            other => other,
        })?
        .chatbot;
    if crate::backend::is_plain_form_post() {
        leptos_axum::redirect(&format!("/chatbots/{id}/knowledge?saved=retrieval"));
    }
    Ok(backend::settings_of(&chatbot.settings))
}

/// Signed-in users only: the chunks a chat would be given for `query`, with the best ones
/// the threshold drops.
#[server]
pub async fn test_retrieval(id: String, query: String) -> Result<Retrieval, AppError> {
    use okchat::Validate;
    let body = okchat::QueryKnowledgeRequest {
        query: query.trim().to_owned(),
        limit: None,
        include_dropped: Some(true),
    };
    body.validate()?;
    let (_, client) = crate::backend::client().await?;
    let answer = client.query_knowledge(&id, &body).await?;
    let terms = super::highlight::terms(&body.query);
    let all = |results: Vec<okchat::KnowledgeResult>| {
        results
            .into_iter()
            .map(|r| backend::retrieved(r, &terms))
            .collect()
    };
    Ok(Retrieval {
        used: all(answer.results),
        dropped: all(answer.dropped.unwrap_or_default()),
        threshold: super::labels::two_decimals(answer.similarity_threshold_setting),
        threshold_percent: super::labels::percent(answer.similarity_threshold_setting),
        ranking: answer.ranking,
        query: body.query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_split_into_its_title_chunk_and_text() {
        assert_eq!(
            split_result_content("Title: Refunds\nChunk: 3\n\nWe refund within 14 days.\n\nMore."),
            (
                Some("Refunds"),
                Some(3),
                "We refund within 14 days.\n\nMore."
            )
        );
        assert_eq!(
            split_result_content("plain text"),
            (None, None, "plain text")
        );
    }

    #[test]
    fn url_errors_name_the_line_beside_the_one_field() {
        let fields = BTreeMap::from([
            ("urls.0".to_owned(), "must be an http:// address".to_owned()),
            ("urls.2".to_owned(), "must be an http:// address".to_owned()),
        ]);
        assert_eq!(
            keyed_errors("urls", fields),
            BTreeMap::from([(
                keys::URLS.to_owned(),
                "Line 1: must be an http:// address Line 3: must be an http:// address".to_owned()
            )])
        );
        let fields = BTreeMap::from([("title".to_owned(), "must not be empty".to_owned())]);
        assert_eq!(
            keyed_errors("qa", fields),
            BTreeMap::from([(keys::QA_TITLE.to_owned(), "must not be empty".to_owned())])
        );
    }

    #[test]
    fn urls_are_one_per_line_and_a_qa_title_falls_back_to_its_question() {
        assert_eq!(
            url_lines(" https://a.test/x \n\n\thttps://b.test\n"),
            vec!["https://a.test/x", "https://b.test"]
        );
        assert_eq!(
            qa_title("", "  How do refunds work? "),
            "How do refunds work?"
        );
        assert_eq!(qa_title(" Refunds ", "How?"), "Refunds");
        assert_eq!(qa_title("", &"q".repeat(300)).chars().count(), 200);
    }

    #[test]
    fn the_settings_form_sends_numbers_or_resets_to_the_defaults() {
        let form = |t: &str, n: &str| {
            Values::from([
                (keys::THRESHOLD.to_owned(), t.to_owned()),
                (keys::MAX_RESULTS.to_owned(), n.to_owned()),
            ])
        };
        let patch = settings_patch(&form("0.6", "8")).unwrap();
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            serde_json::json!({"similarityThreshold": 0.6, "maxKnowledgeResults": 8})
        );
        let patch = settings_patch(&form(" ", "")).unwrap();
        assert_eq!(
            serde_json::to_value(&patch).unwrap(),
            serde_json::json!({"similarityThreshold": null, "maxKnowledgeResults": null})
        );
        let errors = settings_patch(&form("high", "2.5")).unwrap_err();
        assert!(errors.contains_key(keys::THRESHOLD));
        assert!(errors.contains_key(keys::MAX_RESULTS));
    }
}
