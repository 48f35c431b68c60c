use std::io::Write;
use std::process::{Command, Stdio};

use server::users;

use crate::helpers::{database_url, spawn_app};

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
        .env("DATABASE_URL", database_url(app.data_dir.path()).await)
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
