//! Conditional saves: `If-Match: "<version_id>"` on Update Chatbot (both paths), Voice Agent
//! and Chat Widget, and the `ETag` on every answer that shows a chatbot's state.

use okchat::Chatbot;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{assert_api_error, spawn_app, TestApp, PNG};

/// The four conditional routes as (method, path) for chatbot `id`.
fn conditional_routes(id: &str) -> [(Method, String, Value); 4] {
    [
        (
            Method::PATCH,
            format!("/api/external/chatbots?id={id}"),
            json!({"description": "by query"}),
        ),
        (
            Method::PATCH,
            format!("/api/external/chatbot/{id}"),
            json!({"description": "by path"}),
        ),
        (
            Method::PATCH,
            format!("/api/external/chatbot/{id}/voice-agent"),
            json!({"voice": "alloy"}),
        ),
        (
            Method::PATCH,
            format!("/api/external/chatbot/{id}/chat-widget"),
            json!({"language": "ko"}),
        ),
    ]
}

/// Sends `body` with `If-Match: <if_match>` (as given, quotes included); answers the status,
/// the `ETag` and the body.
async fn send_if(
    app: &TestApp,
    method: Method,
    path: &str,
    body: &Value,
    if_match: Option<&str>,
) -> (u16, Option<String>, Value) {
    let mut request = app
        .http
        .request(method, app.url(path))
        .header("x-api-key", &app.key)
        .json(body);
    if let Some(value) = if_match {
        request = request.header("if-match", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, etag, response.json().await.unwrap_or(Value::Null))
}

fn second_value(path: &str) -> Value {
    if path.ends_with("voice-agent") {
        json!({"voice": "echo"})
    } else if path.ends_with("chat-widget") {
        json!({"language": "de"})
    } else {
        json!({"description": format!("second {path}")})
    }
}

async fn current_version(app: &TestApp, id: &str) -> String {
    app.details_json(id).await["chatbot"]["version_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_save_naming_the_current_version_lands_and_answers_the_new_version_as_its_etag() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    for quoted in [true, false] {
        for (method, path, body) in conditional_routes(&bot.id) {
            // The bare round sends other values, so that every save changes something.
            let body = if quoted { body } else { second_value(&path) };
            let before = current_version(&app, &bot.id).await;
            let if_match = if quoted {
                format!("\"{before}\"")
            } else {
                before.clone()
            };
            let (status, etag, _) =
                send_if(&app, method.clone(), &path, &body, Some(&if_match)).await;
            assert_eq!(status, 200, "{method} {path} If-Match: {if_match}");
            let now = current_version(&app, &bot.id).await;
            assert_ne!(now, before, "{method} {path} saved");
            assert_eq!(etag, Some(format!("\"{now}\"")), "{method} {path}");
        }
    }
}

#[tokio::test]
async fn a_save_naming_a_stale_version_is_412_and_changes_nothing() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    let stale = bot.version_id.clone().unwrap();
    app.client
        .update_chatbot_raw(&bot.id, &json!({"name": "Moved on"}))
        .await
        .unwrap();
    let before = app.details_json(&bot.id).await;
    let versions = app.versions(&bot.id).await;
    for (method, path, body) in conditional_routes(&bot.id) {
        let (status, _, error) = send_if(
            &app,
            method.clone(),
            &path,
            &body,
            Some(&format!("\"{stale}\"")),
        )
        .await;
        assert_eq!(status, 412, "{method} {path}");
        assert_eq!(
            error["error"]["code"], "precondition_failed",
            "{method} {path}"
        );
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("changed"),
            "{error}"
        );
    }
    assert_eq!(app.details_json(&bot.id).await, before);
    assert_eq!(app.versions(&bot.id).await, versions);
}

#[tokio::test]
async fn the_typed_client_saves_over_the_version_it_read_and_is_refused_over_a_stale_one() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    let first = app
        .client
        .update_chatbot_if(&bot.id, &json!({"name": "One"}), bot.version_id.as_deref())
        .await
        .unwrap();
    assert_eq!(first.version_id, first.body.chatbot.version_id);
    let voice = app
        .client
        .voice_agent_if(
            &bot.id,
            &json!({"voice": "alloy"}),
            first.version_id.as_deref(),
        )
        .await
        .unwrap();
    let widget = app
        .client
        .chat_widget_if(
            &bot.id,
            &json!({"language": "de"}),
            voice.version_id.as_deref(),
        )
        .await
        .unwrap();
    assert_eq!(widget.body.chat_widget_config.language, "de");
    assert_api_error(
        app.client
            .update_chatbot_if(
                &bot.id,
                &json!({"name": "Two"}),
                first.version_id.as_deref(),
            )
            .await,
        412,
        "precondition_failed",
    );
    let details = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    assert_eq!(details.name, "One");
    assert_eq!(details.version_id, widget.version_id);
}

#[tokio::test]
async fn a_list_matches_any_of_its_versions_and_a_star_any_existing_chatbot() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    let current = bot.version_id.clone().unwrap();
    let path = format!("/api/external/chatbots?id={}", bot.id);
    let list = format!("\"0b6e2c58-91d4-4f3a-b7c2-5e8d1a9f4c33\", \"{current}\"");
    let (status, _, _) = send_if(
        &app,
        Method::PATCH,
        &path,
        &json!({"name": "A"}),
        Some(&list),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) =
        send_if(&app, Method::PATCH, &path, &json!({"name": "B"}), Some("*")).await;
    assert_eq!(status, 200);
    let unknown = "/api/external/chatbots?id=3317853e-0af2-427d-a56f-351a9587f48f";
    let (status, _, error) = send_if(
        &app,
        Method::PATCH,
        unknown,
        &json!({"name": "C"}),
        Some("*"),
    )
    .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let weak = format!("W/\"{}\"", current_version(&app, &bot.id).await);
    let (status, _, error) = send_if(
        &app,
        Method::PATCH,
        &path,
        &json!({"name": "D"}),
        Some(&weak),
    )
    .await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (412, Some("precondition_failed")),
        "If-Match compares strongly: a weak tag never matches"
    );
}

#[tokio::test]
async fn a_save_without_if_match_lands_whatever_the_version() {
    let app = spawn_app().await;
    let bot = app.create("Bot").await;
    app.client
        .update_chatbot_raw(&bot.id, &json!({"name": "Elsewhere"}))
        .await
        .unwrap();
    for (method, path, body) in conditional_routes(&bot.id) {
        let (status, etag, _) = send_if(&app, method.clone(), &path, &body, None).await;
        assert_eq!(status, 200, "{method} {path}");
        assert!(etag.is_some(), "{method} {path}");
    }
    assert_eq!(
        app.versions(&bot.id).await,
        6,
        "creation, the rename and four saves"
    );
}

#[tokio::test]
async fn of_concurrent_saves_over_the_same_version_exactly_one_lands() {
    let app = spawn_app().await;
    let bot = app.create("Contended").await;
    let version = bot.version_id.clone();
    let patches: Vec<Value> = (0..8)
        .map(|i| json!({"description": format!("writer {i}")}))
        .collect();
    let results = futures_util::future::join_all(
        patches
            .iter()
            .map(|p| app.client.update_chatbot_if(&bot.id, p, version.as_deref())),
    )
    .await;
    let landed: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(landed.len(), 1, "{results:?}");
    for refused in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(refused.status(), Some(412), "{refused}");
        assert_eq!(refused.code(), Some("precondition_failed"));
    }
    assert_eq!(app.versions(&bot.id).await, 2);
    let stored = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    assert_eq!(stored.description, landed[0].body.chatbot.description);
}

fn assert_tagged(etag: Option<String>, chatbot: &Value, what: &str) {
    let version = chatbot["version_id"].as_str().expect("a version id");
    assert_eq!(etag, Some(format!("\"{version}\"")), "{what}");
}

#[tokio::test]
async fn every_answer_that_shows_a_chatbot_carries_its_version_as_etag() {
    let app = spawn_app().await;
    let (status, etag, created) = send_if(
        &app,
        Method::POST,
        "/api/external/chatbots",
        &json!({"name": "Tagged"}),
        None,
    )
    .await;
    assert_eq!(status, 201);
    assert_tagged(etag, &created["chatbot"], "create");
    let id = created["chatbot"]["id"].as_str().unwrap().to_owned();

    let (_, etag, updated) = send_if(
        &app,
        Method::PATCH,
        &format!("/api/external/chatbots?id={id}"),
        &json!({"name": "Retagged"}),
        None,
    )
    .await;
    assert_tagged(etag, &updated["chatbot"], "update");

    for (path, body) in [
        (
            format!("/api/external/chatbot/{id}/voice-agent"),
            json!({"voice": "alloy"}),
        ),
        (
            format!("/api/external/chatbot/{id}/chat-widget"),
            json!({"language": "ko"}),
        ),
    ] {
        let (_, etag, _) = send_if(&app, Method::PATCH, &path, &body, None).await;
        assert_tagged(etag, &app.details_json(&id).await["chatbot"], &path);
    }

    let avatar = app
        .http
        .patch(app.url(&format!("/api/external/chatbot/{id}/update-avatar")))
        .header("x-api-key", &app.key)
        .multipart(reqwest::multipart::Form::new().part(
            "avatar",
            reqwest::multipart::Part::bytes(PNG).file_name("a.png"),
        ))
        .send()
        .await
        .unwrap();
    let etag = avatar
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = avatar.json().await.unwrap();
    assert_tagged(etag, &body["chatbot"], "avatar");

    let details = app
        .http
        .get(app.url(&format!("/api/external/chatbot/{id}")))
        .header("x-api-key", &app.key)
        .send()
        .await
        .unwrap();
    let etag = details
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = details.json().await.unwrap();
    assert_tagged(etag, &body["chatbot"], "details");

    let first = app
        .client
        .list_versions(&id, None, Some(100))
        .await
        .unwrap();
    let oldest = &first.data.last().unwrap().id;
    let (status, etag, restored) = send_if(
        &app,
        Method::POST,
        &format!("/api/external/chatbot/{id}/versions/{oldest}/restore"),
        &json!({}),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_tagged(etag, &restored["chatbot"], "restore");
}

#[tokio::test]
async fn a_browser_may_send_if_match_and_read_the_etag_across_origins() {
    let app = spawn_app().await;
    let preflight = app
        .http
        .request(Method::OPTIONS, app.url("/api/external/chatbots"))
        .header("origin", "https://console.example")
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "if-match, x-api-key")
        .send()
        .await
        .unwrap();
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("if-match"), "{allowed}");
    let bot: Chatbot = app.create("Cors").await;
    let response = app
        .http
        .get(app.url(&format!("/api/external/chatbot/{}", bot.id)))
        .header("x-api-key", &app.key)
        .header("origin", "https://console.example")
        .send()
        .await
        .unwrap();
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("etag"), "{exposed}");
}
