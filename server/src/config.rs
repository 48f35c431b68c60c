//! Runtime configuration, parsed once at start from flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// The address clients reach this server at (`https://chat.example.com`), used for
    /// absolute upload URLs; without it the request's `Host` is used.
    pub public_url: Option<String>,
    /// Where the console's compiled assets are (`target/site` in a checkout).
    pub site_root: PathBuf,
    /// A remote okchat-compatible API for the console to manage instead of this server's own:
    /// base URL and API key.
    pub backend: Option<(String, String)>,
}

impl Config {
    /// The database URL for a data directory when `DATABASE_URL` is not set.
    pub fn default_database_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}", data_dir.join("chatdeck.db").display())
    }

    pub fn uploads_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }
}
