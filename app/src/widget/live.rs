//! The widget a visitor chats in: the chatbot's page that `/widget.js` opens in a frame on the
//! owner's site. The same transcript and composer as the console's preview and playground,
//! now talking to the public routes from the browser: the greeting, answers streamed and then
//! shown as the server's safe Markdown, a person's replies picked up every 2 seconds, a new
//! conversation on demand, the conversation kept for the tab.

// The widget's state is used by its handlers, which talk to the network and run only in the
// browser; the server renders the same island without them.
#![cfg_attr(not(feature = "hydrate"), allow(unused_variables))]

use leptos::prelude::*;

use super::composer::Composer;
use super::look::{initial, paints, WidgetLook};
use super::transcript::{Author, Message, Transcript};

/// How often the widget looks for a person's replies.
#[cfg(feature = "hydrate")]
const POLL_MS: u32 = 2_000;

#[island(lazy)]
pub fn LiveWidget(chatbot_id: String, look: WidgetLook) -> impl IntoView {
    let id = StoredValue::new(chatbot_id);
    // (server id, message); an id is `None` until the server has stored the message.
    let entries = RwSignal::new(Vec::<(Option<String>, Message)>::new());
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<String>);
    let token = StoredValue::new(None::<String>);
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
        leptos::task::spawn_local(async move {
            match super::visitor::thread(&id.get_value(), &session, None).await {
                Ok(stored) => {
                    entries.set(
                        stored
                            .iter()
                            .map(super::visitor::to_message)
                            .map(|(id, m)| (Some(id), m))
                            .collect(),
                    );
                }
                Err(problem) => trouble.set(Some(problem.sentence())),
            }
        });
    };

    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(given) = super::visitor::given_session() {
            token.set_value(Some(given));
            reload();
        }
        let poll = move || {
            if busy.get_untracked() {
                return;
            }
            let Some(session) = token.get_value() else {
                return;
            };
            // Until the server has stored the newest message (an answer being written), there
            // is no id to ask after: the reload at its end brings everything.
            let last = match entries.with_untracked(|e| e.last().map(|(id, _)| id.clone())) {
                Some(None) => return,
                Some(Some(id)) => Some(id),
                None => None,
            };
            leptos::task::spawn_local(async move {
                if let Ok(news) =
                    super::visitor::thread(&id.get_value(), &session, last.as_deref()).await
                {
                    let unchanged =
                        entries.with_untracked(|e| e.last().and_then(|(id, _)| id.clone()) == last);
                    if !news.is_empty() && !busy.get_untracked() && unchanged {
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

    let on_send = Callback::new(move |text: String| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        trouble.set(None);
        entries.update(|e| {
            e.push((None, Message::new(Author::Visitor, text.clone())));
            e.push((None, Message::new(Author::Bot, "")));
        });
        #[cfg(feature = "hydrate")]
        {
            let session = token
                .get_value()
                .unwrap_or_else(super::visitor::new_session);
            token.set_value(Some(session.clone()));
            leptos::task::spawn_local(async move {
                let answered = super::visitor::say(&id.get_value(), &session, &text, |delta| {
                    entries.update(|e| {
                        if let Some((_, answer)) = e.last_mut() {
                            answer.text.push_str(delta);
                        }
                    })
                })
                .await;
                busy.set(false);
                match answered {
                    Ok(()) => reload(),
                    Err(problem) => {
                        // The unanswered turn goes; what was sent stays in the box's history.
                        entries.update(|e| {
                            if e.last().is_some_and(|(_, m)| m.text.is_empty()) {
                                e.pop();
                            }
                        });
                        trouble.set(Some(problem.sentence()));
                    }
                }
            });
        }
    });

    let new_conversation = move |()| {
        #[cfg(feature = "hydrate")]
        token.set_value(Some(super::visitor::new_session()));
        entries.set(Vec::new());
        trouble.set(None);
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
            aria-label=format!("Chat with {}", look.name)
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
                    label="New conversation"
                    testid="widget-new-conversation"
                    icon="M12 5v14M5 12h14"
                    on_click=Callback::new(new_conversation)
                />
                <HeaderButton
                    label="Close chat"
                    testid="widget-close"
                    icon="M6 6l12 12M18 6L6 18"
                    on_click=Callback::new(close)
                />
            </header>
            <div
                node_ref=scroller
                class="flex-1 overflow-y-auto bg-slate-50 px-4 py-4 text-sm text-slate-900"
            >
                <Transcript
                    greeting=Signal::stored(look.greeting.clone())
                    messages
                    avatar=Signal::stored(look.avatar.clone())
                    visitor_fill=secondary
                />
            </div>
            <Show when=move || trouble.read().is_some()>
                <p
                    role="alert"
                    class="border-t border-amber-300 bg-amber-50 px-4 py-2 text-xs text-amber-900"
                    data-testid="widget-trouble"
                >
                    {move || trouble.get()}
                </p>
            </Show>
            <Composer on_send button_fill=primary busy=busy />
        </section>
    }
}

/// A round icon button in the panel's header.
#[component]
fn HeaderButton(
    label: &'static str,
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
            aria-label=label
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
