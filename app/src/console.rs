//! The console's HTML shell, its wasm entry's hydration and the app that mounts each feature's
//! routes.

use crate::{auth, chatbots, ui};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::StaticSegment;

use ui::frame::{Header, HydratedMarker, THEME_SCRIPT};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ui::security::send_policy(ui::security::CONSOLE_FRAME_ANCESTORS);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <script nonce=leptos::nonce::use_nonce() inner_html=THEME_SCRIPT></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body class="bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App />
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
    // new page: there is no client-side router in islands mode. The hook can only be set
    // once, and this is the one place that sets it.
    let hook = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        if let Err(error) = window().location().set_href(location) {
            leptos::logging::error!("could not follow the redirect to {location}: {error:?}");
        }
    });
    debug_assert!(hook.is_ok(), "the redirect hook is set once");
}

/// The console's root component. It renders on the server; only its islands (the parts
/// that react in the browser) ship as wasm.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/chatdeck.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title text="chatdeck" />
        <div id="console" class="flex min-h-screen flex-col">
            <Router>
                <Header />
                <main class="flex-1">
                    <Routes fallback=|| "Page not found.".into_view()>
                        <Route
                            path=StaticSegment("")
                            view=|| view! { <Redirect path="/chatbots" /> }
                        />
                        <auth::AuthRoutes />
                        <chatbots::ChatbotRoutes />
                    </Routes>
                </main>
            </Router>
            // Last in the page, so hydrated last: the island script hydrates islands in
            // document order, waiting for each lazy island's chunk.
            <HydratedMarker />
        </div>
    }
}
