//! What every handler can reach. Leptos needs `LeptosOptions` in the router state, so the
//! state carries it and `FromRef` hands it out.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::chat::service::Chat;
use crate::config::Config;
use crate::files::FileStore;
use crate::knowledge::service::Knowledge;
use crate::ops::Metrics;
use crate::orgs::KeyCache;
use crate::store::DynStore;
use crate::users::sessions::SessionCache;
use crate::widget::limits::RateLimits;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: DynStore,
    pub files: Arc<dyn FileStore>,
    pub config: Arc<Config>,
    /// The session check of the page guard and the console's server functions alike.
    pub sessions: Arc<SessionCache>,
    pub knowledge: Arc<Knowledge>,
    pub chat: Arc<Chat>,
    /// The public widget routes' quotas on chat messages.
    pub limits: Arc<RateLimits>,
    /// API keys verified lately (`orgs::KEY_CACHE_TTL`).
    pub keys: Arc<KeyCache>,
    /// This instance's measurements (`/metrics`).
    pub metrics: Arc<Metrics>,
}
