//! Two mutually exclusive buttons (`aria-pressed`), for view switches.

use leptos::prelude::*;

#[component]
pub fn Switch(
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
        <div
            role="group"
            aria-label=label
            class="inline-flex rounded-md border border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900"
        >
            {button(options[0], false)}
            {button(options[1], true)}
        </div>
    }
}
