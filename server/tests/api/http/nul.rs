//! U+0000 in what a client sends. SQLite stores it; PostgreSQL refuses it in any text, so on that
//! engine it used to end in a database error (500). Every engine now answers the same: a clear
//! refusal for the API's own fields and addresses, and documents indexed without it.

use okchat::client::UploadFile;
use okchat::DocumentStatus;
use reqwest::Method;

use crate::helpers::spawn_app;
use crate::knowledge::{ask, ingest};

#[tokio::test]
async fn a_nul_character_in_a_json_body_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (status, body) = app
        .send_raw(
            Method::POST,
            "/api/external/chatbots",
            r#"{"name": "Bad\u0000Bot"}"#,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed", "{body}");
    assert!(body["error"]["fields"]["name"].is_string(), "{body}");
    let listed = app.client.get_chatbots().await.unwrap();
    assert!(listed.chatbots.is_empty(), "nothing was created");

    let bot = app.create("Good").await;
    let path = format!("/api/external/chatbot/{}", bot.id);
    let nested = r#"{"settings": {"snippet": {"welcomeMessage": "Hi\u0000"}}}"#;
    let (status, body) = app.send_raw(Method::PATCH, &path, nested).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["fields"]["settings.snippet.welcomeMessage"].is_string(),
        "{body}"
    );
    let chat = r#"{"messages": [{"role": "user", "content": "hello\u0000"}]}"#;
    let (status, body) = app
        .send_raw(
            Method::POST,
            &format!("/api/external/chatbot/{}/chat", bot.id),
            chat,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        app.versions(&bot.id).await,
        1,
        "the refused edit made no version"
    );
}

#[tokio::test]
async fn a_nul_character_in_the_address_is_refused() {
    let app = spawn_app().await;
    let bot = app.create("Good").await;
    for path in [
        "/api/external/chatbot/abc%00def".to_owned(),
        format!(
            "/api/external/chatbot/{}/knowledge-base?title=a%00b",
            bot.id
        ),
        format!("/api/public/chatbots/{}/sessions/a%00b/messages", bot.id),
    ] {
        let response = app
            .http
            .get(app.url(&path))
            .header("x-api-key", &app.key)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        assert!(status == 400 || status == 404, "{path}: {status} {body}");
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_document_with_nul_bytes_is_indexed_without_them() {
    let app = spawn_app().await;
    let bot = app.create("Docs").await;
    // A JSON file may spell the character out; a file holding the byte itself is binary (415).
    let json = r#"{"kettle": "Descaling\u0000 takes white vinegar and one hour."}"#;
    let documents = ingest(&app, &bot.id, vec![UploadFile::new("kettle.json", json)]).await;
    assert_eq!(
        documents[0].status,
        DocumentStatus::Ready,
        "{:?}",
        documents[0]
    );
    let found = ask(&app, &bot.id, "descaling vinegar").await;
    assert!(!found.is_empty(), "the document is searchable");
    assert!(
        found.iter().all(|(content, _)| !content.contains('\0')),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_sign_in_with_a_nul_character_is_a_wrong_email_not_an_error() {
    let app = spawn_app().await;
    let signed_in = server::users::sign_in(&app.state.store, "ada\0@example.com", "hunter22").await;
    assert!(
        matches!(signed_in, Ok(None)),
        "{:?}",
        signed_in.map(|s| s.is_some())
    );
}
