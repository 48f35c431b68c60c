//! Adding knowledge without a file: typed text, a Q&A entry, or web pages (one address per
//! line, or sitemaps). Each is a plain form posting to its server function, so it works before
//! the page hydrates; once hydrated it is sent by an action, the API's field errors shown
//! beside the fields and the table told to reload.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use okchat::validate::{ANSWER_MAX, KNOWLEDGE_TEXT_MAX, QUESTION_MAX};
use serde::{Deserialize, Serialize};

use super::events::announce_change;
use super::server_fns::{keys, AddQa, AddText, AddUrls, Values};
use crate::error::AppError;
use crate::ui::fields::{Field, Toggle};
use crate::ui::submit::{banner_text, dispatch_on_submit};

const SUBMIT: &str = "rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
const DETAILS: &str = "group rounded-lg border border-slate-200 bg-white open:pb-4 dark:border-slate-800 dark:bg-slate-900";
const SUMMARY: &str =
    "cursor-pointer rounded-lg px-4 py-3 font-medium hover:bg-slate-50 dark:hover:bg-slate-800";

/// A form's post that the server function refused before the page hydrated (leptos sends the
/// browser back with the function's path and its error in the query).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedPost {
    pub path: String,
    pub error: AppError,
}

impl RefusedPost {
    /// The refusal, when it was `S`'s.
    fn of<S: ServerFn>(refused: &Option<RefusedPost>) -> Option<AppError> {
        refused
            .as_ref()
            .filter(|r| r.path == S::PATH)
            .map(|r| r.error.clone())
    }
}

/// A form's last outcome: its action's answer, else the refusal the page was loaded with.
fn outcome<S>(
    action: ServerAction<S>,
    refused: Option<AppError>,
) -> Signal<Option<Result<usize, AppError>>>
where
    S: ServerFn<Output = Vec<okchat::KnowledgeDocument>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(answer) => Some(answer.map(|docs| docs.len())),
        None => refused.clone().map(Err),
    })
}

/// The reason `outcome` gives for the field `key`.
fn field_error(
    outcome: Signal<Option<Result<usize, AppError>>>,
    key: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || match outcome.get() {
        Some(Err(error)) => error.field(key).map(str::to_owned),
        _ => None,
    })
}

/// The line under a form's button: what went wrong, or what was added.
#[component]
fn FormStatus(
    outcome: Signal<Option<Result<usize, AppError>>>,
    pending: Signal<bool>,
    testid: &'static str,
) -> impl IntoView {
    let text = move || {
        if pending.get() {
            return Some(("Adding…".to_owned(), false));
        }
        match outcome.get() {
            Some(Ok(1)) => Some((
                "Added. It is being processed; see the table.".to_owned(),
                true,
            )),
            Some(Ok(n)) => Some((
                format!("Added {n} documents. They are being processed; see the table."),
                true,
            )),
            failed @ Some(Err(_)) => banner_text(failed).map(|t| (t, false)),
            None => None,
        }
    };
    view! {
        <p
            role="status"
            class=move || {
                if matches!(text(), Some((_, true))) {
                    "min-h-5 flex-1 text-sm text-emerald-800 dark:text-emerald-300"
                } else {
                    "min-h-5 flex-1 text-sm text-red-700 dark:text-red-400"
                }
            }
            data-testid=testid
        >
            {move || text().map(|(t, _)| t)}
        </p>
    }
}

/// Clears `fields` and tells the table, each time `action` answers with documents.
fn on_added<S>(action: ServerAction<S>, fields: Vec<RwSignal<String>>)
where
    S: ServerFn<Output = Vec<okchat::KnowledgeDocument>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            for field in &fields {
                field.set(String::new());
            }
            announce_change();
        }
    });
}

/// The three add forms, each in a disclosure; `refused` opens the one whose post was refused.
#[island(lazy)]
pub fn AddSources(chatbot_id: String, refused: Option<RefusedPost>) -> impl IntoView {
    let id = StoredValue::new(chatbot_id);
    let field = || RwSignal::new(String::new());
    let values = |pairs: &[(&str, RwSignal<String>)]| -> Values {
        pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.get_untracked()))
            .collect()
    };

    let add_text = ServerAction::<AddText>::new();
    let (text_title, text_body) = (field(), field());
    let text_outcome = outcome(add_text, RefusedPost::of::<AddText>(&refused));
    on_added(add_text, vec![text_title, text_body]);

    let add_qa = ServerAction::<AddQa>::new();
    let (qa_title, qa_question, qa_answer) = (field(), field(), field());
    let qa_outcome = outcome(add_qa, RefusedPost::of::<AddQa>(&refused));
    on_added(add_qa, vec![qa_title, qa_question, qa_answer]);

    let add_urls = ServerAction::<AddUrls>::new();
    let (urls, sitemap) = (field(), field());
    let urls_outcome = outcome(add_urls, RefusedPost::of::<AddUrls>(&refused));
    on_added(add_urls, vec![urls, sitemap]);

    let opened = |path: &str| refused.as_ref().is_some_and(|r| r.path == path);
    view! {
        <section aria-labelledby="add-title" class="space-y-2">
            <h2 id="add-title" class="font-semibold">
                "Add text, Q&A or web pages"
            </h2>
            <details name="add-source" class=DETAILS open=opened(AddText::PATH)>
                <summary class=SUMMARY>"Add text"</summary>
                <form
                    action=AddText::url()
                    method="post"
                    novalidate
                    class="space-y-3 px-4"
                    on:submit=dispatch_on_submit(
                        add_text,
                        move |_| {
                            Some(AddText {
                                id: id.get_value(),
                                input: values(
                                    &[(keys::TEXT_TITLE, text_title), (keys::TEXT_TEXT, text_body)],
                                ),
                            })
                        },
                    )
                >
                    <input type="hidden" name="id" value=id.get_value() />
                    <Field
                        field=keys::TEXT_TITLE
                        label="Title"
                        value=text_title
                        error=field_error(text_outcome, keys::TEXT_TITLE)
                    />
                    <Field
                        field=keys::TEXT_TEXT
                        label="Text"
                        value=text_body
                        rows=Some(8)
                        max_chars=Some(KNOWLEDGE_TEXT_MAX)
                        error=field_error(text_outcome, keys::TEXT_TEXT)
                    />
                    <div class="flex flex-wrap items-center gap-3">
                        <FormStatus
                            outcome=text_outcome
                            pending=add_text.pending().into()
                            testid="add-text-status"
                        />
                        <button
                            type="submit"
                            class=SUBMIT
                            disabled=move || add_text.pending().get()
                        >
                            "Add text"
                        </button>
                    </div>
                </form>
            </details>
            <details name="add-source" class=DETAILS open=opened(AddQa::PATH)>
                <summary class=SUMMARY>"Add Q&A"</summary>
                <form
                    action=AddQa::url()
                    method="post"
                    novalidate
                    class="space-y-3 px-4"
                    on:submit=dispatch_on_submit(
                        add_qa,
                        move |_| {
                            Some(AddQa {
                                id: id.get_value(),
                                input: values(
                                    &[
                                        (keys::QA_TITLE, qa_title),
                                        (keys::QA_QUESTION, qa_question),
                                        (keys::QA_ANSWER, qa_answer),
                                    ],
                                ),
                            })
                        },
                    )
                >
                    <input type="hidden" name="id" value=id.get_value() />
                    <Field
                        field=keys::QA_QUESTION
                        label="Question"
                        value=qa_question
                        rows=Some(2)
                        max_chars=Some(QUESTION_MAX)
                        error=field_error(qa_outcome, keys::QA_QUESTION)
                    />
                    <Field
                        field=keys::QA_ANSWER
                        label="Answer"
                        value=qa_answer
                        rows=Some(5)
                        max_chars=Some(ANSWER_MAX)
                        error=field_error(qa_outcome, keys::QA_ANSWER)
                    />
                    <Field
                        field=keys::QA_TITLE
                        label="Title (optional)"
                        value=qa_title
                        hint=Some("The question when left empty.")
                        error=field_error(qa_outcome, keys::QA_TITLE)
                    />
                    <div class="flex flex-wrap items-center gap-3">
                        <FormStatus
                            outcome=qa_outcome
                            pending=add_qa.pending().into()
                            testid="add-qa-status"
                        />
                        <button type="submit" class=SUBMIT disabled=move || add_qa.pending().get()>
                            "Add Q&A"
                        </button>
                    </div>
                </form>
            </details>
            <details name="add-source" class=DETAILS open=opened(AddUrls::PATH)>
                <summary class=SUMMARY>"Add from URL"</summary>
                <form
                    action=AddUrls::url()
                    method="post"
                    novalidate
                    class="space-y-3 px-4"
                    on:submit=dispatch_on_submit(
                        add_urls,
                        move |_| {
                            Some(AddUrls {
                                id: id.get_value(),
                                input: values(&[(keys::URLS, urls), (keys::SITEMAP, sitemap)]),
                            })
                        },
                    )
                >
                    <input type="hidden" name="id" value=id.get_value() />
                    <Field
                        field=keys::URLS
                        label="Addresses"
                        value=urls
                        rows=Some(4)
                        placeholder=Some("https://example.com/help/refunds")
                        hint=Some("One per line, up to 50. Each page's visible text is added.")
                        error=field_error(urls_outcome, keys::URLS)
                    />
                    <Toggle
                        field=keys::SITEMAP
                        label="These are sitemaps"
                        value=sitemap
                        hint=Some("Adds the pages each sitemap lists, up to 200.")
                    />
                    <div class="flex flex-wrap items-center gap-3">
                        <FormStatus
                            outcome=urls_outcome
                            pending=add_urls.pending().into()
                            testid="add-urls-status"
                        />
                        <button
                            type="submit"
                            class=SUBMIT
                            disabled=move || add_urls.pending().get()
                        >
                            "Add pages"
                        </button>
                    </div>
                </form>
            </details>
        </section>
    }
}
