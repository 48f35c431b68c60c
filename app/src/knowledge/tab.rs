//! `/chatbots/{id}/knowledge`: uploads and the add forms, the document table, the retrieval
//! settings and Test retrieval. The data loads on the server; each part that reacts in the
//! browser is its own lazy island. The page's query carries what a plain form post (before
//! hydration) left behind: a refusal (`__path`, `__err`), `added`, `saved`, and the table's
//! `title` and `page` and the tester's `ask`, so every part also works without wasm.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::documents::DocumentTable;
use super::server_fns::{
    get_retrieval_settings, list_documents, test_retrieval, SaveRetrievalSettings, UploadDocuments,
};
use super::settings::RetrievalSettingsForm;
use super::sources::{AddSources, RefusedPost};
use super::tester::RetrievalTester;
use super::uploader::KnowledgeUploader;
use crate::error::AppError;
use crate::ui::frame::PreloadIsland;
use crate::ui::page_error::PageError;

#[component]
pub fn KnowledgeTab() -> impl IntoView {
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let query = use_query_map().read_untracked().clone();
    let refused = match (query.get("__path"), query.get("__err")) {
        (Some(path), Some(error)) => Some(RefusedPost {
            path,
            error: ServerFnUrlError::<AppError>::decode_err(&error),
        }),
        _ => None,
    };
    let refused_by = |path: &str| {
        refused
            .as_ref()
            .filter(|r| r.path == path)
            .map(|r| r.error.clone())
    };
    let upload_refusal = refused_by(UploadDocuments::PATH).map(|e| e.to_string());
    let settings_refusal = refused_by(SaveRetrievalSettings::PATH);
    let added = query.get("added").and_then(|n| n.parse::<usize>().ok());
    let saved = query.get("saved").is_some();
    let title = query.get("title").unwrap_or_default();
    let page = query
        .get("page")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(1);
    let ask = query.get("ask").unwrap_or_default();

    let documents = Resource::new_blocking(
        {
            let id = id.clone();
            move || (id.clone(), title.clone(), page)
        },
        |(id, title, page)| list_documents(id, title, page),
    );
    let settings = Resource::new_blocking(
        {
            let id = id.clone();
            move || id.clone()
        },
        get_retrieval_settings,
    );
    let tested = Resource::new_blocking(
        {
            let (id, ask) = (id.clone(), ask.clone());
            move || (id.clone(), ask.clone())
        },
        |(id, ask)| async move {
            if ask.trim().is_empty() {
                None
            } else {
                Some(test_retrieval(id, ask).await)
            }
        },
    );
    let notice = added.map(|n| {
        let text = match n {
            1 => "Added 1 document. It is being processed.".to_owned(),
            n => format!("Added {n} documents. They are being processed."),
        };
        view! {
            <p
                role="status"
                class="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100"
                data-testid="added-notice"
            >
                {text}
            </p>
        }
    });
    let chatbot_id = StoredValue::new(id);
    view! {
        <PreloadIsland island="knowledge_uploader" />
        <PreloadIsland island="add_sources" />
        <PreloadIsland island="document_table" />
        <PreloadIsland island="retrieval_settings_form" />
        <PreloadIsland island="retrieval_tester" />
        <div class="space-y-6" data-testid="knowledge-tab">
            {notice}
            <div class="grid gap-6 md:grid-cols-2">
                <KnowledgeUploader chatbot_id=chatbot_id.get_value() refusal=upload_refusal />
                <AddSources chatbot_id=chatbot_id.get_value() refused=refused.clone() />
            </div>
            <Suspense fallback=|| {
                view! { <p class="text-slate-600 dark:text-slate-400">"Loading documents…"</p> }
            }>
                <ErrorBoundary fallback=|errors| {
                    view! { <PageError errors /> }
                }>
                    {move || Suspend::new(async move {
                        documents
                            .await
                            .map(|first| {
                                view! { <DocumentTable chatbot_id=chatbot_id.get_value() first /> }
                            })
                    })}
                </ErrorBoundary>
            </Suspense>
            <div class="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
                <Suspense fallback=|| ()>
                    <ErrorBoundary fallback=|errors| {
                        view! { <PageError errors /> }
                    }>
                        {move || {
                            let refused = settings_refusal.clone();
                            Suspend::new(async move {
                                settings
                                    .await
                                    .map(|settings| {
                                        view! {
                                            <RetrievalSettingsForm
                                                chatbot_id=chatbot_id.get_value()
                                                settings
                                                refused
                                                saved
                                            />
                                        }
                                    })
                            })
                        }}
                    </ErrorBoundary>
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || {
                        let question = ask.clone();
                        Suspend::new(async move {
                            let initial = tested.await;
                            view! {
                                <RetrievalTester
                                    chatbot_id=chatbot_id.get_value()
                                    question
                                    initial
                                />
                            }
                        })
                    }}
                </Suspense>
            </div>
        </div>
    }
}
