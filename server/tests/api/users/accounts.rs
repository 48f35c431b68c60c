use server::users::{self, UserError};

use crate::helpers::spawn_app;

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
