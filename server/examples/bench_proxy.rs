//! The console's proxy overhead: the median time of the `list_chatbots` server function (session
//! check + `okchat::Client` call over loopback HTTP + re-encoding) against calling
//! `GET /api/external/chatbots` directly, 1,000 sequential calls each after a warm-up, on a
//! release build with a fresh data directory. The two kinds of call alternate (which goes first
//! alternates too), so a machine that slows down or speeds up during the run affects both alike.
//! Run: `cargo run --release -p server --example bench_proxy`.

use std::time::{Duration, Instant};

use app::chatbots::server_fns::ListChatbots;
use leptos::server_fn::ServerFn;
use server::config::Config;
use server::startup::Application;

const CALLS: usize = 1_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn timed(call: impl std::future::Future<Output = ()>) -> Duration {
    let start = Instant::now();
    call.await;
    start.elapsed()
}

/// The API itself, with the organization's key.
async fn direct(http: &reqwest::Client, base: &str, key: &str) {
    let r = http
        .get(format!("{base}/api/external/chatbots"))
        .header("x-api-key", key)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    r.bytes().await.unwrap();
}

/// The console's server function, with a session cookie.
async fn proxied(http: &reqwest::Client, base: &str, token: &str) {
    let r = http
        .post(format!("{base}{}", ListChatbots::PATH))
        .header("cookie", format!("chatdeck_session={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    r.bytes().await.unwrap();
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let config = Config {
        addr: "127.0.0.1:0".parse()?,
        data_dir: dir.clone(),
        database_url: Config::default_database_url(&dir),
        public_url: None,
        site_root: "target/site".into(),
        backend: None,
        knowledge: server::knowledge::KnowledgeConfig::default(),
        chat: Default::default(),
        widget: Default::default(),
        ops: Default::default(),
        storage: Default::default(),
    };
    let app = Application::build(config).await?;
    let base = format!("http://{}", app.local_addr());
    let store = app.state().store.clone();
    tokio::spawn(app.run_until_stopped());

    let key = server::orgs::issue_key(&store, "bench")
        .await?
        .key
        .expose()
        .to_owned();
    server::users::create_user(&store, "bench", "bench@chatdeck.test", "bench password").await?;
    let token = server::users::sign_in(&store, "bench@chatdeck.test", "bench password")
        .await?
        .expect("signed in")
        .token;
    let client = okchat::Client::new(&base, &key);
    for i in 0..3 {
        client
            .create_chatbot(&okchat::CreateChatbot {
                name: Some(format!("Bench {i}")),
                ..Default::default()
            })
            .await?;
    }

    let http = reqwest::Client::new();
    for _ in 0..100 {
        direct(&http, &base, &key).await;
        proxied(&http, &base, &token).await;
    }
    let (mut direct_times, mut proxied_times) = (Vec::new(), Vec::new());
    for i in 0..CALLS {
        if i % 2 == 0 {
            direct_times.push(timed(direct(&http, &base, &key)).await);
            proxied_times.push(timed(proxied(&http, &base, &token)).await);
        } else {
            proxied_times.push(timed(proxied(&http, &base, &token)).await);
            direct_times.push(timed(direct(&http, &base, &key)).await);
        }
    }
    direct_times.sort();
    proxied_times.sort();
    let (direct, proxied) = (direct_times, proxied_times);

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (dm, pm) = (percentile(&direct, 0.5), percentile(&proxied, 0.5));
    println!(
        "direct API   median {:.0} µs, p95 {:.0} µs",
        us(dm),
        us(percentile(&direct, 0.95))
    );
    println!(
        "server fn    median {:.0} µs, p95 {:.0} µs",
        us(pm),
        us(percentile(&proxied, 0.95))
    );
    println!(
        "proxy overhead (median difference): {:.0} µs",
        us(pm) - us(dm)
    );
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("chatdeck-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
