use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use okchat::{AddKnowledgeText, AddKnowledgeUrls, DocumentSource, DocumentStatus};

use super::{ask, settled};
use crate::helpers::{assert_field_error, spawn_app, spawn_app_with};

/// A little web site on loopback: two pages, a sitemap of them, and a PNG.
async fn site() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let sitemap = format!(
        "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
         <url><loc>{base}/pricing</loc></url><url><loc>{base}/team</loc></url>\
         <url><loc>{base}/pricing</loc></url></urlset>"
    );
    let html = |title: &'static str, body: &'static str| {
        move || async move {
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                format!(
                    "<html><head><title>{title}</title><style>p {{ color: red }}</style></head>\
                     <body><nav>Home | Blog</nav><h1>{title}</h1><p>{body}</p>\
                     <p hidden>Internal draft: do not publish.</p></body></html>"
                ),
            )
                .into_response()
        }
    };
    let app = Router::new()
        .route(
            "/pricing",
            get(html("Pricing", "The team plan costs 49 dollars a month.")),
        )
        .route(
            "/team",
            get(html("Our team", "Ada leads engineering from Lisbon.")),
        )
        .route(
            "/sitemap.xml",
            get(move || async move { ([(header::CONTENT_TYPE, "application/xml")], sitemap) }),
        )
        .route(
            "/logo.png",
            get(|| async { ([(header::CONTENT_TYPE, "image/png")], crate::helpers::PNG) }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn typed_text_becomes_a_searchable_document() {
    let app = spawn_app().await;
    let bot = app.create("Typist").await;
    let added = app
        .client
        .add_knowledge_text(
            &bot.id,
            &AddKnowledgeText {
                title: "Holiday hours".into(),
                text: Some("# Holidays\n\nWe are closed on the first of January.".into()),
                question: None,
                answer: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(added.message, "Knowledge base text added successfully");
    let document = &added.documents[0];
    assert_eq!(document.title, "Holiday hours");
    assert_eq!(document.source, Some(DocumentSource::Text));
    let done = settled(&app, &bot.id, &document.id).await;
    assert_eq!(done.status, DocumentStatus::Ready);
    let results = ask(&app, &bot.id, "are you closed in January?").await;
    assert!(
        results[0]
            .0
            .starts_with("Title: Holiday hours\nChunk: 1\n\n"),
        "{results:?}"
    );

    for (body, path) in [
        (
            AddKnowledgeText {
                title: "".into(),
                text: Some("x".into()),
                ..Default::default()
            },
            "title",
        ),
        (
            AddKnowledgeText {
                title: "t".into(),
                ..Default::default()
            },
            "text",
        ),
        (
            AddKnowledgeText {
                title: "t".into(),
                question: Some("q?".into()),
                answer: None,
                text: None,
            },
            "answer",
        ),
        (
            AddKnowledgeText {
                title: "t".into(),
                text: Some("x".into()),
                question: Some("q?".into()),
                answer: Some("a".into()),
            },
            "text",
        ),
    ] {
        assert_field_error(app.client.add_knowledge_text(&bot.id, &body).await, path);
    }
}

#[tokio::test]
async fn a_page_is_fetched_in_the_background_with_its_visible_text_and_title() {
    let app = spawn_app().await;
    let bot = app.create("Crawler").await;
    let base = site().await;
    let added = app
        .client
        .add_knowledge_urls(
            &bot.id,
            &AddKnowledgeUrls {
                urls: vec![format!("{base}/pricing"), format!("{base}/logo.png")],
                sitemap: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(added.message, "Knowledge base pages added successfully");
    assert_eq!(added.documents.len(), 2);
    let page = &added.documents[0];
    assert_eq!(page.source, Some(DocumentSource::Url));
    assert_eq!(
        page.source_url.as_deref(),
        Some(format!("{base}/pricing").as_str())
    );
    assert_eq!(page.title, format!("{base}/pricing"));
    let done = settled(&app, &bot.id, &page.id).await;
    assert_eq!(done.status, DocumentStatus::Ready, "{done:?}");
    assert_eq!(
        done.title, "Pricing",
        "the page's own title replaces the address"
    );
    assert!(done.size_bytes > 0);
    let results = ask(&app, &bot.id, "how much is the team plan?").await;
    assert!(results[0].0.contains("49 dollars"), "{results:?}");
    assert!(
        ask(&app, &bot.id, "internal draft publish")
            .await
            .is_empty(),
        "hidden text"
    );
    let image = settled(&app, &bot.id, &added.documents[1].id).await;
    assert_eq!(image.status, DocumentStatus::Failed);
    assert!(image.error.unwrap().contains("logo.png"));
    let (_, original) = app.client.knowledge_file(&bot.id, &page.id).await.unwrap();
    assert!(String::from_utf8_lossy(&original).contains("<title>Pricing</title>"));
}

#[tokio::test]
async fn a_sitemap_adds_each_of_its_pages_once() {
    let app = spawn_app().await;
    let bot = app.create("Mapper").await;
    let base = site().await;
    let added = app
        .client
        .add_knowledge_urls(
            &bot.id,
            &AddKnowledgeUrls {
                urls: vec![format!("{base}/sitemap.xml")],
                sitemap: true,
            },
        )
        .await
        .unwrap();
    let urls: Vec<&str> = added
        .documents
        .iter()
        .filter_map(|d| d.source_url.as_deref())
        .collect();
    assert_eq!(urls, [format!("{base}/pricing"), format!("{base}/team")]);
    for document in &added.documents {
        assert_eq!(
            settled(&app, &bot.id, &document.id).await.status,
            DocumentStatus::Ready
        );
    }
    let results = ask(&app, &bot.id, "who leads engineering?").await;
    assert!(results[0].0.starts_with("Title: Our team"), "{results:?}");
}

#[tokio::test]
async fn private_addresses_are_refused_unless_the_deployment_allows_them() {
    let app = spawn_app_with(|k| k.fetch.allow_private = false).await;
    let bot = app.create("Guarded").await;
    let base = site().await;
    // A literal address is refused in the request.
    for url in [
        format!("{base}/pricing"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::1]/".to_owned(),
    ] {
        assert_field_error(
            app.client
                .add_knowledge_urls(
                    &bot.id,
                    &AddKnowledgeUrls {
                        urls: vec![url],
                        sitemap: false,
                    },
                )
                .await,
            "urls.0",
        );
    }
    // A name is checked where it resolves, when the page is fetched.
    let by_name = base.replace("127.0.0.1", "localhost");
    let added = app
        .client
        .add_knowledge_urls(
            &bot.id,
            &AddKnowledgeUrls {
                urls: vec![format!("{by_name}/pricing")],
                sitemap: false,
            },
        )
        .await
        .unwrap();
    let done = settled(&app, &bot.id, &added.documents[0].id).await;
    assert_eq!(done.status, DocumentStatus::Failed, "{done:?}");
    assert!(
        done.error.as_deref().unwrap_or("").contains("private"),
        "{done:?}"
    );
    // A sitemap is read during the request, so its refusal is the request's.
    assert_field_error(
        app.client
            .add_knowledge_urls(
                &bot.id,
                &AddKnowledgeUrls {
                    urls: vec![format!("{by_name}/sitemap.xml")],
                    sitemap: true,
                },
            )
            .await,
        "urls.0",
    );
}

#[tokio::test]
async fn malformed_url_requests_are_400_naming_the_address() {
    let app = spawn_app().await;
    let bot = app.create("Picky").await;
    for (urls, path) in [
        (vec![], "urls"),
        (vec!["ftp://example.com/file".to_owned()], "urls.0"),
        (
            vec![
                "https://example.com/".to_owned(),
                "javascript:alert(1)".to_owned(),
            ],
            "urls.1",
        ),
        (
            vec!["https://user:secret@example.com/".to_owned()],
            "urls.0",
        ),
        (
            (0..51)
                .map(|i| format!("https://example.com/{i}"))
                .collect(),
            "urls",
        ),
    ] {
        assert_field_error(
            app.client
                .add_knowledge_urls(
                    &bot.id,
                    &AddKnowledgeUrls {
                        urls,
                        sitemap: false,
                    },
                )
                .await,
            path,
        );
    }
}
