use okchat::{ChatWidgetUpdate, VoiceWidgetConfig};
use serde_json::{json, Value};

use crate::helpers::{assert_api_error, assert_field_error, fixture, spawn_app};

#[tokio::test]
async fn chat_widget_with_the_documented_example_answers_the_documented_shape() {
    let app = spawn_app().await;
    let bot = app.create("Widget").await;
    let request = fixture("chat_widget.request.json");
    let response = app
        .http
        .patch(app.url(&format!("/api/external/chatbot/{}/chat-widget", bot.id)))
        .header("x-api-key", &app.key)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "Chat widget config updated successfully");
    assert_eq!(body["chat_widget_config"], request);

    let details = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    let snippet = &details.settings.snippet;
    assert_eq!(snippet.header, "Customer Support");
    assert_eq!(snippet.logo, "https://example.com/logo.png");
    assert_eq!(snippet.primary_color, "#4F46E5");
    assert_eq!(details.chat_widget_config.unwrap().language, "auto");
    assert!(details.updated_at > bot.updated_at);
}

#[tokio::test]
async fn chat_widget_merges_a_partial_body() {
    let app = spawn_app().await;
    let bot = app.create("Widget").await;
    let response = app
        .client
        .chat_widget(
            &bot.id,
            &ChatWidgetUpdate {
                language: Some("ko".into()),
                primary_color: Some("#9c2caa".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let config = response.chat_widget_config;
    assert_eq!(config.language, "ko");
    assert_eq!(config.primary_color, "#9c2caa");
    assert_eq!(config.header, bot.settings.snippet.header);
    assert_eq!(config.secondary_color, bot.settings.snippet.secondary_color);
    // Update Chatbot sees the same branding: one source of truth.
    let snippet = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot
        .settings
        .snippet;
    assert_eq!(snippet.primary_color, "#9c2caa");
}

#[tokio::test]
async fn chat_widget_refuses_bad_values_and_changes_nothing() {
    let app = spawn_app().await;
    let bot = app.create("Widget").await;
    let before = app.details_json(&bot.id).await;
    for (patch, path) in [
        (json!({"primaryColor": "purple"}), "primaryColor"),
        (json!({"secondaryColor": "#1234"}), "secondaryColor"),
        (json!({"logo": "javascript:alert(1)"}), "logo"),
        (json!({"language": "klingon!"}), "language"),
        (json!({"header": "h".repeat(101)}), "header"),
        (json!({"name": ["x"]}), "name"),
    ] {
        let result = app
            .http
            .patch(app.url(&format!("/api/external/chatbot/{}/chat-widget", bot.id)))
            .header("x-api-key", &app.key)
            .json(&patch)
            .send()
            .await
            .unwrap();
        assert_eq!(result.status(), 400, "{patch}");
        let body: Value = result.json().await.unwrap();
        assert!(body["error"]["fields"][path].is_string(), "{path}: {body}");
    }
    assert_eq!(app.details_json(&bot.id).await, before);
}

#[tokio::test]
async fn voice_agent_stores_the_documented_example_on_the_chatbot() {
    let app = spawn_app().await;
    let bot = app.create("Voice").await;
    let request = fixture("voice_agent.request.json");
    let response = app.client.voice_agent_raw(&bot.id, &request).await.unwrap();
    assert_eq!(response.message, "Voice widget config updated successfully");
    assert_eq!(
        serde_json::to_value(&response.voice_widget_config).unwrap(),
        request
    );
    let details = app.details_json(&bot.id).await;
    assert_eq!(details["chatbot"]["voice_widget_config"], request);
}

#[tokio::test]
async fn voice_agent_merges_nested_objects_and_null_clears() {
    let app = spawn_app().await;
    let bot = app.create("Voice").await;
    app.client
        .voice_agent_raw(&bot.id, &fixture("voice_agent.request.json"))
        .await
        .unwrap();
    let merged = app
        .client
        .voice_agent_raw(
            &bot.id,
            &json!({"vad": {"threshold": 0.5}, "text": {"endCall": null, "callToAction": "Book?"}, "appearance": {"textColor": "#111111"}}),
        )
        .await
        .unwrap()
        .voice_widget_config;
    let merged = serde_json::to_value(merged).unwrap();
    assert_eq!(
        merged["vad"],
        json!({"threshold": 0.5, "prefix_padding_ms": 500, "silence_duration_ms": 1000})
    );
    assert_eq!(
        merged["text"],
        json!({"startCall": "Start a call", "callToAction": "Book?"})
    );
    assert_eq!(
        merged["appearance"],
        json!({"buttonRadius": 32, "textColor": "#111111"})
    );
    assert_eq!(merged["voice"], "shimmer");
}

#[tokio::test]
async fn voice_agent_checks_every_range_and_changes_nothing() {
    let app = spawn_app().await;
    let bot = app.create("Voice").await;
    app.client
        .voice_agent_raw(&bot.id, &fixture("voice_agent.request.json"))
        .await
        .unwrap();
    let before = app.details_json(&bot.id).await;
    for (patch, path) in [
        (json!({"model": {"temperature": 1.01}}), "model.temperature"),
        (json!({"model": {"temperature": -0.5}}), "model.temperature"),
        (
            json!({"model": {"max_output_tokens": 0}}),
            "model.max_output_tokens",
        ),
        (
            json!({"model": {"max_output_tokens": 16_385}}),
            "model.max_output_tokens",
        ),
        (json!({"vad": {"threshold": 2}}), "vad.threshold"),
        (
            json!({"vad": {"prefix_padding_ms": -1}}),
            "vad.prefix_padding_ms",
        ),
        (
            json!({"vad": {"silence_duration_ms": 10_001}}),
            "vad.silence_duration_ms",
        ),
        (
            json!({"appearance": {"buttonRadius": 65}}),
            "appearance.buttonRadius",
        ),
        (
            json!({"appearance": {"cardRadius": -1}}),
            "appearance.cardRadius",
        ),
        (
            json!({"appearance": {"buttonColor": "black"}}),
            "appearance.buttonColor",
        ),
        (
            json!({"avatar": {"imageUrl": "javascript:x"}}),
            "avatar.imageUrl",
        ),
        (json!({"voice": ""}), "voice"),
        (
            json!({"model": {"temperature": "hot"}}),
            "model.temperature",
        ),
    ] {
        assert_field_error(app.client.voice_agent_raw(&bot.id, &patch).await, path);
    }
    assert_eq!(app.details_json(&bot.id).await, before);
}

#[tokio::test]
async fn widget_endpoints_of_an_unknown_chatbot_are_404() {
    let app = spawn_app().await;
    let id = "5afe16ed-5fd2-4552-a993-903bc9c32bb6";
    assert_api_error(
        app.client
            .voice_agent(id, &VoiceWidgetConfig::default())
            .await,
        404,
        "not_found",
    );
    assert_api_error(
        app.client
            .chat_widget(id, &ChatWidgetUpdate::default())
            .await,
        404,
        "not_found",
    );
}
