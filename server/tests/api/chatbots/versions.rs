//! Settings history: the list of versions with what each changed, one version, and restoring
//! one as a new version.

use okchat::client::UploadFile;
use okchat::{ChatWidgetUpdate, CreateChatbot};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_api_error, spawn_app, TestApp, PNG};

fn changed(list: &okchat::VersionsResponse) -> Vec<Vec<&str>> {
    list.data
        .iter()
        .map(|v| v.changed.iter().map(String::as_str).collect())
        .collect()
}

#[tokio::test]
async fn the_history_lists_versions_newest_first_with_the_settings_each_changed() {
    let app = spawn_app().await;
    let bot = app.create("History").await;
    app.client
        .update_chatbot_raw(
            &bot.id,
            &json!({"name": "Renamed", "settings": {"snippet": {"primaryColor": "#000000"}}}),
        )
        .await
        .unwrap();
    app.client
        .voice_agent_raw(&bot.id, &json!({"model": {"temperature": 0.4}}))
        .await
        .unwrap();
    app.client
        .chat_widget(
            &bot.id,
            &ChatWidgetUpdate {
                language: Some("ko".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let list = app.client.list_versions(&bot.id, None, None).await.unwrap();
    assert_eq!(
        changed(&list),
        [
            vec!["chat_widget_config.language"],
            vec!["voice_widget_config.model.temperature"],
            vec!["name", "settings.snippet.primaryColor"],
            vec![],
        ]
    );
    let current = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    assert_eq!(Some(&list.data[0].id), current.version_id.as_ref());
    assert_eq!(list.data[3].id, bot.version_id.unwrap());
    assert_eq!(list.data[3].created_at, bot.created_at);
    assert_eq!(
        serde_json::to_value(list.metadata).unwrap(),
        json!({"currentPage": 1, "pageSize": 10, "totalCount": 4, "totalPages": 1})
    );
}

#[tokio::test]
async fn a_chat_widget_branding_change_is_listed_once_under_settings_snippet() {
    let app = spawn_app().await;
    let bot = app.create("Branded").await;
    app.client
        .chat_widget(
            &bot.id,
            &ChatWidgetUpdate {
                header: Some("Hello".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let list = app.client.list_versions(&bot.id, None, None).await.unwrap();
    assert_eq!(changed(&list)[0], ["settings.snippet.header"]);
}

/// `n` more versions of `id`, each changing the description.
async fn edit_times(app: &TestApp, id: &str, n: usize) {
    for i in 0..n {
        app.client
            .update_chatbot_raw(id, &json!({"description": format!("edit {i}")}))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_history_is_paged_ten_at_a_time_by_default() {
    let app = spawn_app().await;
    let bot = app.create("Paged").await;
    edit_times(&app, &bot.id, 11).await;
    let first = app.client.list_versions(&bot.id, None, None).await.unwrap();
    assert_eq!(first.data.len(), 10);
    assert_eq!(
        (first.metadata.total_count, first.metadata.total_pages),
        (12, 2)
    );
    let second = app
        .client
        .list_versions(&bot.id, Some(2), None)
        .await
        .unwrap();
    assert_eq!(second.data.len(), 2);
    assert_eq!(second.metadata.current_page, 2);
    assert!(second.data[1].changed.is_empty(), "the creation comes last");
    let mut all: Vec<_> = first
        .data
        .iter()
        .chain(&second.data)
        .map(|v| &v.id)
        .collect();
    all.dedup();
    assert_eq!(all.len(), 12, "pages do not overlap");

    let small = app
        .client
        .list_versions(&bot.id, Some(3), Some(5))
        .await
        .unwrap();
    assert_eq!(small.data.len(), 2);
    assert_eq!(small.metadata.total_pages, 3);
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_with_the_true_totals() {
    let app = spawn_app().await;
    let bot = app.create("Short").await;
    edit_times(&app, &bot.id, 2).await;
    let past = app
        .client
        .list_versions(&bot.id, Some(7), Some(2))
        .await
        .unwrap();
    assert!(past.data.is_empty());
    assert_eq!(
        serde_json::to_value(past.metadata).unwrap(),
        json!({"currentPage": 7, "pageSize": 2, "totalCount": 3, "totalPages": 2})
    );
    let all = app
        .client
        .list_versions(&bot.id, Some(1), Some(100))
        .await
        .unwrap();
    assert_eq!(all.data.len(), 3);
}

#[tokio::test]
async fn a_bad_page_or_limit_is_400_naming_the_parameter() {
    let app = spawn_app().await;
    let bot = app.create("Strict").await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=two", "page"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=1.5", "limit"),
    ] {
        let path = format!("/api/external/chatbot/{}/versions?{query}", bot.id);
        let (status, body) = app.send_raw(Method::GET, &path, "").await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["error"]["code"], "validation_failed", "{query}");
        assert!(
            body["error"]["fields"][field].is_string(),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn one_version_shows_the_chatbot_as_it_was_with_its_secret_masked() {
    let app = spawn_app().await;
    let bot = app
        .client
        .create_chatbot(&CreateChatbot {
            name: Some("Then".into()),
            openai_api_key: Some(Some("sk-live-0123456789abcdefSECRET".into())),
            ..Default::default()
        })
        .await
        .unwrap()
        .chatbot;
    app.client
        .update_chatbot_raw(&bot.id, &json!({"name": "Now"}))
        .await
        .unwrap();
    let first = bot.version_id.clone().unwrap();
    let version = app
        .client
        .get_version(&bot.id, &first)
        .await
        .unwrap()
        .version;
    assert_eq!(version.id, first);
    assert_eq!(version.created_at, bot.created_at);
    assert_eq!(
        version.chatbot, bot,
        "the chatbot exactly as Create answered it"
    );
    let raw = app
        .http
        .get(app.url(&format!(
            "/api/external/chatbot/{}/versions/{first}",
            bot.id
        )))
        .header("x-api-key", &app.key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!raw.contains("0123456789abcdef"), "{raw}");
    assert!(raw.contains("sk-…CRET"), "{raw}");
}

#[tokio::test]
async fn versions_of_another_organization_or_another_chatbot_are_not_found() {
    let app = spawn_app().await;
    let ours = app.create("Ours").await;
    let sibling = app.create("Sibling").await;
    let version = ours.version_id.clone().unwrap();
    let other = app.client_for("globex").await;
    assert_api_error(
        other.list_versions(&ours.id, None, None).await,
        404,
        "not_found",
    );
    assert_api_error(
        other.get_version(&ours.id, &version).await,
        404,
        "not_found",
    );
    assert_api_error(
        other.restore_version(&ours.id, &version).await,
        404,
        "not_found",
    );

    assert_api_error(
        app.client.get_version(&sibling.id, &version).await,
        404,
        "not_found",
    );
    assert_api_error(
        app.client.restore_version(&sibling.id, &version).await,
        404,
        "not_found",
    );
    for unknown in ["0b6e2c58-91d4-4f3a-b7c2-5e8d1a9f4c33", "not-a-version"] {
        assert_api_error(
            app.client.get_version(&ours.id, unknown).await,
            404,
            "not_found",
        );
    }
    let gone = "3317853e-0af2-427d-a56f-351a9587f48f";
    assert_api_error(
        app.client.list_versions(gone, None, None).await,
        404,
        "not_found",
    );
    assert_eq!(app.versions(&ours.id).await, 1);
    assert_eq!(app.versions(&sibling.id).await, 1);
}

#[tokio::test]
async fn restoring_the_first_version_after_two_edits_brings_its_values_back_as_a_new_version() {
    let app = spawn_app().await;
    let v1 = app.create("Original").await;
    app.client
        .update_chatbot_raw(
            &v1.id,
            &json!({"name": "Second", "is_public": true, "settings": {"greeting": "Hi!", "snippet": {"primaryColor": "#111111"}}}),
        )
        .await
        .unwrap();
    app.client
        .voice_agent_raw(
            &v1.id,
            &json!({"voice": "alloy", "model": {"temperature": 0.2}}),
        )
        .await
        .unwrap();
    app.client
        .chat_widget(
            &v1.id,
            &ChatWidgetUpdate {
                language: Some("fr".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let restored = app
        .client
        .restore_version(&v1.id, v1.version_id.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(restored.message, okchat::messages::CHATBOT_UPDATED);
    let now = restored.chatbot;
    assert_eq!(now.name, v1.name);
    assert_eq!(now.is_public, v1.is_public);
    assert_eq!(now.settings, v1.settings);
    assert_eq!(now.voice_widget_config, None);
    assert_eq!(now.chat_widget_config, v1.chat_widget_config);
    assert_eq!(now.created_at, v1.created_at);
    assert!(now.updated_at > v1.updated_at);
    assert_ne!(
        now.version_id, v1.version_id,
        "a new version, not the old one"
    );
    assert_eq!(
        app.client
            .get_chatbot_details(&v1.id)
            .await
            .unwrap()
            .chatbot,
        now
    );

    let list = app.client.list_versions(&v1.id, None, None).await.unwrap();
    assert_eq!(list.data.len(), 5);
    assert_eq!(Some(&list.data[0].id), now.version_id.as_ref());
    assert_eq!(
        changed(&list)[0],
        [
            "chat_widget_config.language",
            "is_public",
            "name",
            "settings.greeting",
            "settings.snippet.primaryColor",
            "voice_widget_config.model.temperature",
            "voice_widget_config.voice",
        ]
    );
}

#[tokio::test]
async fn a_restore_keeps_the_current_avatar() {
    let app = spawn_app().await;
    let v1 = app.create("Face").await;
    let avatar = app
        .client
        .chatbot_avatar(&v1.id, UploadFile::new("a.png", PNG))
        .await
        .unwrap()
        .chatbot
        .settings
        .avatar
        .unwrap();
    app.client
        .update_chatbot_raw(&v1.id, &json!({"description": "later"}))
        .await
        .unwrap();
    let now = app
        .client
        .restore_version(&v1.id, v1.version_id.as_deref().unwrap())
        .await
        .unwrap()
        .chatbot;
    assert_eq!(now.description, v1.description);
    assert_eq!(now.settings.avatar.as_deref(), Some(avatar.as_str()));
    assert_eq!(app.http.get(&avatar).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_restore_honours_if_match() {
    let app = spawn_app().await;
    let v1 = app.create("Guarded").await;
    let v2 = app
        .client
        .update_chatbot_raw(&v1.id, &json!({"name": "Edited"}))
        .await
        .unwrap()
        .chatbot;
    let path = format!(
        "/api/external/chatbot/{}/versions/{}/restore",
        v1.id,
        v1.version_id.as_deref().unwrap()
    );
    let before = app.details_json(&v1.id).await;
    let stale = app
        .http
        .post(app.url(&path))
        .header("x-api-key", &app.key)
        .header(
            "if-match",
            format!("\"{}\"", v1.version_id.as_deref().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["error"]["code"], "precondition_failed");
    assert_eq!(app.details_json(&v1.id).await, before);
    assert_eq!(app.versions(&v1.id).await, 2);

    let fresh = app
        .http
        .post(app.url(&path))
        .header("x-api-key", &app.key)
        .header(
            "if-match",
            format!("\"{}\"", v2.version_id.as_deref().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    let body: Value = fresh.json().await.unwrap();
    assert_eq!(body["chatbot"]["name"], "Guarded");
}

#[tokio::test]
async fn restoring_the_current_version_changes_nothing_and_records_nothing() {
    let app = spawn_app().await;
    let bot = app.create("Same").await;
    let again = app
        .client
        .restore_version(&bot.id, bot.version_id.as_deref().unwrap())
        .await
        .unwrap()
        .chatbot;
    assert_eq!(again, bot);
    assert_eq!(app.versions(&bot.id).await, 1);
}
