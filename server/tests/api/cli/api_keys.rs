use std::process::Command;

use okchat::Client;

use crate::helpers::{database_url, on_postgres, spawn_app};

/// Runs the CLI on the database of the data directory `dir` with `args`.
async fn chatdeck(dir: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_chatdeck"))
        .args(args)
        .args(["--data-dir", dir])
        .env("DATABASE_URL", database_url(dir.as_ref()).await)
        .output()
        .expect("chatdeck runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn api_key_create_prints_the_key_alone_on_the_last_line_and_works_against_a_running_server() {
    let app = spawn_app().await;
    let dir = app.data_dir.path().to_str().unwrap();
    let (ok, stdout, stderr) = chatdeck(dir, &["api-key", "create", "--org", "initech"]).await;
    assert!(ok, "{stderr}");
    let key = stdout.lines().last().unwrap();
    assert_eq!(key.len(), 48);
    assert!(key
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));

    // The server already running on this data directory accepts the new key at once.
    let client = Client::new(&app.base_url, key);
    assert!(client.get_chatbots().await.unwrap().chatbots.is_empty());

    let (ok, listing, _) = chatdeck(dir, &["api-key", "list"]).await;
    assert!(ok);
    assert!(listing.contains("initech") && listing.contains(&key[..8]));
    assert!(!listing.contains(key), "the list must never show a key");

    let (ok, _, stderr) = chatdeck(dir, &["api-key", "revoke", &key[..8]]).await;
    assert!(ok, "{stderr}");
    crate::orgs::api_keys::refused_within_the_key_cache_bound(&client).await;
    let (_, listing, _) = chatdeck(dir, &["api-key", "list", "--org", "initech"]).await;
    assert!(listing.contains("revoked"), "{listing}");
}

#[tokio::test]
async fn revoking_an_unknown_key_fails_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = chatdeck(
        dir.path().to_str().unwrap(),
        &["api-key", "revoke", "deadbeef"],
    )
    .await;
    assert!(!ok, "revoking nothing is a failure");
    assert!(
        stderr.contains("no API key has the id or prefix \"deadbeef\""),
        "{stderr}"
    );
}

#[tokio::test]
async fn keys_are_stored_only_as_digests() {
    let app = spawn_app().await;
    let stored = if on_postgres() {
        // Everything the database holds for this app, as pg_dump writes it.
        let url = database_url(app.data_dir.path()).await;
        let dump = Command::new("pg_dump")
            .args(["--data-only", &url])
            .output()
            .unwrap();
        assert!(
            dump.status.success(),
            "{}",
            String::from_utf8_lossy(&dump.stderr)
        );
        vec![dump.stdout]
    } else {
        let db = std::fs::read(app.data_dir.path().join("chatdeck.db")).unwrap();
        let wal = std::fs::read(app.data_dir.path().join("chatdeck.db-wal")).unwrap_or_default();
        vec![db, wal]
    };
    let needle = app.key.as_bytes();
    for bytes in stored {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the raw key is stored"
        );
    }
}
