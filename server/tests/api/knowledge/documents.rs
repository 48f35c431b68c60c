use okchat::client::UploadFile;
use okchat::{DocumentStatus, KnowledgeListQuery, PageQuery};

use super::{ask, ingest, settled};
use crate::helpers::{assert_api_error, assert_field_error, spawn_app};

fn note(name: &str, text: &str) -> UploadFile {
    UploadFile::new(name, text.to_owned())
}

#[tokio::test]
async fn the_list_pages_newest_first_and_filters_by_title_and_id() {
    let app = spawn_app().await;
    let bot = app.create("Library").await;
    let mut ids = Vec::new();
    for name in [
        "Alpha guide.md",
        "beta notes.md",
        "파일 안내.md",
        "ALPHA faq.md",
    ] {
        let uploaded = app
            .client
            .knowledge_base_files(&bot.id, vec![note(name, "Some text to index.")])
            .await
            .unwrap();
        ids.push(uploaded.documents[0].id.clone());
    }
    let list = |query: KnowledgeListQuery| {
        let app = &app;
        let bot = &bot;
        async move {
            app.client
                .get_knowledge_base_list_of_chatbot(&bot.id, &query)
                .await
                .unwrap()
        }
    };
    let all = list(KnowledgeListQuery::default()).await;
    assert_eq!(all.metadata.total_count, 4);
    let newest_first: Vec<&str> = all.data.iter().map(|d| d.id.as_str()).collect();
    let expected: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    assert_eq!(newest_first, expected);

    let page2 = list(KnowledgeListQuery {
        page: Some(2),
        limit: Some(3),
        ..Default::default()
    })
    .await;
    assert_eq!(page2.data.len(), 1);
    assert_eq!(page2.data[0].id, ids[0]);
    assert_eq!(page2.metadata.total_pages, 2);
    assert_eq!(page2.metadata.current_page, 2);

    let alpha = list(KnowledgeListQuery {
        title: Some("alpha".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(alpha.metadata.total_count, 2, "{alpha:?}");
    let korean = list(KnowledgeListQuery {
        title: Some("파일".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(korean.data.len(), 1);
    assert_eq!(korean.data[0].title, "파일 안내");
    // A title filter is text, not a pattern.
    let percent = list(KnowledgeListQuery {
        title: Some("%".into()),
        ..Default::default()
    })
    .await;
    assert!(percent.data.is_empty());

    let one = list(KnowledgeListQuery {
        id: Some(ids[1].clone()),
        ..Default::default()
    })
    .await;
    assert_eq!(one.data.len(), 1);
    assert_eq!(one.data[0].title, "beta notes");

    assert_field_error(
        app.client
            .get_knowledge_base_list_of_chatbot(
                &bot.id,
                &KnowledgeListQuery {
                    limit: Some(101),
                    ..Default::default()
                },
            )
            .await,
        "limit",
    );
}

#[tokio::test]
async fn a_title_filter_finds_letters_outside_ascii_as_written_and_ascii_in_any_case() {
    let app = spawn_app().await;
    let bot = app.create("Voyages").await;
    app.client
        .knowledge_base_files(&bot.id, vec![note("Été à Paris.md", "Some text to index.")])
        .await
        .unwrap();
    for (filter, found) in [("Été", 1), ("à PARIS", 1), ("paris", 1), ("Londres", 0)] {
        let listed = app
            .client
            .get_knowledge_base_list_of_chatbot(
                &bot.id,
                &KnowledgeListQuery {
                    title: Some(filter.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(listed.metadata.total_count, found, "{filter}: {listed:?}");
    }
}

#[tokio::test]
async fn renaming_changes_the_title_results_show() {
    let app = spawn_app().await;
    let bot = app.create("Renamer").await;
    let doc = &ingest(
        &app,
        &bot.id,
        vec![note("draft.md", "Parrots can live for eighty years.")],
    )
    .await[0];
    let renamed = app
        .client
        .update_knowledge_base(&bot.id, &doc.id, Some("Bird facts"), None)
        .await
        .unwrap();
    assert_eq!(renamed.message, "Knowledge base updated successfully");
    assert_eq!(renamed.document.title, "Bird facts");
    assert_eq!(renamed.document.status, DocumentStatus::Ready);
    assert_eq!(renamed.document.chunk_count, doc.chunk_count);
    let results = ask(&app, &bot.id, "how long do parrots live").await;
    assert!(
        results[0].0.starts_with("Title: Bird facts\nChunk: 1\n\n"),
        "{results:?}"
    );
    // The title is searchable too, and weighs.
    let by_title = ask(&app, &bot.id, "bird facts").await;
    assert!(!by_title.is_empty());

    assert_field_error(
        app.client
            .update_knowledge_base(&bot.id, &doc.id, Some("   "), None)
            .await,
        "title",
    );
    assert_field_error(
        app.client
            .update_knowledge_base(&bot.id, &doc.id, None, None)
            .await,
        "file",
    );
    assert_api_error(
        app.client
            .update_knowledge_base(
                &bot.id,
                "2043a479-0cca-4495-97cc-c4b490138f3d",
                Some("x"),
                None,
            )
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn replacing_the_content_reindexes_it_and_the_old_chunks_are_gone() {
    let app = spawn_app().await;
    let bot = app.create("Replacer").await;
    let doc = &ingest(
        &app,
        &bot.id,
        vec![note("policy.md", "Returns are accepted within 14 days.")],
    )
    .await[0];
    let replaced = app
        .client
        .update_knowledge_base(
            &bot.id,
            &doc.id,
            None,
            Some(note(
                "policy-2025.md",
                "Refunds are paid to the original card within 30 days.",
            )),
        )
        .await
        .unwrap();
    assert_eq!(replaced.document.id, doc.id);
    assert_eq!(replaced.document.file_name, "policy-2025.md");
    assert_eq!(
        replaced.document.title, "policy",
        "the title stays the owner's"
    );
    let done = settled(&app, &bot.id, &doc.id).await;
    assert_eq!(done.status, DocumentStatus::Ready);
    assert!(ask(&app, &bot.id, "returns accepted days")
        .await
        .iter()
        .all(|(c, _)| !c.contains("14 days")));
    let results = ask(&app, &bot.id, "refund card").await;
    assert!(results[0].0.contains("30 days"), "{results:?}");
    let chunks = app
        .client
        .knowledge_chunks(&bot.id, &doc.id, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(chunks.metadata.total_count, done.chunk_count);
    assert!(chunks.data.iter().all(|c| !c.content.contains("14 days")));

    let (content_type, bytes) = app.client.knowledge_file(&bot.id, &doc.id).await.unwrap();
    assert_eq!(content_type.as_deref(), Some("text/markdown"));
    assert_eq!(
        &bytes[..],
        b"Refunds are paid to the original card within 30 days."
    );
    let stored = app
        .state
        .knowledge
        .files
        .list(&format!("chatbots/{}/{}", bot.id, doc.id))
        .await
        .unwrap();
    assert_eq!(
        stored.len(),
        1,
        "the replaced original is removed: {stored:?}"
    );
}

#[tokio::test]
async fn chunks_are_listed_in_order_and_the_original_downloads_as_an_attachment() {
    let app = spawn_app().await;
    let bot = app.create("Chunky").await;
    let long: String = (1..=40)
        .map(|i| format!("## Section {i}\n\nParagraph {i} says something about topic {i}.\n\n"))
        .collect();
    let doc = &ingest(&app, &bot.id, vec![note("long.md", &long)]).await[0];
    assert!(doc.chunk_count >= 2, "{doc:?}");
    let first = app
        .client
        .knowledge_chunks(
            &bot.id,
            &doc.id,
            &PageQuery {
                page: Some(1),
                limit: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.metadata.total_count, doc.chunk_count);
    assert_eq!(first.data[0].index, 1);
    assert_eq!(
        first.data[0].char_count,
        first.data[0].content.chars().count() as u64
    );
    assert!(first.data[0].content.contains("Paragraph 1 "));

    let response = app
        .http
        .get(app.url(&format!(
            "/api/external/chatbot/{}/knowledge-base/{}/file",
            bot.id, doc.id
        )))
        .header("x-api-key", &app.key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename*=UTF-8''long%2Emd"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.text().await.unwrap(), long);
}

#[tokio::test]
async fn delete_removes_the_document_its_chunks_and_its_file() {
    let app = spawn_app().await;
    let bot = app.create("Deleter").await;
    let doc = &ingest(&app, &bot.id, vec![note("gone.md", "Zebras have stripes.")]).await[0];
    let deleted = app
        .client
        .delete_knowledge_base_data(&bot.id, &doc.id)
        .await
        .unwrap();
    assert_eq!(deleted.message, "Knowledge base data deleted successfully");
    assert_eq!(deleted.id, doc.id);
    assert!(ask(&app, &bot.id, "zebras stripes").await.is_empty());
    assert_api_error(
        app.client
            .delete_knowledge_base_data(&bot.id, &doc.id)
            .await,
        404,
        "not_found",
    );
    assert_api_error(
        app.client
            .knowledge_chunks(&bot.id, &doc.id, &PageQuery::default())
            .await,
        404,
        "not_found",
    );
    let left = std::fs::read_dir(
        app.data_dir
            .path()
            .join(format!("knowledge/chatbots/{}/{}", bot.id, doc.id)),
    )
    .map(|entries| entries.count())
    .unwrap_or(0);
    assert_eq!(left, 0, "the original is removed");

    let (status, body) = app
        .send_raw(
            reqwest::Method::DELETE,
            &format!("/api/external/chatbot/{}/knowledge-base", bot.id),
            "",
        )
        .await;
    assert_eq!(status, 400, "a missing id never deletes everything: {body}");
    assert!(body["error"]["fields"]["id"].is_string(), "{body}");
}

#[tokio::test]
async fn deleting_the_chatbot_removes_its_documents_chunks_jobs_and_files() {
    let app = spawn_app().await;
    let bot = app.create("Doomed").await;
    let keep = app.create("Keeper").await;
    ingest(&app, &bot.id, vec![note("a.md", "Owls hunt at night.")]).await;
    ingest(
        &app,
        &keep.id,
        vec![note("b.md", "Owls hunt at night too.")],
    )
    .await;
    // A pending job too: queued, never processed.
    app.client
        .knowledge_base_files(&bot.id, vec![note("c.md", "More owls.")])
        .await
        .unwrap();
    app.client.delete_chatbot(&bot.id).await.unwrap();
    assert!(!app
        .data_dir
        .path()
        .join(format!("knowledge/chatbots/{}", bot.id))
        .exists());
    assert_eq!(
        app.state
            .store
            .search_chunks(&bot.id, &["owls".into()], 10)
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(ask(&app, &keep.id, "owls").await.len(), 1);
    // Whatever was queued went with the chatbot.
    let started = std::time::Instant::now();
    while app.state.store.pending_jobs().await.unwrap() > 0 {
        assert!(started.elapsed().as_secs() < 30);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
