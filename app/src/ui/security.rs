//! The Content-Security-Policy of every page chatdeck renders, console and widget alike. Only
//! scripts carrying this response's nonce run (Leptos puts it on its hydration and streaming
//! scripts, the shells on their own inline script), and what they import from `/pkg`; wasm
//! may compile, nothing may `eval`. Styles may be inline: the widget's colours are the bot's,
//! set per element.

/// Who may frame the console: nobody.
pub const CONSOLE_FRAME_ANCESTORS: &str = "'none'";

/// The policy for a render whose scripts carry `nonce`, framed only by `frame_ancestors`.
pub fn policy(nonce: &str, frame_ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' https: http: data: blob:; \
         connect-src 'self'; font-src 'self'; frame-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

/// Sends the policy with the page being rendered. Call it from a shell, before anything
/// suspends: a streamed page's headers leave with its first chunk.
#[cfg(feature = "ssr")]
pub fn send_policy(frame_ancestors: &str) {
    use leptos::prelude::use_context;

    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        // Leptos renders every page with a nonce; a render without one sends no policy
        // rather than one that would stop its own scripts.
        tracing::error!("a page rendered without a nonce: no Content-Security-Policy");
        return;
    };
    if let Ok(value) = policy(&nonce, frame_ancestors).parse() {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_the_nonce_and_nothing_may_eval() {
        let policy = policy("abc123", CONSOLE_FRAME_ANCESTORS);
        let scripts = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap();
        assert!(scripts.contains("'nonce-abc123'"), "{scripts}");
        assert!(!scripts.contains("unsafe-inline"), "{scripts}");
        assert!(!scripts.contains("'unsafe-eval'"), "{scripts}");
        assert!(policy.ends_with("frame-ancestors 'none'"), "{policy}");
    }
}
