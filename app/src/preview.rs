//! Beside the form: the live preview (the chat widget itself on a desktop or phone host page,
//! light or dark) and the embed card with the `<script>` tag and a copy button.

use leptos::prelude::*;

use crate::widget::{ChatWidget, WidgetLook};

/// Two or more mutually exclusive buttons (`aria-pressed`), for view switches.
#[component]
fn Switch(
    /// What the group switches, for assistive technology.
    label: &'static str,
    value: RwSignal<bool>,
    /// The texts for `false` and `true`.
    options: [&'static str; 2],
) -> impl IntoView {
    let button = move |text: &'static str, on: bool| {
        view! {
            <button
                type="button"
                class="px-2.5 py-1 text-xs font-medium first:rounded-l-md last:rounded-r-md aria-pressed:bg-indigo-600 aria-pressed:text-white"
                aria-pressed=move || (value.get() == on).to_string()
                on:click=move |_| value.set(on)
            >
                {text}
            </button>
        }
    };
    view! {
        <div role="group" aria-label=label class="inline-flex rounded-md border border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900">
            {button(options[0], false)}
            {button(options[1], true)}
        </div>
    }
}

/// The widget as a visitor sees it, drawn from `look` on every change.
#[component]
pub fn Preview(#[prop(into)] look: Signal<WidgetLook>) -> impl IntoView {
    let mobile = RwSignal::new(false);
    let dark_host = RwSignal::new(false);
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
        <aside class="lg:sticky lg:top-6 lg:self-start" aria-labelledby="preview-title">
            <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
                <h2 id="preview-title" class="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
                    "Live preview"
                </h2>
                <div class="flex flex-wrap gap-2">
                    <Switch label="Preview device" value=mobile options=["Desktop", "Mobile"]/>
                    <Switch label="Host page theme" value=dark_host options=["Light page", "Dark page"]/>
                </div>
            </div>
            <div
                data-testid="preview-frame"
                data-device=move || if mobile.get() { "mobile" } else { "desktop" }
                data-host=move || if dark_host.get() { "dark" } else { "light" }
                class=frame_class
            >
                <Show when=move || !mobile.get()>
                    <div class="flex items-center gap-1.5 border-b border-slate-300/60 bg-slate-100 px-3 py-2 dark:border-slate-700 dark:bg-slate-800" aria-hidden="true">
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
                    <ChatWidget look open=Signal::stored(true)/>
                </div>
            </div>
        </aside>
    }
}

/// The `<script>` tag that puts this chatbot on a site, with a copy button.
#[component]
pub fn EmbedCard(#[prop(into)] snippet: Signal<String>) -> impl IntoView {
    // None: not copied yet; Some(true): copied; Some(false): the browser refused (the text
    // is selected instead, ready for Ctrl+C).
    let copied = RwSignal::new(None::<bool>);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let text = snippet.get_untracked();
            leptos::task::spawn_local(async move {
                let ok = copy_to_clipboard(&text).await;
                if !ok {
                    if let Some(area) = area.get_untracked() {
                        area.select();
                    }
                }
                copied.set(Some(ok));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (snippet, area);
    };
    view! {
        <section class="mt-10 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-labelledby="embed-title">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h2 id="embed-title" class="font-semibold">"Embed on your site"</h2>
                <button
                    type="button"
                    class="rounded-md border border-slate-300 px-3 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                    on:click=copy
                >
                    "Copy embed code"
                </button>
            </div>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "Paste this before the closing </body> tag. The widget only answers while the chatbot is public and active."
            </p>
            <label for="embed-code" class="sr-only">"Embed code"</label>
            <textarea
                id="embed-code"
                node_ref=area
                readonly
                rows="10"
                class="mt-3 block w-full rounded-md border border-slate-300 bg-slate-50 p-3 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
                data-testid="embed-code"
                prop:value=move || snippet.get()
            >
                {snippet.get_untracked()}
            </textarea>
            <p role="status" class="mt-2 min-h-5 text-sm" data-testid="embed-status">
                {move || match copied.get() {
                    Some(true) => "Copied to the clipboard.",
                    Some(false) => "Your browser blocked the clipboard: the code is selected, press Ctrl+C.",
                    None => "",
                }}
            </p>
        </section>
    }
}

/// Writes `text` to the clipboard; false when the browser has no clipboard here (plain http
/// on another host) or refuses.
#[cfg(feature = "hydrate")]
async fn copy_to_clipboard(text: &str) -> bool {
    use wasm_bindgen::JsValue;
    let navigator = window().navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has_clipboard {
        return false;
    }
    let promise = navigator.clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
