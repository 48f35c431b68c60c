use server::users;

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
