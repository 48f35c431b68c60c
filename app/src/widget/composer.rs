//! Where the visitor writes: the message box and the send button.

use leptos::prelude::*;

/// The id of the message box (one widget per page).
pub const MESSAGE_ID: &str = "widget-message-input";

#[component]
pub fn Composer(
    on_send: Callback<String>,
    /// The style of the send button (the primary colour).
    button_fill: Memo<String>,
    /// While true (an answer is on its way) sending waits, and what is typed stays.
    #[prop(optional, into)]
    busy: Signal<bool>,
    /// The message box's label, its placeholder and the button's name, in the widget's
    /// language.
    #[prop(into, default = "Message".into())]
    label: String,
    #[prop(into, default = "Type your message…".into())] placeholder: String,
    #[prop(into, default = "Send".into())] send_label: String,
) -> impl IntoView {
    // The draft lives in the message box alone, not in a signal bound to it: hydrating a
    // bound box sets it to the signal's empty value, and a visitor who opened the panel and
    // typed while its code was still loading would lose their words.
    let message_box = NodeRef::<leptos::html::Input>::new();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(message_box) = message_box.get_untracked() else {
            return;
        };
        let message = message_box.value();
        if !message.trim().is_empty() {
            on_send.run(message);
            message_box.set_value("");
        }
    };
    view! {
        <form
            class="flex items-center gap-2 border-t border-slate-200 px-3 py-2 dark:border-slate-700"
            on:submit=send
        >
            <label for=MESSAGE_ID class="sr-only">
                {label}
            </label>
            <input
                id=MESSAGE_ID
                type="text"
                autocomplete="off"
                placeholder=placeholder
                class="min-w-0 flex-1 bg-transparent text-sm text-slate-900 placeholder:text-slate-500 focus:outline-none dark:text-slate-100 dark:placeholder:text-slate-400"
                node_ref=message_box
            />
            <button
                type="submit"
                class="rounded-full px-3 py-1 text-xs font-medium disabled:opacity-60"
                style=move || button_fill.get()
                disabled=move || busy.get()
            >
                {send_label}
            </button>
        </form>
    }
}
