//! Test retrieval: a question, and the chunks a chat would be given for it, each with its
//! similarity as a bar against the threshold line, its document, and the question's words
//! marked; then, dimmed below a divider, the best chunks the threshold drops. Before the page
//! hydrates the form is a GET of the tab, which the server answers with the results.

use leptos::either::Either;
use leptos::prelude::*;

use super::highlight::Marked;
use super::labels::chunk_href;
use super::server_fns::{test_retrieval, Retrieval, Retrieved};
use crate::error::AppError;
use crate::ui::fields::INPUT;

/// The ranking's name as people read it.
fn ranking_label(ranking: Option<&str>) -> &'static str {
    match ranking {
        Some("hybrid") => "Hybrid (full-text and vectors)",
        Some("full-text") => "Full-text",
        _ => "Not reported",
    }
}

/// The test panel; `initial` answers the question the page was loaded with (`ask`).
#[island(lazy)]
pub fn RetrievalTester(
    chatbot_id: String,
    question: String,
    initial: Option<Result<Retrieval, AppError>>,
) -> impl IntoView {
    let id = StoredValue::new(chatbot_id);
    let typed = RwSignal::new(question);
    let test = Action::new(move |query: &String| test_retrieval(id.get_value(), query.clone()));
    let answer = Signal::derive(move || test.value().get().or_else(|| initial.clone()));
    view! {
        <section
            class="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
            aria-labelledby="tester-title"
        >
            <h2 id="tester-title" class="font-semibold">
                "Test retrieval"
            </h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "Ask what a visitor would; see the chunks the chatbot would answer from."
            </p>
            <form
                method="get"
                class="mt-3 flex flex-wrap gap-2"
                on:submit=move |ev| {
                    ev.prevent_default();
                    let query = typed.get_untracked();
                    if !query.trim().is_empty() {
                        test.dispatch(query);
                    }
                }
            >
                <label for="tester-question" class="sr-only">
                    "Question to test"
                </label>
                <input
                    id="tester-question"
                    name="ask"
                    type="search"
                    placeholder="How do refunds work?"
                    class=format!("{INPUT} !mt-0 min-w-0 flex-1")
                    value=typed.get_untracked()
                    bind:value=typed
                />
                <button
                    type="submit"
                    class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
                    disabled=move || test.pending().get()
                >
                    "Test"
                </button>
            </form>
            <div role="status" aria-live="polite" class="mt-3" data-testid="tester-results">
                {move || {
                    if test.pending().get() {
                        return Either::Left(
                            view! {
                                <p class="animate-pulse text-sm text-slate-600 dark:text-slate-400">
                                    "Searching the knowledge base…"
                                </p>
                            },
                        );
                    }
                    Either::Right(
                        match answer.get() {
                            None => None,
                            Some(Err(error)) => {
                                Some(
                                    Either::Left(
                                        view! {
                                            <p
                                                role="alert"
                                                class="text-sm text-red-700 dark:text-red-400"
                                            >
                                                {error
                                                    .field("query")
                                                    .map(str::to_owned)
                                                    .map_or(
                                                        error.to_string(),
                                                        |r| format!("The question {r}."),
                                                    )}
                                            </p>
                                        },
                                    ),
                                )
                            }
                            Some(Ok(found)) => {
                                Some(
                                    Either::Right(
                                        view! { <Results found chatbot_id=id.get_value() /> },
                                    ),
                                )
                            }
                        },
                    )
                }}
            </div>
        </section>
    }
}

#[component]
fn Results(found: Retrieval, chatbot_id: String) -> impl IntoView {
    let Retrieval {
        query,
        used,
        dropped,
        threshold,
        threshold_percent,
        ranking,
    } = found;
    let summary = match used.len() {
        0 => "No chunk reaches the threshold: the chatbot would answer without the knowledge base."
            .to_owned(),
        1 => "1 chunk would be used.".to_owned(),
        n => format!("{n} chunks would be used."),
    };
    let card = {
        let (chatbot_id, query, threshold) = (chatbot_id.clone(), query.clone(), threshold.clone());
        move |result: Retrieved, dimmed: bool| {
            view! {
                <ResultCard
                    result
                    dimmed
                    chatbot_id=chatbot_id.clone()
                    query=query.clone()
                    threshold=threshold.clone()
                    threshold_percent
                />
            }
        }
    };
    let divider = (!dropped.is_empty()).then(|| {
        view! {
            <li
                class="flex items-center gap-3 pt-2 text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400"
                data-testid="threshold-divider"
            >
                <span class="h-px flex-1 bg-slate-300 dark:bg-slate-700"></span>
                {format!("Below the threshold ({}): not used", threshold)}
                <span class="h-px flex-1 bg-slate-300 dark:bg-slate-700"></span>
            </li>
        }
    });
    let used = used.into_iter().map(|r| card(r, false)).collect_view();
    let dropped = dropped.into_iter().map(|r| card(r, true)).collect_view();
    view! {
        <p class="text-sm">
            {summary} <span class="text-slate-600 dark:text-slate-400" data-testid="ranking">
                {format!(" Ranking: {}.", ranking_label(ranking.as_deref()))}
            </span>
        </p>
        <ol class="mt-3 space-y-3">{used} {divider} {dropped}</ol>
    }
}

#[component]
pub fn ResultCard(
    result: Retrieved,
    /// Dropped by the threshold: shown dimmed.
    dimmed: bool,
    chatbot_id: String,
    query: String,
    threshold: String,
    threshold_percent: u32,
) -> impl IntoView {
    let href = result
        .document_id
        .as_deref()
        .map(|doc| chunk_href(&chatbot_id, doc, result.chunk_index, &query));
    let title = match href {
        Some(href) => Either::Left(view! {
            <a
                href=href
                class="font-medium break-words text-indigo-700 hover:underline dark:text-indigo-300"
            >
                {result.title.clone()}
            </a>
        }),
        None => Either::Right(view! { <span class="font-medium">{result.title.clone()}</span> }),
    };
    let chunk = result.chunk_index.map(|n| format!("Chunk {n}"));
    view! {
        <li
            class=if dimmed {
                "rounded-md border border-dashed border-slate-300 p-3 opacity-60 dark:border-slate-700"
            } else {
                "rounded-md border border-slate-200 p-3 dark:border-slate-800"
            }
            data-testid=if dimmed { "dropped-result" } else { "used-result" }
        >
            <div class="flex flex-wrap items-baseline gap-x-2 text-sm">
                {title} <span class="text-xs text-slate-600 dark:text-slate-400">{chunk}</span>
            </div>
            <div class="mt-2 flex items-center gap-2">
                <div
                    class="relative h-2 flex-1 rounded-full bg-slate-200 dark:bg-slate-800"
                    role="meter"
                    aria-label="Similarity"
                    aria-valuemin="0"
                    aria-valuemax="1"
                    aria-valuenow=result.score.clone()
                    data-testid="score-bar"
                >
                    <div
                        class=if dimmed {
                            "h-full rounded-full bg-slate-400 dark:bg-slate-600"
                        } else {
                            "h-full rounded-full bg-indigo-600 dark:bg-indigo-400"
                        }
                        style=format!("width: {}%", result.percent)
                    ></div>
                    <div
                        class="absolute -top-1 h-4 w-0.5 bg-slate-900 dark:bg-slate-100"
                        style=format!("left: {threshold_percent}%")
                        title=format!("Threshold {threshold}")
                        data-testid="threshold-line"
                    ></div>
                </div>
                <span class="w-10 text-right text-sm font-medium tabular-nums" data-testid="score">
                    {result.score.clone()}
                </span>
            </div>
            <p class="mt-2 max-h-48 overflow-y-auto text-sm whitespace-pre-wrap break-words">
                <Marked segments=result.segments />
            </p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ranking_is_named() {
        assert_eq!(
            ranking_label(Some("hybrid")),
            "Hybrid (full-text and vectors)"
        );
        assert_eq!(ranking_label(Some("full-text")), "Full-text");
        assert_eq!(ranking_label(None), "Not reported");
    }
}
