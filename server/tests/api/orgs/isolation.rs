//! Tenancy: a key reaches only its own organization's chatbots; another organization's answer
//! `404`, never `403`, so existence does not leak.

use okchat::client::UploadFile;
use okchat::{ChatWidgetUpdate, UpdateChatbot, VoiceWidgetConfig};

use crate::helpers::{assert_api_error, spawn_app, PNG};

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
