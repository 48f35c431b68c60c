//! A chatbot's page: its name and status above tabs (Settings, Knowledge, Playground,
//! Conversations, Embed), each tab a route of its own feature. The chatbot is loaded once
//! here; the tabs read it from context.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_params};
use leptos_router::params::Params;

use super::server_fns::{get_chatbot, ChatbotPage};
use crate::error::AppError;
use crate::ui::page_error::PageError;

#[derive(Params, PartialEq, Clone)]
struct ChatbotParams {
    id: Option<String>,
}

/// The chatbot the page shows, loaded by the shell.
#[derive(Clone, Copy)]
struct ChatbotData(Resource<Result<ChatbotPage, AppError>>);

/// The chatbot of the page this tab is in. Tabs show nothing of their own when it failed to
/// load: the shell shows why.
pub fn use_chatbot() -> Resource<Result<ChatbotPage, AppError>> {
    expect_context::<ChatbotData>().0
}

/// (path under the chatbot, label)
const TABS: [(&str, &str); 5] = [
    ("", "Settings"),
    ("/knowledge", "Knowledge"),
    ("/playground", "Playground"),
    ("/conversations", "Conversations"),
    ("/embed", "Embed"),
];

#[component]
pub fn ChatbotShell() -> impl IntoView {
    let params = use_params::<ChatbotParams>();
    let id = move || {
        params
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.id.clone())
            .unwrap_or_default()
    };
    let chatbot = Resource::new_blocking(id, get_chatbot);
    provide_context(ChatbotData(chatbot));
    let path = use_location().pathname;
    view! {
        <section class="mx-auto max-w-7xl px-4 pt-6 pb-24 sm:px-6">
            // The heading while the chatbot loads takes the room it will take once loaded: the
            // tab below may be painted first (each arrives as its own piece of the stream), and
            // would otherwise be pushed down by it.
            <Suspense fallback=move || {
                view! { <Heading id=id() path=path.get_untracked() /> }
            }>
                <ErrorBoundary fallback=|errors| {
                    view! { <PageError errors /> }
                }>
                    {move || Suspend::new(async move {
                        chatbot
                            .await
                            .map(|page| {
                                view! {
                                    <Heading id=page.id.clone() page path=path.get_untracked() />
                                }
                            })
                    })}
                </ErrorBoundary>
            </Suspense>
            <div class="mt-6">
                <Outlet />
            </div>
        </section>
    }
}

/// The chatbot's name and status above its tabs; while `page` loads, a placeholder of the
/// name's height.
#[component]
fn Heading(id: String, path: String, #[prop(optional)] page: Option<ChatbotPage>) -> impl IntoView {
    let base = format!("/chatbots/{id}");
    let tabs = TABS
        .iter()
        .map(|(suffix, label)| {
            let href = format!("{base}{suffix}");
            let path = path.trim_end_matches('/');
            // A tab's own pages below it (a knowledge document) keep it current.
            let current = path == href || (!suffix.is_empty() && path.starts_with(&format!("{href}/")));
            view! {
                <a
                    href=href
                    aria-current=current.then_some("page")
                    class="-mb-px shrink-0 border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:text-slate-900 aria-[current=page]:border-indigo-600 aria-[current=page]:text-indigo-700 dark:text-slate-400 dark:hover:text-slate-100 dark:aria-[current=page]:text-indigo-300"
                >
                    {*label}
                </a>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Breadcrumb" class="text-sm text-slate-600 dark:text-slate-400">
            <a href="/chatbots" class="hover:underline">
                "Chatbots"
            </a>
            " / "
        </nav>
        <div class="mt-1 flex min-h-8 flex-wrap items-center gap-3">
            {match page {
                Some(page) => {
                    Either::Left(
                        view! {
                            <h1
                                class="text-2xl font-semibold tracking-tight"
                                data-testid="chatbot-title"
                            >
                                {page.name.clone()}
                            </h1>
                            <span class="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                                {if page.is_public { "Public" } else { "Private" }}
                            </span>
                            <span class="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                                {if page.active { "Active" } else { "Paused" }}
                            </span>
                        },
                    )
                }
                None => {
                    Either::Right(
                        view! {
                            <span
                                class="h-6 w-48 max-w-full animate-pulse rounded bg-slate-200 motion-reduce:animate-none dark:bg-slate-800"
                                aria-hidden="true"
                            ></span>
                            <span class="sr-only" role="status">
                                "Loading chatbot…"
                            </span>
                        },
                    )
                }
            }}
        </div>
        <nav
            aria-label="Chatbot"
            class="mt-4 flex gap-1 overflow-x-auto border-b border-slate-200 dark:border-slate-800"
        >
            {tabs}
        </nav>
    }
}
