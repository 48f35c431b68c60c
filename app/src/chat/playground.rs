//! `/chatbots/{id}/playground`: the owner talks to the bot as a visitor would, in the widget's
//! own transcript and composer, the answer appearing as it streams. Under each answer: the
//! chunks it was given (score bars against the threshold, linked to their document), the model,
//! the tokens and the time to the first token. "New conversation" starts a fresh session.

use leptos::either::Either;
use leptos::prelude::*;

use super::events::PlaygroundEvent;
use super::server_fns::{load_playground, PlaygroundSetup};
use crate::chatbots::draft::look_from;
use crate::chatbots::shell::use_chatbot;
use crate::knowledge::server_fns::Retrieved;
use crate::knowledge::tester::ResultCard;
use crate::ui::frame::PreloadIsland;
use crate::ui::page_error::PageError;
use crate::widget::composer::Composer;
use crate::widget::look::paints;
use crate::widget::transcript::Transcript;
use crate::widget::{Author, Message, WidgetLook};

#[component]
pub fn PlaygroundTab() -> impl IntoView {
    let chatbot = use_chatbot();
    let setup = Resource::new_blocking(
        move || (),
        move |()| async move {
            let page = chatbot.await?;
            let setup = load_playground(page.id.clone()).await?;
            Ok::<_, crate::error::AppError>((page, setup))
        },
    );
    view! {
        <PreloadIsland island="playground_chat" />
        <Suspense fallback=|| {
            view! { <p class="text-slate-600 dark:text-slate-400">"Loading the playground…"</p> }
        }>
            <ErrorBoundary fallback=|errors| {
                view! { <PageError errors /> }
            }>
                {move || Suspend::new(async move {
                    setup
                        .await
                        .map(|(page, setup)| {
                            let look = look_from(
                                |key| page.values.get(key).cloned().unwrap_or_default(),
                                page.avatar.clone(),
                            );
                            view! {
                                <PlaygroundChat chatbot_id=page.id active=page.active look setup />
                            }
                        })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// What the playground learned of one answer.
#[derive(Debug, Clone, Default, PartialEq)]
struct Answer {
    /// The visitor's message it answers (the sources mark its words).
    question: String,
    sources: Vec<Retrieved>,
    model: Option<String>,
    provider: Option<String>,
    /// As the backend measured it, and as this browser saw it.
    server_first_token_ms: Option<u64>,
    first_token_ms: Option<u64>,
    tokens: Option<(u64, u64)>,
    reason: Option<String>,
    failed: Option<String>,
}

impl Answer {
    fn apply(&mut self, event: PlaygroundEvent, message: &mut Message, elapsed_ms: u64) {
        match event {
            PlaygroundEvent::Text { delta, html } => {
                self.first_token_ms.get_or_insert(elapsed_ms);
                message.text.push_str(&delta);
                message.html = Some(html);
            }
            PlaygroundEvent::Sources { chunks } => {
                for chunk in chunks {
                    let known = self.sources.iter().any(|s| {
                        s.document_id == chunk.document_id && s.chunk_index == chunk.chunk_index
                    });
                    if !known {
                        self.sources.push(chunk);
                    }
                }
            }
            PlaygroundEvent::Answered {
                model,
                provider,
                first_token_ms,
            } => {
                self.model = model;
                self.provider = provider;
                self.server_first_token_ms = first_token_ms;
            }
            PlaygroundEvent::Finished {
                reason,
                prompt_tokens,
                completion_tokens,
            } => {
                self.tokens = Some((prompt_tokens, completion_tokens));
                self.reason = Some(reason);
            }
            PlaygroundEvent::Failed { message } => self.failed = Some(message),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Turn {
    message: Message,
    /// Bot turns only.
    answer: Option<Answer>,
}

/// The figures under an answer, as badges.
fn figures(answer: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    match (&answer.model, &answer.provider) {
        (Some(model), Some(provider)) => out.push(format!("{model} · {provider}")),
        (Some(model), None) => out.push(model.clone()),
        (None, Some(provider)) => out.push(provider.clone()),
        (None, None) => {}
    }
    if let Some((prompt, completion)) = answer.tokens {
        out.push(format!(
            "{} tokens ({prompt} in, {completion} out)",
            prompt + completion
        ));
    }
    match (answer.first_token_ms, answer.server_first_token_ms) {
        (Some(seen), Some(server)) => {
            out.push(format!("first token {seen} ms (server {server} ms)"))
        }
        (Some(seen), None) => out.push(format!("first token {seen} ms")),
        (None, Some(server)) => out.push(format!("first token {server} ms (server)")),
        (None, None) => {}
    }
    if let Some(reason) = answer.reason.as_deref().filter(|r| *r != "stop") {
        out.push(format!("finished: {reason}"));
    }
    out
}

/// A new session token: 128 random bits from the browser, as a UUID.
fn new_session() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| format!("playground-{}", c.random_uuid()))
        .unwrap_or_else(|| format!("playground-{}", js_sys::Date::now()))
}

#[island(lazy)]
fn PlaygroundChat(
    chatbot_id: String,
    active: bool,
    look: WidgetLook,
    setup: PlaygroundSetup,
) -> impl IntoView {
    let id = StoredValue::new(chatbot_id);
    let setup = StoredValue::new(setup);
    let turns = RwSignal::new(Vec::<Turn>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // Each conversation's number: a stream still running for an earlier one is dropped.
    let conversation = RwSignal::new(0_u32);
    let session = StoredValue::new(None::<String>);
    let (primary, secondary) = paints(&look);
    let messages = Signal::derive(move || {
        turns
            .read()
            .iter()
            .map(|t| t.message.clone())
            .collect::<Vec<_>>()
    });

    let on_send = Callback::new(move |text: String| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let generation = conversation.get_untracked();
        let at = turns.with_untracked(Vec::len) + 1;
        turns.update(|t| {
            t.push(Turn {
                message: Message::new(Author::Visitor, text.clone()),
                answer: None,
            });
            t.push(Turn {
                message: Message::new(Author::Bot, ""),
                answer: Some(Answer {
                    question: text.clone(),
                    ..Answer::default()
                }),
            });
        });
        let token = session.get_value().unwrap_or_else(new_session);
        session.set_value(Some(token.clone()));
        leptos::task::spawn_local(async move {
            stream_answer(
                id.get_value(),
                token,
                text,
                generation,
                at,
                turns,
                conversation,
                error,
            )
            .await;
            if conversation.get_untracked() == generation {
                busy.set(false);
            }
        });
    });

    let new_conversation = move |_| {
        conversation.update(|n| *n += 1);
        session.set_value(None);
        turns.set(Vec::new());
        error.set(None);
        busy.set(false);
    };

    let below = Callback::new(move |i: usize| {
        view! { <AnswerDetails turns i chatbot_id=id.get_value() setup=setup.get_value() /> }
    });

    // Follow the answer as it grows.
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        turns.track();
        if let Some(element) = scroller.get() {
            element.set_scroll_top(element.scroll_height());
        }
    });

    // Tests wait for this: the lazy island may hydrate after the rest of the page.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));

    let greeting = look.greeting.clone();
    let avatar = look.avatar.clone();
    view! {
        <section
            data-ready=move || ready.get().to_string()
            class="flex flex-col overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
            aria-labelledby="playground-title"
            data-testid="playground"
        >
            <div class="flex flex-wrap items-center gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
                <div class="min-w-0 flex-1">
                    <h2 id="playground-title" class="font-semibold">
                        "Playground"
                    </h2>
                    <p class="text-sm text-slate-600 dark:text-slate-400">
                        "Chat as a visitor would. Under each answer: the passages it was given, the model, tokens and timing."
                    </p>
                </div>
                <button
                    type="button"
                    class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                    on:click=new_conversation
                    data-testid="new-conversation"
                >
                    "New conversation"
                </button>
            </div>
            {(!active)
                .then(|| {
                    view! {
                        <p class="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
                            "This chatbot is paused: it answers nobody until it is switched on in Settings."
                        </p>
                    }
                })}
            <div
                node_ref=scroller
                class="h-[28rem] overflow-y-auto bg-slate-50 px-4 py-4 text-sm text-slate-900 sm:h-[34rem] dark:bg-slate-950 dark:text-slate-100"
            >
                <Transcript
                    greeting=Signal::stored(greeting)
                    messages
                    avatar=Signal::stored(avatar)
                    visitor_fill=secondary
                    below
                    busy
                />
            </div>
            <Show when=move || error.read().is_some()>
                <p
                    role="alert"
                    class="border-t border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
                    data-testid="playground-error"
                >
                    {move || error.get()}
                </p>
            </Show>
            <div class="bg-white" aria-busy=move || busy.get().to_string()>
                <Composer on_send button_fill=primary busy />
            </div>
        </section>
    }
}

/// Streams the answer to the message into `turns[at]`, unless the conversation changed.
#[allow(clippy::too_many_arguments)]
async fn stream_answer(
    chatbot_id: String,
    session: String,
    text: String,
    generation: u32,
    at: usize,
    turns: RwSignal<Vec<Turn>>,
    conversation: RwSignal<u32>,
    error: RwSignal<Option<String>>,
) {
    use futures_util::StreamExt;

    let current = move || conversation.get_untracked() == generation;
    let started = js_sys::Date::now();
    let elapsed = move || (js_sys::Date::now() - started).max(0.0) as u64;
    let apply = move |event: PlaygroundEvent| {
        turns.update(|t| {
            if let Some(Turn {
                message,
                answer: Some(answer),
            }) = t.get_mut(at)
            {
                answer.apply(event, message, elapsed());
            }
        });
    };
    let fail = move |message: String| {
        // An answer with nothing said yet is taken back; one cut short keeps its text.
        turns.update(|t| {
            if t.get(at).is_some_and(|turn| turn.message.text.is_empty()) {
                t.truncate(at);
            }
        });
        error.set(Some(message));
    };
    let stream = match super::server_fns::playground_chat(chatbot_id, session, text).await {
        Ok(stream) => stream,
        Err(e) => {
            if current() {
                fail(e.to_string());
            }
            return;
        }
    };
    let mut bytes = stream.into_inner();
    let mut lines = okchat::chat::LineSplitter::new();
    let mut failure = None;
    while let Some(chunk) = bytes.next().await {
        if !current() {
            return;
        }
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                failure = Some(format!("The answer broke off: {e}"));
                break;
            }
        };
        for line in lines.push(&chunk) {
            match serde_json::from_slice::<PlaygroundEvent>(&line) {
                Ok(PlaygroundEvent::Failed { message }) => failure = Some(message),
                Ok(event) => apply(event),
                Err(_) => failure = Some("The console sent an answer it cannot read.".into()),
            }
        }
    }
    if let Some(line) = lines.finish() {
        if let Ok(event) = serde_json::from_slice::<PlaygroundEvent>(&line) {
            apply(event);
        }
    }
    if let Some(message) = failure.filter(|_| current()) {
        fail(message);
    }
}

/// Under a bot answer: its figures and the chunks it was given.
#[component]
fn AnswerDetails(
    turns: RwSignal<Vec<Turn>>,
    i: usize,
    chatbot_id: String,
    setup: PlaygroundSetup,
) -> impl IntoView {
    let answer = Memo::new(move |_| turns.read().get(i).and_then(|t| t.answer.clone()));
    move || {
        let answer = answer.get()?;
        let badges = figures(&answer)
            .into_iter()
            .map(|text| {
                view! {
                    <span class="rounded-full bg-slate-200 px-2 py-0.5 text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                        {text}
                    </span>
                }
            })
            .collect_view();
        let finished = answer.tokens.is_some();
        let count = answer.sources.len();
        let sources = if count == 0 {
            Either::Left(finished.then(|| {
                view! {
                    <p class="text-xs text-slate-600" data-testid="no-sources">
                        "No passage of the knowledge base reached the threshold."
                    </p>
                }
            }))
        } else {
            let cards = answer
                .sources
                .iter()
                .cloned()
                .map(|result| {
                    view! {
                        <ResultCard
                            result
                            dimmed=false
                            chatbot_id=chatbot_id.clone()
                            query=answer.question.clone()
                            threshold=setup.threshold.clone()
                            threshold_percent=setup.threshold_percent
                        />
                    }
                })
                .collect_view();
            Either::Right(view! {
                <details class="rounded-md bg-white text-slate-900 dark:bg-slate-900 dark:text-slate-100">
                    <summary class="cursor-pointer px-2 py-1 text-xs font-medium text-indigo-700 dark:text-indigo-300">
                        {if count == 1 {
                            "1 source".to_owned()
                        } else {
                            format!("{count} sources")
                        }}
                    </summary>
                    <ol class="space-y-2 p-2" data-testid="answer-sources">
                        {cards}
                    </ol>
                </details>
            })
        };
        let failed = answer.failed.clone().map(|message| {
            view! { <p class="text-xs text-red-700">{message}</p> }
        });
        Some(view! {
            <div class="ml-8 flex max-w-[85%] flex-col gap-1" data-testid="answer-details">
                <div class="flex flex-wrap gap-1 text-xs" data-testid="answer-figures">
                    {badges}
                </div>
                {sources}
                {failed}
            </div>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_build_the_answer_and_its_figures() {
        let mut answer = Answer::default();
        let mut message = Message::new(Author::Bot, "");
        let chunk = |index| Retrieved {
            document_id: Some("d".into()),
            title: "returns".into(),
            chunk_index: Some(index),
            segments: Vec::new(),
            score: "0.80".into(),
            percent: 80,
        };
        for (event, at) in [
            (
                PlaygroundEvent::Sources {
                    chunks: vec![chunk(1), chunk(2)],
                },
                3,
            ),
            (
                PlaygroundEvent::Text {
                    delta: "Refunds ".into(),
                    html: "<p>Refunds</p>".into(),
                },
                41,
            ),
            (
                PlaygroundEvent::Text {
                    delta: "take 14 days.".into(),
                    html: "<p>Refunds take 14 days.</p>".into(),
                },
                60,
            ),
            (
                PlaygroundEvent::Sources {
                    chunks: vec![chunk(2), chunk(3)],
                },
                61,
            ),
            (
                PlaygroundEvent::Answered {
                    model: Some("extractive".into()),
                    provider: Some("local".into()),
                    first_token_ms: Some(6),
                },
                70,
            ),
            (
                PlaygroundEvent::Finished {
                    reason: "length".into(),
                    prompt_tokens: 120,
                    completion_tokens: 8,
                },
                71,
            ),
        ] {
            answer.apply(event, &mut message, at);
        }
        assert_eq!(message.text, "Refunds take 14 days.");
        assert_eq!(
            message.html.as_deref(),
            Some("<p>Refunds take 14 days.</p>")
        );
        assert_eq!(
            answer.sources.len(),
            3,
            "a chunk found twice is listed once"
        );
        assert_eq!(
            figures(&answer),
            [
                "extractive · local",
                "128 tokens (120 in, 8 out)",
                "first token 41 ms (server 6 ms)",
                "finished: length",
            ]
        );
    }
}
