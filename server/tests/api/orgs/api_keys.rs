//! API keys: every `/api/external` route needs a valid, unrevoked key in `x-api-key`.

use okchat::Client;
use reqwest::Method;

use crate::helpers::{assert_api_error, spawn_app};

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

/// Polls until `client`'s key is refused; fails if that takes longer than the documented
/// bound, 5 s (plus 1 s for the requests themselves).
pub async fn refused_within_the_key_cache_bound(client: &Client) -> std::time::Duration {
    let revoked = std::time::Instant::now();
    loop {
        match client.get_chatbots().await {
            Ok(_) => {
                assert!(
                    revoked.elapsed() < std::time::Duration::from_secs(6),
                    "a revoked key still works after {:?}",
                    revoked.elapsed()
                );
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(error) => {
                assert_api_error(Err::<(), _>(error), 401, "unauthorized");
                return revoked.elapsed();
            }
        }
    }
}

#[tokio::test]
async fn a_revoked_key_stops_working_within_the_key_cache_bound() {
    let app = spawn_app().await;
    // Verified, so remembered by the instance.
    app.client.get_chatbots().await.unwrap();
    let prefix = &app.key[..8];
    server::orgs::revoke_key(&app.state.store, prefix)
        .await
        .unwrap();
    refused_within_the_key_cache_bound(&app.client).await;
    // A replica that never saw the key refuses it at once.
    let replica = app.replica().await;
    let client = Client::new(&replica.base_url, &app.key);
    assert_api_error(client.get_chatbots().await, 401, "unauthorized");
}
