use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{on_object_storage, s3_storage, spawn_app, spawn_app_on};

async fn readyz(base_url: &str) -> (StatusCode, Value) {
    let response = reqwest::get(format!("{base_url}/readyz")).await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn an_instance_is_ready_while_its_database_and_file_storage_work() {
    let app = spawn_app().await;
    let (status, body) = readyz(&app.base_url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"status": "ready", "checks": {"database": "ok", "files": "ok"}})
    );
    assert_eq!(
        reqwest::get(format!("{}/healthz", app.base_url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
}

#[tokio::test]
async fn an_instance_whose_file_storage_takes_no_writes_is_not_ready() {
    let app = if on_object_storage() {
        // A bucket that does not exist on the tests' S3 server.
        let endpoint = std::env::var("CHATDECK_TEST_S3").unwrap();
        spawn_app_on(s3_storage(&endpoint, "s3://no-such-bucket/x")).await
    } else {
        let app = spawn_app().await;
        // The uploads directory replaced by a plain file: nothing can be stored under it.
        let uploads = app.data_dir.path().join("uploads");
        let _ = std::fs::remove_dir_all(&uploads);
        std::fs::write(&uploads, b"not a directory").unwrap();
        app
    };
    let (status, body) = readyz(&app.base_url).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        body,
        json!({"status": "unavailable", "checks": {"database": "ok", "files": "unavailable"}})
    );
    // Alive all the same: a restart would not fix a full or broken disk.
    let health = reqwest::get(format!("{}/healthz", app.base_url))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
