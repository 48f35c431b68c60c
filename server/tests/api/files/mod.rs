//! The file storage a server runs on (the data directory, or the S3-compatible server of the
//! test command's second run) and the `/uploads/` route that serves it.

use crate::helpers::spawn_app;

#[tokio::test]
async fn files_are_stored_listed_served_and_removed_by_prefix() {
    let app = spawn_app().await;
    let files = &app.state.files;
    files.put("chatbots/a/one.png", b"first").await.unwrap();
    files.put("chatbots/a/two.txt", b"second").await.unwrap();
    files.put("chatbots/ab/three.png", b"third").await.unwrap();
    files.put("chatbots/a/one.png", b"replaced").await.unwrap();

    let mut listed = files.list("chatbots/a").await.unwrap();
    listed.sort();
    assert_eq!(listed, ["chatbots/a/one.png", "chatbots/a/two.txt"]);
    assert_eq!(
        &files.get("chatbots/a/one.png").await.unwrap()[..],
        b"replaced"
    );

    let served = app
        .http
        .get(app.url("/uploads/chatbots/a/one.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(
        served.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(&served.bytes().await.unwrap()[..], b"replaced");

    files.delete_prefix("chatbots/a").await.unwrap();
    assert!(files.list("chatbots/a").await.unwrap().is_empty());
    assert_eq!(
        files.list("chatbots/ab").await.unwrap(),
        ["chatbots/ab/three.png"],
        "a prefix is a folder, not the start of a name"
    );
    let gone = files.get("chatbots/a/two.txt").await.unwrap_err();
    assert_eq!(gone.kind(), std::io::ErrorKind::NotFound);
    files.delete("chatbots/a/two.txt").await.unwrap();
    files.delete_prefix("chatbots/a").await.unwrap();
}

#[tokio::test]
async fn missing_and_malformed_upload_addresses_are_404_and_never_cached() {
    let app = spawn_app().await;
    for path in [
        "/uploads/chatbots/none.png",
        "/uploads/chatbots/..%2F..%2Fchatdeck.db",
        "/uploads/a//b.png",
    ] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response.headers().get("cache-control").is_none(),
            "{path}: a 404 must not be kept for a year"
        );
    }
}
