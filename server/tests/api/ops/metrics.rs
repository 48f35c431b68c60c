use okchat::client::UploadFile;
use reqwest::{header, StatusCode};

use crate::chat::ask;
use crate::helpers::{spawn_app, spawn_app_with_ops, TestApp, METRICS_TOKEN};
use crate::knowledge::ingest;

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(format!("{}/metrics", app.base_url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn metrics_text(app: &TestApp) -> String {
    let response = scrape(app, Some(METRICS_TOKEN)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_need_the_bearer_token_and_count_requests_by_route_template() {
    let app = spawn_app().await;
    for token in [None, Some("not-the-token")] {
        let response = scrape(&app, token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }
    let bot = app.create("Counted").await;
    for _ in 0..2 {
        app.client.get_chatbot_details(&bot.id).await.unwrap();
    }
    let text = metrics_text(&app).await;
    assert!(
        text.contains(
            "chatdeck_http_requests_total{method=\"GET\",route=\"/api/external/chatbot/{chatbot_id}\",status=\"200\"} 2"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "chatdeck_http_request_duration_seconds_count{method=\"GET\",route=\"/api/external/chatbot/{chatbot_id}\",status=\"200\"} 2"
        ),
        "{text}"
    );
    // Refused scrapes are requests too, under their own status; ids never become labels.
    assert!(
        text.contains(
            "chatdeck_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"401\"} 2"
        ),
        "{text}"
    );
    assert!(!text.contains(&bot.id), "{text}");
    assert!(text.contains("chatdeck_knowledge_queue_depth 0"), "{text}");
    assert!(
        text.contains("chatdeck_db_pool_connections{state=\"idle\"}"),
        "{text}"
    );
    let pool_max = if crate::helpers::on_postgres() { 16 } else { 8 };
    assert!(
        text.contains(&format!("chatdeck_db_pool_max_connections {pool_max}")),
        "{text}"
    );
}

#[tokio::test]
async fn knowledge_jobs_and_chat_answers_are_measured() {
    let app = spawn_app().await;
    let bot = app.create("Measured").await;
    ingest(
        &app,
        &bot.id,
        vec![UploadFile::new(
            "refunds.md",
            "# Refunds\n\nRefunds are paid within 14 days.",
        )],
    )
    .await;
    app.client
        .chat(&bot.id, &ask("How long do refunds take?", "visitor-1"))
        .await
        .unwrap();
    let text = metrics_text(&app).await;
    assert!(
        text.contains("chatdeck_knowledge_job_duration_seconds_count{outcome=\"done\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("chatdeck_chat_first_token_seconds_count 1"),
        "{text}"
    );
    assert!(
        text.contains("chatdeck_chat_provider_errors_total 0"),
        "{text}"
    );
}

#[tokio::test]
async fn without_a_token_configured_metrics_are_not_served() {
    let app = spawn_app_with_ops(Default::default()).await;
    assert_eq!(
        scrape(&app, Some(METRICS_TOKEN)).await.status(),
        StatusCode::NOT_FOUND
    );
}
