//! A tab whose feature has not landed yet.

use leptos::prelude::*;

#[component]
pub fn ComingSoon(title: &'static str, what: &'static str) -> impl IntoView {
    view! {
        <div
            class="rounded-lg border border-dashed border-slate-300 p-10 text-center dark:border-slate-700"
            data-testid="coming-soon"
        >
            <h2 class="text-lg font-semibold">{title}</h2>
            <p class="mx-auto mt-2 max-w-prose text-slate-600 dark:text-slate-400">{what}</p>
            <p class="mt-4 inline-block rounded-full bg-slate-100 px-3 py-1 text-sm font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                "Coming soon"
            </p>
        </div>
    }
}
