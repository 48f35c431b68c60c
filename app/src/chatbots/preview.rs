//! Beside the form: the live preview, the chat widget itself on a desktop or phone host page,
//! light or dark, following every keystroke without a server call. Wide screens keep it in
//! view beside the form; narrow ones open it as a sheet over the form's lower part.

use leptos::prelude::*;

use crate::ui::switch::Switch;
use crate::widget::{Author, ChatWidget, Message, WidgetLook};

/// The id of the preview, which the narrow-screen toggle controls.
pub const PREVIEW_ID: &str = "preview";

/// The exchange the preview shows under the greeting.
fn sample_exchange() -> Vec<Message> {
    vec![
        Message::new(Author::Visitor, "What are your opening hours?"),
        Message::new(Author::Bot, "We're open Monday to Friday, 9:00 to 18:00."),
    ]
}

/// The widget as a visitor sees it, drawn from `look` on every change. `shown` opens it on
/// narrow screens (wide ones always show it).
#[component]
pub fn Preview(#[prop(into)] look: Signal<WidgetLook>, shown: RwSignal<bool>) -> impl IntoView {
    let mobile = RwSignal::new(false);
    let dark_host = RwSignal::new(false);
    let transcript = RwSignal::new(sample_exchange());
    // The preview answers for the bot: real answers come from the playground.
    let on_send = Callback::new(move |text: String| {
        transcript.update(|t| {
            t.push(Message::new(Author::Visitor, text));
            t.push(Message::new(
                Author::Bot,
                "This is the preview: open the Playground tab to chat with the bot.",
            ));
        });
    });
    let frame_class = move || {
        let size = if mobile.get() {
            "mx-auto h-[36rem] w-[20rem] rounded-[2rem] border-[10px] border-slate-800"
        } else {
            "h-[36rem] w-full rounded-lg border border-slate-300 dark:border-slate-700"
        };
        let host = if dark_host.get() {
            "bg-slate-900"
        } else {
            "bg-white"
        };
        format!("relative overflow-hidden shadow-sm {size} {host}")
    };
    let bar = move || {
        if dark_host.get() {
            "h-2.5 rounded bg-slate-700"
        } else {
            "h-2.5 rounded bg-slate-200"
        }
    };
    view! {
        // Room below the form on narrow screens, so every field can scroll above the sheet.
        <Show when=move || shown.get()>
            <div class="h-[40vh] lg:hidden" aria-hidden="true"></div>
        </Show>
        <aside
            id=PREVIEW_ID
            class=move || {
                if shown.get() {
                    "fixed inset-x-0 bottom-16 z-30 max-h-[40vh] overflow-y-auto rounded-t-2xl border-t border-slate-200 bg-slate-50 p-4 shadow-2xl dark:border-slate-800 dark:bg-slate-950 lg:sticky lg:inset-auto lg:top-20 lg:z-auto lg:max-h-none lg:self-start lg:overflow-visible lg:rounded-none lg:border-0 lg:bg-transparent lg:p-0 lg:shadow-none lg:dark:bg-transparent"
                } else {
                    "hidden lg:sticky lg:top-20 lg:block lg:self-start"
                }
            }
            aria-labelledby="preview-title"
        >
            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                <h2
                    id="preview-title"
                    class="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
                >
                    "Live preview"
                </h2>
                <div class="flex flex-wrap gap-2">
                    <Switch label="Preview device" value=mobile options=["Desktop", "Mobile"] />
                    <Switch
                        label="Host page theme"
                        value=dark_host
                        options=["Light page", "Dark page"]
                    />
                </div>
            </div>
            <div
                data-testid="preview-frame"
                data-device=move || if mobile.get() { "mobile" } else { "desktop" }
                data-host=move || if dark_host.get() { "dark" } else { "light" }
                class=frame_class
            >
                <Show when=move || !mobile.get()>
                    <div
                        class="flex items-center gap-1.5 border-b border-slate-300/60 bg-slate-100 px-3 py-2 dark:border-slate-700 dark:bg-slate-800"
                        aria-hidden="true"
                    >
                        <span class="h-2.5 w-2.5 rounded-full bg-red-400"></span>
                        <span class="h-2.5 w-2.5 rounded-full bg-amber-400"></span>
                        <span class="h-2.5 w-2.5 rounded-full bg-emerald-400"></span>
                        <span class="ml-2 flex-1 truncate rounded bg-white px-2 py-0.5 text-[10px] text-slate-600 dark:bg-slate-900 dark:text-slate-400">
                            "https://your-site.example"
                        </span>
                    </div>
                </Show>
                // A stand-in for the customer's page, so the widget is judged in context.
                <div class="space-y-3 p-5" aria-hidden="true">
                    <div class=move || format!("{} w-1/2", bar())></div>
                    <div class=move || format!("{} w-full", bar())></div>
                    <div class=move || format!("{} w-5/6", bar())></div>
                    <div class=move || format!("{} w-2/3", bar())></div>
                </div>
                <div class="absolute right-3 bottom-3 left-3 flex justify-end">
                    <ChatWidget
                        look
                        open=Signal::stored(true)
                        transcript
                        on_send
                        label="Chat widget preview"
                    />
                </div>
            </div>
        </aside>
    }
}
