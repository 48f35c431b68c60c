//! `GET /chatbots/{id}/embed/try`: a plain page holding nothing but the chatbot's embed code,
//! as the owner's own site would, so the owner can try the real widget before pasting the tag
//! anywhere. Served by the console for a signed-in member of the bot's organization; its
//! policy lets it run chatdeck's loader and frame chatdeck's widget, nothing else.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};

use super::embed_snippet;
use crate::backend::{route_client, route_refusal, Backend};
use crate::chatbots::schema::values_of;
use crate::error::AppError;
use crate::ui::format::escape_html;

const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; \
     img-src 'self' https: http: data:; connect-src 'self'; frame-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The handler; the server mounts it with the console's backend.
pub async fn page(
    backend: Backend,
    Path(chatbot_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let client = match route_client(&backend, &headers, "try the widget").await {
        Ok(client) => client,
        Err(refused) => return refused,
    };
    let chatbot = match client.get_chatbot_details(&chatbot_id).await {
        Ok(envelope) => envelope.chatbot,
        Err(error) => return route_refusal(AppError::from(error)),
    };
    let script_url = format!("{}/widget.js", backend.public_origin(&headers));
    let snippet = embed_snippet(&script_url, &chatbot.id, &values_of(&chatbot));
    let notice = match (chatbot.is_public, chatbot.active) {
        (true, true) => None,
        (false, _) => Some(
            "This chatbot is private: the widget says it is not available until you make it \
             public (Settings, Basics).",
        ),
        (true, false) => Some(
            "This chatbot is paused: the widget says it is not available until you make it \
             active again.",
        ),
    };
    let mut response = Html(document(&chatbot.name, &chatbot.id, &snippet, notice)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn document(name: &str, chatbot_id: &str, snippet: &str, notice: Option<&str>) -> String {
    let name = escape_html(name);
    let notice = notice
        .map(|text| format!("<p class=\"notice\" role=\"status\">{text}</p>"))
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Try {name} on a test page</title>
<link rel="icon" href="/favicon.svg">
<style>
  :root {{ color-scheme: light dark; }}
  body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; }}
  pre {{ overflow-x: auto; padding: 0.75rem; border: 1px solid #94a3b8; border-radius: 0.375rem; font-size: 0.8rem; }}
  .notice {{ padding: 0.75rem; border-left: 4px solid #d97706; background: #d9770622; }}
  a {{ color: #4f46e5; }}
</style>
</head>
<body>
<h1>A test page for {name}</h1>
<p>This page holds nothing but the embed code below, as a page of your site would. The chat
button is in the bottom-right corner: what you see there is what your visitors get.</p>
{notice}
<pre>{code}</pre>
<p><a href="/chatbots/{chatbot_id}/embed">Back to the console</a></p>
{snippet}
</body>
</html>
"#,
        code = escape_html(snippet),
        chatbot_id = escape_html(chatbot_id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_runs_the_tag_as_given_and_shows_it_escaped() {
        let snippet = "<script src=\"https://c.example/widget.js\" defer\n  data-chatbot-id=\"b1\"\n></script>";
        let html = document("Say <hi>", "b1", snippet, Some("paused"));
        assert!(html.contains(snippet), "the tag itself runs");
        assert!(html.contains("&lt;script src="), "and is shown as text");
        assert!(html.contains("Say &lt;hi&gt;"));
        assert!(!html.contains("Say <hi>"));
        assert!(html.contains("role=\"status\">paused</p>"));
    }
}
