//! What the create and settings forms share: the grid beside the preview, the sticky bar that
//! keeps the submit button and the form's state in reach on a long page, the narrow-screen
//! preview toggle; how a failed submit is told is `ui::submit`'s.

use leptos::prelude::*;

use super::preview::PREVIEW_ID;
pub use crate::ui::submit::{banner_text, field_errors};

pub const PAGE_GRID: &str =
    "mt-6 grid gap-8 lg:grid-cols-[minmax(0,1fr)_24rem] xl:grid-cols-[minmax(0,1fr)_28rem]";
pub const SUBMIT: &str = "rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
/// Sticks to the bottom of the window while the form is longer than it.
pub const BAR: &str = "sticky bottom-0 z-20 -mx-4 flex flex-wrap items-center gap-3 border-t border-slate-200 bg-white/95 px-4 py-3 backdrop-blur sm:mx-0 sm:rounded-t-lg sm:border-x dark:border-slate-800 dark:bg-slate-900/95";

/// Opens and closes the preview on narrow screens (wide ones show it beside the form).
#[component]
pub fn PreviewToggle(shown: RwSignal<bool>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-100 lg:hidden dark:border-slate-700 dark:hover:bg-slate-800"
            aria-controls=PREVIEW_ID
            aria-expanded=move || shown.get().to_string()
            data-testid="preview-toggle"
            on:click=move |_| shown.update(|s| *s = !*s)
        >
            {move || if shown.get() { "Hide preview" } else { "Preview" }}
        </button>
    }
}
