//! The console's server functions, called over HTTP as the browser calls them, against the
//! real embedded backend.

use app::auth::{SignIn, SignOut};
use app::chatbots::schema::{initial_values, values_of, Values};
use app::chatbots::server_fns::{
    ChatbotSummary, CreateChatbot, GetChatbot, ListChatbots, Saved, UpdateChatbot, UploadAvatar,
};
use app::error::AppError;
use leptos::server_fn::ServerFn;

use crate::helpers::{spawn_app, TestApp};

#[tokio::test]
async fn list_chatbots_proxies_to_the_api_for_the_signed_in_organization_only() {
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let other = app.client_for("globex").await;
    other
        .create_chatbot(&okchat::CreateChatbot::named("Theirs"))
        .await
        .unwrap();
    let cookie = app.session_cookie("acme", "ada@acme.example").await;

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
        assert_eq!(response.status(), 401, "{cookie:?}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Unauthorized"), "{body}");
        assert!(!body.contains("Ours"));
    }
}

#[tokio::test]
async fn a_failed_plain_form_post_goes_back_to_its_page() {
    // Before the page's wasm has loaded, forms post natively; a failure must bring the person
    // back to the page (leptos_axum's redirect), not to an error body.
    let app = spawn_app().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = http
        .post(app.url(SignIn::PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("referer", app.url("/login"))
        .body("email=nobody%40example.com&password=wrong&next=")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(&app.url("/login")), "{location}");
}

#[tokio::test]
async fn signing_out_ends_a_recently_checked_session_at_once() {
    let app = spawn_app().await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    // Checked twice: the second check is answered from the session cache.
    assert_eq!(app.list_status(&cookie).await, 200);
    assert_eq!(app.list_status(&cookie).await, 200);
    let response = app
        .http
        .post(app.url(SignOut::PATH))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.list_status(&cookie).await,
        401,
        "the old cookie is dead"
    );
}

/// Posts a save as the hydrated settings form does: the changed fields and what the page
/// loaded for them, at the version it loaded.
async fn post_save(
    app: &TestApp,
    cookie: &str,
    loaded: &okchat::Chatbot,
    changes: &[(&str, &str)],
    force: bool,
) -> (u16, String) {
    let base = values_of(loaded);
    let input: Values = changes
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let body = serde_qs::to_string(&UpdateChatbot {
        id: loaded.id.clone(),
        version_id: loaded.version_id.clone(),
        base: Some(input.keys().map(|k| (k.clone(), base[k].clone())).collect()),
        input,
        force: Some(force),
    })
    .unwrap();
    let response = app
        .http
        .post(app.url(UpdateChatbot::PATH))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn update_chatbot_saves_the_language_and_voice_agent_and_refuses_bad_input_whole() {
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    let changes = [
        ("model", "gpt-4o"),
        ("language", "ko"),
        ("voice.temperature", "0.4"),
        ("voice.start_call", "Call us"),
    ];
    let (status, body) = post_save(&app, &cookie, &bot, &changes, false).await;
    assert_eq!(status, 200, "{body}");
    let saved = app.details_json(&bot.id).await["chatbot"].clone();
    assert_eq!(saved["settings"]["model"], "gpt-4o");
    assert_eq!(saved["chat_widget_config"]["language"], "ko");
    assert_eq!(saved["voice_widget_config"]["model"]["temperature"], 0.4);
    assert_eq!(saved["voice_widget_config"]["text"]["startCall"], "Call us");

    // A cleared voice field is removed; the rest stays.
    let loaded = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    let (status, body) =
        post_save(&app, &cookie, &loaded, &[("voice.start_call", "")], false).await;
    assert_eq!(status, 200, "{body}");
    let saved = app.details_json(&bot.id).await["chatbot"].clone();
    assert!(
        saved["voice_widget_config"].get("text").is_none(),
        "{saved}"
    );
    assert_eq!(saved["voice_widget_config"]["model"]["temperature"], 0.4);

    // One bad field anywhere refuses the whole save, on the field's form key.
    let loaded = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    let versions = app.versions(&bot.id).await;
    let bad = [("name", "Renamed"), ("voice.temperature", "2")];
    let (status, body) = post_save(&app, &cookie, &loaded, &bad, false).await;
    assert_eq!(
        status, 422,
        "a form the person can fix is not a server error: {body}"
    );
    let error: AppError = serde_json::from_str(&body).unwrap();
    assert!(error.field("voice.temperature").is_some(), "{body}");
    assert_eq!(app.versions(&bot.id).await, versions, "nothing changed");
    assert_eq!(app.details_json(&bot.id).await["chatbot"]["name"], "Ours");
}

#[tokio::test]
async fn a_save_of_one_field_is_one_patch_and_one_version() {
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    let versions = app.versions(&bot.id).await;
    let (status, body) = post_save(&app, &cookie, &bot, &[("slogan", "Ask away")], false).await;
    assert_eq!(status, 200, "{body}");
    let saved: Saved = serde_json::from_str(&body).unwrap();
    assert_eq!(app.versions(&bot.id).await, versions + 1);
    let stored = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    assert_eq!(
        saved.version_id, stored.version_id,
        "the page learns its new version"
    );
    assert_eq!(saved.fresh["slogan"], "Ask away");
}

#[tokio::test]
async fn two_people_saving_different_fields_both_keep_their_changes() {
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let ada = app.session_cookie("acme", "ada@acme.example").await;
    let bob = app.session_cookie("acme", "bob@acme.example").await;
    // Both pages loaded the same version; Ada saves first.
    let (status, body) = post_save(&app, &ada, &bot, &[("name", "Renamed by Ada")], false).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post_save(&app, &bob, &bot, &[("primary_color", "#0F766E")], false).await;
    assert_eq!(status, 200, "{body}");
    let saved: Saved = serde_json::from_str(&body).unwrap();
    assert_eq!(
        saved.fresh["name"], "Renamed by Ada",
        "Bob's page learns Ada's change"
    );
    let stored = app.details_json(&bot.id).await["chatbot"].clone();
    assert_eq!(stored["name"], "Renamed by Ada");
    assert_eq!(stored["settings"]["snippet"]["primaryColor"], "#0F766E");
}

#[tokio::test]
async fn two_people_saving_the_same_field_are_told_and_the_second_may_overwrite() {
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let ada = app.session_cookie("acme", "ada@acme.example").await;
    let bob = app.session_cookie("acme", "bob@acme.example").await;
    let (status, _) = post_save(&app, &ada, &bot, &[("slogan", "Ada's")], false).await;
    assert_eq!(status, 200);
    let versions = app.versions(&bot.id).await;
    let (status, body) = post_save(&app, &bob, &bot, &[("slogan", "Bob's")], false).await;
    assert_eq!(status, 412, "{body}");
    let error: AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(
        error,
        AppError::ChangedElsewhere {
            fields: vec!["Slogan".into()]
        }
    );
    assert_eq!(app.versions(&bot.id).await, versions, "nothing was saved");
    assert_eq!(
        app.details_json(&bot.id).await["chatbot"]["settings"]["snippet"]["slogan"],
        "Ada's"
    );
    let (status, body) = post_save(&app, &bob, &bot, &[("slogan", "Bob's")], true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.details_json(&bot.id).await["chatbot"]["settings"]["snippet"]["slogan"],
        "Bob's"
    );
}

#[tokio::test]
async fn a_form_posted_before_hydration_saves_only_what_differs_from_the_stored_chatbot() {
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    // Someone else changes the name after this page loaded.
    app.client
        .update_chatbot(
            &bot.id,
            &okchat::UpdateChatbot {
                name: Some("Renamed meanwhile".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The page posts every field natively (the name as it loaded), with one change.
    let mut values = values_of(&bot);
    values.insert("slogan".into(), "Posted without wasm".into());
    values.remove("is_public");
    #[derive(serde::Serialize)]
    struct Plain {
        id: String,
        version_id: Option<String>,
        input: Values,
    }
    let body = serde_qs::to_string(&Plain {
        id: bot.id.clone(),
        version_id: bot.version_id.clone(),
        input: values,
    })
    .unwrap();
    let response = app
        .http
        .post(app.url(UpdateChatbot::PATH))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    // The name the page showed is not sent back over the newer one.
    let stored = app.details_json(&bot.id).await["chatbot"].clone();
    assert_eq!(stored["name"], "Renamed meanwhile");
    assert_eq!(
        stored["settings"]["snippet"]["slogan"],
        "Posted without wasm"
    );
}

#[tokio::test]
async fn upload_avatar_proxies_the_image_and_refuses_what_is_not_one() {
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0x64,
        0xF8, 0xCF, 0x50, 0x0F, 0x00, 0x03, 0x86, 0x01, 0x80, 0x5A, 0x34, 0x7D, 0x6B, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    let upload = |bytes: &'static [u8], cookie: Option<String>| {
        let form = reqwest::multipart::Form::new()
            .text("id", bot.id.clone())
            .part(
                "avatar",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name("face.png")
                    .mime_str("image/png")
                    .unwrap(),
            );
        let mut request = app.http.post(app.url(UploadAvatar::PATH)).multipart(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };

    let response = upload(PNG, None).await.unwrap();
    assert_eq!(response.status(), 401, "a session is required");

    let response = upload(b"plain text, not an image", Some(cookie.clone()))
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("settings.avatar"), "{body}");
    assert!(app.details_json(&bot.id).await["chatbot"]["settings"]
        .get("avatar")
        .is_none_or(|a| a.is_null()));

    let response = upload(PNG, Some(cookie)).await.unwrap();
    assert_eq!(response.status(), 200);
    let url: String = response.json().await.unwrap();
    assert!(url.contains("/uploads/"), "{url}");
    assert_eq!(
        app.details_json(&bot.id).await["chatbot"]["settings"]["avatar"],
        url.as_str()
    );
}

#[tokio::test]
async fn create_chatbot_sets_the_language_and_voice_agent_it_was_given() {
    let app = spawn_app().await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    let mut form = initial_values();
    form.insert("name".into(), "Polyglot".into());
    form.insert("language".into(), "de".into());
    form.insert("voice.silence_duration_ms".into(), "1200".into());
    let body = serde_qs::to_string(&CreateChatbot { input: form }).unwrap();
    let response = app
        .http
        .post(app.url(CreateChatbot::PATH))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    let id: String = serde_json::from_str(&text).unwrap();
    let saved = app.details_json(&id).await["chatbot"].clone();
    assert_eq!(saved["name"], "Polyglot");
    assert_eq!(saved["settings"]["model"], okchat::defaults::MODEL);
    assert_eq!(saved["chat_widget_config"]["language"], "de");
    assert_eq!(
        saved["voice_widget_config"]["vad"]["silence_duration_ms"],
        1200
    );
}

#[tokio::test]
async fn the_embed_snippet_points_at_the_public_origin_the_request_came_through() {
    let app = spawn_app().await;
    let bot = app.create("Ours").await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    for (proto, expected) in [
        ("https", "https://console.example/widget.js"),
        ("gopher", "http://console.example/widget.js"),
    ] {
        let response = app
            .http
            .post(app.url(GetChatbot::PATH))
            .header("cookie", &cookie)
            .header("host", "console.example")
            .header("x-forwarded-proto", proto)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("id={}", bot.id))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let data: serde_json::Value = response.json().await.unwrap();
        assert_eq!(data["script_url"], expected, "X-Forwarded-Proto: {proto}");
    }
}

async fn page_status(app: &TestApp, cookie: &str) -> u16 {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    http.get(app.url("/chatbots"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn pages_and_server_functions_share_one_session_check() {
    let app = spawn_app().await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    assert_eq!(page_status(&app, &cookie).await, 200);
    // Deleted behind the console's back (another replica signed it out): both the page guard
    // and the server functions still trust the check they share, for its short lifetime.
    let token = cookie.trim_start_matches("chatdeck_session=");
    server::users::sign_out(&app.state.store, token)
        .await
        .unwrap();
    assert_eq!(page_status(&app, &cookie).await, 200);
    assert_eq!(app.list_status(&cookie).await, 200);
    // ... and no longer than the documented bound, 5 s (1 s more for the requests).
    let signed_out = std::time::Instant::now();
    while page_status(&app, &cookie).await == 200 {
        assert!(
            signed_out.elapsed() < std::time::Duration::from_secs(6),
            "a session signed out elsewhere still works after {:?}",
            signed_out.elapsed()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(page_status(&app, &cookie).await, 303);
    assert_eq!(app.list_status(&cookie).await, 401);
    // Signing out through the console ends it for both at once.
    let cookie = app.session_cookie("acme", "bob@acme.example").await;
    assert_eq!(page_status(&app, &cookie).await, 200);
    let response = app
        .http
        .post(app.url(SignOut::PATH))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(page_status(&app, &cookie).await, 303);
    assert_eq!(app.list_status(&cookie).await, 401);
}
