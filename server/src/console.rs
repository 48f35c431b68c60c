//! The console's side of the server: the `app::backend::ConsoleBackend` the console's server
//! functions call. Sessions are checked against the users store; API calls go over real HTTP
//! to the embedded backend (this very server) with a key minted per organization and held only
//! in memory, or to a remote okchat-compatible deployment with its configured key.
//!
//! Minted keys expire ([`orgs::CONSOLE_KEY_TTL`]) unless renewed, which a background task of
//! this process does for the keys it holds: other instances on the same database leave them
//! alone, and the keys of a process that died lapse by themselves.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use app::backend::{ConsoleBackend, SessionUser};
use app::error::AppError;
use axum::http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use crate::http::origin::public_origin;
use crate::store::DynStore;
use crate::users::sessions::SessionCache;
use crate::{orgs, users};

/// Where the console's API calls go.
#[derive(Clone)]
pub enum Target {
    /// This server, at `base_url` (its own listening address).
    Embedded { base_url: String },
    /// Any okchat-compatible deployment, one organization, one key.
    Remote {
        base_url: String,
        api_key: SecretString,
    },
}

pub struct Console {
    store: DynStore,
    /// The same cache the page guard checks sessions with.
    sessions: Arc<SessionCache>,
    target: Target,
    http: reqwest::Client,
    /// `CHATDECK_PUBLIC_URL`, when set: the origin embed snippets point at.
    public_url: Option<String>,
    /// Console keys per organization id, minted on first use, renewed by `renew_keys`.
    keys: Mutex<HashMap<String, okchat::ApiKey>>,
}

impl Console {
    pub fn new(
        store: DynStore,
        sessions: Arc<SessionCache>,
        target: Target,
        public_url: Option<String>,
    ) -> Arc<Self> {
        let http = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(90))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .expect("a default reqwest client builds");
        Arc::new(Self {
            store,
            sessions,
            target,
            http,
            public_url,
            keys: Mutex::new(HashMap::new()),
        })
    }
}

impl Console {
    /// Renews every console key this process holds. A key that is gone or expired (this
    /// process stalled past its expiry and another instance swept it) is forgotten, so the next
    /// call for its organization mints a new one. A failed renewal keeps the key: the next
    /// round tries again before it lapses.
    pub async fn renew_keys(&self) {
        let held: Vec<(String, okchat::ApiKey)> = self
            .keys
            .lock()
            .await
            .iter()
            .map(|(org, key)| (org.clone(), key.clone()))
            .collect();
        for (organization_id, key) in held {
            match orgs::renew_console_key(&self.store, &key).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::info!(
                        organization_id,
                        prefix = key.prefix(),
                        "console key expired or removed; a new one is minted on the next call"
                    );
                    let mut keys = self.keys.lock().await;
                    if keys.get(&organization_id) == Some(&key) {
                        keys.remove(&organization_id);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, organization_id, "could not renew a console key");
                }
            }
        }
    }

    /// Renews this console's keys every [`orgs::CONSOLE_KEY_RENEWAL`] for as long as the
    /// console exists.
    pub fn spawn_key_renewal(self: &Arc<Self>) {
        let console: Weak<Self> = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(orgs::CONSOLE_KEY_RENEWAL);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is immediate, and fresh keys need no renewal.
            every.tick().await;
            loop {
                every.tick().await;
                let Some(console) = console.upgrade() else {
                    return;
                };
                console.renew_keys().await;
            }
        });
    }
}

fn internal(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "console backend failure");
    AppError::Internal
}

#[async_trait::async_trait]
impl ConsoleBackend for Console {
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<(String, SessionUser)>, AppError> {
        let signed_in = users::sign_in(&self.store, email, password)
            .await
            .map_err(internal)?;
        Ok(signed_in.map(|s| (s.token, s.user)))
    }

    async fn session(&self, token: &str) -> Result<Option<SessionUser>, AppError> {
        self.sessions.user(token).await.map_err(internal)
    }

    async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        self.sessions.sign_out(token).await.map_err(internal)
    }

    async fn client(&self, user: &SessionUser) -> Result<okchat::Client, AppError> {
        match &self.target {
            Target::Remote { base_url, api_key } => Ok(okchat::Client::with_http(
                self.http.clone(),
                base_url,
                api_key.expose_secret(),
            )),
            Target::Embedded { base_url } => {
                let mut keys = self.keys.lock().await;
                let key = match keys.get(&user.organization_id) {
                    Some(key) => key.clone(),
                    None => {
                        let key = orgs::mint_console_key(&self.store, &user.organization_id)
                            .await
                            .map_err(internal)?;
                        keys.insert(user.organization_id.clone(), key.clone());
                        key
                    }
                };
                Ok(okchat::Client::with_http(
                    self.http.clone(),
                    base_url,
                    key.expose(),
                ))
            }
        }
    }

    fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }

    fn public_origin(&self, headers: &HeaderMap) -> String {
        public_origin(self.public_url.as_deref(), headers)
    }
}
