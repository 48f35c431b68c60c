//! The page guard: console pages need a session.

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
