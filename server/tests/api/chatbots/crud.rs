use std::collections::BTreeSet;

use okchat::{messages, CreateChatbot, SettingsInput, SnippetInput, UpdateChatbot};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_api_error, assert_field_error, fixture, spawn_app};

#[tokio::test]
async fn create_with_the_documented_example_returns_201_and_echoes_it() {
    let app = spawn_app().await;
    let request = fixture("create_chatbot.request.json");
    let response = app
        .http
        .post(app.url("/api/external/chatbots"))
        .header("x-api-key", &app.key)
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "Chatbot created successfully");
    let bot = &body["chatbot"];
    for key in [
        "name",
        "slug",
        "description",
        "is_public",
        "personality_config",
    ] {
        assert_eq!(bot[key], request[key], "{key}");
    }
    for key in [
        "model",
        "prompt",
        "greeting",
        "isToolEnabled",
        "isRequestUserInfoEnabled",
        "snippet",
    ] {
        assert_eq!(
            bot["settings"][key], request["settings"][key],
            "settings.{key}"
        );
    }
    assert_eq!(bot["active"], true);
    assert_eq!(bot["migrated_data"], false);
    for key in [
        "enabled_plugins",
        "suggestions",
        "voice_widget_config",
        "v1_chatbot_id",
        "docs_metadata",
        "managers",
        "openai_api_key",
    ] {
        assert!(bot[key].is_null(), "{key} should be null");
    }
    assert!(
        bot["settings"].get("avatar").is_none(),
        "no avatar before an upload"
    );
    assert_eq!(bot["created_at"], bot["updated_at"]);
    uuid::Uuid::parse_str(bot["id"].as_str().unwrap()).unwrap();
    uuid::Uuid::parse_str(bot["organization_id"].as_str().unwrap()).unwrap();
    // The round trip through Details gives the same object.
    assert_eq!(
        &app.details_json(bot["id"].as_str().unwrap()).await["chatbot"],
        bot
    );
}

#[tokio::test]
async fn create_with_only_a_name_fills_the_documented_defaults() {
    let app = spawn_app().await;
    let bot = app.create("  Helpdesk  ").await;
    assert_eq!(bot.name, "Helpdesk");
    assert_eq!(bot.slug, "helpdesk");
    assert!(!bot.is_public);
    assert!(bot.active);
    assert_eq!(bot.settings.model, okchat::defaults::MODEL);
    assert_eq!(bot.settings.greeting, okchat::defaults::GREETING);
    assert_eq!(bot.settings.snippet.name, "Helpdesk");
    assert_eq!(
        bot.settings.snippet.primary_color,
        okchat::defaults::PRIMARY_COLOR
    );
    let widget = bot.chat_widget_config.unwrap();
    assert_eq!(widget.language, "auto");
    assert_eq!(widget.header, bot.settings.snippet.header);
    assert!(bot.version_id.is_some());
    assert_eq!(app.versions(&bot.id).await, 1);
}

#[tokio::test]
async fn create_generates_slugs_from_names_and_suffixes_collisions() {
    let app = spawn_app().await;
    let slugs: Vec<String> = [
        "Customer Support Bot",
        "customer support bot!",
        "Customer  Support--Bot",
        "고객 지원",
    ]
    .iter()
    .map(|name| {
        let app = &app;
        async move { app.create(name).await.slug }
    })
    .collect::<futures_util::future::JoinAll<_>>()
    .await;
    let unique: BTreeSet<_> = slugs.iter().collect();
    assert_eq!(unique.len(), 4, "{slugs:?}");
    let expected: BTreeSet<String> = [
        "customer-support-bot",
        "customer-support-bot-2",
        "customer-support-bot-3",
        "chatbot",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(slugs.into_iter().collect::<BTreeSet<_>>(), expected);
}

#[tokio::test]
async fn create_returns_409_when_an_explicit_slug_is_taken_and_stores_nothing() {
    let app = spawn_app().await;
    app.create("Support").await;
    let body = CreateChatbot {
        name: Some("Another".into()),
        slug: Some("support".into()),
        ..Default::default()
    };
    let error = assert_api_error(app.client.create_chatbot(&body).await, 409, "conflict");
    assert!(error.to_string().contains("support"));
    assert_eq!(app.client.get_chatbots().await.unwrap().chatbots.len(), 1);
}

#[tokio::test]
async fn create_rejects_each_invalid_field_with_its_path_and_stores_nothing() {
    let app = spawn_app().await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": "n".repeat(101)}), "name"),
        (json!({"name": "ok", "slug": "Not A Slug"}), "slug"),
        (json!({"name": "ok", "slug": "-edge-"}), "slug"),
        (json!({"name": "ok", "slug": "s".repeat(65)}), "slug"),
        (
            json!({"name": "ok", "description": "d".repeat(501)}),
            "description",
        ),
        (
            json!({"name": "ok", "settings": {"prompt": "p".repeat(20_001)}}),
            "settings.prompt",
        ),
        (
            json!({"name": "ok", "settings": {"greeting": "g".repeat(1_001)}}),
            "settings.greeting",
        ),
        (
            json!({"name": "ok", "settings": {"model": ""}}),
            "settings.model",
        ),
        (
            json!({"name": "ok", "settings": {"snippet": {"primaryColor": "blue"}}}),
            "settings.snippet.primaryColor",
        ),
        (
            json!({"name": "ok", "settings": {"snippet": {"secondaryColor": "#12345"}}}),
            "settings.snippet.secondaryColor",
        ),
        (
            json!({"name": "ok", "settings": {"snippet": {"logo": "javascript:alert(1)"}}}),
            "settings.snippet.logo",
        ),
        (
            json!({"name": "ok", "settings": {"snippet": {"logo": format!("https://x.example/{}", "a".repeat(2048))}}}),
            "settings.snippet.logo",
        ),
        (
            json!({"name": "ok", "settings": {"snippet": {"header": "h".repeat(101)}}}),
            "settings.snippet.header",
        ),
        (
            json!({"name": "ok", "settings": {"snippet": {"name": "h".repeat(101)}}}),
            "settings.snippet.name",
        ),
        (
            json!({"name": "ok", "settings": {"snippet": {"slogan": "h".repeat(101)}}}),
            "settings.snippet.slogan",
        ),
        (
            json!({"name": "ok", "personality_config": {"tone": "t".repeat(101)}}),
            "personality_config.tone",
        ),
        (json!({"name": 42}), "name"),
        (json!({"name": "ok", "is_public": "yes"}), "is_public"),
        (
            json!({"name": "ok", "settings": {"snippet": {"logo": 5}}}),
            "settings.snippet.logo",
        ),
        (json!({"name": "ok", "settings": []}), "settings"),
    ];
    for (body, path) in cases {
        let response = app
            .http
            .post(app.url("/api/external/chatbots"))
            .header("x-api-key", &app.key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "validation_failed", "{body}");
        assert!(
            error["error"]["fields"][path].is_string(),
            "{path} missing for {body}: {error}"
        );
    }
    assert!(app.client.get_chatbots().await.unwrap().chatbots.is_empty());
}

#[tokio::test]
async fn malformed_json_is_400_invalid_json_on_every_json_endpoint() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    let before = app.details_json(&bot.id).await;
    let paths = [
        (Method::POST, "/api/external/chatbots".to_owned()),
        (
            Method::PATCH,
            format!("/api/external/chatbots?id={}", bot.id),
        ),
        (Method::PATCH, format!("/api/external/chatbot/{}", bot.id)),
        (
            Method::PATCH,
            format!("/api/external/chatbot/{}/voice-agent", bot.id),
        ),
        (
            Method::PATCH,
            format!("/api/external/chatbot/{}/chat-widget", bot.id),
        ),
    ];
    for (method, path) in paths {
        for body in ["{\"name\":", "", "[1,2]", "\"text\"", "{'name': 'x'}"] {
            let (status, error) = app.send_raw(method.clone(), &path, body).await;
            assert_eq!(status, 400, "{method} {path} {body:?}");
            assert_eq!(
                error["error"]["code"], "invalid_json",
                "{method} {path} {body:?}"
            );
        }
    }
    assert_eq!(app.details_json(&bot.id).await, before);
    assert_eq!(app.client.get_chatbots().await.unwrap().chatbots.len(), 1);
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let app = spawn_app().await;
    let (status, body) = app
        .send_raw(
            Method::POST,
            "/api/external/chatbots",
            r#"{"name": "Extra", "organization_id": "x", "id": "y", "frobnicate": true}"#,
        )
        .await;
    assert_eq!(status, 201);
    assert_ne!(body["chatbot"]["id"], "y");
    assert!(body["chatbot"].get("frobnicate").is_none());
}

#[tokio::test]
async fn get_chatbots_lists_newest_first_without_the_detail_only_fields() {
    let app = spawn_app().await;
    let first = app.create("First").await;
    let second = app.create("Second").await;
    let body: Value = app
        .http
        .get(app.url("/api/external/chatbots"))
        .header("x-api-key", &app.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = body["chatbots"].as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|b| b["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second.id.as_str(), first.id.as_str()]);
    for item in list {
        for absent in [
            "docs_metadata",
            "managers",
            "migrated_data",
            "openai_api_key",
            "v1_chatbot_id",
        ] {
            assert!(item.get(absent).is_none(), "{absent} must not be listed");
        }
        for present in [
            "id",
            "organization_id",
            "name",
            "slug",
            "description",
            "is_public",
            "active",
            "personality_config",
            "settings",
            "enabled_plugins",
            "suggestions",
            "voice_widget_config",
            "version_id",
            "created_at",
            "updated_at",
        ] {
            assert!(item.get(present).is_some(), "{present} missing");
        }
    }
}

#[tokio::test]
async fn details_of_an_unknown_or_malformed_id_is_404() {
    let app = spawn_app().await;
    for id in ["3317853e-0af2-427d-a56f-351a9587f48f", "not-a-uuid", "1"] {
        assert_api_error(app.client.get_chatbot_details(id).await, 404, "not_found");
    }
}

#[tokio::test]
async fn update_merges_a_partial_body_and_keeps_everything_else() {
    let app = spawn_app().await;
    let created = app
        .client
        .create_chatbot(&serde_json::from_value(fixture("create_chatbot.request.json")).unwrap())
        .await
        .unwrap()
        .chatbot;
    let response = app
        .client
        .update_chatbot_raw(
            &created.id,
            &json!({"name": "Renamed", "is_public": false, "settings": {"model": "gpt-4o", "snippet": {"primaryColor": "#000"}}}),
        )
        .await
        .unwrap();
    assert_eq!(response.message, messages::CHATBOT_UPDATED);
    let updated = response.chatbot;
    assert_eq!(updated.name, "Renamed");
    assert!(!updated.is_public);
    assert_eq!(updated.settings.model, "gpt-4o");
    assert_eq!(updated.settings.snippet.primary_color, "#000");
    assert_eq!(
        updated.settings.snippet.secondary_color,
        created.settings.snippet.secondary_color
    );
    assert_eq!(
        updated.settings.snippet.header,
        created.settings.snippet.header
    );
    assert_eq!(updated.settings.prompt, created.settings.prompt);
    assert_eq!(updated.description, created.description);
    assert_eq!(updated.slug, created.slug);
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at > created.updated_at);
    assert_ne!(updated.version_id, created.version_id);
    assert_eq!(app.versions(&created.id).await, 2);
}

#[tokio::test]
async fn update_through_the_typed_client_and_the_path_alias_work_alike() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    let patch = UpdateChatbot {
        description: Some("via query".into()),
        settings: Some(SettingsInput {
            snippet: Some(SnippetInput {
                slogan: Some("Ask me".into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let via_query = app
        .client
        .update_chatbot(&bot.id, &patch)
        .await
        .unwrap()
        .chatbot;
    assert_eq!(via_query.description, "via query");
    assert_eq!(via_query.settings.snippet.slogan, "Ask me");

    let response = app
        .http
        .patch(app.url(&format!("/api/external/chatbot/{}", bot.id)))
        .header("x-api-key", &app.key)
        .json(&json!({"description": "via path"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "Chatbot updated successfully");
    assert_eq!(body["chatbot"]["description"], "via path");
    assert_eq!(body["chatbot"]["settings"]["snippet"]["slogan"], "Ask me");
}

#[tokio::test]
async fn update_with_null_clears_optional_values_and_resets_defaults() {
    let app = spawn_app().await;
    let bot = app
        .client
        .create_chatbot(&CreateChatbot {
            name: Some("Bot".into()),
            openai_api_key: Some(Some("sk-proj-secretsecretsecret9876".into())),
            settings: Some(SettingsInput {
                avatar: Some(Some("https://cdn.example/a.png".into())),
                greeting: Some("Yo".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .chatbot;
    assert_eq!(bot.openai_api_key.as_deref(), Some("sk-…9876"));
    let updated = app
        .client
        .update_chatbot_raw(
            &bot.id,
            &json!({"openai_api_key": null, "settings": {"avatar": null, "greeting": null}}),
        )
        .await
        .unwrap()
        .chatbot;
    assert_eq!(updated.openai_api_key, None);
    assert_eq!(updated.settings.avatar, None);
    assert_eq!(updated.settings.greeting, okchat::defaults::GREETING);
}

#[tokio::test]
async fn the_provider_key_never_appears_in_any_response() {
    let app = spawn_app().await;
    let secret = "sk-live-0123456789abcdefSECRET";
    let bot = app
        .client
        .create_chatbot(&CreateChatbot {
            name: Some("Byok".into()),
            openai_api_key: Some(Some(secret.into())),
            ..Default::default()
        })
        .await
        .unwrap()
        .chatbot;
    let details = app.details_json(&bot.id).await.to_string();
    let list = app
        .http
        .get(app.url("/api/external/chatbots"))
        .header("x-api-key", &app.key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let update = serde_json::to_string(
        &app.client
            .update_chatbot_raw(&bot.id, &json!({"description": "x"}))
            .await
            .unwrap(),
    )
    .unwrap();
    for body in [details, list, update] {
        assert!(!body.contains("0123456789abcdef"), "{body}");
    }
}

#[tokio::test]
async fn update_refuses_invalid_values_and_changes_nothing() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    let before = app.details_json(&bot.id).await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"name": null}), "name"),
        (json!({"name": ""}), "name"),
        (json!({"slug": "something-else"}), "slug"),
        (
            json!({"settings": {"snippet": {"primaryColor": "#GGG"}}}),
            "settings.snippet.primaryColor",
        ),
        (
            json!({"settings": {"snippet": {"logo": "data:text/html;base64,PGgxPg=="}}}),
            "settings.snippet.logo",
        ),
        (
            json!({"settings": {"avatar": "ftp://x"}}),
            "settings.avatar",
        ),
        (json!({"description": 7}), "description"),
        (json!({"active": "no"}), "active"),
    ];
    for (patch, path) in cases {
        assert_field_error(app.client.update_chatbot_raw(&bot.id, &patch).await, path);
    }
    assert_eq!(app.details_json(&bot.id).await, before);
    assert_eq!(app.versions(&bot.id).await, 1);
}

#[tokio::test]
async fn update_accepts_the_current_slug_and_an_empty_patch_without_a_new_version() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    let same = app
        .client
        .update_chatbot_raw(&bot.id, &json!({"slug": bot.slug, "name": "Bot"}))
        .await
        .unwrap()
        .chatbot;
    assert_eq!(same.updated_at, bot.updated_at);
    assert_eq!(same.version_id, bot.version_id);
    app.client
        .update_chatbot_raw(&bot.id, &json!({}))
        .await
        .unwrap();
    assert_eq!(app.versions(&bot.id).await, 1);
}

#[tokio::test]
async fn update_can_pause_and_resume_a_bot() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    let paused = app
        .client
        .update_chatbot_raw(&bot.id, &json!({"active": false}))
        .await
        .unwrap();
    assert!(!paused.chatbot.active);
    let resumed = app
        .client
        .update_chatbot_raw(&bot.id, &json!({"active": true}))
        .await
        .unwrap();
    assert!(resumed.chatbot.active);
}

#[tokio::test]
async fn update_without_an_id_is_400_and_with_an_unknown_id_404() {
    let app = spawn_app().await;
    let (status, body) = app
        .send_raw(Method::PATCH, "/api/external/chatbots", r#"{"name":"x"}"#)
        .await;
    assert_eq!(status, 400);
    assert!(body["error"]["fields"]["id"].is_string(), "{body}");
    assert_api_error(
        app.client
            .update_chatbot_raw(
                "3317853e-0af2-427d-a56f-351a9587f48f",
                &json!({"name": "x"}),
            )
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn concurrent_partial_updates_all_land() {
    let app = spawn_app().await;
    let bot = app.create("Busy").await;
    let patches: Vec<Value> = vec![
        json!({"description": "from task 0"}),
        json!({"settings": {"model": "gpt-4o"}}),
        json!({"settings": {"prompt": "task 2"}}),
        json!({"settings": {"greeting": "task 3"}}),
        json!({"settings": {"snippet": {"header": "task 4"}}}),
        json!({"settings": {"snippet": {"slogan": "task 5"}}}),
        json!({"settings": {"snippet": {"primaryColor": "#123456"}}}),
        json!({"settings": {"isToolEnabled": true}}),
        json!({"personality_config": {"tone": "Calm"}}),
        json!({"is_public": true}),
    ];
    let results = futures_util::future::join_all(
        patches
            .iter()
            .map(|p| app.client.update_chatbot_raw(&bot.id, p)),
    )
    .await;
    for result in results {
        result.unwrap();
    }
    let c = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    assert_eq!(c.description, "from task 0");
    assert_eq!(c.settings.model, "gpt-4o");
    assert_eq!(c.settings.prompt, "task 2");
    assert_eq!(c.settings.greeting, "task 3");
    assert_eq!(c.settings.snippet.header, "task 4");
    assert_eq!(c.settings.snippet.slogan, "task 5");
    assert_eq!(c.settings.snippet.primary_color, "#123456");
    assert!(c.settings.is_tool_enabled);
    assert_eq!(c.personality_config.tone.as_deref(), Some("Calm"));
    assert!(c.is_public);
    assert_eq!(app.versions(&bot.id).await, 11);
}

#[tokio::test]
async fn delete_removes_the_chatbot_and_everything_it_owns() {
    let app = spawn_app().await;
    let bot = app.create("Doomed").await;
    let keep = app.create("Kept").await;
    app.client
        .update_chatbot_raw(&bot.id, &json!({"description": "v2"}))
        .await
        .unwrap();
    let response = app.client.delete_chatbot(&bot.id).await.unwrap();
    assert_eq!(response.message, "Chatbot deleted successfully");
    assert_api_error(
        app.client.get_chatbot_details(&bot.id).await,
        404,
        "not_found",
    );
    assert_api_error(app.client.delete_chatbot(&bot.id).await, 404, "not_found");
    assert_eq!(app.versions(&bot.id).await, 0);
    let left: Vec<String> = app
        .client
        .get_chatbots()
        .await
        .unwrap()
        .chatbots
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(left, [keep.id]);
    // The slug is free again.
    let again = app
        .client
        .create_chatbot(&CreateChatbot {
            name: Some("Doomed".into()),
            slug: Some(bot.slug.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(again.chatbot.slug, bot.slug);
}

#[tokio::test]
async fn an_oversized_json_body_is_413() {
    let app = spawn_app().await;
    let body = json!({"name": "big", "settings": {"prompt": "p".repeat(3 * 1024 * 1024)}});
    let response = app
        .http
        .post(app.url("/api/external/chatbots"))
        .header("x-api-key", &app.key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "payload_too_large");
}
