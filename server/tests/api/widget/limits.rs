use okchat::PageQuery;
use server::widget::WidgetConfig;

use super::{new_token, public_bot, say, Answer};
use crate::helpers::{spawn_app_with_widget, TestApp};

fn quotas(visitor_per_minute: u32, bot_per_hour: u32) -> WidgetConfig {
    WidgetConfig {
        visitor_messages_per_minute: visitor_per_minute,
        bot_messages_per_hour: bot_per_hour,
        trusted_proxies: 1,
    }
}

/// A visitor's "Hi" in a new session, from `address` as a proxy would name it.
async fn hi_from(app: &TestApp, bot: &str, address: &str) -> Answer {
    say(
        app,
        bot,
        &new_token(),
        "Hi",
        &[("x-forwarded-for", address)],
    )
    .await
}

#[tokio::test]
async fn a_visitor_over_the_quota_waits_even_with_a_new_session_and_others_go_on() {
    let app = spawn_app_with_widget(quotas(2, 1_000)).await;
    let bot = public_bot(&app, "Shop").await;
    let ada = [("x-forwarded-for", "203.0.113.7")];
    for n in 0..2 {
        let answer = say(&app, &bot.id, &new_token(), &format!("Question {n}"), &ada).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let refused = say(&app, &bot.id, &new_token(), "One more", &ada).await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (429, "rate_limited"),
        "{}",
        refused.text
    );
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "Retry-After {wait}");
    assert_eq!(
        refused.headers["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase(),
        "retry-after"
    );

    let bob = hi_from(&app, &bot.id, "203.0.113.8").await;
    assert_eq!(bob.status, 200, "another visitor is not limited by Ada");
    let stored = app
        .client
        .get_conversations(&bot.id, &PageQuery::default())
        .await
        .unwrap();
    assert_eq!(stored.data.len(), 3, "the refused message was not stored");
}

#[tokio::test]
async fn the_quotas_are_shared_by_every_instance_on_the_database() {
    let app = spawn_app_with_widget(quotas(2, 1_000)).await;
    let other_instance = app.replica_with_widget(quotas(2, 1_000)).await;
    let bot = public_bot(&app, "Shop").await;
    let ada = [("x-forwarded-for", "203.0.113.9")];
    for n in 0..2 {
        let answer = say(&app, &bot.id, &new_token(), &format!("Question {n}"), &ada).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let elsewhere = say(&other_instance, &bot.id, &new_token(), "One more", &ada).await;
    assert_eq!(
        (elsewhere.status, elsewhere.code().as_str()),
        (429, "rate_limited"),
        "another instance must not grant a fresh quota: {}",
        elsewhere.text
    );
}

#[tokio::test]
async fn a_bot_over_its_hourly_quota_refuses_every_visitor() {
    let app = spawn_app_with_widget(quotas(100, 2)).await;
    let bot = public_bot(&app, "Shop").await;
    let other = public_bot(&app, "Other").await;
    for n in 1..=2 {
        let answer = hi_from(&app, &bot.id, &format!("198.51.100.{n}")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let refused = hi_from(&app, &bot.id, "198.51.100.9").await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        wait > 60,
        "an hourly quota frees up in minutes, not seconds: {wait}"
    );
    let elsewhere = hi_from(&app, &other.id, "198.51.100.9").await;
    assert_eq!(elsewhere.status, 200, "another bot has its own quota");
}

#[tokio::test]
async fn behind_a_cdn_and_a_balancer_each_visitor_has_a_quota_of_their_own() {
    // The balancer, nearest, appends the CDN edge's address; the CDN appended the visitor's.
    let app = spawn_app_with_widget(WidgetConfig {
        trusted_proxies: 2,
        ..quotas(2, 1_000)
    })
    .await;
    let bot = public_bot(&app, "Shop").await;
    let edge = "198.51.100.1";
    for _ in 0..2 {
        let answer = hi_from(&app, &bot.id, &format!("203.0.113.7, {edge}")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let refused = hi_from(&app, &bot.id, &format!("203.0.113.7, {edge}")).await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    // Through the same edge, another visitor is not held back; and what a visitor writes in
    // front of the CDN's entry gives them no fresh quota.
    let bob = hi_from(&app, &bot.id, &format!("203.0.113.8, {edge}")).await;
    assert_eq!(bob.status, 200, "{}", bob.text);
    let forged = hi_from(&app, &bot.id, &format!("192.0.2.50, 203.0.113.7, {edge}")).await;
    assert_eq!(forged.status, 429, "{}", forged.text);
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forwarded_address_does_not_give_a_fresh_quota() {
    // A visitor could name any address in X-Forwarded-For; only a proxy's word counts.
    let app = spawn_app_with_widget(WidgetConfig {
        trusted_proxies: 0,
        ..quotas(2, 1_000)
    })
    .await;
    let bot = public_bot(&app, "Shop").await;
    for n in 0..2 {
        let answer = hi_from(&app, &bot.id, &format!("203.0.113.{n}")).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    let refused = hi_from(&app, &bot.id, "203.0.113.99").await;
    assert_eq!(refused.status, 429, "{}", refused.text);
}
