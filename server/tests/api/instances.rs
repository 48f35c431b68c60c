//! Several instances on one database behave as one: what one instance is given, another serves;
//! what one saves, every other reads back at once; what one revokes, every other refuses within the caches' bound; a person's reply written
//! through one reaches a visitor reading through another; the work of one killed mid-document is
//! finished by the others, exactly once. Run on PostgreSQL by the test command
//! (CHATDECK_TEST_POSTGRES), and on SQLite, where instances share the database file.

use okchat::client::UploadFile;
use okchat::{ConversationReply, ConversationUpdate, DocumentStatus};
use serde_json::json;

use crate::helpers::{issue_key, spawn_app};
use crate::knowledge::restart::{measurements, ready_and_indexed_once, SHORT_LEASES};
use crate::knowledge::{ask, settled};
use crate::orgs::api_keys::refused_within_the_key_cache_bound;
use crate::processes::SharedDatabase;
use crate::widget::{new_token, public_bot, say, thread};

#[tokio::test]
async fn three_instances_on_one_database_behave_as_one() {
    let a = spawn_app().await;
    let b = a.replica().await;
    let c = a.replica().await;
    let bot = public_bot(&a, "Kettles").await;

    // A document given to A is listed, indexed and served by the others.
    let manual = "# Descaling\n\nDescale the kettle monthly with white vinegar and one hour.";
    let uploaded = a
        .client
        .knowledge_base_files(&bot.id, vec![UploadFile::new("kettle.md", manual)])
        .await
        .unwrap();
    let document = &uploaded.documents[0];
    let ready = settled(&b, &bot.id, &document.id).await;
    assert_eq!(ready.status, DocumentStatus::Ready, "{ready:?}");
    let found = ask(&c, &bot.id, "how do I descale with vinegar").await;
    assert!(
        found
            .iter()
            .any(|(content, _)| content.contains("white vinegar")),
        "{found:?}"
    );
    let original = b
        .http
        .get(b.url(&format!(
            "/api/external/chatbot/{}/knowledge-base/{}/file",
            bot.id, document.id
        )))
        .header("x-api-key", &b.key)
        .send()
        .await
        .unwrap();
    assert_eq!(original.status(), 200);
    assert_eq!(original.text().await.unwrap(), manual);

    // A key revoked through C is refused by A within the key cache's bound.
    let key = issue_key(&a.state, "acme").await;
    let on_a = okchat::Client::new(&a.base_url, &key);
    on_a.get_chatbots().await.unwrap();
    server::orgs::revoke_key(&c.state.store, &key[..8])
        .await
        .unwrap();
    refused_within_the_key_cache_bound(&on_a).await;

    // A conversation a visitor holds through C is taken over through B; C's thread has the reply.
    let token = new_token();
    let asked = say(&c, &bot.id, &token, "Can a person help?", &[]).await;
    assert_eq!(asked.status, 200);
    let session = asked.json()["session_id"].as_str().unwrap().to_owned();
    let takeover = ConversationUpdate {
        is_human_mode: Some(true),
        state: None,
    };
    b.client
        .update_conversation(&bot.id, &session, &takeover)
        .await
        .unwrap();
    let reply = ConversationReply {
        content: "Hi, Sam here.".into(),
        author: Some("Sam".into()),
    };
    b.client
        .reply_to_conversation(&bot.id, &session, &reply)
        .await
        .unwrap();
    let seen = thread(&c, &bot.id, &token, None).await.json()["messages"].clone();
    let last = seen.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["content"].as_str(), last["by_person"].as_bool()),
        (Some("Hi, Sam here."), Some(true))
    );
}

#[tokio::test]
async fn a_document_whose_instance_is_killed_is_finished_once_by_the_live_others() {
    let database = SharedDatabase::new("instances").await;
    // A alone at first, so the jobs it is given are its own.
    let (mut a, on_a) = database.serve(SHORT_LEASES).await;
    let bot = on_a
        .create_chatbot(&okchat::CreateChatbot::named("Killed midway"))
        .await
        .unwrap()
        .chatbot;
    let log = measurements(20_000);
    let files = (0..6)
        .map(|i| UploadFile::new(format!("log-{i}.md"), log.clone()))
        .collect();
    let uploaded = on_a.knowledge_base_files(&bot.id, files).await.unwrap();
    let store = server::store::connect(&database.url).await.unwrap();
    let started = std::time::Instant::now();
    while store.held_jobs(&server::time::now()).await.unwrap() == 0 {
        assert!(started.elapsed().as_secs() < 20, "A never claimed a job");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let ((b, on_b), (c, on_c)) =
        tokio::join!(database.serve(SHORT_LEASES), database.serve(SHORT_LEASES));
    assert!(
        store.pending_jobs().await.unwrap() > 0,
        "A finished before it could be killed: the test needs longer documents"
    );
    a.kill().expect("kill -9");
    a.wait().unwrap();

    let ids: Vec<String> = uploaded.documents.iter().map(|d| d.id.clone()).collect();
    ready_and_indexed_once(&on_b, &bot.id, &ids).await;
    ready_and_indexed_once(&on_c, &bot.id, &ids).await;
    assert_eq!(store.pending_jobs().await.unwrap(), 0);
    for mut instance in [b, c] {
        instance.kill().unwrap();
        instance.wait().unwrap();
    }
}

/// On SQLite each instance keeps the chatbots it read in memory; a save through another process
/// must still be what the next read shows, with no delay, and a delete must be a 404 at once.
#[tokio::test]
async fn a_chatbot_saved_through_one_instance_is_read_back_new_through_another_at_once() {
    let database = SharedDatabase::new("instances").await;
    let ((mut a, on_a), (mut b, on_b)) = tokio::join!(database.serve(&[]), database.serve(&[]));
    let bot = on_a
        .create_chatbot(&okchat::CreateChatbot::named("Kettles"))
        .await
        .unwrap()
        .chatbot;

    for round in 0..5 {
        let (through_a, through_b) = tokio::join!(
            on_a.get_chatbot_details(&bot.id),
            on_b.get_chatbot_details(&bot.id)
        );
        assert_eq!(through_a.unwrap().chatbot, through_b.unwrap().chatbot);
        let (saver, reader) = if round % 2 == 0 {
            (&on_b, &on_a)
        } else {
            (&on_a, &on_b)
        };
        let name = format!("Kettles {round}");
        let saved = saver
            .update_chatbot_raw(&bot.id, &json!({ "name": name }))
            .await
            .unwrap()
            .chatbot;
        let read = reader.get_chatbot_details(&bot.id).await.unwrap().chatbot;
        assert_eq!(read, saved, "round {round}");
    }

    on_b.delete_chatbot(&bot.id).await.unwrap();
    let gone = on_a.get_chatbot_details(&bot.id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone}");

    for instance in [&mut a, &mut b] {
        instance.kill().unwrap();
        instance.wait().unwrap();
    }
}
