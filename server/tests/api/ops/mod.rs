//! `/readyz` and `/metrics`.

mod metrics;
mod readiness;
