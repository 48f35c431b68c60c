//! Restart safety: a job survives its worker's death (the lease runs out and another worker
//! takes it over), a document is indexed exactly once, and a process killed mid-ingestion
//! leaves nothing that the next start does not finish.

use std::time::{Duration, Instant};

use okchat::client::UploadFile;
use okchat::{DocumentSource, DocumentStatus, PageQuery};
use server::knowledge::store::{NewChunk, Outcome};
use server::store::DynStore;

use crate::processes::SharedDatabase;

fn at(from_now: Duration) -> String {
    server::time::format(time::OffsetDateTime::now_utc() + from_now)
}

fn chunk(body: &str) -> NewChunk {
    NewChunk {
        body: body.into(),
        headings: vec![],
        embedding: None,
    }
}

/// A queued document in `store`, with no worker running on it.
async fn queued_document(store: &DynStore, chatbot_id: &str, organization_id: &str) -> String {
    let now = server::time::now();
    let id = uuid::Uuid::new_v4().to_string();
    let document = server::knowledge::store::DocumentRecord {
        id: id.clone(),
        chatbot_id: chatbot_id.into(),
        organization_id: organization_id.into(),
        title: "t".into(),
        file_name: "t.md".into(),
        format: "markdown".into(),
        content_type: "text/markdown".into(),
        size_bytes: 1,
        source: DocumentSource::File,
        source_url: None,
        file_key: Some("chatbots/none".into()),
        status: DocumentStatus::Processing,
        error: None,
        chunk_count: 0,
        generation: 1,
        created_at: now.clone(),
        updated_at: now.clone(),
    };
    store
        .insert_documents(&[(document, uuid::Uuid::new_v4().to_string())], &now)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn a_dead_workers_job_is_taken_over_after_its_lease_and_indexed_exactly_once() {
    // No server runs on this store: the test plays both workers.
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::database_url(dir.path()).await;
    let own: DynStore = server::store::connect(&url).await.unwrap();
    let org = server::orgs::issue_key(&own, "leases")
        .await
        .unwrap()
        .info
        .organization_id;
    let chatbot =
        server::chatbots::service::create(&own, &org, serde_json::json!({"name": "Leases"}))
            .await
            .unwrap();
    let document = queued_document(&own, &chatbot.id, &org).await;

    let dying = own
        .claim_job(
            "dying",
            &server::time::now(),
            &at(Duration::from_millis(800)),
        )
        .await
        .unwrap()
        .expect("the job is due");
    assert_eq!(dying.document.id, document);
    assert_eq!(dying.attempts, 1);
    // Held: nobody else gets it while the lease runs.
    assert!(own
        .claim_job("heir", &server::time::now(), &at(Duration::from_secs(30)))
        .await
        .unwrap()
        .is_none());
    // "dying" dies here: it never renews. After the lease, the job is the heir's.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let heir = own
        .claim_job("heir", &server::time::now(), &at(Duration::from_secs(30)))
        .await
        .unwrap()
        .expect("the lapsed job is claimable");
    assert_eq!(heir.attempts, 2);
    assert!(!own
        .renew_job(&dying.job_id, "dying", &at(Duration::from_secs(30)))
        .await
        .unwrap());

    let ready = Outcome::Ready {
        chunks: vec![chunk("one"), chunk("two")],
        title: None,
        file: None,
    };
    let now = server::time::now();
    // The dead worker waking up late cannot write its result any more.
    assert!(!own
        .complete_job(&dying, "dying", &ready, &now)
        .await
        .unwrap());
    assert!(own.complete_job(&heir, "heir", &ready, &now).await.unwrap());
    // Nor can anyone write it twice.
    assert!(!own.complete_job(&heir, "heir", &ready, &now).await.unwrap());
    let (chunks, total) = own.list_chunks(&document, 0, 100).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(chunks.iter().map(|c| c.index).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(own.pending_jobs().await.unwrap(), 0);
    let record = own
        .get_document(&org, &chatbot.id, &document)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.status, DocumentStatus::Ready);
    assert_eq!(record.chunk_count, 2);
}

#[tokio::test]
async fn a_job_for_replaced_content_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::helpers::database_url(dir.path()).await;
    let store: DynStore = server::store::connect(&url).await.unwrap();
    let org = server::orgs::issue_key(&store, "gen")
        .await
        .unwrap()
        .info
        .organization_id;
    let chatbot =
        server::chatbots::service::create(&store, &org, serde_json::json!({"name": "Gen"}))
            .await
            .unwrap();
    let document = queued_document(&store, &chatbot.id, &org).await;
    let stale = store
        .claim_job("w", &server::time::now(), &at(Duration::from_secs(30)))
        .await
        .unwrap()
        .unwrap();
    let replacement = server::knowledge::store::Replacement {
        file_name: "new.md".into(),
        format: "markdown".into(),
        content_type: "text/markdown".into(),
        size_bytes: 3,
        file_key: "chatbots/new".into(),
        job_id: uuid::Uuid::new_v4().to_string(),
    };
    store
        .replace_document(
            &org,
            &chatbot.id,
            &document,
            &replacement,
            &server::time::now(),
        )
        .await
        .unwrap()
        .unwrap();
    let old = Outcome::Ready {
        chunks: vec![chunk("old content")],
        title: None,
        file: None,
    };
    assert!(!store
        .complete_job(&stale, "w", &old, &server::time::now())
        .await
        .unwrap());
    assert_eq!(store.list_chunks(&document, 0, 10).await.unwrap().1, 0);
    let fresh = store
        .claim_job("w", &server::time::now(), &at(Duration::from_secs(30)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fresh.generation, 2);
}

#[tokio::test]
async fn a_process_killed_while_ingesting_finishes_the_work_after_a_restart_exactly_once() {
    let database = SharedDatabase::new("crashy").await;
    let (mut first, client) = database.serve(SHORT_LEASES).await;
    let bot = client
        .create_chatbot(&okchat::CreateChatbot::named("Crashy"))
        .await
        .unwrap()
        .chatbot;
    // Big enough that the kill lands while some are queued or being indexed.
    let section = measurements(20_000);
    let files = (0..6)
        .map(|i| UploadFile::new(format!("log-{i}.md"), section.clone()))
        .collect();
    let uploaded = client.knowledge_base_files(&bot.id, files).await.unwrap();
    first.kill().expect("kill -9");
    first.wait().unwrap();

    let (mut second, client) = database.serve(SHORT_LEASES).await;
    let ids: Vec<String> = uploaded.documents.iter().map(|d| d.id.clone()).collect();
    ready_and_indexed_once(&client, &bot.id, &ids).await;
    second.kill().unwrap();
    second.wait().unwrap();
}

/// A Markdown document of `parts` short sections: long enough to index that a test can stop
/// its server in the middle.
pub fn measurements(parts: usize) -> String {
    (0..parts)
        .map(|i| {
            format!(
                "## Part {i}\n\nThe measurement number {i} reads {} units.\n\n",
                i * 3
            )
        })
        .collect()
}

/// Waits (at most two minutes) for each of `documents` to settle, and checks that it is ready
/// with each of its chunks stored exactly once, in order.
pub async fn ready_and_indexed_once(
    client: &okchat::Client,
    chatbot_id: &str,
    documents: &[String],
) {
    let started = Instant::now();
    for document in documents {
        let done = loop {
            let page = client
                .get_knowledge_base_list_of_chatbot(
                    chatbot_id,
                    &okchat::KnowledgeListQuery {
                        id: Some(document.clone()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            let current = page.data[0].clone();
            if current.status != DocumentStatus::Processing {
                break current;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "{current:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(done.status, DocumentStatus::Ready, "{done:?}");
        let mut indexes = Vec::new();
        let mut page = 1;
        loop {
            let chunks = client
                .knowledge_chunks(
                    chatbot_id,
                    document,
                    &PageQuery {
                        page: Some(page),
                        limit: Some(100),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            indexes.extend(chunks.data.iter().map(|c| c.index));
            if page >= chunks.metadata.total_pages {
                assert_eq!(chunks.metadata.total_count, done.chunk_count);
                break;
            }
            page += 1;
        }
        let expected: Vec<u32> = (1..=u32::try_from(done.chunk_count).unwrap()).collect();
        assert_eq!(indexes, expected, "each chunk exactly once, in order");
    }
}

/// Jobs of a killed server are taken over 3 s after their last renewal.
pub const SHORT_LEASES: &[(&str, &str)] = &[("CHATDECK_JOB_LEASE_SECS", "3")];

/// How many jobs a worker holds now.
async fn held(store: &DynStore) -> i64 {
    store.held_jobs(&server::time::now()).await.unwrap()
}

#[tokio::test]
async fn a_server_shutting_down_hands_its_job_back_at_once_for_another_to_finish() {
    // A lease far longer than the test: only a job handed back can move on in time.
    let app = crate::helpers::spawn_app_with(|knowledge| {
        knowledge.lease = Duration::from_secs(600);
    })
    .await;
    let bot = app.create("Handed back").await;
    let manual = measurements(60_000);
    let uploaded = app
        .client
        .knowledge_base_files(&bot.id, vec![UploadFile::new("manual.md", manual)])
        .await
        .unwrap();
    let store = app.state.store.clone();
    let started = Instant::now();
    while held(&store).await == 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "never claimed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    app.stop.cancel();
    let stopped = Instant::now();
    while held(&store).await > 0 {
        assert!(
            stopped.elapsed() < Duration::from_secs(5),
            "the stopping server still holds its job"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(store.pending_jobs().await.unwrap(), 1, "back in the queue");

    let replica = app.replica().await;
    let document = crate::knowledge::settled(&replica, &bot.id, &uploaded.documents[0].id).await;
    assert_eq!(document.status, DocumentStatus::Ready, "{document:?}");
    assert!(document.chunk_count > 0);
    assert_eq!(store.pending_jobs().await.unwrap(), 0);
}
