//! Operations: what a load balancer and a monitoring system ask of an instance. `/healthz`
//! (alive), `/readyz` (its database and file storage answer), and `/metrics` in the
//! Prometheus exposition format (OpenMetrics text), behind a bearer token; the measurements
//! the rest of the server records live in [`Metrics`].

pub mod metrics;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod routes;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod store;

use secrecy::SecretString;

pub use metrics::Metrics;

/// Settings of the operations routes.
#[derive(Debug, Clone, Default)]
pub struct OpsConfig {
    /// The bearer token `/metrics` asks for (`CHATDECK_METRICS_TOKEN`). Without one, `/metrics`
    /// is not served at all: its figures (routes, queue depth, error counts) are not public.
    pub metrics_token: Option<SecretString>,
}
