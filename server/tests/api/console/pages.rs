//! The page guard: console pages need a session; the console's plain test page.

use server::users;

use crate::helpers::spawn_app;

#[tokio::test]
async fn console_pages_redirect_to_sign_in_without_a_session() {
    let app = spawn_app().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = http.get(app.url("/some/page?x=1")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/login?next=/some/page%3Fx%3D1"
    );
    let login = http.get(app.url("/login")).send().await.unwrap();
    assert_eq!(login.status(), 200);
    let html = login.text().await.unwrap();
    assert!(html.contains("Sign in"));
    assert!(!html.contains(&app.key), "no API key in a page");

    users::create_user(&app.state.store, "acme", "ada@example.com", "correct horse")
        .await
        .unwrap();
    let token = users::sign_in(&app.state.store, "ada@example.com", "correct horse")
        .await
        .unwrap()
        .unwrap()
        .token;
    let page = http
        .get(app.url("/"))
        .header("cookie", format!("chatdeck_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("ada@example.com"),
        "the header shows who is signed in"
    );
}

#[tokio::test]
async fn the_try_it_page_runs_the_tag_for_the_bot_s_own_organization_only() {
    let app = spawn_app().await;
    let bot = app.create("Front desk").await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let path = app::embed::try_href(&bot.id);
    let signed_out = http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(
        signed_out.status(),
        303,
        "the page guard sends it to sign in"
    );

    let ours = app.session_cookie("acme", "ada@acme.example").await;
    let page = http
        .get(app.url(&path))
        .header("cookie", &ours)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(policy.ends_with("frame-ancestors 'none'"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "<script src=\"{}/widget.js\" defer\n  data-chatbot-id=\"{}\"",
            app.base_url, bot.id
        )),
        "{html}"
    );
    assert!(html.contains("This chatbot is private"), "{html}");
    assert!(!html.contains(&app.key));

    let theirs = app.session_cookie("globex", "eve@globex.example").await;
    let other = http
        .get(app.url(&path))
        .header("cookie", &theirs)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    assert!(!other.text().await.unwrap().contains("Front desk"));
}

/// Several servers in one process (as in these tests): one starting up while another renders a
/// page must not leave that page waiting forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_starting_beside_one_rendering_pages_leaves_no_page_hanging() {
    let app = spawn_app().await;
    app.create("Front desk").await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    let starting = tokio::spawn(async {
        for _ in 0..20 {
            spawn_app().await;
        }
    });
    let mut pages = 0;
    while !starting.is_finished() || pages < 20 {
        let page = async {
            let response = app
                .http
                .get(app.url("/chatbots"))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        };
        let html = tokio::time::timeout(std::time::Duration::from_secs(10), page)
            .await
            .unwrap_or_else(|_| panic!("page {pages} still unfinished after 10 s"));
        assert!(html.contains("Front desk"), "{html}");
        pages += 1;
    }
    starting.await.unwrap();
}
