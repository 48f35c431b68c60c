use std::io::Write;
use std::process::{Command, Stdio};

use server::users::{self, UserError};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_user_signs_in_with_the_right_password_only_and_signs_out() {
    let app = spawn_app().await;
    let store = &app.state.store;
    users::create_user(store, "acme", "Ada@Example.com", "correct horse")
        .await
        .unwrap();

    assert!(users::sign_in(store, "ada@example.com", "wrong horse")
        .await
        .unwrap()
        .is_none());
    assert!(users::sign_in(store, "nobody@example.com", "correct horse")
        .await
        .unwrap()
        .is_none());
    let signed_in = users::sign_in(store, " ADA@example.com ", "correct horse")
        .await
        .unwrap()
        .expect("signed in");
    assert_eq!(signed_in.user.email, "ada@example.com");
    assert_eq!(signed_in.user.organization_name, "acme");
    assert_eq!(signed_in.token.len(), 64);

    let user = users::session_user(store, &signed_in.token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.user_id, signed_in.user.user_id);
    users::sign_out(store, &signed_in.token).await.unwrap();
    assert!(users::session_user(store, &signed_in.token)
        .await
        .unwrap()
        .is_none());
    assert!(users::session_user(store, "garbage")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn emails_are_unique_whatever_their_case_and_weak_passwords_are_refused() {
    let app = spawn_app().await;
    let store = &app.state.store;
    users::create_user(store, "acme", "ada@example.com", "correct horse")
        .await
        .unwrap();
    assert!(matches!(
        users::create_user(store, "globex", "ADA@example.com", "another horse").await,
        Err(UserError::EmailTaken(_))
    ));
    assert!(matches!(
        users::create_user(store, "acme", "bob@example.com", "short").await,
        Err(UserError::Invalid(_))
    ));
    assert!(matches!(
        users::create_user(store, "acme", "not-an-email", "long enough").await,
        Err(UserError::Invalid(_))
    ));
}

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
async fn user_create_reads_the_password_from_stdin() {
    let app = spawn_app().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatdeck"))
        .args([
            "user",
            "create",
            "--org",
            "initech",
            "--email",
            "peter@initech.example",
            "--password-stdin",
        ])
        .arg("--data-dir")
        .arg(app.data_dir.path())
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"tps reports\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let signed_in = users::sign_in(&app.state.store, "peter@initech.example", "tps reports")
        .await
        .unwrap();
    assert_eq!(signed_in.unwrap().user.organization_name, "initech");
}
