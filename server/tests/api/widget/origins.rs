use okchat::PageQuery;
use reqwest::Method;
use serde_json::json;

use super::{new_token, public_bot, visit};
use crate::helpers::{spawn_app, TestApp};

/// A public bot whose widget may run on https://shop.example only.
async fn shop_only_bot(app: &TestApp) -> okchat::Chatbot {
    let bot = public_bot(app, "Shop").await;
    let (status, _) = app
        .send_raw(
            Method::PATCH,
            &format!("/api/external/chatbot/{}/chat-widget", bot.id),
            r#"{"allowedOrigins": ["https://shop.example"]}"#,
        )
        .await;
    assert_eq!(status, 200);
    bot
}

#[tokio::test]
async fn the_allow_list_is_saved_checked_and_shown_with_the_widget_settings() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Shop").await;
    let path = format!("/api/external/chatbot/{}/chat-widget", bot.id);
    let (status, body) = app
        .send_raw(
            Method::PATCH,
            &path,
            r#"{"allowedOrigins": ["https://shop.example", "shop.example/"]}"#,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["fields"].get("allowedOrigins.1").is_some(),
        "{body}"
    );
    assert!(
        app.details_json(&bot.id).await["chatbot"]["chat_widget_config"]
            .get("allowedOrigins")
            .is_none()
    );

    let (status, body) = app
        .send_raw(
            Method::PATCH,
            &path,
            r#"{"allowedOrigins": ["https://shop.example", "http://localhost:8080"]}"#,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["chat_widget_config"]["allowedOrigins"],
        json!(["https://shop.example", "http://localhost:8080"])
    );
    // Another widget field leaves the list as it is; null clears it.
    let (_, body) = app
        .send_raw(Method::PATCH, &path, r#"{"slogan": "Ask us"}"#)
        .await;
    assert_eq!(
        body["chat_widget_config"]["allowedOrigins"][0],
        "https://shop.example"
    );
    let (_, body) = app
        .send_raw(Method::PATCH, &path, r#"{"allowedOrigins": null}"#)
        .await;
    assert!(
        body["chat_widget_config"].get("allowedOrigins").is_none(),
        "{body}"
    );
}

#[tokio::test]
async fn only_listed_sites_may_use_the_widget_routes_and_cors_never_allows_credentials() {
    let app = spawn_app().await;
    let bot = shop_only_bot(&app).await;
    let shown = format!("/api/public/chatbots/{}", bot.id);

    let listed = visit(
        &app,
        Method::GET,
        &shown,
        Some("https://shop.example"),
        &[],
        None,
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(
        listed.headers["access-control-allow-origin"],
        "https://shop.example"
    );
    assert!(listed
        .headers
        .get("access-control-allow-credentials")
        .is_none());

    let stranger = visit(
        &app,
        Method::GET,
        &shown,
        Some("https://evil.example"),
        &[],
        None,
    )
    .await;
    assert_eq!(
        (stranger.status, stranger.code().as_str()),
        (403, "forbidden"),
        "{}",
        stranger.text
    );
    // The refusal is readable by the page, so the widget can say it is unavailable there.
    assert_eq!(
        stranger.headers["access-control-allow-origin"],
        "https://evil.example"
    );

    let chat = visit(
        &app,
        Method::POST,
        &format!("/api/public/chatbots/{}/chat", bot.id),
        Some("https://evil.example"),
        &[],
        Some(json!({"messages": [{"role": "user", "content": "Hi"}], "sessionToken": new_token()})),
    )
    .await;
    assert_eq!(chat.status, 403, "{}", chat.text);
    let stored = app
        .client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    assert!(
        stored.data.is_empty(),
        "a refused site's message was stored"
    );
    // The thread and a rating are refused to it as well.
    let token = new_token();
    for (method, path, body) in [
        (
            Method::GET,
            format!("/api/public/chatbots/{}/sessions/{token}/messages", bot.id),
            None,
        ),
        (
            Method::PATCH,
            format!(
                "/api/public/chatbots/{}/sessions/{token}/messages/00000000-0000-0000-0000-000000000000",
                bot.id
            ),
            Some(json!({"feedback": "up"})),
        ),
    ] {
        let refused = visit(&app, method, &path, Some("https://evil.example"), &[], body).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.text);
    }

    // chatdeck's own pages (where the widget's frame is served) and requests without an
    // Origin (not from a browser on another site) are not cross-site.
    let own = app.base_url.clone();
    let framed = visit(&app, Method::GET, &shown, Some(&own), &[], None).await;
    assert_eq!(framed.status, 200, "{}", framed.text);
    let no_origin = visit(&app, Method::GET, &shown, None, &[], None).await;
    assert_eq!(no_origin.status, 200);

    let preflight = visit(
        &app,
        Method::OPTIONS,
        &format!("/api/public/chatbots/{}/chat", bot.id),
        Some("https://shop.example"),
        &[
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        None,
    )
    .await;
    assert!(preflight.status < 300, "{}", preflight.status);
    assert_eq!(
        preflight.headers["access-control-allow-origin"],
        "https://shop.example"
    );
    assert!(preflight
        .headers
        .get("access-control-allow-credentials")
        .is_none());
    assert!(preflight.headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
}

#[tokio::test]
async fn the_widget_s_own_frame_passes_an_allow_list_behind_a_proxy_that_terminates_tls() {
    let app = spawn_app().await;
    let bot = shop_only_bot(&app).await;
    let chat = format!("/api/public/chatbots/{}/chat", bot.id);
    let body = || {
        Some(json!({"messages": [{"role": "user", "content": "Hi"}], "sessionToken": new_token()}))
    };

    // The frame is chatdeck's own page: the browser sends chatdeck's https origin, while the
    // proxy in front forwards plain http and sets no X-Forwarded-Proto.
    let host = app.base_url.trim_start_matches("http://").to_owned();
    let own_over_tls = format!("https://{host}");
    let framed = visit(&app, Method::POST, &chat, Some(&own_over_tls), &[], body()).await;
    assert_eq!(framed.status, 200, "{}", framed.text);
    // A proxy that names chatdeck's public host in X-Forwarded-Host.
    let proxied = visit(
        &app,
        Method::POST,
        &chat,
        Some("https://chat.example.com"),
        &[("x-forwarded-host", "chat.example.com")],
        body(),
    )
    .await;
    assert_eq!(proxied.status, 200, "{}", proxied.text);
    // Another site is still refused, whatever scheme.
    let other = visit(
        &app,
        Method::POST,
        &chat,
        Some("https://evil.example"),
        &[],
        body(),
    )
    .await;
    assert_eq!(other.status, 403, "{}", other.text);
}
