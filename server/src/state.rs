//! What every handler can reach. Leptos needs `LeptosOptions` in the router state, so the
//! state carries it and `FromRef` hands it out.

use std::ops::Deref;
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

/// One pointer to the [`Services`]: axum clones the state for every middleware a request
/// passes and for its handler, and cloning the services themselves (the Leptos options'
/// strings, a dozen `Arc`s) showed in the profile of the API's cheapest reads.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub struct Services {
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
