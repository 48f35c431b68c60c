//! The knowledge base over HTTP: uploads and their refusals, typed entries and fetched pages,
//! listing, renaming, replacing and deleting, retrieval, tenancy, and a restart mid-ingestion.
//! `extract` runs the real binary as the PDF reader's child process.

mod documents;
mod extract;
mod query;
pub mod restart;
mod sources;
mod tenancy;
mod upload;

use std::time::{Duration, Instant};

use okchat::client::UploadFile;
use okchat::{DocumentStatus, KnowledgeDocument, KnowledgeListQuery, QueryKnowledgeRequest};

use crate::helpers::TestApp;

/// Waits until the document is no longer processing (at most 60 s) and answers it.
pub async fn settled(app: &TestApp, chatbot_id: &str, document_id: &str) -> KnowledgeDocument {
    let started = Instant::now();
    loop {
        let page = app
            .client
            .get_knowledge_base_list_of_chatbot(
                chatbot_id,
                &KnowledgeListQuery {
                    id: Some(document_id.into()),
                    ..Default::default()
                },
            )
            .await
            .expect("list answers");
        let document = page
            .data
            .into_iter()
            .next()
            .expect("the document is listed");
        if document.status != DocumentStatus::Processing {
            return document;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "still processing after 60 s: {document:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Uploads the files and waits for all of them to settle.
pub async fn ingest(
    app: &TestApp,
    chatbot_id: &str,
    files: Vec<UploadFile>,
) -> Vec<KnowledgeDocument> {
    let uploaded = app
        .client
        .knowledge_base_files(chatbot_id, files)
        .await
        .expect("upload accepted");
    let mut settled_documents = Vec::new();
    for document in uploaded.documents {
        settled_documents.push(settled(app, chatbot_id, &document.id).await);
    }
    settled_documents
}

/// Asks Query Knowledge `query` and answers the results' contents.
pub async fn ask(app: &TestApp, chatbot_id: &str, query: &str) -> Vec<(String, f64)> {
    app.client
        .query_knowledge(
            chatbot_id,
            &QueryKnowledgeRequest {
                query: query.into(),
                ..Default::default()
            },
        )
        .await
        .expect("query answers")
        .results
        .into_iter()
        .map(|r| (r.content, r.similarity))
        .collect()
}
