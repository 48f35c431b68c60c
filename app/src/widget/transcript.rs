//! The conversation inside the widget: the greeting, then each message in turn. Answers are
//! announced to screen readers as they arrive (`aria-live`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Author {
    Visitor,
    Bot,
    /// A person of the chatbot's team who took the conversation over.
    Person,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub author: Author,
    pub text: String,
}

impl Message {
    pub fn new(author: Author, text: impl Into<String>) -> Self {
        Self {
            author,
            text: text.into(),
        }
    }
}

const ANSWER: &str = "max-w-[85%] rounded-2xl rounded-tl-sm bg-white px-3 py-2 shadow-sm";

#[component]
pub fn Transcript(
    greeting: Signal<String>,
    messages: Signal<Vec<Message>>,
    /// The avatar beside answers; empty shows none.
    avatar: Signal<String>,
    /// The style of the visitor's bubbles (the secondary colour).
    visitor_fill: Memo<String>,
) -> impl IntoView {
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
    let message = move |(_, m): (usize, Message)| {
        let visitor = m.author == Author::Visitor;
        view! {
            <div
                class=if visitor {
                    "flex items-end gap-2 self-end"
                } else {
                    "flex items-end gap-2 self-start"
                }
                data-testid="widget-message"
                data-author=match m.author {
                    Author::Visitor => "visitor",
                    Author::Bot => "bot",
                    Author::Person => "person",
                }
            >
                {(!visitor).then(bot_avatar)}
                <p
                    class=if visitor {
                        "max-w-[85%] rounded-2xl rounded-tr-sm px-3 py-2"
                    } else {
                        ANSWER
                    }
                    style=move || if visitor { visitor_fill.get() } else { String::new() }
                >
                    {m.text}
                </p>
            </div>
        }
    };
    view! {
        <div class="flex flex-col gap-2" aria-live="polite" data-testid="widget-transcript">
            <div class="flex items-end gap-2 self-start">
                {bot_avatar} <p class=ANSWER data-testid="widget-greeting">
                    {move || greeting.get()}
                </p>
            </div>
            <For
                each=move || messages.get().into_iter().enumerate()
                key=|(i, m)| (*i, m.text.len())
                children=message
            />
        </div>
    }
}
