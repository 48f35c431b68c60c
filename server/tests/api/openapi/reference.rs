use std::path::Path;

use server::config::Config;
use server::startup::Application;
use tempfile::TempDir;

use crate::helpers::{database_url, storage, test_knowledge_config};

/// A server whose site is `site_root`; the directory lives as long as the returned one.
async fn serve(site_root: &Path) -> (String, TempDir) {
    let data_dir = tempfile::tempdir().unwrap();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: data_dir.path().to_owned(),
        database_url: database_url(data_dir.path()).await,
        public_url: None,
        site_root: site_root.to_owned(),
        backend: None,
        knowledge: test_knowledge_config(),
        chat: Default::default(),
        widget: Default::default(),
        ops: Default::default(),
        storage: storage(data_dir.path()),
    };
    let app = Application::build(config).await.unwrap();
    let base_url = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped());
    (base_url, data_dir)
}

#[tokio::test]
async fn the_reference_page_renders_the_document_with_the_bundle_the_site_was_built_with() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("api-docs")).unwrap();
    std::fs::write(
        site.path().join("api-docs/redoc.standalone.js"),
        "/* redoc */",
    )
    .unwrap();
    let (base_url, _data) = serve(site.path()).await;

    let page = reqwest::get(format!("{base_url}/api/docs")).await.unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "HTML"
    );
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(!csp.contains("http"), "no other host: {csp}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<script src="/api/docs/redoc.standalone.js"></script>"#),
        "{html}"
    );
    assert!(html.contains(r#"spec-url="/api/openapi.json""#), "{html}");
    assert!(!html.contains("<script>"), "no inline script: {html}");

    let bundle = reqwest::get(format!("{base_url}/api/docs/redoc.standalone.js"))
        .await
        .unwrap();
    assert_eq!(bundle.status(), 200);
    assert!(bundle.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(bundle.text().await.unwrap(), "/* redoc */");
}

#[tokio::test]
async fn without_the_bundle_the_reference_page_says_how_to_build_it() {
    let site = tempfile::tempdir().unwrap();
    let (base_url, _data) = serve(site.path()).await;

    let page = reqwest::get(format!("{base_url}/api/docs")).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("scripts/build-site.sh"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    let bundle = reqwest::get(format!("{base_url}/api/docs/redoc.standalone.js"))
        .await
        .unwrap();
    assert_eq!(bundle.status(), 404);
    let body: serde_json::Value = bundle.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}
