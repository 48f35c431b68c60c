//! The console's frame around every page: the header (brand and navigation at the left,
//! theme and account at the right), the theme toggle, island chunk preloading and the
//! hydration marker the browser tests wait for.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
#[cfg(feature = "ssr")]
use leptos_meta::Link;

/// The localStorage key of the console theme (`light` or `dark`; absent follows the system).
macro_rules! theme_key {
    () => {
        "chatdeck-theme"
    };
}

/// Runs before the first paint: the saved theme (or the system's), so dark pages never flash
/// light.
pub const THEME_SCRIPT: &str = concat!(
    "try{var t=localStorage.getItem('",
    theme_key!(),
    "');if(t==='dark'||(t!=='light'&&matchMedia('(prefers-color-scheme: dark)').matches))",
    "{document.documentElement.classList.add('dark')}}catch(e){}"
);

const HEADER_BUTTON: &str = "rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

#[component]
pub fn Header() -> impl IntoView {
    // Blocking: the header is part of the first HTML.
    let user = Resource::new_blocking(|| (), |_| crate::auth::current_user());
    view! {
        <header class="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <div class="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
                <a href="/chatbots" class="flex items-center gap-2">
                    <img src="/favicon.svg" alt="" width="28" height="28" />
                    <span class="text-lg font-semibold tracking-tight">"chatdeck"</span>
                </a>
                <nav aria-label="Console" class="text-sm font-medium">
                    <a
                        href="/chatbots"
                        class="text-slate-700 hover:text-indigo-700 dark:text-slate-300 dark:hover:text-indigo-300"
                    >
                        "Chatbots"
                    </a>
                </nav>
                <div class="ml-auto flex flex-wrap items-center gap-3">
                    <ThemeToggle />
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            user.await
                                .ok()
                                .flatten()
                                .map(|user| {
                                    let who = format!(
                                        "{} · {}",
                                        user.email,
                                        user.organization_name,
                                    );
                                    let title = who.clone();
                                    view! {
                                        <div class="flex items-center gap-3 text-sm">
                                            <span
                                                data-testid="signed-in-as"
                                                class="max-w-[16rem] truncate"
                                                title=title
                                            >
                                                {who}
                                            </span>
                                            // A plain post: the server function answers with a
                                            // redirect to the sign-in page.
                                            <form action=crate::auth::SignOut::url() method="post">
                                                <button type="submit" class=HEADER_BUTTON>
                                                    "Sign out"
                                                </button>
                                            </form>
                                        </div>
                                    }
                                })
                        })}
                    </Transition>
                </div>
            </div>
        </header>
    }
}

/// Switches the console between light and dark and remembers the choice in this browser.
#[island]
fn ThemeToggle() -> impl IntoView {
    // The server cannot know the theme; the label settles once the page hydrates.
    let dark = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            dark.set(root.class_list().contains("dark"));
        }
    });
    let toggle = move |_| {
        let next = !dark.get_untracked();
        dark.set(next);
        #[cfg(feature = "hydrate")]
        {
            if let Some(root) = document().document_element() {
                // Only fails for an invalid class name, which "dark" is not.
                root.class_list().toggle_with_force("dark", next).ok();
            }
            if let Ok(Some(storage)) = window().local_storage() {
                // A browser that refuses storage (private mode) keeps the choice for this page.
                storage
                    .set_item(theme_key!(), if next { "dark" } else { "light" })
                    .ok();
            }
        }
    };
    view! {
        <button
            type="button"
            class=HEADER_BUTTON
            aria-pressed=move || dark.get().to_string()
            data-testid="theme-toggle"
            on:click=toggle
        >
            "Dark mode"
        </button>
    }
}

/// `<link rel="preload">` for the wasm chunks of the lazy island `island` (its name in snake
/// case), so the browser fetches them with the page instead of only once the main module has
/// loaded and found the island. The chunk names come from cargo-leptos's split manifest, which
/// `HydrationScripts` reads into the (doc-hidden) `WasmSplitManifest` context, as leptos does
/// for lazy routes; a build without `--split` has none, and this adds nothing. Server only.
#[component]
#[cfg_attr(not(feature = "ssr"), allow(unused_variables))]
pub fn PreloadIsland(island: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let prefix = format!("{island}_loader_");
        let found = use_context::<leptos::WasmSplitManifest>().and_then(|manifest| {
            let manifest = manifest.0.try_read_value()?;
            let (pkg, chunks, loader) = &*manifest;
            let chunks = chunks
                .iter()
                .filter(|(key, _)| key.starts_with(&prefix))
                .flat_map(|(_, chunks)| chunks.iter().map(|c| format!("{pkg}/{c}.wasm")))
                .collect::<Vec<_>>();
            Some((format!("{pkg}/{loader}"), chunks))
        });
        found.map(|(loader, chunks)| {
            view! {
                <Link rel="modulepreload" href=loader crossorigin="" />
                {chunks
                    .into_iter()
                    .map(|href| {
                        view! {
                            <Link
                                rel="preload"
                                href
                                as_="fetch"
                                type_="application/wasm"
                                crossorigin=""
                            />
                        }
                    })
                    .collect_view()}
            }
        })
    }
}

/// Marks `#console` with `data-hydrated="true"` once every island above it has hydrated:
/// end-to-end tests wait for it instead of guessing with timeouts.
#[island]
pub fn HydratedMarker() -> impl IntoView {
    // Effects never run during server rendering.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(console) = document().get_element_by_id("console") {
            console.set_attribute("data-hydrated", "true").ok();
        }
    });
}
