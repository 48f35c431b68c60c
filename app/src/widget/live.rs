//! The widget a visitor chats in: the chatbot's page that `/widget.js` opens in a frame on the
//! owner's site. The same transcript and composer as the console's preview and playground,
//! now talking to the public routes from the browser: the greeting, answers streamed and then
//! shown as the server's safe Markdown, a person's replies picked up within 2 seconds, thumbs
//! up or down on each answer, a new conversation on demand, the conversation kept for the tab.

// The widget's state is used by its handlers, which talk to the network and run only in the
// browser; the server renders the same island without them.
#![cfg_attr(not(feature = "hydrate"), allow(unused_variables))]

use leptos::prelude::*;
use okchat::Feedback;
use serde::{Deserialize, Serialize};

use super::composer::Composer;
use super::look::{initial, paints, WidgetLook};
use super::strings::Strings;
use super::transcript::{Author, Message, Transcript};

/// How often the widget looks for a person's replies: one interval and one round trip stay
/// within the 2 seconds a reply may take to reach the visitor.
#[cfg(feature = "hydrate")]
const POLL_MS: u32 = 1_500;

/// Called by the widget's wasm entry (`frontend/widget`) once its module has loaded; the page's
/// script then hydrates the island. Calling into this crate is also what links it, and so the
/// island's export, into that wasm.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}

/// What the widget starts from, resolved by the server for one page: the bot, its look with
/// the embed tag's overrides, and the words in the widget's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetBoot {
    pub chatbot_id: String,
    pub look: WidgetLook,
    /// The widget's words, in the bot's language (for `auto`, the visitor's).
    pub strings: Strings,
}

/// The page's element whose `data-boot` holds its [`WidgetBoot`] as JSON, for the browser.
pub const BOOT_ID: &str = "widget-boot";

/// An eager island: it is the only one in its own wasm (`frontend/widget`), which `--split`
/// never touches, and a lazy one would import the splitter's loader. It takes no props: Leptos
/// decodes an island's props with serde_json, and this wasm decodes its JSON with the much
/// smaller serde-json-core instead (see [`super::visitor::decode`]); the page provides the
/// boot as a context on the server and as JSON in the page for the browser.
#[island]
pub fn LiveWidget() -> impl IntoView {
    boot().map(panel)
}

/// The page's [`WidgetBoot`]: provided by the page on the server, read back from the page in
/// the browser.
fn boot() -> Option<WidgetBoot> {
    #[cfg(feature = "ssr")]
    return use_context::<WidgetBoot>();
    #[cfg(feature = "hydrate")]
    return document()
        .get_element_by_id(BOOT_ID)?
        .get_attribute("data-boot")
        .and_then(|json| super::visitor::decode(&json));
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    None
}

fn panel(
    WidgetBoot {
        chatbot_id,
        look,
        strings,
    }: WidgetBoot,
) -> impl IntoView {
    let id = StoredValue::new(chatbot_id);
    let words = StoredValue::new(strings);
    // (server id, message); an id is `None` until the server has stored the message.
    let entries = RwSignal::new(Vec::<(Option<String>, Message)>::new());
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<String>);
    // The visitor's last turn and its id when it could not be sent: "Try again" sends it again.
    // (Kept in types the panel already has: a signal of a new type costs the wasm kilobytes.)
    let unsent_text = StoredValue::new(None::<String>);
    let unsent_id = StoredValue::new(None::<String>);
    let can_send_again = RwSignal::new(false);
    let token = StoredValue::new(None::<String>);
    // Counts the visitor's sends and new conversations: a thread asked for before one of them
    // is out of date when it arrives and must not replace what the visitor sees since.
    let turns = StoredValue::new(0_u32);
    // Set while the thread of the conversation this tab already had has not loaded (the
    // network failed as the panel opened): the poll asks for it again.
    let thread_missing = StoredValue::new(false);
    // The visitor's rating of each answer, and the documents it drew on (when the owner shows
    // them), by message id.
    let ratings = RwSignal::new(ById::<Feedback>::new());
    let sources = RwSignal::new(ById::<Vec<String>>::new());
    let (primary, secondary) = paints(&look);
    let messages = Signal::derive(move || {
        entries
            .read()
            .iter()
            .map(|(_, m)| m.clone())
            .collect::<Vec<_>>()
    });

    // The whole thread as stored: after an answer, and when the tab comes back to it.
    #[cfg(feature = "hydrate")]
    let reload = move || {
        let Some(session) = token.get_value() else {
            return;
        };
        let asked_at = turns.get_value();
        leptos::task::spawn_local(async move {
            let stored = super::visitor::thread(&id.get_value(), &session, None).await;
            if turns.get_value() != asked_at {
                return;
            }
            match stored {
                Ok(stored) => {
                    if thread_missing.get_value() {
                        thread_missing.set_value(false);
                        trouble.set(None);
                    }
                    ratings.set(rated(&stored).collect());
                    sources.set(sourced(&stored).collect());
                    entries.set(
                        stored
                            .iter()
                            .map(super::visitor::to_message)
                            .map(|(id, m)| (Some(id), m))
                            .collect(),
                    );
                }
                Err(problem) => trouble.set(Some(words.with_value(|w| problem.sentence(w)))),
            }
        });
    };

    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(given) = super::visitor::given_session() {
            token.set_value(Some(given));
            thread_missing.set_value(true);
            reload();
        }
        let poll = move || {
            // Nobody reads a tab in the background: it asks again once it is in sight.
            if busy.get_untracked() || document().hidden() {
                return;
            }
            if thread_missing.get_value() {
                reload();
                return;
            }
            let Some(session) = token.get_value() else {
                return;
            };
            // Before the visitor's first message there is no conversation a person could take
            // over (a frame prefetched on hover asks nothing). Until the server has stored the
            // newest message (an answer being written), there is no id to ask after: the
            // reload at its end brings everything.
            let Some(Some(last)) = entries.with_untracked(|e| e.last().map(|(id, _)| id.clone()))
            else {
                return;
            };
            leptos::task::spawn_local(async move {
                if let Ok(news) =
                    super::visitor::thread(&id.get_value(), &session, Some(&last)).await
                {
                    let unchanged = entries.with_untracked(|e| {
                        e.last().and_then(|(id, _)| id.as_ref()) == Some(&last)
                    });
                    if !news.is_empty() && !busy.get_untracked() && unchanged {
                        ratings.update(|r| r.extend(rated(&news)));
                        sources.update(|s| s.extend(sourced(&news)));
                        entries.update(|e| {
                            e.extend(
                                news.iter()
                                    .map(super::visitor::to_message)
                                    .map(|(id, m)| (Some(id), m)),
                            )
                        });
                    }
                }
            });
        };
        let handle =
            set_interval_with_handle(poll, std::time::Duration::from_millis(POLL_MS.into()));
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    });

    // The loader asks for focus when it shows the frame, or when this island says it is
    // ready if the frame was shown before: the visitor types at once.
    #[cfg(feature = "hydrate")]
    {
        let focus_message = || {
            use wasm_bindgen::JsCast;
            if let Some(input) = document()
                .get_element_by_id(super::composer::MESSAGE_ID)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                input.focus().ok();
            }
        };
        let listener = window_event_listener(leptos::ev::message, move |ev| {
            if ev.data().as_string().as_deref() == Some("chatdeck:focus") {
                focus_message();
            }
        });
        on_cleanup(move || listener.remove());
        Effect::new(move |_| super::visitor::tell_parent("chatdeck:ready"));
    }

    // Sends the visitor's turn `text`, already shown, under `turn_id` (a new id when `None`):
    // a turn sent again keeps its id, and the server stores it once.
    let send = move |text: String, turn_id: Option<String>| {
        busy.set(true);
        turns.update_value(|n| *n += 1);
        trouble.set(None);
        can_send_again.set(false);
        entries.update(|e| e.push((None, Message::new(Author::Bot, ""))));
        #[cfg(feature = "hydrate")]
        {
            let session = token
                .get_value()
                .unwrap_or_else(super::visitor::new_session);
            token.set_value(Some(session.clone()));
            let turn_id = turn_id.unwrap_or_else(super::visitor::random_id);
            leptos::task::spawn_local(async move {
                let on_text = |delta: &str| {
                    entries.update(|e| {
                        if let Some((_, answer)) = e.last_mut() {
                            answer.text.push_str(delta);
                        }
                    })
                };
                let answered =
                    super::visitor::say(&id.get_value(), &session, &text, &turn_id, on_text).await;
                busy.set(false);
                match answered {
                    Ok(()) => reload(),
                    Err(problem) => {
                        // The answer (or what came of it) goes; the turn stays, to send again.
                        entries.update(|e| {
                            if e.last()
                                .is_some_and(|(id, m)| id.is_none() && m.author == Author::Bot)
                            {
                                e.pop();
                            }
                        });
                        if problem != super::visitor::Trouble::Unavailable {
                            unsent_text.set_value(Some(text));
                            unsent_id.set_value(Some(turn_id));
                            can_send_again.set(true);
                        }
                        trouble.set(Some(words.with_value(|w| problem.sentence(w))));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (text, turn_id);
    };
    let on_send = Callback::new(move |text: String| {
        if busy.get_untracked() {
            return;
        }
        entries.update(|e| e.push((None, Message::new(Author::Visitor, text.clone()))));
        send(text, None);
    });
    let send_again = move |_| {
        if busy.get_untracked() || !can_send_again.get_untracked() {
            return;
        }
        if let Some(text) = unsent_text.get_value() {
            send(text, unsent_id.get_value());
        }
    };

    // Shown at once; taken back with a word if the server did not keep it.
    let on_rate = Callback::new(move |(message_id, feedback): (String, Option<Feedback>)| {
        let before = ratings.with_untracked(|r| find(r, &message_id).copied());
        ratings.update(|r| put(r, &message_id, feedback));
        #[cfg(feature = "hydrate")]
        if let Some(session) = token.get_value() {
            leptos::task::spawn_local(async move {
                let kept =
                    super::visitor::rate(&id.get_value(), &session, &message_id, feedback).await;
                if let Err(problem) = kept {
                    ratings.update(|r| put(r, &message_id, before));
                    trouble.set(Some(words.with_value(|w| problem.sentence(w))));
                }
            });
        }
    });
    // Under each stored answer of the bot: the documents it drew on, if shown, and its rating.
    let below = Callback::new(move |i: usize| {
        let answer = entries.with_untracked(|e| match e.get(i) {
            Some((Some(message_id), m)) if m.author == Author::Bot && !m.text.is_empty() => {
                Some(message_id.clone())
            }
            _ => None,
        });
        answer.map(|message_id| {
            let words = words.get_value();
            let drew_on = sources.with_untracked(|s| find(s, &message_id).cloned());
            view! {
                {drew_on.map(|titles| view! { <Sources titles heading=words.sources.clone() /> })}
                <Rating message_id ratings on_rate words />
            }
        })
    });

    let new_conversation = move |()| {
        turns.update_value(|n| *n += 1);
        #[cfg(feature = "hydrate")]
        token.set_value(Some(super::visitor::new_session()));
        entries.set(Vec::new());
        ratings.set(ById::new());
        sources.set(ById::new());
        trouble.set(None);
        can_send_again.set(false);
    };
    let close = move |()| {
        #[cfg(feature = "hydrate")]
        super::visitor::tell_parent("chatdeck:close");
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            #[cfg(feature = "hydrate")]
            super::visitor::tell_parent("chatdeck:close");
        }
    };

    // Follow the conversation as it grows.
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        entries.track();
        if let Some(element) = scroller.get() {
            element.set_scroll_top(element.scroll_height());
        }
    });
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));

    let logo = if look.logo.trim().is_empty() {
        leptos::either::Either::Left(view! {
            <span
                class="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-white/25 text-sm font-bold"
                aria-hidden="true"
            >
                {initial(&look.name)}
            </span>
        })
    } else {
        leptos::either::Either::Right(view! {
            <img
                src=look.logo.clone()
                alt=""
                class="h-9 w-9 shrink-0 rounded-full bg-white object-cover"
            />
        })
    };
    view! {
        <section
            class="flex h-full flex-col overflow-hidden bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100"
            aria-label=words.with_value(|w| w.chat_with(&look.name))
            data-testid="live-widget"
            data-ready=move || ready.get().to_string()
            on:keydown=on_key
        >
            <header class="flex items-center gap-3 px-4 py-3" style=move || primary.get()>
                {logo}
                <div class="min-w-0 flex-1">
                    <h1 class="truncate font-semibold">{look.header.clone()}</h1>
                    <p class="truncate text-xs opacity-90">{look.slogan.clone()}</p>
                </div>
                <HeaderButton
                    label=words.with_value(|w| w.new_conversation.clone())
                    testid="widget-new-conversation"
                    icon="M12 5v14M5 12h14"
                    on_click=Callback::new(new_conversation)
                />
                <HeaderButton
                    label=words.with_value(|w| w.close.clone())
                    testid="widget-close"
                    icon="M6 6l12 12M18 6L6 18"
                    on_click=Callback::new(close)
                />
            </header>
            <div
                node_ref=scroller
                class="flex-1 overflow-y-auto bg-slate-50 px-4 py-4 text-sm text-slate-900 dark:bg-slate-950 dark:text-slate-100"
            >
                // As in the console's preview: the widget's name above the conversation.
                <p
                    class="mb-2 text-xs font-medium text-slate-600 dark:text-slate-400"
                    data-testid="widget-name"
                >
                    {look.name.clone()}
                </p>
                <Transcript
                    greeting=Signal::stored(look.greeting.clone())
                    messages
                    avatar=Signal::stored(look.avatar.clone())
                    visitor_fill=secondary
                    below
                    typing=words.with_value(|w| w.typing.clone())
                    busy
                />
            </div>
            <Show when=move || trouble.read().is_some()>
                <div class="flex items-center gap-3 border-t border-amber-300 bg-amber-50 px-4 py-2 text-xs text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
                    <p role="alert" class="flex-1" data-testid="widget-trouble">
                        {move || trouble.get()}
                    </p>
                    <button
                        type="button"
                        class="shrink-0 rounded px-2 py-1 font-semibold underline hover:bg-amber-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-amber-600 dark:hover:bg-amber-900"
                        hidden=move || !can_send_again.get()
                        on:click=send_again
                    >
                        {words.with_value(|w| w.try_again.clone())}
                    </button>
                </div>
            </Show>
            <Composer
                on_send
                button_fill=primary
                busy=busy
                label=words.with_value(|w| w.message.clone())
                placeholder=words.with_value(|w| w.placeholder.clone())
                send_label=words.with_value(|w| w.send.clone())
            />
        </section>
    }
}

/// Something per message, by message id. A list rather than a map: a conversation holds a few
/// dozen answers, and a `BTreeMap` here (its node code and the sort its `collect` runs, twice
/// over for the two kinds of value) was 10.3 kB of the widget's gzipped wasm.
type ById<V> = Vec<(String, V)>;

fn find<'a, V>(pairs: &'a ById<V>, message_id: &str) -> Option<&'a V> {
    pairs
        .iter()
        .find_map(|(id, value)| (id == message_id).then_some(value))
}

/// Sets `message_id`'s value, or takes it away with `None`.
fn put<V>(pairs: &mut ById<V>, message_id: &str, value: Option<V>) {
    pairs.retain(|(id, _)| id != message_id);
    if let Some(value) = value {
        pairs.push((message_id.to_owned(), value));
    }
}

/// The ratings among stored messages.
#[cfg(feature = "hydrate")]
fn rated(messages: &[okchat::PublicMessage]) -> impl Iterator<Item = (String, Feedback)> + '_ {
    messages
        .iter()
        .filter_map(|m| Some((m.id.clone(), m.feedback?)))
}

/// The documents each stored answer drew on, for those that list any.
#[cfg(feature = "hydrate")]
fn sourced(messages: &[okchat::PublicMessage]) -> impl Iterator<Item = (String, Vec<String>)> + '_ {
    messages
        .iter()
        .filter(|m| !m.sources.is_empty())
        .map(|m| (m.id.clone(), m.sources.clone()))
}

/// The documents an answer drew on, folded away under their count.
#[component]
fn Sources(titles: Vec<String>, heading: String) -> impl IntoView {
    let count = titles.len();
    view! {
        <details
            class="pl-8 text-xs text-slate-600 dark:text-slate-400"
            data-testid="widget-sources"
        >
            <summary class="cursor-pointer rounded focus-visible:outline-2 focus-visible:outline-slate-500">
                {format!("{heading} ({count})")}
            </summary>
            <ul class="mt-1 list-disc pl-5">
                {titles.into_iter().map(|title| view! { <li>{title}</li> }).collect_view()}
            </ul>
        </details>
    }
}

/// A thumb, pointing up; the down thumb is the same turned over.
const THUMB: &str = "M7 10v11H4a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3zm2 11h8.3a2 2 0 0 0 2-1.6l1.3-6.6A2 2 0 0 0 18.6 10H14l.8-4.2A2 2 0 0 0 12.9 3.5L9 10v11z";

/// Thumbs up and down under an answer: pressing the chosen one again takes it back.
#[component]
fn Rating(
    message_id: String,
    ratings: RwSignal<ById<Feedback>>,
    on_rate: Callback<(String, Option<Feedback>)>,
    words: Strings,
) -> impl IntoView {
    let message_id = StoredValue::new(message_id);
    let current = move || ratings.with(|r| message_id.with_value(|id| find(r, id).copied()));
    let thumb = move |value: Feedback, label: String, turn: &'static str| {
        let chosen = move || current() == Some(value);
        view! {
            <button
                type="button"
                class=move || {
                    format!(
                        "rounded-full p-1 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-slate-500 dark:hover:bg-slate-700 {}",
                        if chosen() {
                            "text-slate-900 dark:text-white"
                        } else {
                            "text-slate-500 dark:text-slate-400"
                        },
                    )
                }
                aria-label=label.clone()
                title=label
                aria-pressed=move || chosen().to_string()
                data-testid=format!("widget-rate-{}", value.as_str())
                on:click=move |_| {
                    let next = if chosen() { None } else { Some(value) };
                    on_rate.run((message_id.get_value(), next));
                }
            >
                <svg
                    viewBox="0 0 24 24"
                    class=format!("h-4 w-4 {turn}")
                    fill=move || if chosen() { "currentColor" } else { "none" }
                    stroke="currentColor"
                    stroke-width="1.5"
                    aria-hidden="true"
                >
                    <path d=THUMB></path>
                </svg>
            </button>
        }
    };
    view! {
        <div class="flex gap-1 pl-8" role="group" aria-label=words.rate>
            {thumb(Feedback::Up, words.helpful, "")}
            {thumb(Feedback::Down, words.not_helpful, "rotate-180")}
        </div>
    }
}

/// A round icon button in the panel's header.
#[component]
fn HeaderButton(
    label: String,
    testid: &'static str,
    /// The icon's SVG path, drawn as a stroke.
    icon: &'static str,
    on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="rounded-full p-1.5 hover:bg-white/20 focus-visible:outline-2 focus-visible:outline-offset-2"
            on:click=move |_| on_click.run(())
            aria-label=label.clone()
            title=label
            data-testid=testid
        >
            <svg
                viewBox="0 0 24 24"
                class="h-5 w-5"
                fill="none"
                stroke="currentColor"
                stroke-width="2"
                aria-hidden="true"
            >
                <path d=icon></path>
            </svg>
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_put_again_replaces_the_first_and_none_takes_it_away() {
        let mut ratings = ById::new();
        put(&mut ratings, "m1", Some(Feedback::Up));
        put(&mut ratings, "m2", Some(Feedback::Up));
        put(&mut ratings, "m1", Some(Feedback::Down));
        assert_eq!(find(&ratings, "m1"), Some(&Feedback::Down));
        assert_eq!(ratings.len(), 2);
        put(&mut ratings, "m2", None);
        assert_eq!(find(&ratings, "m2"), None);
        assert_eq!(find(&ratings, "m1"), Some(&Feedback::Down));
        put(&mut ratings, "unknown", None);
        assert_eq!(ratings.len(), 1);
    }
}
