//! Many clients saving one chatbot at once, on each engine: 32 writers for 20 s, each reading
//! the chatbot and saving over the version it read (`If-Match`) the next value of a counter kept
//! in the description, reading again when another save got there first (412). A save
//! acknowledged but overwritten by one that had not seen it would leave the counter short of
//! the number of acknowledged saves, or give two saves the same value; no request may fail
//! otherwise.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::spawn_app;

const WRITERS: usize = 32;
const FOR: Duration = Duration::from_secs(20);

fn counter(description: &str) -> u64 {
    description
        .strip_prefix("count ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not a counter: {description:?}"))
}

#[tokio::test]
async fn thirty_two_writers_on_one_chatbot_lose_no_acknowledged_save() {
    let app = spawn_app().await;
    let bot = app.create("Busy").await;
    app.client
        .update_chatbot_raw(&bot.id, &json!({ "description": "count 0" }))
        .await
        .expect("the counter starts");
    let until = Instant::now() + FOR;
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let client = app.client.clone();
            let id = bot.id.clone();
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                while Instant::now() < until {
                    let read = client
                        .get_chatbot_details(&id)
                        .await
                        .expect("a read answers")
                        .chatbot;
                    let version = read.version_id.expect("a version");
                    let next = counter(&read.description) + 1;
                    let patch = json!({ "description": format!("count {next}") });
                    match client.update_chatbot_if(&id, &patch, Some(&version)).await {
                        Ok(_) => acknowledged.push(next),
                        Err(error) if error.status() == Some(412) => {}
                        Err(error) => panic!("writer {writer}: {error}"),
                    }
                }
                acknowledged
            })
        })
        .collect();
    let mut saves = Vec::new();
    for writer in writers {
        saves.extend(writer.await.expect("no writer panicked"));
    }
    assert!(
        saves.len() >= WRITERS,
        "only {} saves in {FOR:?}",
        saves.len()
    );

    let unique: HashSet<u64> = saves.iter().copied().collect();
    assert_eq!(
        unique.len(),
        saves.len(),
        "two acknowledged saves wrote the same count: one overwrote the other"
    );
    let current = app
        .client
        .get_chatbot_details(&bot.id)
        .await
        .unwrap()
        .chatbot;
    assert_eq!(
        counter(&current.description),
        saves.len() as u64,
        "the counter is the number of acknowledged saves"
    );
    let (_, versions) = app
        .state
        .store
        .list_versions(&current.organization_id, &bot.id, 0, 1)
        .await
        .unwrap();
    assert_eq!(
        versions as usize,
        saves.len() + 2,
        "the creation, the counter's start and every acknowledged save"
    );
}
