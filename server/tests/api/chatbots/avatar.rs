use okchat::client::UploadFile;
use okchat::ClientError;
use serde_json::Value;

use crate::helpers::{assert_api_error, spawn_app, PNG};

#[tokio::test]
async fn an_uploaded_avatar_is_stored_served_and_set_on_the_chatbot() {
    let app = spawn_app().await;
    let bot = app.create("Face").await;
    let response = app
        .client
        .chatbot_avatar(
            &bot.id,
            UploadFile::new("bot.png", PNG).with_content_type("image/png"),
        )
        .await
        .unwrap();
    assert_eq!(response.message, "Avatar updated successfully");
    let url = response
        .chatbot
        .settings
        .avatar
        .clone()
        .expect("avatar set");
    let prefix = format!("{}/uploads/chatbots/{}/", app.base_url, bot.id);
    assert!(url.starts_with(&prefix) && url.ends_with(".png"), "{url}");
    assert_eq!(response.chatbot.name, "Face");
    assert!(response.chatbot.updated_at > bot.updated_at);

    let served = app.http.get(&url).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let details = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    assert_eq!(details.settings.avatar.as_deref(), Some(url.as_str()));
}

#[tokio::test]
async fn the_type_comes_from_the_bytes_not_the_name() {
    let app = spawn_app().await;
    let bot = app.create("Face").await;
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.extend_from_slice(&[0; 64]);
    let url = app
        .client
        .chatbot_avatar(&bot.id, UploadFile::new("looks-like.png", jpeg))
        .await
        .unwrap()
        .chatbot
        .settings
        .avatar
        .unwrap();
    assert!(url.ends_with(".jpg"), "{url}");
}

#[tokio::test]
async fn replacing_an_avatar_removes_the_old_file() {
    let app = spawn_app().await;
    let bot = app.create("Face").await;
    let first = app
        .client
        .chatbot_avatar(&bot.id, UploadFile::new("a.png", PNG))
        .await
        .unwrap();
    let first_url = first.chatbot.settings.avatar.unwrap();
    let second = app
        .client
        .chatbot_avatar(&bot.id, UploadFile::new("b.png", PNG))
        .await
        .unwrap();
    let second_url = second.chatbot.settings.avatar.unwrap();
    assert_ne!(first_url, second_url);
    assert_eq!(app.http.get(&first_url).send().await.unwrap().status(), 404);
    assert_eq!(
        app.http.get(&second_url).send().await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn an_avatar_over_2_mib_is_413_and_changes_nothing() {
    let app = spawn_app().await;
    let bot = app.create("Face").await;
    let before = app.details_json(&bot.id).await;
    let mut big = PNG.to_vec();
    big.resize(2 * 1024 * 1024 + 1, 0);
    let error = assert_api_error(
        app.client
            .chatbot_avatar(&bot.id, UploadFile::new("big.png", big))
            .await,
        413,
        "payload_too_large",
    );
    assert!(
        error
            .to_string()
            .contains(okchat::validate::AVATAR_TOO_LARGE),
        "the console says the same: {error}"
    );
    let mut exact = PNG.to_vec();
    exact.resize(2 * 1024 * 1024, 0);
    let mut far_too_big = PNG.to_vec();
    far_too_big.resize(8 * 1024 * 1024, 0);
    let result = app
        .client
        .chatbot_avatar(&bot.id, UploadFile::new("huge.png", far_too_big))
        .await;
    // The server answers and closes while a body far past the limit is still arriving, so the
    // client sees either that 413 or the connection cut, and nothing else.
    match result {
        Err(ClientError::Api { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (413, "payload_too_large"));
        }
        Err(ClientError::Transport(_)) => {}
        other => panic!("an 8 MiB avatar was not refused: {other:?}"),
    }
    assert_eq!(app.details_json(&bot.id).await, before);
    let stored = app
        .state
        .files
        .list(&format!("chatbots/{}", bot.id))
        .await
        .unwrap();
    assert!(stored.is_empty(), "{stored:?}");
    app.client
        .chatbot_avatar(&bot.id, UploadFile::new("exact.png", exact))
        .await
        .unwrap();
}

#[tokio::test]
async fn non_images_are_415_and_change_nothing() {
    let app = spawn_app().await;
    let bot = app.create("Face").await;
    let before = app.details_json(&bot.id).await;
    for (name, bytes) in [
        (
            "logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
        ),
        ("notes.png", b"just text pretending".to_vec()),
        ("doc.pdf", b"%PDF-1.7 ...".to_vec()),
        ("empty.png", Vec::new()),
    ] {
        let error = assert_api_error(
            app.client
                .chatbot_avatar(
                    &bot.id,
                    UploadFile::new(name, bytes).with_content_type("image/png"),
                )
                .await,
            415,
            "unsupported_media_type",
        );
        assert!(
            error.to_string().contains(okchat::validate::AVATAR_TYPES),
            "{name}: {error}"
        );
    }
    assert_eq!(app.details_json(&bot.id).await, before);
}

#[tokio::test]
async fn a_request_without_an_avatar_part_is_400_and_a_json_body_415() {
    let app = spawn_app().await;
    let bot = app.create("Face").await;
    let path = format!("/api/external/chatbot/{}/update-avatar", bot.id);
    let form = reqwest::multipart::Form::new().text("other", "x");
    let response = app
        .http
        .patch(app.url(&path))
        .header("x-api-key", &app.key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"]["fields"]["avatar"].is_string(), "{body}");

    let (status, body) = app.send_raw(reqwest::Method::PATCH, &path, "{}").await;
    assert_eq!(status, 415);
    assert_eq!(body["error"]["code"], "unsupported_media_type");
}

#[tokio::test]
async fn an_avatar_for_an_unknown_chatbot_is_404_and_stores_no_file() {
    let app = spawn_app().await;
    let id = "3317853e-0af2-427d-a56f-351a9587f48f";
    assert_api_error(
        app.client
            .chatbot_avatar(id, UploadFile::new("a.png", PNG))
            .await,
        404,
        "not_found",
    );
    assert!(!app
        .data_dir
        .path()
        .join("uploads/chatbots")
        .join(id)
        .exists());
}

#[tokio::test]
async fn deleting_a_chatbot_removes_its_avatar_files() {
    let app = spawn_app().await;
    let bot = app.create("Face").await;
    let url = app
        .client
        .chatbot_avatar(&bot.id, UploadFile::new("a.png", PNG))
        .await
        .unwrap()
        .chatbot
        .settings
        .avatar
        .unwrap();
    app.client.delete_chatbot(&bot.id).await.unwrap();
    assert_eq!(app.http.get(&url).send().await.unwrap().status(), 404);
    assert!(!app
        .data_dir
        .path()
        .join("uploads/chatbots")
        .join(&bot.id)
        .exists());
}

/// Uploads a PNG avatar with `headers`; answers its URL.
async fn avatar_url_with(
    app: &crate::helpers::TestApp,
    id: &str,
    headers: &[(&str, &str)],
) -> String {
    let mut request = app
        .http
        .patch(app.url(&format!("/api/external/chatbot/{id}/update-avatar")))
        .header("x-api-key", &app.key)
        .multipart(reqwest::multipart::Form::new().part(
            "avatar",
            reqwest::multipart::Part::bytes(PNG).file_name("a.png"),
        ));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["chatbot"]["settings"]["avatar"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn avatar_urls_follow_the_public_origin_behind_a_proxy() {
    let app = spawn_app().await;
    let bot = app.create("Face").await;
    let url = avatar_url_with(
        &app,
        &bot.id,
        &[("host", "chat.example.com"), ("x-forwarded-proto", "https")],
    )
    .await;
    assert!(
        url.starts_with("https://chat.example.com/uploads/chatbots/"),
        "{url}"
    );
    let url = avatar_url_with(
        &app,
        &bot.id,
        &[
            ("host", "chat.example.com"),
            ("x-forwarded-proto", "javascript"),
        ],
    )
    .await;
    assert!(
        url.starts_with("http://chat.example.com/uploads/"),
        "only http and https are taken from the proxy: {url}"
    );
}
