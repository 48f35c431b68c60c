//! The keys the console mints for itself: they expire unless the process holding them renews
//! them, so several instances can share one database without breaking each other's console.

use okchat::Client;
use server::orgs;

use crate::helpers::{assert_api_error, spawn_app, TestApp};

async fn organization_id(app: &TestApp, name: &str) -> String {
    app.state
        .store
        .find_or_create_organization(name)
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn starting_a_second_instance_on_the_same_database_keeps_the_first_ones_console_working() {
    let first = spawn_app().await;
    let cookie = first.session_cookie("acme", "ada@acme.example").await;
    assert_eq!(
        first.list_status(&cookie).await,
        200,
        "the first console holds a key now"
    );
    let second = first.replica().await;
    assert_eq!(
        first.list_status(&cookie).await,
        200,
        "its key survived the second start"
    );
    assert_eq!(second.list_status(&cookie).await, 200);
    assert_eq!(first.list_status(&cookie).await, 200);
}

#[tokio::test]
async fn an_expired_console_key_is_refused_and_never_renewed() {
    let app = spawn_app().await;
    let org = organization_id(&app, "acme").await;
    let long_ago =
        time::OffsetDateTime::now_utc() - orgs::CONSOLE_KEY_TTL - time::Duration::minutes(1);
    let expired = orgs::mint_console_key_at(&app.state.store, &org, long_ago)
        .await
        .unwrap();
    let live = orgs::mint_console_key(&app.state.store, &org)
        .await
        .unwrap();
    assert_api_error(
        Client::new(&app.base_url, expired.expose())
            .get_chatbots()
            .await,
        401,
        "unauthorized",
    );
    Client::new(&app.base_url, live.expose())
        .get_chatbots()
        .await
        .unwrap();
    assert!(!orgs::renew_console_key(&app.state.store, &expired)
        .await
        .unwrap());
    assert!(orgs::renew_console_key(&app.state.store, &live)
        .await
        .unwrap());
}

#[tokio::test]
async fn a_start_removes_only_expired_console_keys() {
    let app = spawn_app().await;
    let org = organization_id(&app, "acme").await;
    let long_ago =
        time::OffsetDateTime::now_utc() - orgs::CONSOLE_KEY_TTL - time::Duration::minutes(1);
    let expired = orgs::mint_console_key_at(&app.state.store, &org, long_ago)
        .await
        .unwrap();
    let live = orgs::mint_console_key(&app.state.store, &org)
        .await
        .unwrap();
    app.replica().await;
    assert!(!orgs::renew_console_key(&app.state.store, &expired)
        .await
        .unwrap());
    assert!(orgs::renew_console_key(&app.state.store, &live)
        .await
        .unwrap());
    Client::new(&app.base_url, live.expose())
        .get_chatbots()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_console_whose_key_is_gone_forgets_it_at_renewal_and_mints_a_new_one() {
    let app = spawn_app().await;
    let cookie = app.session_cookie("acme", "ada@acme.example").await;
    assert_eq!(app.list_status(&cookie).await, 200);
    // As if this process had stalled past the expiry and another instance had swept.
    let far_future =
        server::time::format(time::OffsetDateTime::now_utc() + time::Duration::days(1));
    app.state
        .store
        .delete_expired_console_keys(&far_future)
        .await
        .unwrap();
    // The backend refuses the dead key within its key cache's bound (5 s), and the console,
    // still holding it, answers 502.
    let deleted = std::time::Instant::now();
    while app.list_status(&cookie).await != 502 {
        assert!(
            deleted.elapsed() < std::time::Duration::from_secs(6),
            "the backend still takes the deleted console key"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.console.renew_keys().await;
    assert_eq!(app.list_status(&cookie).await, 200, "a new key was minted");
}
