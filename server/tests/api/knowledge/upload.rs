use okchat::client::UploadFile;
use okchat::{DocumentSource, DocumentStatus, KnowledgeListQuery};
use serde_json::Value;

use super::{ask, ingest, settled};
use crate::helpers::{assert_api_error, assert_field_error, spawn_app, spawn_app_with, PNG};

const MARKDOWN: &str = "# Shipping\n\nWe ship to every country in the European Union.\n\n\
## Costs\n\nShipping costs 5 euros per parcel, free above 50 euros.\n";

#[tokio::test]
async fn an_upload_answers_the_documented_shape_and_every_format_becomes_searchable() {
    let app = spawn_app().await;
    let bot = app.create("Docs").await;
    let response = app
        .client
        .knowledge_base_files(
            &bot.id,
            vec![
                UploadFile::new("shipping.md", MARKDOWN),
                UploadFile::new("notes.txt", "The warehouse opens at seven in the morning."),
                UploadFile::new(
                    "prices.csv",
                    "product,price\nkettle,25 euros\nteapot,40 euros\n",
                ),
                UploadFile::new(
                    "hours.json",
                    r#"{"support": {"hours": "Monday to Friday, nine to five"}}"#,
                ),
                UploadFile::new(
                    "about.html",
                    "<html><head><title>About</title><script>var secret = 'tracking';</script>\
                     </head><body><h1>About us</h1><p>Founded in Lisbon in 2019.</p></body></html>",
                ),
            ],
        )
        .await
        .unwrap();
    assert_eq!(response.message, "Files uploaded successfully");
    assert_eq!(response.documents.len(), 5);
    let first = &response.documents[0];
    assert_eq!(first.title, "shipping");
    assert_eq!(first.file_name, "shipping.md");
    assert_eq!(first.content_type, "text/markdown");
    assert_eq!(first.size_bytes, MARKDOWN.len() as u64);
    assert_eq!(first.status, DocumentStatus::Processing);
    assert_eq!(first.chunk_count, 0);
    assert_eq!(first.chatbot_id, bot.id);
    assert_eq!(first.source, Some(DocumentSource::File));
    let types: Vec<&str> = response
        .documents
        .iter()
        .map(|d| d.content_type.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "text/markdown",
            "text/plain",
            "text/csv",
            "application/json",
            "text/html"
        ]
    );

    for document in &response.documents {
        let done = settled(&app, &bot.id, &document.id).await;
        assert_eq!(done.status, DocumentStatus::Ready, "{done:?}");
        assert!(done.chunk_count >= 1, "{done:?}");
        assert!(done.updated_at >= done.created_at);
    }
    for (question, expected) in [
        ("How much does shipping cost?", "5 euros per parcel"),
        ("When does the warehouse open?", "seven in the morning"),
        ("What is the price of the teapot?", "40 euros"),
        ("What are the support hours?", "Monday to Friday"),
        ("Where was the company founded?", "Lisbon"),
    ] {
        let results = ask(&app, &bot.id, question).await;
        assert!(
            results.first().is_some_and(|(c, _)| c.contains(expected)),
            "{question} → {results:?}"
        );
    }
    // Scripts are not visible text.
    assert!(ask(&app, &bot.id, "tracking secret").await.is_empty());
}

#[tokio::test]
async fn csv_rows_keep_their_headers() {
    let app = spawn_app().await;
    let bot = app.create("Rows").await;
    let documents = ingest(
        &app,
        &bot.id,
        vec![UploadFile::new(
            "staff.csv",
            "name,role,office\nAda,engineer,Lisbon\nGrace,admiral,Arlington\n",
        )],
    )
    .await;
    let chunks = app
        .client
        .knowledge_chunks(&bot.id, &documents[0].id, &Default::default())
        .await
        .unwrap();
    let text: String = chunks.data.iter().map(|c| c.content.as_str()).collect();
    assert!(text.contains("role: admiral"), "{text}");
    assert!(text.contains("office: Lisbon"), "{text}");
}

#[tokio::test]
async fn a_file_chatdeck_cannot_read_is_415_and_nothing_of_the_upload_is_kept() {
    let app = spawn_app().await;
    let bot = app.create("Picky").await;
    let result = app
        .client
        .knowledge_base_files(
            &bot.id,
            vec![
                UploadFile::new("fine.md", MARKDOWN),
                UploadFile::new("photo.png", PNG),
            ],
        )
        .await;
    let error = assert_api_error(result, 415, "unsupported_media_type");
    assert!(error.to_string().contains("photo.png"), "{error}");
    // An executable renamed to .txt is not text either.
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend(std::iter::repeat_n(0u8, 4096));
    let renamed = app
        .client
        .knowledge_base_files(&bot.id, vec![UploadFile::new("notes.txt", elf)])
        .await;
    assert_api_error(renamed, 415, "unsupported_media_type");

    let listed = app
        .client
        .get_knowledge_base_list_of_chatbot(&bot.id, &KnowledgeListQuery::default())
        .await
        .unwrap();
    assert!(listed.data.is_empty(), "{listed:?}");
    assert_eq!(app.state.store.pending_jobs().await.unwrap(), 0);
    let stored = app
        .state
        .knowledge
        .files
        .list(&format!("chatbots/{}", bot.id))
        .await
        .unwrap();
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test]
async fn bad_requests_are_refused_with_the_specific_error() {
    let app = spawn_app().await;
    let bot = app.create("Strict").await;
    assert_api_error(
        app.client
            .knowledge_base_files(
                "7c3e9b12-5a4d-4f6e-8b21-0d9c8e7f6a54",
                vec![UploadFile::new("a.md", "# A")],
            )
            .await,
        404,
        "not_found",
    );
    assert_field_error(
        app.client.knowledge_base_files(&bot.id, vec![]).await,
        "files",
    );
    assert_field_error(
        app.client
            .knowledge_base_files(&bot.id, vec![UploadFile::new("empty.txt", "")])
            .await,
        "files.0",
    );

    let missing_id = app
        .http
        .post(app.url("/api/embedfiles"))
        .header("x-api-key", &app.key)
        .multipart(reqwest::multipart::Form::new().text("x", "y"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing_id.status(), 400);
    let body: Value = missing_id.json().await.unwrap();
    assert!(body["error"]["fields"]["chatbotId"].is_string(), "{body}");

    let not_multipart = app
        .http
        .post(app.url(&format!("/api/embedfiles?chatbotId={}", bot.id)))
        .header("x-api-key", &app.key)
        .json(&serde_json::json!({"files": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(not_multipart.status(), 415);

    let no_key = app
        .http
        .post(app.url(&format!("/api/embedfiles?chatbotId={}", bot.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
}

#[tokio::test]
async fn a_file_over_the_limit_is_413_and_a_huge_body_is_cut_off() {
    let app = spawn_app_with(|k| {
        k.max_file_bytes = 64 * 1024;
        k.max_request_bytes = 256 * 1024;
    })
    .await;
    let bot = app.create("Small").await;
    let big = "word ".repeat(20_000);
    assert_api_error(
        app.client
            .knowledge_base_files(&bot.id, vec![UploadFile::new("big.txt", big)])
            .await,
        413,
        "payload_too_large",
    );
    // A body far past the request limit is refused without being read to its end.
    let huge = vec![b'a'; 8 * 1024 * 1024];
    let form = reqwest::multipart::Form::new().part(
        "files",
        reqwest::multipart::Part::bytes(huge).file_name("huge.txt"),
    );
    match app
        .http
        .post(app.url(&format!("/api/embedfiles?chatbotId={}", bot.id)))
        .header("x-api-key", &app.key)
        .multipart(form)
        .send()
        .await
    {
        Ok(response) => assert_eq!(response.status(), 413),
        // The server may close the connection once it refused: that is a refusal too.
        Err(error) => assert!(error.is_request() || error.is_body(), "{error}"),
    }
    let listed = app
        .client
        .get_knowledge_base_list_of_chatbot(&bot.id, &KnowledgeListQuery::default())
        .await
        .unwrap();
    assert!(listed.data.is_empty());
}

#[tokio::test]
async fn fifty_files_at_once_all_settle() {
    let app = spawn_app().await;
    let bot = app.create("Many").await;
    let files = (0..50)
        .map(|i| {
            UploadFile::new(
                format!("note-{i}.md"),
                format!(
                    "# Note {i}\n\nThe secret number of note {i} is {}.\n",
                    i * 7
                ),
            )
        })
        .collect();
    let documents = ingest(&app, &bot.id, files).await;
    assert_eq!(documents.len(), 50);
    let not_ready: Vec<_> = documents
        .iter()
        .filter(|d| d.status != DocumentStatus::Ready)
        .collect();
    assert!(not_ready.is_empty(), "{not_ready:#?}");
    let results = ask(&app, &bot.id, "secret number of note 17").await;
    assert!(results[0].0.contains("is 119"), "{results:?}");
}

#[tokio::test]
async fn an_unreadable_file_fails_with_a_reason_and_the_server_goes_on() {
    let app = spawn_app().await;
    let bot = app.create("Broken").await;
    let documents = ingest(
        &app,
        &bot.id,
        vec![
            UploadFile::new(
                "broken.pdf",
                b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nxref\ngarbage".to_vec(),
            ),
            UploadFile::new("fine.md", MARKDOWN),
        ],
    )
    .await;
    assert_eq!(
        documents[0].status,
        DocumentStatus::Failed,
        "{:?}",
        documents[0]
    );
    let reason = documents[0].error.clone().unwrap_or_default();
    assert!(reason.contains("PDF"), "{reason}");
    assert_eq!(documents[0].chunk_count, 0);
    assert_eq!(documents[1].status, DocumentStatus::Ready);
    assert!(!ask(&app, &bot.id, "shipping costs").await.is_empty());
}
