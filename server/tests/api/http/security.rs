//! The security headers of each kind of response, and the console's refusal of cross-site
//! server function calls.

use app::chatbots::server_fns::{CreateChatbot, ListChatbots};
use leptos::server_fn::ServerFn;
use reqwest::header::HeaderMap;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

/// The nonce of a page's policy, after checking that its scripts need it.
fn script_nonce(headers: &HeaderMap) -> String {
    let policy = headers["content-security-policy"].to_str().unwrap();
    let scripts = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("no script-src: {policy}"));
    assert!(!scripts.contains("unsafe-inline"), "{policy}");
    assert!(!scripts.contains("'unsafe-eval'"), "{policy}");
    let nonce = scripts
        .split_once("'nonce-")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(nonce, _)| nonce.to_owned())
        .unwrap_or_else(|| panic!("no nonce: {policy}"));
    assert!(nonce.len() >= 16, "{nonce}");
    nonce
}

/// Every `<script` in `html` carries `nonce`: no inline script runs without it.
fn assert_scripts_carry(html: &str, nonce: &str) {
    let scripts: Vec<&str> = html
        .split("<script")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or(""))
        .collect();
    assert!(!scripts.is_empty(), "the page hydrates through scripts");
    for tag in scripts {
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "<script{tag}>");
    }
}

fn directive<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    let policy = headers["content-security-policy"].to_str().unwrap();
    policy
        .split(';')
        .map(str::trim)
        .find(|d| d.split(' ').next() == Some(name))
        .unwrap_or_else(|| panic!("no {name}: {policy}"))
}

fn assert_common(headers: &HeaderMap, what: &str) {
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(
        headers["referrer-policy"], "strict-origin-when-cross-origin",
        "{what}"
    );
    assert!(
        headers.get("strict-transport-security").is_none(),
        "{what}: no HSTS over plain http"
    );
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> (HeaderMap, String) {
    let mut request = app.http.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let expected = if path == NOT_A_PAGE { 404 } else { 200 };
    assert_eq!(response.status(), expected, "{path}");
    let headers = response.headers().clone();
    (headers, response.text().await.unwrap())
}

/// The console's page for a path it has not: its error page, a page all the same.
const NOT_A_PAGE: &str = "/no-such-page";

#[tokio::test]
async fn console_pages_run_only_their_own_nonced_scripts_and_refuse_to_be_framed() {
    let app = spawn_app().await;
    let bot = app.create("Front desk").await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    let mut nonces = Vec::new();
    for (path, cookie) in [
        ("/login", None),
        ("/chatbots", Some(cookie.as_str())),
        (&format!("/chatbots/{}", bot.id) as &str, Some(&cookie)),
        (NOT_A_PAGE, Some(&cookie)),
    ] {
        let (headers, html) = get(&app, path, cookie).await;
        assert_common(&headers, path);
        assert_eq!(
            directive(&headers, "frame-ancestors"),
            "frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(directive(&headers, "object-src"), "object-src 'none'");
        let nonce = script_nonce(&headers);
        assert_scripts_carry(&html, &nonce);
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a fresh nonce for every response");
}

#[tokio::test]
async fn widget_pages_run_only_their_nonced_scripts_and_are_framed_by_the_bot_s_sites() {
    let app = spawn_app().await;
    let bot = app.create("Front desk").await;
    app.client
        .update_chatbot_raw(&bot.id, &json!({"is_public": true}))
        .await
        .unwrap();
    let (headers, html) = get(&app, &format!("/widget/{}", bot.id), None).await;
    assert_common(&headers, "widget page");
    assert_eq!(
        directive(&headers, "frame-ancestors"),
        "frame-ancestors 'self' http: https: file:"
    );
    assert_scripts_carry(&html, &script_nonce(&headers));
}

#[tokio::test]
async fn api_answers_and_uploads_carry_the_common_headers_and_https_adds_hsts() {
    let app = spawn_app().await;
    let bot = app.create("Front desk").await;
    let response = app
        .http
        .get(app.url(&format!("/api/external/chatbot/{}", bot.id)))
        .header("x-api-key", &app.key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_common(response.headers(), "API");

    let behind_https = app
        .http
        .get(app.url("/healthz"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(
        behind_https.headers()["strict-transport-security"],
        "max-age=31536000"
    );

    app.state
        .files
        .put(
            "evil.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        )
        .await
        .unwrap();
    let upload = app
        .http
        .get(app.url("/uploads/evil.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 200);
    assert_common(upload.headers(), "upload");
    let policy = upload.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(policy.ends_with("sandbox"), "{policy}");
}

#[tokio::test]
async fn server_functions_refuse_calls_from_another_site() {
    let app = spawn_app().await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    let mut form = app::chatbots::schema::initial_values();
    form.insert("name".into(), "Planted".into());
    let create = serde_qs::to_string(&CreateChatbot { input: form }).unwrap();
    let call = |path: &'static str, origin: Option<String>, body: String| {
        let mut request = app
            .http
            .post(app.url(path))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };

    for origin in ["https://evil.example", "null"] {
        let refused = call(ListChatbots::PATH, Some(origin.into()), String::new())
            .await
            .unwrap();
        assert_eq!(refused.status(), 403, "{origin}");
        let created = call(CreateChatbot::PATH, Some(origin.into()), create.clone())
            .await
            .unwrap();
        assert_eq!(created.status(), 403, "{origin}");
    }
    let names: Vec<String> = app
        .client
        .get_chatbots()
        .await
        .unwrap()
        .chatbots
        .into_iter()
        .map(|bot| bot.name)
        .collect();
    assert!(!names.contains(&"Planted".to_owned()), "{names:?}");

    for origin in [Some(app.base_url.clone()), None] {
        let allowed = call(ListChatbots::PATH, origin.clone(), String::new())
            .await
            .unwrap();
        assert_eq!(allowed.status(), 200, "{origin:?}");
    }

    // The okchat API is for other sites: a key, not a cookie, authorises it.
    let api = app
        .http
        .post(app.url("/api/external/chatbots"))
        .header("x-api-key", &app.key)
        .header("origin", "https://evil.example")
        .json(&json!({"name": "From a partner site"}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 201, "{}", api.text().await.unwrap());
}
