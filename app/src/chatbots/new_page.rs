//! `/chatbots/new`: the create form beside the live preview. The whole page is one island with
//! its own wasm chunk; once created, the console opens the new chatbot.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use okchat::Slug;

use super::draft::{Draft, Errors};
use super::form_fields::DraftFields;
use super::preview::Preview;
use super::save_bar::{banner_text, field_errors, PreviewToggle, BAR, PAGE_GRID, SUBMIT};
use super::schema;
use super::server_fns::CreateChatbot;
use crate::ui::submit::dispatch_on_submit;

#[island(lazy)]
pub fn NewChatbotPage() -> impl IntoView {
    let create = ServerAction::<CreateChatbot>::new();
    let draft = Draft::new(&schema::initial_values(), None);
    let (name, slug) = (draft.field("name"), draft.field("slug"));
    // The slug follows the name while it still holds the last suggestion: once someone types
    // their own (even before the page hydrated), it is theirs.
    Effect::new(move |last: Option<String>| {
        let name = name.get();
        let last = last.unwrap_or_default();
        if slug.get_untracked() != last {
            return last;
        }
        let suggested = if name.trim().is_empty() {
            String::new()
        } else {
            Slug::from_name(&name).into_inner()
        };
        slug.set(suggested.clone());
        suggested
    });
    let current = draft.current();
    let errors = Errors::new(
        current,
        true,
        Signal::derive(move || field_errors(create.value().get())),
    );
    let preview_shown = RwSignal::new(false);
    view! {
        <section class="mx-auto max-w-7xl px-4 pt-8 pb-24 sm:px-6">
            <nav aria-label="Breadcrumb" class="text-sm text-slate-600 dark:text-slate-400">
                <a href="/chatbots" class="hover:underline">
                    "Chatbots"
                </a>
                " / "
            </nav>
            <h1 class="mt-1 text-2xl font-semibold tracking-tight">"New chatbot"</h1>
            <div class=PAGE_GRID>
                // A plain form posting to the server function (it works before the wasm loads);
                // once hydrated, submitting sends the draft itself, already typed and checked.
                <form
                    action=CreateChatbot::url()
                    method="post"
                    // okchat's rules speak for the fields, beside each one: the browser's own range
                    // checks would hold the submit back with a bubble instead.
                    novalidate
                    class="space-y-6"
                    on:submit=dispatch_on_submit(
                        create,
                        move |_| {
                            errors
                                .ready()
                                .then(|| CreateChatbot {
                                    input: current.get_untracked(),
                                })
                        },
                    )
                >
                    <DraftFields draft errors slug_locked=false />
                    <p class="text-sm text-slate-600 dark:text-slate-400">
                        "You can upload an avatar and copy the embed code once the chatbot exists."
                    </p>
                    <div class=BAR>
                        <p
                            role="alert"
                            class="min-h-5 flex-1 text-sm text-red-700 dark:text-red-400"
                        >
                            {move || errors.summary().or_else(|| banner_text(create.value().get()))}
                        </p>
                        <PreviewToggle shown=preview_shown />
                        <button type="submit" class=SUBMIT disabled=move || create.pending().get()>
                            "Create chatbot"
                        </button>
                    </div>
                </form>
                <Preview look=draft.look() shown=preview_shown />
            </div>
        </section>
    }
}
