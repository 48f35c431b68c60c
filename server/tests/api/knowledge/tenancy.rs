use okchat::client::UploadFile;
use okchat::{
    AddKnowledgeText, AddKnowledgeUrls, KnowledgeListQuery, PageQuery, QueryKnowledgeRequest,
};

use super::{ask, ingest};
use crate::helpers::{assert_api_error, spawn_app};

#[tokio::test]
async fn another_organization_sees_and_changes_none_of_a_knowledge_base() {
    let app = spawn_app().await;
    let bot = app.create("Acme's bot").await;
    let doc = ingest(
        &app,
        &bot.id,
        vec![UploadFile::new("secret.md", "The vault code is 4711.")],
    )
    .await
    .remove(0);
    let other = app.client_for("globex").await;
    let theirs = other
        .create_chatbot(&okchat::CreateChatbot::named("Globex bot"))
        .await
        .unwrap()
        .chatbot;

    let not_found = |result: Result<(), okchat::ClientError>| {
        assert_api_error(result, 404, "not_found");
    };
    not_found(
        other
            .get_knowledge_base_list_of_chatbot(&bot.id, &KnowledgeListQuery::default())
            .await
            .map(drop),
    );
    not_found(
        other
            .knowledge_base_files(&bot.id, vec![UploadFile::new("x.md", "# x")])
            .await
            .map(drop),
    );
    not_found(
        other
            .delete_knowledge_base_data(&bot.id, &doc.id)
            .await
            .map(drop),
    );
    not_found(
        other
            .update_knowledge_base(&bot.id, &doc.id, Some("Mine now"), None)
            .await
            .map(drop),
    );
    not_found(
        other
            .query_knowledge(
                &bot.id,
                &QueryKnowledgeRequest {
                    query: "vault code".into(),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
    );
    not_found(
        other
            .knowledge_chunks(&bot.id, &doc.id, &PageQuery::default())
            .await
            .map(drop),
    );
    not_found(other.knowledge_file(&bot.id, &doc.id).await.map(drop));
    not_found(
        other
            .add_knowledge_text(
                &bot.id,
                &AddKnowledgeText {
                    title: "x".into(),
                    text: Some("y".into()),
                    ..Default::default()
                },
            )
            .await
            .map(drop),
    );
    not_found(
        other
            .add_knowledge_urls(
                &bot.id,
                &AddKnowledgeUrls {
                    urls: vec!["https://example.com/".into()],
                    sitemap: false,
                },
            )
            .await
            .map(drop),
    );
    // Acme's document through Globex's own chatbot is not found either.
    not_found(
        other
            .delete_knowledge_base_data(&theirs.id, &doc.id)
            .await
            .map(drop),
    );
    not_found(
        other
            .knowledge_chunks(&theirs.id, &doc.id, &PageQuery::default())
            .await
            .map(drop),
    );
    not_found(other.knowledge_file(&theirs.id, &doc.id).await.map(drop));
    not_found(
        other
            .update_knowledge_base(&theirs.id, &doc.id, Some("Mine now"), None)
            .await
            .map(drop),
    );
    // Globex's search never reaches Acme's chunks.
    let globex_search = other
        .query_knowledge(
            &theirs.id,
            &QueryKnowledgeRequest {
                query: "vault code".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(globex_search.results.is_empty());

    // Everything of Acme's is as it was.
    let listed = app
        .client
        .get_knowledge_base_list_of_chatbot(&bot.id, &KnowledgeListQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.data, vec![doc]);
    assert_eq!(ask(&app, &bot.id, "vault code").await.len(), 1);
}
