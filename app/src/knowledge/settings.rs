//! The bot's retrieval settings: how similar a chunk must be to a question to be used, and how
//! many chunks an answer gets. Saved on their own (a merge patch of just these two), as a plain
//! form before the page hydrates.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::server_fns::{keys, RetrievalSettings, SaveRetrievalSettings};
use crate::error::AppError;
use crate::ui::fields::NumberField;
use crate::ui::submit::{banner_text, dispatch_on_submit};

/// `okchat::defaults::SIMILARITY_THRESHOLD` as the form shows it (a test keeps them equal).
const THRESHOLD_DEFAULT: &str = "0.45";
/// `okchat::defaults::MAX_KNOWLEDGE_RESULTS` as the form shows it.
const MAX_RESULTS_DEFAULT: &str = "5";

/// The settings form. `refused` is why its last plain post was refused, `saved` whether one was
/// just stored (both before the page hydrated).
#[island(lazy)]
pub fn RetrievalSettingsForm(
    chatbot_id: String,
    settings: RetrievalSettings,
    refused: Option<AppError>,
    saved: bool,
) -> impl IntoView {
    let save = ServerAction::<SaveRetrievalSettings>::new();
    let value = |key: &str| RwSignal::new(settings.values.get(key).cloned().unwrap_or_default());
    let (threshold, max_results) = (value(keys::THRESHOLD), value(keys::MAX_RESULTS));
    let in_force = RwSignal::new((settings.threshold_in_force, settings.max_results_in_force));
    Effect::new(move |_| {
        if let Some(Ok(stored)) = save.value().get() {
            threshold.set(
                stored
                    .values
                    .get(keys::THRESHOLD)
                    .cloned()
                    .unwrap_or_default(),
            );
            max_results.set(
                stored
                    .values
                    .get(keys::MAX_RESULTS)
                    .cloned()
                    .unwrap_or_default(),
            );
            in_force.set((stored.threshold_in_force, stored.max_results_in_force));
        }
    });
    let outcome = Signal::derive(move || match save.value().get() {
        Some(answer) => Some(answer.map(|_| ())),
        None if saved => Some(Ok(())),
        None => refused.clone().map(Err),
    });
    let error = move |key: &'static str| {
        Signal::derive(move || match outcome.get() {
            Some(Err(e)) => e.field(key).map(str::to_owned),
            _ => None,
        })
    };
    let id = StoredValue::new(chatbot_id);
    view! {
        <section
            class="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
            aria-labelledby="retrieval-settings-title"
        >
            <h2 id="retrieval-settings-title" class="font-semibold">
                "Retrieval"
            </h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "Which chunks of the knowledge base the chatbot answers from."
            </p>
            <form
                action=SaveRetrievalSettings::url()
                method="post"
                novalidate
                class="mt-3 space-y-4"
                on:submit=dispatch_on_submit(
                    save,
                    move |_| {
                        Some(SaveRetrievalSettings {
                            id: id.get_value(),
                            input: [
                                (keys::THRESHOLD.to_owned(), threshold.get_untracked()),
                                (keys::MAX_RESULTS.to_owned(), max_results.get_untracked()),
                            ]
                                .into(),
                        })
                    },
                )
            >
                <input type="hidden" name="id" value=id.get_value() />
                <NumberField
                    field=keys::THRESHOLD
                    label="Similarity threshold"
                    value=threshold
                    error=error(keys::THRESHOLD)
                    min="0"
                    max="1"
                    step="0.05"
                    default=THRESHOLD_DEFAULT
                />
                <NumberField
                    field=keys::MAX_RESULTS
                    label="Chunks per answer"
                    value=max_results
                    error=error(keys::MAX_RESULTS)
                    min="1"
                    max="50"
                    step="1"
                    default=MAX_RESULTS_DEFAULT
                />
                <p
                    class="text-xs text-slate-600 dark:text-slate-400"
                    data-testid="retrieval-in-force"
                >
                    {move || {
                        let (threshold, count) = in_force.get();
                        format!(
                            "In force: chunks with a similarity of at least {threshold}, up to {count} per answer.",
                        )
                    }}
                </p>
                <div class="flex flex-wrap items-center gap-3">
                    <p
                        role="status"
                        class=move || {
                            if matches!(outcome.get(), Some(Ok(()))) {
                                "min-h-5 flex-1 text-sm text-emerald-800 dark:text-emerald-300"
                            } else {
                                "min-h-5 flex-1 text-sm text-red-700 dark:text-red-400"
                            }
                        }
                        data-testid="retrieval-settings-status"
                    >
                        {move || {
                            if save.pending().get() {
                                Some("Saving…".to_owned())
                            } else {
                                match outcome.get() {
                                    Some(Ok(())) => Some("Saved".to_owned()),
                                    failed => banner_text(failed),
                                }
                            }
                        }}
                    </p>
                    <button
                        type="submit"
                        class="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
                        disabled=move || save.pending().get()
                    >
                        "Save retrieval"
                    </button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_names_okchats_defaults() {
        assert_eq!(
            THRESHOLD_DEFAULT,
            okchat::defaults::SIMILARITY_THRESHOLD.to_string()
        );
        assert_eq!(
            MAX_RESULTS_DEFAULT,
            okchat::defaults::MAX_KNOWLEDGE_RESULTS.to_string()
        );
    }
}
