//! Tests that kill a server: `chatdeck serve` as a child process of its own (the binary this
//! test build made), on a test database, so that a SIGKILL ends it mid-work.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A database for processes to share (see `helpers::database_url`) with a key of `org` on it.
pub struct SharedDatabase {
    pub dir: tempfile::TempDir,
    pub url: String,
    pub key: String,
}

impl SharedDatabase {
    pub async fn new(org: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::helpers::database_url(dir.path()).await;
        let store = server::store::connect(&url).await.unwrap();
        let key = server::orgs::issue_key(&store, org)
            .await
            .unwrap()
            .key
            .expose()
            .to_owned();
        drop(store);
        Self { dir, url, key }
    }

    /// `chatdeck serve` on this database with `env` set, on a free port, once it answers.
    pub async fn serve(&self, env: &[(&str, &str)]) -> (Child, okchat::Client) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_chatdeck"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(self.dir.path())
            .env("DATABASE_URL", &self.url)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chatdeck starts");
        let started = Instant::now();
        while reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
            .await
            .is_err()
        {
            assert!(started.elapsed() < Duration::from_secs(30), "no server");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let client = okchat::Client::new(format!("http://127.0.0.1:{port}"), &self.key);
        (child, client)
    }
}
