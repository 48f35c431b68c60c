use okchat::ChatWidgetUpdate;
use serde_json::json;

use super::public_bot;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_public_bot_s_widget_page_may_be_framed_only_by_its_allowed_sites() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Front desk").await;
    let page = app
        .http
        .get(app.url(&format!("/widget/{}", bot.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(
        frame_ancestors(page.headers()),
        "frame-ancestors 'self' http: https: file:"
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let html = page.text().await.unwrap();
    assert!(html.contains("data-testid=\"live-widget\""), "{html}");
    assert!(html.contains("Front desk"), "{html}");

    app.client
        .chat_widget(
            &bot.id,
            &ChatWidgetUpdate {
                allowed_origins: Some(vec![
                    "https://shop.example".into(),
                    "http://localhost:8080".into(),
                ]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let page = app
        .http
        .get(app.url(&format!("/widget/{}", bot.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        frame_ancestors(page.headers()),
        "frame-ancestors 'self' https://shop.example http://localhost:8080"
    );
}

fn frame_ancestors(headers: &reqwest::header::HeaderMap) -> &str {
    let policy = headers["content-security-policy"].to_str().unwrap();
    policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("frame-ancestors"))
        .unwrap_or_else(|| panic!("{policy}"))
}

#[tokio::test]
async fn the_embed_tag_s_attributes_override_the_saved_branding_when_well_formed() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Front desk").await;
    let url = format!(
        "/widget/{}?header=Hello%20from%20the%20tag&primary_color=%23112233&secondary_color=red&logo=javascript:alert(1)&language=ko",
        bot.id
    );
    let html = app
        .http
        .get(app.url(&url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Hello from the tag"), "{html}");
    assert!(html.contains("#112233"), "{html}");
    assert!(!html.contains("javascript:alert"), "{html}");
    assert!(html.contains("lang=\"ko\""), "{html}");
    assert!(
        html.contains("보내기"),
        "the widget's words are Korean: {html}"
    );
}

#[tokio::test]
async fn an_auto_language_widget_speaks_the_visitor_s_first_language_it_knows() {
    let app = spawn_app().await;
    let bot = public_bot(&app, "Front desk").await;
    let page = |accept: &'static str| {
        let url = app.url(&format!("/widget/{}", bot.id));
        let http = app.http.clone();
        async move {
            http.get(url)
                .header("accept-language", accept)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let french = page("xx-YY, fr-CA;q=0.9, en;q=0.5").await;
    assert!(french.contains("lang=\"fr\""), "{french}");
    assert!(
        french.contains("Envoyer") && !french.contains(">Send<"),
        "{french}"
    );
    let arabic = page("ar").await;
    assert!(arabic.contains("dir=\"rtl\""), "{arabic}");
    let unknown = page("xx").await;
    assert!(
        unknown.contains("lang=\"en\"") && unknown.contains("Send"),
        "{unknown}"
    );
}

#[tokio::test]
async fn private_and_paused_bots_have_no_widget_page() {
    let app = spawn_app().await;
    let private = app.create("Private").await;
    let paused = public_bot(&app, "Paused").await;
    app.client
        .update_chatbot_raw(&paused.id, &json!({"active": false}))
        .await
        .unwrap();
    for id in [private.id.as_str(), paused.id.as_str(), "nope"] {
        let page = app
            .http
            .get(app.url(&format!("/widget/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 404, "{id}");
        let html = page.text().await.unwrap();
        assert!(
            !html.contains("Private") && !html.contains("Paused"),
            "{html}"
        );
    }
}
