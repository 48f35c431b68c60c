use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The first `wanted` log lines `chatdeck serve` writes with `env` set, then it is stopped.
fn serve_log_lines(env: &[(&str, &str)], wanted: usize) -> Vec<String> {
    let data_dir = tempfile::tempdir().unwrap();
    // A site root named, so that no warning about missing console assets comes first.
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatdeck"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir.path())
        .arg("--site-root")
        .arg(data_dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("CHATDECK_LOG_FORMAT")
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("chatdeck starts");
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .take(wanted)
            .collect::<Vec<_>>()
    });
    let started = Instant::now();
    while !reader.is_finished() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().ok();
    child.wait().ok();
    reader.join().unwrap()
}

#[test]
fn with_the_json_log_format_every_line_is_one_json_object() {
    let lines = serve_log_lines(&[("CHATDECK_LOG_FORMAT", "json")], 1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let event: serde_json::Value = serde_json::from_str(&lines[0]).expect("a JSON object");
    assert_eq!(event["level"], "INFO", "{event}");
    assert!(
        event["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("chatdeck listening on http://127.0.0.1:")),
        "{event}"
    );
    assert!(event["timestamp"].is_string(), "{event}");
}

#[test]
fn by_default_log_lines_are_text() {
    let lines = serve_log_lines(&[], 1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(serde_json::from_str::<serde_json::Value>(&lines[0]).is_err());
    assert!(lines[0].contains("chatdeck listening on"), "{lines:?}");
}
