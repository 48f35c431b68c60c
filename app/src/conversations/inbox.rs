//! `/chatbots/{id}/conversations`: every conversation of the bot, newest first, filtered by
//! state, platform, dates and text (a GET form, so it works before the page hydrates) and
//! paged; the open one (`?c=`) beside the list with its thread, where a person takes the
//! conversation over, replies as themselves, hands it back or closes it. The list and the open
//! thread refresh themselves every [`REFRESH_EVERY`] while the tab is visible. Export links
//! download the filtered set as CSV or JSONL.

use std::time::Duration;

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::export::export_href;
use super::model::{platform_label, Filters, ListPage, Row, Thread, ThreadMessage, Writer};
use super::server_fns::{get_thread, list_conversations, reply, update_conversation};
use crate::error::AppError;
use crate::ui::fields::INPUT;
use crate::ui::format::short_timestamp;
use crate::ui::frame::PreloadIsland;
use crate::ui::page_error::PageError;

/// How often the open inbox asks for new messages.
pub const REFRESH_EVERY: Duration = Duration::from_secs(4);

const BUTTON: &str = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800";
const PRIMARY: &str = "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
const BADGE: &str = "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium";

/// The address of the inbox showing `page` of `filters`, with `open` opened.
fn inbox_href(chatbot_id: &str, filters: &Filters, page: u64, open: Option<&str>) -> String {
    let mut params = vec![filters.to_query_string()];
    if page > 1 {
        params.push(format!("page={page}"));
    }
    if let Some(open) = open {
        params.push(format!("c={open}"));
    }
    params.retain(|p| !p.is_empty());
    let mut href = format!("/chatbots/{chatbot_id}/conversations");
    if !params.is_empty() {
        href.push('?');
        href.push_str(&params.join("&"));
    }
    href
}

#[component]
pub fn InboxTab() -> impl IntoView {
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let query = use_query_map().read_untracked().clone();
    let text = |key: &str| query.get(key).unwrap_or_default();
    let filters = Filters {
        state: text("state"),
        platform: text("platform"),
        from: text("from"),
        to: text("to"),
        q: text("q"),
    };
    let page = query
        .get("page")
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1);
    let open = query.get("c").filter(|c| !c.is_empty());
    let data = Resource::new_blocking(
        {
            let (id, filters, open) = (id.clone(), filters.clone(), open.clone());
            move || (id.clone(), filters.clone(), open.clone())
        },
        move |(id, filters, open)| async move {
            let list = list_conversations(id.clone(), filters, page).await?;
            let thread = match open {
                Some(open) => Some(get_thread(id, open).await?),
                None => None,
            };
            Ok::<_, AppError>((list, thread))
        },
    );
    let chatbot_id = StoredValue::new(id);
    let shown = StoredValue::new(filters);
    view! {
        <PreloadIsland island="inbox" />
        <div class="space-y-4" data-testid="inbox-tab">
            <FilterForm filters=shown.get_value() />
            <Suspense fallback=|| {
                view! {
                    <p class="text-slate-600 dark:text-slate-400">"Loading conversations…"</p>
                }
            }>
                <ErrorBoundary fallback=|errors| {
                    view! { <PageError errors /> }
                }>
                    {move || Suspend::new(async move {
                        data.await
                            .map(|(first, thread)| {
                                view! {
                                    <Inbox
                                        chatbot_id=chatbot_id.get_value()
                                        filters=shown.get_value()
                                        first
                                        thread
                                    />
                                }
                            })
                    })}
                </ErrorBoundary>
            </Suspense>
        </div>
    }
}

/// The filters: a GET form of the tab, so a search is a link people can share.
#[component]
fn FilterForm(filters: Filters) -> impl IntoView {
    let select = |name: &'static str,
                  label: &'static str,
                  current: String,
                  options: &'static [(&'static str, &'static str)]| {
        let extra = (!options.iter().any(|(v, _)| *v == current)).then(|| {
            view! {
                <option value=current.clone() selected>
                    {platform_label(&current)}
                </option>
            }
        });
        view! {
            <label class="text-sm font-medium">
                {label} <select name=name class=INPUT>
                    {options
                        .iter()
                        .map(|(value, text)| {
                            view! {
                                <option value=*value selected=current == *value>
                                    {*text}
                                </option>
                            }
                        })
                        .collect_view()}
                    {extra}
                </select>
            </label>
        }
    };
    let any = !filters.is_empty();
    view! {
        <form
            method="get"
            class="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-[minmax(0,2fr)_repeat(4,minmax(0,1fr))_auto] lg:items-end dark:border-slate-800 dark:bg-slate-900"
            role="search"
            aria-label="Filter conversations"
        >
            <label class="text-sm font-medium">
                "Text"
                <input
                    type="search"
                    name="q"
                    value=filters.q.clone()
                    placeholder="Words in any message"
                    class=INPUT
                />
            </label>
            {select(
                "state",
                "State",
                filters.state.clone(),
                &[("", "Any state"), ("in_progress", "In progress"), ("closed", "Closed")],
            )}
            {select(
                "platform",
                "Platform",
                filters.platform.clone(),
                &[
                    ("", "Any platform"),
                    ("web", "Website"),
                    ("playground", "Playground"),
                    ("api", "API"),
                ],
            )}
            <label class="text-sm font-medium">
                "From" <input type="date" name="from" value=filters.from.clone() class=INPUT />
            </label>
            <label class="text-sm font-medium">
                "To" <input type="date" name="to" value=filters.to.clone() class=INPUT />
            </label>
            <div class="flex gap-2">
                <button type="submit" class=PRIMARY>
                    "Filter"
                </button>
                {any
                    .then(|| {
                        view! {
                            <a href="?" class=BUTTON>
                                "Clear"
                            </a>
                        }
                    })}
            </div>
        </form>
    }
}

/// A conversation's badges: its platform, and taken over or closed when it is.
#[component]
fn RowBadges(row: Row) -> impl IntoView {
    view! {
        <span class=format!(
            "{BADGE} bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
        )>{platform_label(&row.platform)}</span>
        {row
            .human
            .then(|| {
                view! {
                    <span
                        class=format!(
                            "{BADGE} bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
                        )
                        data-testid="human-badge"
                    >
                        "Taken over"
                    </span>
                }
            })}
        {row
            .closed
            .then(|| {
                view! {
                    <span
                        class=format!(
                            "{BADGE} bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
                        )
                        data-testid="closed-badge"
                    >
                        "Closed"
                    </span>
                }
            })}
    }
}

#[island(lazy)]
fn Inbox(
    chatbot_id: String,
    filters: Filters,
    first: ListPage,
    thread: Option<Thread>,
) -> impl IntoView {
    let id = StoredValue::new(chatbot_id);
    let filters = StoredValue::new(filters);
    let list = RwSignal::new(first);
    let thread = RwSignal::new(thread);
    let refreshing = StoredValue::new(false);

    // Both refresh together; a slow answer is not asked again before it arrives.
    let refresh = move || {
        if refreshing.get_value() || document().hidden() {
            return;
        }
        refreshing.set_value(true);
        let page = list.with_untracked(|l| l.page);
        let open = thread.with_untracked(|t| t.as_ref().map(|t| t.row.id.clone()));
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = list_conversations(id.get_value(), filters.get_value(), page).await {
                if list.with_untracked(|l| *l != fresh) {
                    list.set(fresh);
                }
            }
            if let Some(open) = open {
                if let Ok(fresh) = get_thread(id.get_value(), open).await {
                    if thread.with_untracked(|t| t.as_ref() != Some(&fresh)) {
                        thread.set(Some(fresh));
                    }
                }
            }
            refreshing.set_value(false);
        });
    };
    Effect::new(move |_| {
        let handle = set_interval_with_handle(refresh, REFRESH_EVERY).ok();
        on_cleanup(move || {
            if let Some(handle) = handle {
                handle.clear();
            }
        });
    });

    let open_id = Memo::new(move |_| thread.read().as_ref().map(|t| t.row.id.clone()));
    // The panel is built once: a refresh updates its messages, never the reply being typed.
    let is_open = Memo::new(move |_| thread.read().is_some());
    let rows = move || {
        let page = list.read();
        if page.rows.is_empty() {
            return Either::Left(view! {
                <p
                    class="p-4 text-sm text-slate-600 dark:text-slate-400"
                    data-testid="no-conversations"
                >
                    {if filters.with_value(Filters::is_empty) {
                        "No conversations yet. They appear here as visitors chat with the bot."
                    } else {
                        "No conversation matches these filters."
                    }}
                </p>
            });
        }
        let current = page.page;
        Either::Right(
            page.rows
                .iter()
                .map(|row| {
                    let href = filters.with_value(|f| inbox_href(&id.get_value(), f, current, Some(&row.id)));
                    let selected = open_id.get().as_deref() == Some(row.id.as_str());
                    let who = match row.last_sender.as_str() {
                        "user" => "Visitor: ",
                        "bot" => "Bot: ",
                        _ => "",
                    };
                    view! {
                        <li>
                            <a
                                href=href
                                class=if selected {
                                    "block border-l-4 border-indigo-600 bg-indigo-50 px-4 py-3 dark:bg-indigo-950"
                                } else {
                                    "block border-l-4 border-transparent px-4 py-3 hover:bg-slate-50 dark:hover:bg-slate-800"
                                }
                                aria-current=selected.then_some("true")
                                data-testid="conversation-row"
                            >
                                <div class="flex flex-wrap items-center gap-1">
                                    <RowBadges row=row.clone() />
                                    <span class="ml-auto text-xs text-slate-600 dark:text-slate-400">
                                        {short_timestamp(&row.updated_at)}
                                    </span>
                                </div>
                                <p class="mt-1 line-clamp-2 text-sm break-words">
                                    <span class="text-slate-600 dark:text-slate-400">{who}</span>
                                    {row.last_message.clone()}
                                </p>
                            </a>
                        </li>
                    }
                })
                .collect_view(),
        )
    };
    let pager = move || {
        let page = list.read();
        let (current, pages, total) = (page.page, page.total_pages, page.total);
        let link = move |target: u64, text: &'static str| {
            let href = filters.with_value(|f| inbox_href(&id.get_value(), f, target, None));
            view! {
                <a href=href class=BUTTON>
                    {text}
                </a>
            }
        };
        view! {
            <nav
                class="flex items-center gap-2 border-t border-slate-200 px-4 py-2 text-sm dark:border-slate-800"
                aria-label="Pages of conversations"
            >
                <span
                    class="flex-1 text-slate-600 dark:text-slate-400"
                    data-testid="conversation-count"
                >
                    {match total {
                        1 => "1 conversation".to_owned(),
                        n => format!("{n} conversations"),
                    }}
                    {(pages > 1).then(|| format!(" · page {current} of {pages}"))}
                </span>
                {(current > 1).then(|| link(current - 1, "Newer"))}
                {(current < pages).then(|| link(current + 1, "Older"))}
            </nav>
        }
    };
    let exports = move || {
        filters.with_value(|f| {
            let id = id.get_value();
            view! {
                <div class="flex flex-wrap items-center gap-2 text-sm">
                    <span class="text-slate-600 dark:text-slate-400">"Export these:"</span>
                    {[("csv", "CSV"), ("jsonl", "JSONL")]
                        .into_iter()
                        .map(|(format, label)| {
                            view! {
                                <a
                                    href=export_href(&id, f, format)
                                    class=BUTTON
                                    download
                                    data-testid=format!("export-{format}")
                                >
                                    {label}
                                </a>
                            }
                        })
                        .collect_view()}
                </div>
            }
        })
    };
    // Tests wait for this: the lazy island may hydrate after the rest of the page.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <div
            class="grid gap-4 lg:grid-cols-[24rem_minmax(0,1fr)]"
            data-testid="inbox"
            data-ready=move || ready.get().to_string()
        >
            <section
                class="overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
                aria-label="Conversations"
            >
                <div class="border-b border-slate-200 px-4 py-2 dark:border-slate-800">
                    {exports}
                </div>
                <ul
                    class="divide-y divide-slate-200 dark:divide-slate-800"
                    data-testid="conversation-list"
                >
                    {rows}
                </ul>
                {pager}
            </section>
            <div class="max-lg:order-first">
                {move || match is_open.get() {
                    false => {
                        Either::Left(
                            view! {
                                <p class="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
                                    "Open a conversation to read it, take it over and reply."
                                </p>
                            },
                        )
                    }
                    true => {
                        Either::Right(
                            view! { <ThreadPanel chatbot_id=id.get_value() thread list /> },
                        )
                    }
                }}
            </div>
        </div>
    }
}

/// The open conversation: its messages and what a person can do with it.
#[component]
fn ThreadPanel(
    chatbot_id: String,
    thread: RwSignal<Option<Thread>>,
    list: RwSignal<ListPage>,
) -> impl IntoView {
    let id = StoredValue::new(chatbot_id);
    let row = Memo::new(move |_| thread.read().as_ref().map(|t| t.row.clone()));
    let conversation = move || row.get().map(|r| r.id).unwrap_or_default();
    let error = RwSignal::new(None::<String>);
    let draft = RwSignal::new(String::new());

    // A changed conversation replaces its row in the thread and in the list.
    let changed = move |fresh: Row| {
        list.update(|l| {
            if let Some(r) = l.rows.iter_mut().find(|r| r.id == fresh.id) {
                *r = fresh.clone();
            }
        });
        thread.update(|t| {
            if let Some(t) = t {
                t.row = fresh;
            }
        });
    };
    let update = Action::new(move |(human, closed): &(Option<bool>, Option<bool>)| {
        let (human, closed) = (*human, *closed);
        let conversation = conversation();
        async move { update_conversation(id.get_value(), conversation, human, closed).await }
    });
    Effect::new(move |_| match update.value().get() {
        Some(Ok(fresh)) => {
            error.set(None);
            changed(fresh);
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let send = Action::new(move |content: &String| {
        let content = content.clone();
        let conversation = conversation();
        async move { reply(id.get_value(), conversation, content).await }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(message)) => {
            error.set(None);
            draft.set(String::new());
            thread.update(|t| {
                if let Some(t) = t {
                    if !t.messages.iter().any(|m| m.id == message.id) {
                        t.messages.push(message);
                    }
                }
            });
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });

    let human = move || row.get().is_some_and(|r| r.human);
    let closed = move || row.get().is_some_and(|r| r.closed);
    let pending = move || update.pending().get() || send.pending().get();
    let messages = move || {
        thread
            .read()
            .as_ref()
            .map(|t| t.messages.clone())
            .unwrap_or_default()
    };
    view! {
        <section
            class="flex flex-col overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
            aria-label="Conversation"
            data-testid="thread"
        >
            <div class="flex flex-wrap items-center gap-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
                <div class="flex flex-wrap items-center gap-1">
                    {move || row.get().map(|row| view! { <RowBadges row /> })}
                    <span class="text-xs text-slate-600 dark:text-slate-400">
                        {move || {
                            row.get().map(|r| format!("Started {}", short_timestamp(&r.created_at)))
                        }}
                    </span>
                </div>
                <div class="ml-auto flex flex-wrap gap-2">
                    <button
                        type="button"
                        class=BUTTON
                        disabled=pending
                        data-testid="takeover"
                        on:click=move |_| {
                            update.dispatch((Some(!human()), None));
                        }
                    >
                        {move || if human() { "Hand back to the bot" } else { "Take over" }}
                    </button>
                    <button
                        type="button"
                        class=BUTTON
                        disabled=pending
                        data-testid="close-conversation"
                        on:click=move |_| {
                            update.dispatch((None, Some(!closed())));
                        }
                    >
                        {move || if closed() { "Reopen" } else { "Close" }}
                    </button>
                </div>
            </div>
            <ol
                class="flex max-h-[32rem] flex-col gap-3 overflow-y-auto bg-slate-50 px-4 py-4 dark:bg-slate-950"
                data-testid="thread-messages"
            >
                <For
                    each=messages
                    key=|m| m.id.clone()
                    children=|m| view! { <ThreadLine message=m /> }
                />
            </ol>
            <Show when=move || error.read().is_some()>
                <p
                    role="alert"
                    class="border-t border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
                >
                    {move || error.get()}
                </p>
            </Show>
            <form
                class="flex flex-col gap-2 border-t border-slate-200 p-3 sm:flex-row dark:border-slate-800"
                on:submit=move |ev| {
                    ev.prevent_default();
                    let text = draft.get_untracked();
                    if !text.trim().is_empty() {
                        send.dispatch(text);
                    }
                }
            >
                <label for="reply" class="sr-only">
                    "Reply"
                </label>
                <textarea
                    id="reply"
                    rows="2"
                    class=format!("{INPUT} !mt-0 min-w-0 flex-1")
                    placeholder=move || {
                        if human() {
                            "Reply as yourself…"
                        } else {
                            "Take the conversation over to reply"
                        }
                    }
                    disabled=move || !human()
                    bind:value=draft
                ></textarea>
                <button type="submit" class=PRIMARY disabled=move || !human() || pending()>
                    "Send reply"
                </button>
            </form>
        </section>
    }
}

#[component]
fn ThreadLine(message: ThreadMessage) -> impl IntoView {
    let (who, bubble, side) = match message.writer {
        Writer::Visitor => (
            "Visitor".to_owned(),
            "bg-white text-slate-900 dark:bg-slate-800 dark:text-slate-100",
            "self-start",
        ),
        Writer::Bot => (
            "Bot".to_owned(),
            "bg-indigo-50 text-slate-900 dark:bg-indigo-950 dark:text-slate-100",
            "self-end",
        ),
        Writer::Person => (
            message.author.clone().unwrap_or_else(|| "A person".into()),
            "bg-emerald-50 text-slate-900 dark:bg-emerald-950 dark:text-slate-100",
            "self-end",
        ),
    };
    let feedback = message.feedback.as_deref().map(|f| {
        let (text, class) = if f == "up" {
            (
                "👍 Helpful",
                "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
            )
        } else {
            (
                "👎 Not helpful",
                "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
            )
        };
        view! {
            <span class=format!("{BADGE} {class}") data-testid="feedback">
                {text}
            </span>
        }
    });
    let cut_off = message.cut_off.then(|| {
        view! {
            <span class=format!(
                "{BADGE} bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
            )>"Cut off"</span>
        }
    });
    view! {
        <li
            class=format!("flex max-w-[85%] flex-col gap-1 {side}")
            data-testid="thread-message"
            data-writer=match message.writer {
                Writer::Visitor => "visitor",
                Writer::Bot => "bot",
                Writer::Person => "person",
            }
        >
            <div class="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
                <span class="font-medium">{who}</span>
                <span>{short_timestamp(&message.created_at)}</span>
                {feedback}
                {cut_off}
            </div>
            <p class=format!(
                "rounded-lg px-3 py-2 text-sm whitespace-pre-wrap break-words shadow-sm {bubble}",
            )>{message.content}</p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_links_keep_the_filters_the_page_and_the_open_conversation() {
        let filters = Filters {
            platform: "web".into(),
            ..Filters::default()
        };
        assert_eq!(
            inbox_href("b", &Filters::default(), 1, None),
            "/chatbots/b/conversations"
        );
        assert_eq!(
            inbox_href("b", &filters, 3, Some("s1")),
            "/chatbots/b/conversations?platform=web&page=3&c=s1"
        );
    }
}
