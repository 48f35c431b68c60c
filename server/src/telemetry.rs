//! Logging: `RUST_LOG` filters (default `info`), plain text to stderr.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info,leptos_axum=warn"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    if installed.is_err() {
        // Tests start many servers in one process; the first one's subscriber serves them all.
        tracing::debug!("a tracing subscriber was already installed");
    }
}
