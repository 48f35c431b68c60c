//! The chat widget: launcher bubble and open panel. The console's live preview, its playground
//! and the widget embedded on customers' sites render this one component: the look comes from
//! the chatbot's branding, the transcript and what happens on Send from whoever hosts it.

pub mod composer;
#[cfg(feature = "live-widget")]
pub mod live;
pub mod look;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod page;
pub mod strings;
pub mod transcript;
#[cfg(feature = "live-widget")]
pub mod visitor;

use leptos::either::Either;
use leptos::prelude::*;

pub use look::WidgetLook;
pub use transcript::{Author, Message};

use composer::Composer;
use look::{fill, initial, usable};
use transcript::Transcript;

/// The chat widget drawn from `look`, showing `transcript`; `on_send` receives what the
/// visitor sends.
#[component]
pub fn ChatWidget(
    /// The widget's appearance; every change repaints at once.
    #[prop(into)]
    look: Signal<WidgetLook>,
    /// Whether the chat panel is open.
    #[prop(into)]
    open: Signal<bool>,
    /// The messages after the greeting, oldest first.
    #[prop(into)]
    transcript: Signal<Vec<Message>>,
    on_send: Callback<String>,
    /// What assistive technology calls the panel.
    #[prop(default = "Chat")]
    label: &'static str,
) -> impl IntoView {
    // Each colour becomes its style once per change; several elements paint with it.
    let primary_fill = Memo::new(move |_| {
        fill(&usable(
            &look.read().primary_color,
            okchat::defaults::PRIMARY_COLOR,
        ))
    });
    let secondary_fill = Memo::new(move |_| {
        fill(&usable(
            &look.read().secondary_color,
            okchat::defaults::SECONDARY_COLOR,
        ))
    });
    let logo = move || {
        let look = look.read();
        if look.logo.trim().is_empty() {
            Either::Left(view! {
                <span
                    data-testid="widget-logo"
                    class="flex h-9 w-9 items-center justify-center rounded-full bg-white/25 text-sm font-bold"
                    aria-hidden="true"
                >
                    {initial(&look.name)}
                </span>
            })
        } else {
            Either::Right(view! {
                <img
                    data-testid="widget-logo"
                    src=look.logo.clone()
                    alt=""
                    class="h-9 w-9 rounded-full bg-white object-cover"
                />
            })
        }
    };
    view! {
        <div
            data-testid="widget-preview"
            class="flex max-w-full min-w-0 flex-col items-end gap-3 font-sans"
        >
            <Show when=move || open.get()>
                <div
                    class="flex w-80 max-w-full flex-col overflow-hidden rounded-2xl border border-slate-200 bg-white text-slate-900 shadow-xl dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
                    role="group"
                    aria-label=label
                >
                    <div
                        data-testid="widget-header"
                        class="flex items-center gap-3 px-4 py-3"
                        style=move || primary_fill.get()
                    >
                        {logo}
                        <div class="min-w-0">
                            <p class="truncate font-semibold" data-testid="widget-header-text">
                                {move || look.read().header.clone()}
                            </p>
                            <p class="truncate text-xs opacity-90" data-testid="widget-slogan">
                                {move || look.read().slogan.clone()}
                            </p>
                        </div>
                    </div>
                    <div class="flex flex-col gap-2 bg-slate-50 px-4 py-4 text-sm dark:bg-slate-950">
                        <p
                            class="text-xs font-medium text-slate-600 dark:text-slate-400"
                            data-testid="widget-name"
                        >
                            {move || look.read().name.clone()}
                        </p>
                        <Transcript
                            greeting=Signal::derive(move || look.read().greeting.clone())
                            messages=transcript
                            avatar=Signal::derive(move || look.read().avatar.clone())
                            visitor_fill=secondary_fill
                            below=Callback::new(|_| ())
                        />
                    </div>
                    <Composer on_send button_fill=primary_fill />
                </div>
            </Show>
            <span
                data-testid="widget-launcher"
                class="flex h-14 w-14 items-center justify-center rounded-full shadow-lg"
                style=move || primary_fill.get()
                role="img"
                aria-label="Chat launcher"
            >
                <svg viewBox="0 0 24 24" class="h-7 w-7" fill="currentColor" aria-hidden="true">
                    <path d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"></path>
                </svg>
            </span>
        </div>
    }
}
