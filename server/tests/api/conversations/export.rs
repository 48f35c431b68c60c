use okchat::{ExportFormat, PageQuery};
use serde_json::Value;

use super::seed;
use crate::helpers::{assert_api_error, spawn_app, TestApp};

async fn export(app: &TestApp, bot: &str, format: ExportFormat, query: &PageQuery) -> String {
    let response = app
        .client
        .export_conversations(bot, format, query)
        .await
        .unwrap();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment; filename=\"conversations-"));
    assert!(disposition.ends_with(&format!(".{}\"", format.as_str())));
    match format {
        ExportFormat::Csv => assert_eq!(content_type, "text/csv; charset=utf-8"),
        ExportFormat::Jsonl => assert_eq!(content_type, "application/x-ndjson"),
    }
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_csv_has_one_row_per_message_quoted_and_safe_for_spreadsheets() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    let session = seed(
        &app,
        &bot,
        "visitor",
        "web",
        "2025-03-05T09:00:00",
        &[
            (
                "user",
                "=HYPERLINK(\"http://evil\"), and \"quotes\"\nover two lines",
            ),
            ("bot", "Sure, here you go."),
        ],
    )
    .await;
    let empty = seed(&app, &bot, "quiet", "kakao", "2025-03-06T09:00:00", &[]).await;
    let text = export(&app, &bot.id, ExportFormat::Csv, &PageQuery::default()).await;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "session_id");
    assert!(header.contains(&"content".to_owned()));
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "{text}");
    // Newest session first; a session without messages still has its row.
    assert_eq!(&rows[0][column("session_id")], empty);
    assert_eq!(&rows[0][column("platform")], "kakao");
    assert_eq!(&rows[0][column("message_id")], "");
    assert_eq!(&rows[1][column("session_id")], session);
    assert_eq!(
        &rows[1][column("content")],
        "'=HYPERLINK(\"http://evil\"), and \"quotes\"\nover two lines"
    );
    assert_eq!(&rows[1][column("sender_type")], "user");
    assert_eq!(&rows[2][column("content")], "Sure, here you go.");
    assert_eq!(&rows[2][column("provider")], "local");
}

#[tokio::test]
async fn the_jsonl_export_takes_the_filters_and_every_page() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    // More sessions than one page of the export's reading, on both sides of the filter.
    for i in 0..130 {
        let at = format!("2025-03-{:02}T09:{:02}:00", 5 + i % 2, i / 2);
        let words = if i % 2 == 0 { "refund please" } else { "hello" };
        seed(
            &app,
            &bot,
            &format!("v{i}"),
            "web",
            &at,
            &[("user", words), ("bot", "noted")],
        )
        .await;
    }
    let text = export(
        &app,
        &bot.id,
        ExportFormat::Jsonl,
        &PageQuery {
            q: Some("REFUND".into()),
            ..Default::default()
        },
    )
    .await;
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 65);
    let mut callers: Vec<&str> = lines
        .iter()
        .map(|l| l["session"]["sns_user_id"].as_str().unwrap())
        .collect();
    let created: Vec<&str> = lines
        .iter()
        .map(|l| l["session"]["created_at"].as_str().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    callers.sort_unstable();
    callers.dedup();
    assert_eq!(callers.len(), 65, "each session exactly once");
    for line in &lines {
        let messages = line["messages"].as_array().unwrap();
        assert_eq!(messages[0]["content"], "refund please");
        assert_eq!(messages[1]["sender_type"], "bot");
    }

    let dated = export(
        &app,
        &bot.id,
        ExportFormat::Jsonl,
        &PageQuery {
            from: Some("2025-03-06".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(dated.lines().count(), 65);
}

#[tokio::test]
async fn the_export_needs_a_known_format_and_the_owner() {
    let app = spawn_app().await;
    let bot = app.create("Support").await;
    for format in ["", "&format=xlsx"] {
        let (status, error) = app
            .send_raw(
                reqwest::Method::GET,
                &format!(
                    "/api/external/chatbot/{}/conversations/export?state=closed{format}",
                    bot.id
                ),
                "",
            )
            .await;
        assert_eq!(status, 400, "{format}: {error}");
        assert!(error["error"]["fields"]["format"].is_string());
    }
    let other = app.client_for("globex").await;
    assert_api_error(
        other
            .export_conversations(&bot.id, ExportFormat::Csv, &PageQuery::default())
            .await,
        404,
        "not_found",
    );
    let nothing = export(&app, &bot.id, ExportFormat::Jsonl, &PageQuery::default()).await;
    assert_eq!(nothing, "");
}
