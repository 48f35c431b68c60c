//! The page `/widget.js` opens in a frame on the owner's site: one chatbot's live widget, and
//! nothing of the console around it. The server looks the bot up (public and active only),
//! applies the embed tag's `data-*` overrides and sends the frame headers; this is the
//! document it renders.

use leptos::prelude::*;
use serde::Deserialize;

pub use super::live::WidgetBoot;
use super::live::{LiveWidget, BOOT_ID};
use super::look::WidgetLook;

/// An embed tag's overrides of the saved branding (`data-header`, `data-primary-color`, …),
/// as the loader passes them in the page's query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Overrides {
    pub name: Option<String>,
    pub header: Option<String>,
    pub slogan: Option<String>,
    pub logo: Option<String>,
    pub primary_color: Option<String>,
    pub secondary_color: Option<String>,
    pub language: Option<String>,
}

impl Overrides {
    /// `look` with each override that is well formed (texts within the snippet limit, colours
    /// in hex, logos http or https): a broken attribute keeps the saved value.
    pub fn apply(&self, mut look: WidgetLook, language: &mut String) -> WidgetLook {
        let text = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .filter(|v| v.chars().count() <= okchat::validate::SNIPPET_TEXT_MAX)
                .map(str::to_owned)
        };
        let color = |value: &Option<String>| {
            value
                .as_deref()
                .and_then(|c| okchat::HexColor::parse(c).ok())
                .map(|c| c.as_str().to_owned())
        };
        if let Some(name) = text(&self.name) {
            look.name = name;
        }
        if let Some(header) = text(&self.header) {
            look.header = header;
        }
        if let Some(slogan) = text(&self.slogan) {
            look.slogan = slogan;
        }
        if let Some(logo) = self
            .logo
            .as_deref()
            .filter(|l| okchat::LogoUrl::parse(l).is_ok())
        {
            look.logo = logo.to_owned();
        }
        if let Some(primary) = color(&self.primary_color) {
            look.primary_color = primary;
        }
        if let Some(secondary) = color(&self.secondary_color) {
            look.secondary_color = secondary;
        }
        if let Some(code) = self
            .language
            .as_deref()
            .filter(|l| okchat::Language::parse(l).is_ok())
        {
            *language = code.to_owned();
        }
        look
    }
}

/// Where the widget's own wasm is served (`scripts/build-site.sh` writes it under the site
/// root): not under `pkg/`, which cargo-leptos owns.
pub const WIDGET_PKG: &str = "/pkg-widget";

/// Loads the widget's wasm and hydrates the page's one island. Leptos's `HydrationScripts`
/// would load the console's wasm (its options name one output per process, and it remembers
/// the first page's split manifest for good), and it waits for a `requestIdleCallback` that a
/// browser may postpone for as long as it likes in a frame on a busy page; this starts at once.
fn hydration_script() -> String {
    format!(
        "import init, * as widget from '{WIDGET_PKG}/panel.js';\
         init({{module_or_path: '{WIDGET_PKG}/panel.wasm'}}).then(() => {{\
         widget.hydrate();\
         for (const island of document.querySelectorAll('leptos-island')) {{\
         widget[island.dataset.component]?.(island);\
         }}\
         }});"
    )
}

/// The widget page's document, which only `frame_ancestors` may frame.
pub fn shell(boot: WidgetBoot, frame_ancestors: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ui::security::send_policy(&frame_ancestors);
    #[cfg(not(feature = "ssr"))]
    let _ = frame_ancestors;
    let lang = boot.strings.tag.clone();
    let dir = if boot.strings.rtl { "rtl" } else { "ltr" };
    let title = boot.look.header.clone();
    // Written on the server, which cannot fail to encode these strings.
    let boot_json = serde_json::to_string(&boot).unwrap_or_default();
    // The island reads its start on the server from here, in the browser from `boot_json`.
    provide_context(boot);
    view! {
        <!DOCTYPE html>
        <html lang=lang dir=dir class="follow-system h-full">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="robots" content="noindex" />
                // No favicon request from inside someone else's page.
                <link rel="icon" href="data:," />
                <link rel="stylesheet" href=format!("{WIDGET_PKG}/panel.css") />
                <title>{title}</title>
                <link rel="modulepreload" href=format!("{WIDGET_PKG}/panel.js") />
                <link
                    rel="preload"
                    href=format!("{WIDGET_PKG}/panel.wasm")
                    r#as="fetch"
                    r#type="application/wasm"
                    crossorigin=""
                />
                <script
                    type="module"
                    nonce=leptos::nonce::use_nonce()
                    inner_html=hydration_script()
                ></script>
            </head>
            <body class="h-full bg-white antialiased dark:bg-slate-900">
                <div id=BOOT_ID hidden data-boot=boot_json></div>
                <LiveWidget />
            </body>
        </html>
    }
}
