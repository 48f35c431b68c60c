//! `/chatbots`: the organization's chatbots with badges and colour swatches, filtered by
//! name as one types.

use leptos::either::Either;
use leptos::prelude::*;

use super::server_fns::{list_chatbots, ChatbotSummary};
use crate::ui::format::short_timestamp;
use crate::ui::keep_typed::{changed_text, keep_typed};
use crate::ui::page_error::PageError;

/// Case-insensitive name match for the search box.
pub fn matches_search(name: &str, query: &str) -> bool {
    let query = crate::ui::case::lowercase(query.trim());
    query.is_empty() || crate::ui::case::lowercase(name).contains(&query)
}

#[component]
fn Badge(#[prop(into)] label: String, on: bool, #[prop(into)] on_class: String) -> impl IntoView {
    let class = if on {
        format!("rounded-full px-2 py-0.5 text-xs font-medium {on_class}")
    } else {
        "rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300".to_owned()
    };
    view! { <span class=class>{label}</span> }
}

#[component]
fn Swatch(#[prop(into)] color: String, #[prop(into)] label: String) -> impl IntoView {
    let title = format!("{label} {color}");
    view! {
        <span
            class="inline-block h-5 w-5 rounded border border-slate-300 dark:border-slate-600"
            style=format!("background-color: {color}")
            title=title.clone()
            role="img"
            aria-label=title
        ></span>
    }
}

#[component]
fn ChatbotRow(bot: ChatbotSummary) -> impl IntoView {
    view! {
        <tr class="border-t border-slate-200 dark:border-slate-800" data-testid="chatbot-row">
            <td class="px-4 py-3">
                <a
                    href=format!("/chatbots/{}", bot.id)
                    class="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                >
                    {bot.name.clone()}
                </a>
            </td>
            <td class="px-4 py-3 font-mono text-sm text-slate-600 dark:text-slate-400">
                {bot.slug.clone()}
            </td>
            <td class="px-4 py-3">
                <div class="flex gap-1">
                    <Badge
                        label=if bot.is_public { "Public" } else { "Private" }
                        on=bot.is_public
                        on_class="bg-sky-100 text-sky-800 dark:bg-sky-900 dark:text-sky-200"
                    />
                    <Badge
                        label=if bot.active { "Active" } else { "Paused" }
                        on=bot.active
                        on_class="bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200"
                    />
                </div>
            </td>
            <td class="px-4 py-3">
                <div class="flex gap-1">
                    <Swatch color=bot.primary_color.clone() label="Primary color" />
                    <Swatch color=bot.secondary_color.clone() label="Secondary color" />
                </div>
            </td>
            <td class="px-4 py-3 text-sm text-slate-600 dark:text-slate-400">
                {short_timestamp(&bot.updated_at)}
            </td>
        </tr>
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    view! {
        <div
            class="rounded-lg border border-dashed border-slate-300 p-10 text-center dark:border-slate-700"
            data-testid="empty-state"
        >
            <h2 class="text-lg font-semibold">"No chatbots yet"</h2>
            <p class="mt-2 text-slate-600 dark:text-slate-400">
                "Create a chatbot, brand its widget and embed it on your site with one script tag."
            </p>
            <a
                href="/chatbots/new"
                class="mt-4 inline-block rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500"
            >
                "Create your first chatbot"
            </a>
        </div>
    }
}

const NEW_BUTTON: &str =
    "rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500";

/// `/chatbots`: the organization's chatbots, rendered on the server; the search box and the
/// table it filters are an island.
#[component]
pub fn ChatbotListPage() -> impl IntoView {
    let chatbots = Resource::new_blocking(|| (), |_| list_chatbots());
    view! {
        <section class="mx-auto max-w-7xl px-4 py-8 sm:px-6">
            <crate::ui::frame::PreloadIsland island="chatbot_browser" />
            <Transition fallback=|| view! { <p class="text-slate-500">"Loading chatbots…"</p> }>
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <div class="flex flex-wrap items-center gap-3">
                            <h1 class="text-2xl font-semibold tracking-tight">"Chatbots"</h1>
                            <a href="/chatbots/new" class=format!("ml-auto {NEW_BUTTON}")>
                                "New chatbot"
                            </a>
                        </div>
                        <div class="mt-6">
                            <PageError errors />
                        </div>
                    }
                }>
                    {move || Suspend::new(async move {
                        chatbots.await.map(|bots| view! { <ChatbotBrowser bots /> })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The search box's id, which `keep_typed` reads it by.
const SEARCH_ID: &str = "chatbot-search";

/// The heading with the search box, and the table it filters as one types.
#[island(lazy)]
fn ChatbotBrowser(bots: Vec<ChatbotSummary>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    keep_typed(SEARCH_ID, search, changed_text);
    let list = if bots.is_empty() {
        Either::Left(view! { <EmptyState /> })
    } else {
        let bots = StoredValue::new(bots);
        let visible = move || {
            bots.get_value()
                .into_iter()
                .filter(|b| matches_search(&b.name, &search.read()))
                .collect::<Vec<_>>()
        };
        Either::Right(view! {
            <div class="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
                <table class="w-full text-left">
                    <thead class="bg-slate-50 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                        <tr>
                            <th scope="col" class="px-4 py-2">
                                "Name"
                            </th>
                            <th scope="col" class="px-4 py-2">
                                "Slug"
                            </th>
                            <th scope="col" class="px-4 py-2">
                                "Status"
                            </th>
                            <th scope="col" class="px-4 py-2">
                                "Colors"
                            </th>
                            <th scope="col" class="px-4 py-2">
                                "Last update"
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=visible key=|b| b.id.clone() let:bot>
                            <ChatbotRow bot />
                        </For>
                    </tbody>
                </table>
                <Show when=move || visible().is_empty()>
                    <p class="p-4 text-slate-600 dark:text-slate-400" data-testid="no-match">
                        "No chatbot matches “"
                        {move || search.get()}
                        "”."
                    </p>
                </Show>
            </div>
        })
    };
    view! {
        <div class="flex flex-wrap items-center gap-3">
            <h1 class="text-2xl font-semibold tracking-tight">"Chatbots"</h1>
            <label for=SEARCH_ID class="sr-only">
                "Search chatbots by name"
            </label>
            <input
                id=SEARCH_ID
                type="search"
                placeholder="Search by name"
                class="ml-auto w-full rounded-md border border-slate-300 bg-white px-3 py-2 sm:w-64 dark:border-slate-700 dark:bg-slate-900"
                bind:value=search
            />
            <a href="/chatbots/new" class=NEW_BUTTON>
                "New chatbot"
            </a>
        </div>
        <div class="mt-6">{list}</div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_ignores_case_and_surrounding_space() {
        assert!(matches_search("Support Assistant", " support "));
        assert!(matches_search("Support Assistant", ""));
        assert!(!matches_search("Support Assistant", "sales"));
    }
}
