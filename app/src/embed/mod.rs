//! The Embed tab: the `<script>` tag that puts a chatbot's widget on a site, with okchat's
//! `data-*` attributes filled from the saved branding, a copy button, whether visitors can
//! chat now, and a test page that runs the tag (`try_page`).

#[cfg(feature = "ssr")]
pub mod try_page;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, StaticSegment};

use crate::chatbots::schema::Values;
use crate::chatbots::shell::use_chatbot;
use crate::ui::format::escape_html;

/// The tab's route under a chatbot's page.
#[component(transparent)]
pub fn EmbedRoutes() -> impl MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("embed") view=EmbedTab /> }.into_inner()
}

/// The embed snippet for a chatbot: okchat's `data-*` attributes on one script tag. An empty
/// widget name or header shows the chatbot's name, as the widget does.
pub fn embed_snippet(script_url: &str, chatbot_id: &str, values: &Values) -> String {
    let value = |key: &str| values.get(key).map(String::as_str).unwrap_or("");
    let or_name = |key: &str| crate::widget::look::or_name(value(key), value("name")).to_owned();
    let mut out = format!("<script src=\"{}\" defer\n", escape_html(script_url));
    for (attribute, text) in [
        ("chatbot-id", chatbot_id.to_owned()),
        ("header", or_name("header")),
        ("logo", value("logo").trim().to_owned()),
        ("name", or_name("widget_name")),
        ("slogan", value("slogan").to_owned()),
        ("primary-color", value("primary_color").to_owned()),
        ("secondary-color", value("secondary_color").to_owned()),
        ("language", value("language").to_owned()),
    ] {
        out.push_str(&format!("  data-{attribute}=\"{}\"\n", escape_html(&text)));
    }
    out.push_str("></script>");
    out
}

/// The console's test page that runs a chatbot's embed code (`try_page`).
pub fn try_href(chatbot_id: &str) -> String {
    format!("/chatbots/{chatbot_id}/embed/try")
}

#[component]
fn EmbedTab() -> impl IntoView {
    let chatbot = use_chatbot();
    view! {
        <crate::ui::frame::PreloadIsland island="embed_card" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                chatbot
                    .await
                    .ok()
                    .map(|page| {
                        let snippet = embed_snippet(&page.script_url, &page.id, &page.values);
                        view! {
                            <div class="space-y-4">
                                <Availability is_public=page.is_public active=page.active />
                                <EmbedCard snippet />
                                <TryIt chatbot_id=page.id />
                            </div>
                        }
                    })
            })}
        </Suspense>
    }
}

/// Whether visitors can chat through the tag right now, as a badge with the reason.
#[component]
fn Availability(is_public: bool, active: bool) -> impl IntoView {
    let (badge, class, text) = match (is_public, active) {
        (true, true) => (
            "Live",
            "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
            "Visitors on your sites can chat with this chatbot.",
        ),
        (false, _) => (
            "Private",
            "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
            "The widget shows \"not available\" until you make the chatbot public (Settings, Basics).",
        ),
        (true, false) => (
            "Paused",
            "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
            "The widget shows \"not available\" until the chatbot is active again.",
        ),
    };
    view! {
        <p class="flex flex-wrap items-center gap-2 text-sm" data-testid="embed-availability">
            <span class=format!(
                "rounded-full px-2 py-0.5 text-xs font-semibold {class}",
            )>{badge}</span>
            <span class="text-slate-700 dark:text-slate-300">{text}</span>
        </p>
    }
}

/// The link to the test page that runs the tag.
#[component]
fn TryIt(chatbot_id: String) -> impl IntoView {
    view! {
        <section
            class="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
            aria-labelledby="try-title"
        >
            <h2 id="try-title" class="font-semibold">
                "Try it"
            </h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                "A plain page served by chatdeck with only this code on it, as a page of your site would have. The widget's allowed sites always include chatdeck itself."
            </p>
            <a
                href=try_href(&chatbot_id)
                target="_blank"
                rel="noopener"
                class="mt-3 inline-block rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
                data-testid="embed-try"
            >
                "Open the test page"
            </a>
        </section>
    }
}

/// The `<script>` tag that puts this chatbot on a site, with a copy button: an island of its
/// own, with its own wasm chunk.
#[island(lazy)]
fn EmbedCard(snippet: String) -> impl IntoView {
    // None: not copied yet; Some(true): copied; Some(false): the browser refused (the text
    // is selected instead, ready for Ctrl+C).
    let copied = RwSignal::new(None::<bool>);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let snippet = StoredValue::new(snippet);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let text = snippet.get_value();
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
    };
    view! {
        <section
            class="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
            aria-labelledby="embed-title"
        >
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h2 id="embed-title" class="font-semibold">
                    "Embed on your site"
                </h2>
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
            <label for="embed-code" class="sr-only">
                "Embed code"
            </label>
            <textarea
                id="embed-code"
                node_ref=area
                readonly
                rows="10"
                class="mt-3 block w-full rounded-md border border-slate-300 bg-slate-50 p-3 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
                data-testid="embed-code"
            >

                {snippet.get_value()}
            </textarea>
            <p role="status" class="mt-2 min-h-5 text-sm" data-testid="embed-status">
                {move || match copied.get() {
                    Some(true) => "Copied to the clipboard.",
                    Some(false) => {
                        "Your browser blocked the clipboard: the code is selected, press Ctrl+C."
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_escapes_attributes_and_falls_back_to_the_name() {
        let values = Values::from([
            ("name".to_owned(), "Bot".to_owned()),
            ("header".to_owned(), "Say \"hi\" <b>".to_owned()),
            ("widget_name".to_owned(), String::new()),
            ("language".to_owned(), "ko".to_owned()),
        ]);
        let snippet = embed_snippet("https://chat.example.com/widget.js", "abc", &values);
        assert!(snippet.contains("data-chatbot-id=\"abc\""));
        assert!(snippet.contains("data-header=\"Say &quot;hi&quot; &lt;b&gt;\""));
        assert!(snippet.contains("data-language=\"ko\""));
        assert!(snippet.contains("data-name=\"Bot\""), "{snippet}");
    }
}
