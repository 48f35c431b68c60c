//! What the benchmarks share: a release `chatdeck serve` on a fresh data directory with an API
//! key, a deterministic random source, and percentiles.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A deterministic pseudo-random source (xorshift), so every run asks the same things.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The `p` quantile (0–1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The release server beside this example, on a fresh data directory, and a key for it.
pub struct Server {
    pub base_url: String,
    pub key: String,
    pub child: Child,
    /// Removed when the server is dropped (also when a benchmark panics).
    data_dir: tempfile::TempDir,
}

impl Server {
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> PathBuf {
    std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("chatdeck")
}

/// Starts `chatdeck serve` with `env` set and waits until it answers.
pub async fn start(env: &[(&str, String)]) -> Server {
    let data_dir = tempfile::tempdir().unwrap();
    let store = server::store::connect(&format!(
        "sqlite://{}",
        data_dir.path().join("chatdeck.db").display()
    ))
    .await
    .unwrap();
    let key = server::orgs::issue_key(&store, "bench")
        .await
        .unwrap()
        .key
        .expose()
        .to_owned();
    drop(store);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = serve(&binary(), data_dir.path(), port, env);
    let base_url = format!("http://127.0.0.1:{port}");
    while reqwest::get(format!("{base_url}/healthz")).await.is_err() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        base_url,
        key,
        child,
        data_dir,
    }
}

fn serve(binary: &Path, data_dir: &Path, port: u16, env: &[(&str, String)]) -> Child {
    let mut command = Command::new(binary);
    command
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .spawn()
        .expect("the release chatdeck starts (build it: cargo build --release -p server)")
}
