//! Logging: `RUST_LOG` filters (default `info`), to stderr, as plain text or, for a log
//! collector, one JSON object per line (`CHATDECK_LOG_FORMAT=json`).

use clap::ValueEnum;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// For people: one line of text per event.
    #[default]
    Text,
    /// For log collectors: one JSON object per event (`timestamp`, `level`, `target`,
    /// `fields` with the message, and the spans it happened in).
    Json,
}

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info,leptos_axum=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    if installed.is_err() {
        // Tests start many servers in one process; the first one's subscriber serves them all.
        tracing::debug!("a tracing subscriber was already installed");
    }
}
