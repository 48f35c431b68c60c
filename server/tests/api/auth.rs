use okchat::client::UploadFile;
use okchat::{ChatWidgetUpdate, Client, UpdateChatbot, VoiceWidgetConfig};
use reqwest::Method;

use crate::helpers::{assert_api_error, spawn_app, PNG};

/// Every chatbot endpoint as (method, path) for the chatbot `id`.
fn endpoints(id: &str) -> Vec<(Method, String)> {
    vec![
        (Method::GET, "/api/external/chatbots".into()),
        (Method::POST, "/api/external/chatbots".into()),
        (Method::PATCH, format!("/api/external/chatbots?id={id}")),
        (Method::GET, format!("/api/external/chatbot/{id}")),
        (Method::PATCH, format!("/api/external/chatbot/{id}")),
        (Method::DELETE, format!("/api/external/chatbot/{id}")),
        (
            Method::PATCH,
            format!("/api/external/chatbot/{id}/update-avatar"),
        ),
        (
            Method::PATCH,
            format!("/api/external/chatbot/{id}/voice-agent"),
        ),
        (
            Method::PATCH,
            format!("/api/external/chatbot/{id}/chat-widget"),
        ),
        (Method::GET, format!("/api/external/chatbot/{id}/versions")),
        (
            Method::GET,
            format!("/api/external/chatbot/{id}/versions/{VERSION}"),
        ),
        (
            Method::POST,
            format!("/api/external/chatbot/{id}/versions/{VERSION}/restore"),
        ),
    ]
}

const VERSION: &str = "0b6e2c58-91d4-4f3a-b7c2-5e8d1a9f4c33";

#[tokio::test]
async fn every_endpoint_answers_401_without_a_key() {
    let app = spawn_app().await;
    let bot = app.create("Guarded").await;
    for (method, path) in endpoints(&bot.id) {
        let response = app
            .http
            .request(method.clone(), app.url(&path))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{method} {path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized", "{method} {path}");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("x-api-key"));
    }
    assert_eq!(app.client.get_chatbots().await.unwrap().chatbots.len(), 1);
}

#[tokio::test]
async fn unknown_malformed_and_empty_keys_answer_401() {
    let app = spawn_app().await;
    for key in [
        "15a23c21867f4f38b0b46f5e4adb1caf87a040b34eb58f68",
        "not-a-key",
        "",
        &app.key.to_uppercase(),
    ] {
        let client = Client::new(&app.base_url, key);
        let error = assert_api_error(client.get_chatbots().await, 401, "unauthorized");
        assert_eq!(error.field("x-api-key"), None);
    }
}

#[tokio::test]
async fn a_revoked_key_stops_working_at_once() {
    let app = spawn_app().await;
    app.client.get_chatbots().await.unwrap();
    let prefix = &app.key[..8];
    server::orgs::revoke_key(&app.state.store, prefix)
        .await
        .unwrap();
    assert_api_error(app.client.get_chatbots().await, 401, "unauthorized");
}

#[tokio::test]
async fn another_organizations_chatbot_is_not_found_on_every_endpoint_and_stays_unchanged() {
    let app = spawn_app().await;
    let bot = app.create("Acme's bot").await;
    let before = app.details_json(&bot.id).await;
    let other = app.client_for("globex").await;

    assert!(other.get_chatbots().await.unwrap().chatbots.is_empty());
    assert_api_error(other.get_chatbot_details(&bot.id).await, 404, "not_found");
    let patch = UpdateChatbot {
        name: Some("Hijacked".into()),
        ..Default::default()
    };
    assert_api_error(
        other.update_chatbot(&bot.id, &patch).await,
        404,
        "not_found",
    );
    assert_api_error(
        other
            .update_chatbot_raw(&bot.id, &serde_json::json!({"name": "Hijacked"}))
            .await,
        404,
        "not_found",
    );
    assert_api_error(
        other
            .chatbot_avatar(&bot.id, UploadFile::new("a.png", PNG))
            .await,
        404,
        "not_found",
    );
    assert_api_error(
        other
            .voice_agent(
                &bot.id,
                &VoiceWidgetConfig {
                    voice: Some("alloy".into()),
                    ..Default::default()
                },
            )
            .await,
        404,
        "not_found",
    );
    assert_api_error(
        other
            .chat_widget(
                &bot.id,
                &ChatWidgetUpdate {
                    header: Some("Hijacked".into()),
                    ..Default::default()
                },
            )
            .await,
        404,
        "not_found",
    );
    assert_api_error(other.delete_chatbot(&bot.id).await, 404, "not_found");

    assert_eq!(app.details_json(&bot.id).await, before);
}

#[tokio::test]
async fn the_same_slug_may_exist_in_two_organizations() {
    let app = spawn_app().await;
    let ours = app.create("Support").await;
    let other = app.client_for("globex").await;
    let theirs = other
        .create_chatbot(&okchat::CreateChatbot {
            name: Some("Support".into()),
            slug: Some("support".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .chatbot;
    assert_eq!(ours.slug, theirs.slug);
    assert_ne!(ours.organization_id, theirs.organization_id);
}

#[tokio::test]
async fn errors_carry_a_request_id_matching_the_header() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(app.url("/api/external/chatbots"))
        .send()
        .await
        .unwrap();
    let header = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["request_id"], header.as_str());
}

#[tokio::test]
async fn cors_preflight_allows_the_api_key_header_from_any_origin() {
    let app = spawn_app().await;
    let response = app
        .http
        .request(Method::OPTIONS, app.url("/api/external/chatbots"))
        .header("origin", "https://customer.example")
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "x-api-key, content-type")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("x-api-key") && allowed.contains("content-type"),
        "{allowed}"
    );
    assert!(headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("PATCH"));
}
