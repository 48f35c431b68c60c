//! What an `ErrorBoundary` caught, as one alert.

use leptos::prelude::*;

#[component]
pub fn PageError(errors: ArcRwSignal<leptos::error::Errors>) -> impl IntoView {
    view! {
        <div
            role="alert"
            class="rounded-md border border-red-300 bg-red-50 p-4 text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
            data-testid="page-error"
        >
            {move || {
                errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join(" ")
            }}
        </div>
    }
}
