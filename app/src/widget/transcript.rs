//! The conversation inside the widget: the greeting, then each message in turn. An answer's
//! Markdown arrives rendered by the server (`markdown`, which the browser bundle does not
//! carry); without it the text is shown as it is. An answer still empty shows that the bot is
//! typing.
//! Answers are announced to screen readers once whole (`aria-live`, busy while one streams).

use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Author {
    Visitor,
    Bot,
    /// A person of the chatbot's team who took the conversation over.
    Person,
}

/// A message as shown. The transcript tells its rows apart by place and whole content: a row
/// whose message changed (streamed text, then the server's Markdown; an unsent turn whose
/// place a stored one took) is drawn again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Message {
    pub author: Author,
    pub text: String,
    /// The text's Markdown as safe HTML, when the server rendered it.
    pub html: Option<String>,
}

impl Message {
    pub fn new(author: Author, text: impl Into<String>) -> Self {
        Self {
            author,
            text: text.into(),
            html: None,
        }
    }
}

const ANSWER: &str = "max-w-[85%] rounded-2xl rounded-tl-sm bg-white px-3 py-2 text-slate-900 shadow-sm dark:bg-slate-800 dark:text-slate-100";

/// How Markdown reads inside an answer bubble: compact paragraphs and lists, visible links.
const MARKDOWN: &str = "min-w-0 break-words [&_p]:my-1 [&_ul]:my-1 [&_ul]:list-disc [&_ul]:pl-5 \
     [&_ol]:my-1 [&_ol]:list-decimal [&_ol]:pl-5 [&_a]:underline [&_code]:rounded \
     [&_code]:bg-slate-100 dark:[&_code]:bg-slate-700 [&_code]:px-1 [&_pre]:overflow-x-auto [&_h1]:font-semibold \
     [&_h2]:font-semibold [&_h3]:font-semibold [&_table]:text-xs [&_td]:border \
     [&_td]:px-1 [&_th]:border [&_th]:px-1";

/// Generic over what goes under a message (`B`) rather than taking an `AnyView`: erasing the
/// type keeps every way of rendering it (async hydration, server rendering) in the wasm, which
/// was 8.5 kB of the embedded widget's gzipped wasm.
#[component]
pub fn Transcript<B>(
    greeting: Signal<String>,
    messages: Signal<Vec<Message>>,
    /// The avatar beside answers; empty shows none.
    avatar: Signal<String>,
    /// The style of the visitor's bubbles (the secondary colour).
    visitor_fill: Memo<String>,
    /// What the host shows under the message at an index (the playground: the answer's
    /// sources and figures; the widget: the sources and the thumbs); `()` for nothing.
    below: Callback<usize, B>,
    /// What a screen reader hears while an answer is on its way.
    #[prop(into, default = "Typing…".into())]
    typing: String,
    /// While an answer streams in: the live region is busy, so a screen reader reads the
    /// answer once it is whole rather than each piece as it arrives.
    #[prop(optional, into)]
    busy: Signal<bool>,
) -> impl IntoView
where
    B: IntoView + 'static,
{
    let typing = StoredValue::new(typing);
    let bot_avatar = move || {
        let src = avatar.get();
        (!src.is_empty()).then(|| {
            view! {
                <img
                    src=src
                    alt=""
                    data-testid="widget-avatar"
                    class="h-6 w-6 shrink-0 rounded-full object-cover"
                />
            }
        })
    };
    let message = move |(i, m): (usize, Message)| {
        let visitor = m.author == Author::Visitor;
        let bubble = if visitor {
            Either::Left(view! {
                <p
                    class="max-w-[85%] rounded-2xl rounded-tr-sm px-3 py-2 break-words whitespace-pre-wrap"
                    style=move || visitor_fill.get()
                >
                    {m.text}
                </p>
            })
        } else if m.text.is_empty() {
            Either::Right(Either::Left(view! {
                <p class=ANSWER data-testid="widget-typing">
                    <span class="sr-only">{typing.get_value()}</span>
                    <span class="inline-flex gap-1" aria-hidden="true">
                        <span class="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400"></span>
                        <span class="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400 [animation-delay:150ms]"></span>
                        <span class="h-1.5 w-1.5 animate-bounce rounded-full bg-slate-400 [animation-delay:300ms]"></span>
                    </span>
                </p>
            }))
        } else if let Some(html) = m.html {
            Either::Right(Either::Right(Either::Left(
                view! { <div class=format!("{ANSWER} {MARKDOWN}") inner_html=html></div> },
            )))
        } else {
            Either::Right(Either::Right(Either::Right(
                view! { <p class=format!("{ANSWER} whitespace-pre-wrap break-words")>{m.text}</p> },
            )))
        };
        view! {
            <div
                class=if visitor { "flex flex-col items-end gap-1" } else { "flex flex-col gap-1" }
                data-testid="widget-message"
                data-author=match m.author {
                    Author::Visitor => "visitor",
                    Author::Bot => "bot",
                    Author::Person => "person",
                }
            >
                <div class=if visitor {
                    "flex items-end gap-2 self-end"
                } else {
                    "flex items-end gap-2 self-start"
                }>{(!visitor).then(bot_avatar)} {bubble}</div>
                {below.run(i)}
            </div>
        }
    };
    view! {
        <div
            class="flex flex-col gap-2"
            aria-live="polite"
            aria-busy=move || busy.get().to_string()
            data-testid="widget-transcript"
        >
            <div class="flex items-end gap-2 self-start">
                {bot_avatar} <p class=ANSWER data-testid="widget-greeting">
                    {move || greeting.get()}
                </p>
            </div>
            <For
                each=move || messages.get().into_iter().enumerate()
                key=|(i, m)| (*i, m.clone())
                children=message
            />
        </div>
    }
}
