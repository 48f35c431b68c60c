//! `/chatbots/{id}/knowledge/{doc}`: one document and the chunks extracted from it, with their
//! index, the headings they sit under and their length, paged. Rendered on the server only:
//! paging is links. `chunk` opens the page holding that chunk and scrolls to it; `q` marks the
//! words of a question (Test retrieval links here with both).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use okchat::{DocumentStatus, KnowledgeChunk, KnowledgeDocument, Page};

use super::documents::StatusBadge;
use super::highlight::{segments, terms, Marked};
use super::labels::{headings_path, human_size, kind_label, query_encode};
use super::server_fns::{get_document, list_chunks, CHUNKS_PER_PAGE};
use crate::ui::format::{group_digits, short_timestamp};
use crate::ui::page_error::PageError;

const PAGE_LINK: &str = "rounded-md border border-slate-300 px-3 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

/// The page of chunks that holds chunk `index` (1-based).
fn page_of_chunk(index: u32) -> u32 {
    index.saturating_sub(1) / CHUNKS_PER_PAGE + 1
}

#[component]
pub fn DocumentPage() -> impl IntoView {
    let params = use_params_map().read_untracked().clone();
    let (id, document_id) = (
        params.get("id").unwrap_or_default(),
        params.get("doc").unwrap_or_default(),
    );
    let query = use_query_map().read_untracked().clone();
    let question = query.get("q").unwrap_or_default();
    let page = query
        .get("page")
        .and_then(|p| p.parse::<u32>().ok())
        .or_else(|| {
            query
                .get("chunk")
                .and_then(|c| c.parse::<u32>().ok())
                .map(page_of_chunk)
        })
        .unwrap_or(1)
        .max(1);
    let document = Resource::new_blocking(
        {
            let (id, document_id) = (id.clone(), document_id.clone());
            move || (id.clone(), document_id.clone())
        },
        |(id, document_id)| get_document(id, document_id),
    );
    let chunks = Resource::new_blocking(
        {
            let (id, document_id) = (id.clone(), document_id.clone());
            move || (id.clone(), document_id.clone(), page)
        },
        |(id, document_id, page)| list_chunks(id, document_id, page),
    );
    let base = format!("/chatbots/{id}/knowledge/{document_id}");
    let back = format!("/chatbots/{id}/knowledge");
    view! {
        <div class="space-y-4" data-testid="document-page">
            <a href=back class="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
                "← Knowledge"
            </a>
            <Suspense fallback=|| {
                view! { <p class="text-slate-600 dark:text-slate-400">"Loading document…"</p> }
            }>
                <ErrorBoundary fallback=|errors| {
                    view! { <PageError errors /> }
                }>
                    {move || {
                        let (base, question) = (base.clone(), question.clone());
                        Suspend::new(async move {
                            let doc = document.await?;
                            let chunks = chunks.await?;
                            Ok::<
                                _,
                                crate::error::AppError,
                            >(
                                view! {
                                    <DocumentHeading doc=doc.clone() />
                                    <Chunks doc chunks base question />
                                },
                            )
                        })
                    }}
                </ErrorBoundary>
            </Suspense>
        </div>
    }
}

#[component]
fn DocumentHeading(doc: KnowledgeDocument) -> impl IntoView {
    let facts = [
        kind_label(&doc),
        human_size(doc.size_bytes),
        match doc.chunk_count {
            1 => "1 chunk".to_owned(),
            n => format!("{} chunks", group_digits(n as usize)),
        },
        format!("added {}", short_timestamp(&doc.created_at)),
    ]
    .join(" · ");
    // Only web addresses become links (the backend fetches nothing else).
    let web = |url: &String| url.starts_with("https://") || url.starts_with("http://");
    let source = doc.source_url.clone().filter(web).map(|url| {
        view! {
            <a
                href=url.clone()
                rel="noopener noreferrer nofollow"
                target="_blank"
                class="text-sm break-all text-indigo-700 hover:underline dark:text-indigo-300"
            >
                {url.clone()}
            </a>
        }
    });
    view! {
        <div class="flex flex-wrap items-start gap-3">
            <div class="min-w-0 flex-1">
                <h2 class="text-xl font-semibold break-words" data-testid="document-heading">
                    {doc.title.clone()}
                </h2>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{facts}</p>
                {source}
            </div>
            <StatusBadge status=doc.status error=doc.error.clone() />
        </div>
    }
}

#[component]
fn Chunks(
    doc: KnowledgeDocument,
    chunks: Page<KnowledgeChunk>,
    /// The document page's path, for the paging links.
    base: String,
    /// The question whose words are marked.
    question: String,
) -> impl IntoView {
    let terms = terms(&question);
    let page = u32::try_from(chunks.metadata.current_page).unwrap_or(1);
    let pages = u32::try_from(chunks.metadata.total_pages).unwrap_or(1);
    let link = |to: u32, label: &'static str| {
        let mut href = format!("{base}?page={to}");
        if !question.trim().is_empty() {
            href.push_str(&format!("&q={}", query_encode(question.trim())));
        }
        view! {
            <a href=href class=PAGE_LINK>
                {label}
            </a>
        }
    };
    let empty = chunks.data.is_empty().then(|| {
        let why = match doc.status {
            DocumentStatus::Processing => {
                "This document is still being processed; its chunks appear once it is ready. Reload to check."
            }
            DocumentStatus::Failed => "No chunks: the document could not be processed.",
            DocumentStatus::Ready => "This document has no chunks.",
        };
        view! {
            <p class="text-sm text-slate-600 dark:text-slate-400" data-testid="chunks-empty">
                {why}
            </p>
        }
    });
    let list = chunks
        .data
        .into_iter()
        .map(|chunk| {
            let path = (!chunk.headings.is_empty()).then(|| headings_path(&chunk.headings));
            view! {
                <li
                    id=format!("chunk-{}", chunk.index)
                    class="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-4 target:ring-2 target:ring-indigo-500 dark:border-slate-800 dark:bg-slate-900"
                    data-testid="chunk"
                >
                    <div class="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
                        <span class="font-semibold text-slate-900 dark:text-slate-100">
                            {format!("Chunk {}", chunk.index)}
                        </span>
                        {path
                            .map(|p| {
                                view! {
                                    <span class="min-w-0 break-words" data-testid="chunk-headings">
                                        {p}
                                    </span>
                                }
                            })}
                        <span class="ml-auto tabular-nums" data-testid="chunk-chars">
                            {format!("{} characters", group_digits(chunk.char_count as usize))}
                        </span>
                    </div>
                    <p class="mt-2 text-sm whitespace-pre-wrap break-words">
                        <Marked segments=segments(&chunk.content, &terms) />
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        {empty}
        <ol class="space-y-3" aria-label="Chunks">
            {list}
        </ol>
        {(pages > 1)
            .then(|| {
                view! {
                    <nav aria-label="Chunk pages" class="flex items-center gap-3 text-sm">
                        {(page > 1).then(|| link(page - 1, "Previous"))}
                        <span>{format!("Page {page} of {pages}")}</span>
                        {(page < pages).then(|| link(page + 1, "Next"))}
                    </nav>
                }
            })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_opens_on_the_page_that_holds_it() {
        assert_eq!(page_of_chunk(1), 1);
        assert_eq!(page_of_chunk(CHUNKS_PER_PAGE), 1);
        assert_eq!(page_of_chunk(CHUNKS_PER_PAGE + 1), 2);
        assert_eq!(page_of_chunk(0), 1);
    }
}
