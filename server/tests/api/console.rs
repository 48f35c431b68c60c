//! The console's server functions, called over HTTP as the browser calls them, against the
//! real embedded backend.

use app::chatbots::{ChatbotSummary, ListChatbots};
use leptos::server_fn::ServerFn;
use server::users;

use crate::helpers::{spawn_app, TestApp};

async fn session_cookie(app: &TestApp, org: &str, email: &str) -> String {
    users::create_user(&app.state.store, org, email, "correct horse")
        .await
        .unwrap();
    let token = users::sign_in(&app.state.store, email, "correct horse")
        .await
        .unwrap()
        .unwrap()
        .token;
    format!("chatdeck_session={token}")
}

#[tokio::test]
async fn list_chatbots_proxies_to_the_api_for_the_signed_in_organization_only() {
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let other = app.client_for("globex").await;
    other
        .create_chatbot(&okchat::CreateChatbot {
            name: Some("Theirs".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let cookie = session_cookie(&app, "acme", "ada@acme.example").await;

    let response = app
        .http
        .post(app.url(ListChatbots::PATH))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        !text.contains(&app.key),
        "the API key must not reach the browser"
    );
    let bots: Vec<ChatbotSummary> = serde_json::from_str(&text).unwrap();
    assert_eq!(bots.len(), 1);
    assert_eq!(bots[0].id, bot.id);
    assert_eq!(bots[0].primary_color, bot.settings.snippet.primary_color);
}

#[tokio::test]
async fn server_functions_refuse_callers_without_a_session() {
    let app = spawn_app().await;
    app.create("Ours").await;
    for cookie in [
        None,
        Some("chatdeck_session=00ff"),
        Some("chatdeck_session="),
    ] {
        let mut request = app
            .http
            .post(app.url(ListChatbots::PATH))
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        assert!(!response.status().is_success(), "{cookie:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Unauthorized"), "{body}");
        assert!(!body.contains("Ours"));
    }
}
