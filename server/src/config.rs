//! Runtime configuration, parsed once at start from flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::chat::config::ChatConfig;
use crate::files::Storage;
use crate::knowledge::KnowledgeConfig;
use crate::ops::OpsConfig;
use crate::widget::WidgetConfig;

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
    /// A remote okchat-compatible API for the console to manage instead of this server's own.
    pub backend: Option<RemoteBackend>,
    pub knowledge: KnowledgeConfig,
    pub chat: ChatConfig,
    pub widget: WidgetConfig,
    pub ops: OpsConfig,
    /// Where uploads and knowledge originals are kept.
    pub storage: Storage,
}

/// `CHATDECK_BACKEND_URL` and `CHATDECK_BACKEND_API_KEY`. The key is a `SecretString`, so
/// printing a `Config` (a `{config:?}` in a log line) shows `[REDACTED]` instead.
#[derive(Debug, Clone)]
pub struct RemoteBackend {
    pub base_url: String,
    pub api_key: SecretString,
}

impl Config {
    /// The database URL for a data directory when `DATABASE_URL` is not set.
    pub fn default_database_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}", data_dir.join("chatdeck.db").display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_backend_api_key() {
        let config = Config {
            addr: "127.0.0.1:3000".parse().unwrap(),
            data_dir: "data".into(),
            database_url: "sqlite://data/chatdeck.db".into(),
            public_url: None,
            site_root: "target/site".into(),
            backend: Some(RemoteBackend {
                base_url: "https://v2.okchat.ai".into(),
                api_key: "15a23c21867f4f38b0b46f5e4adb1caf87a040b34eb58f68".into(),
            }),
            knowledge: KnowledgeConfig::default(),
            chat: ChatConfig::default(),
            widget: WidgetConfig::default(),
            ops: OpsConfig {
                metrics_token: Some("scrape-secret-4f1d".into()),
            },
            storage: Storage::default(),
        };
        let printed = format!("{config:?}");
        assert!(printed.contains("https://v2.okchat.ai"), "{printed}");
        assert!(!printed.contains("15a23c21"), "{printed}");
        assert!(!printed.contains("scrape-secret"), "{printed}");
    }
}
