//! The chatdeck console.
#![recursion_limit = "512"]

pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod case;
pub mod chatbot_form;
pub mod chatbots;
pub mod error;
pub mod fields;
pub mod form;
pub mod preview;
pub mod widget;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Redirect, Route, Router, Routes},
    ParamSegment, StaticSegment,
};

/// localStorage key of the console theme (`light` or `dark`; absent follows the system).
const THEME_KEY: &str = "chatdeck-theme";

const THEME_SCRIPT: &str = "try{var t=localStorage.getItem('chatdeck-theme');if(t==='dark'||(t!=='light'&&matchMedia('(prefers-color-scheme: dark)').matches)){document.documentElement.classList.add('dark')}}catch(e){}";

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // Before the first paint: the saved theme (or the system's), so dark pages never
                // flash light.
                <script inner_html=THEME_SCRIPT></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body class="bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App/>
            </body>
        </html>
    }
}

/// Called by the wasm entry once the module has loaded: the islands hydrate next (leptos's
/// island script walks the page), each lazy island fetching its own wasm chunk.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
    // A server function that redirects (after signing in, creating or deleting) loads the
    // new page: there is no client-side router in islands mode.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = window().location().set_href(location);
    });
}

/// The console's root component. It renders on the server; only its islands (the parts
/// that react in the browser) ship as wasm.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/chatdeck.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Title text="chatdeck"/>
        <div id="console" class="flex min-h-screen flex-col">
            <Router>
                <Header/>
                <main class="flex-1">
                    <Routes fallback=|| "Page not found.".into_view()>
                        <Route path=StaticSegment("") view=|| view! { <Redirect path="/chatbots"/> }/>
                        <Route path=StaticSegment("chatbots") view=chatbots::ChatbotListPage/>
                        <Route
                            path=(StaticSegment("chatbots"), StaticSegment("new"))
                            view=|| view! {
                                <PreloadIsland island="new_chatbot_page"/>
                                <chatbot_form::NewChatbotPage/>
                            }
                        />
                        <Route
                            path=(StaticSegment("chatbots"), ParamSegment("id"))
                            view=chatbot_form::EditChatbotPage
                        />
                        <Route path=StaticSegment("login") view=auth::LoginPage/>
                    </Routes>
                </main>
            </Router>
            // Last in the page, so hydrated last: the island script hydrates islands in
            // document order, waiting for each lazy island's chunk.
            <HydratedMarker/>
        </div>
    }
}

/// `<link rel="preload">` for the wasm chunks of the lazy island `island` (its name in snake
/// case), so the browser fetches them with the page instead of only once the main module has
/// loaded and found the island. The chunk names come from cargo-leptos's split manifest, which
/// `HydrationScripts` reads into the (doc-hidden) `WasmSplitManifest` context, as leptos does
/// for lazy routes; a build without `--split` has none, and this adds nothing. Server only.
#[component]
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
                <Link rel="modulepreload" href=loader crossorigin=""/>
                {chunks
                    .into_iter()
                    .map(|href| view! { <Link rel="preload" href as_="fetch" type_="application/wasm" crossorigin=""/> })
                    .collect_view()}
            }
        })
    }
    #[cfg(not(feature = "ssr"))]
    let _ = island;
}

/// Marks `#console` with `data-hydrated="true"` once every island above it has hydrated:
/// end-to-end tests wait for it instead of guessing with timeouts.
#[island]
fn HydratedMarker() -> impl IntoView {
    // Effects never run during server rendering.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(console) = document().get_element_by_id("console") {
            let _ = console.set_attribute("data-hydrated", "true");
        }
    });
}

#[component]
fn Header() -> impl IntoView {
    // Blocking: the header is part of the first HTML.
    let user = Resource::new_blocking(|| (), |_| auth::current_user());
    view! {
        <header class="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <div class="mx-auto flex max-w-7xl flex-wrap items-center gap-3 px-4 py-4 sm:px-6">
                <a href="/chatbots" class="flex items-center gap-2">
                    <img src="/favicon.svg" alt="" width="28" height="28"/>
                    <span class="text-lg font-semibold tracking-tight">"chatdeck"</span>
                </a>
                <ThemeToggle/>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        user.await
                            .ok()
                            .flatten()
                            .map(|user| {
                                view! {
                                    <div class="flex items-center gap-3 text-sm">
                                        <span data-testid="signed-in-as">
                                            {user.email} " · " {user.organization_name}
                                        </span>
                                        // A plain post: the server function answers with a
                                        // redirect to the sign-in page.
                                        <form action=auth::SignOut::url() method="post">
                                            <button
                                                type="submit"
                                                class="rounded-md border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
                                            >
                                                "Sign out"
                                            </button>
                                        </form>
                                    </div>
                                }
                            })
                    })}
                </Transition>
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
                let _ = root.class_list().toggle_with_force("dark", next);
            }
            if let Ok(Some(storage)) = window().local_storage() {
                let _ = storage.set_item(THEME_KEY, if next { "dark" } else { "light" });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = THEME_KEY;
    };
    view! {
        <button
            type="button"
            class="ml-auto rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            aria-pressed=move || dark.get().to_string()
            data-testid="theme-toggle"
            on:click=toggle
        >
            "Dark mode"
        </button>
    }
}
