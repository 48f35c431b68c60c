//! What the widget's quotas need from a database: one GCRA state per key, in the database so
//! that every instance behind a load balancer counts the same messages.

use async_trait::async_trait;

use crate::store::StoreResult;

/// One quota, as GCRA (the generic cell rate algorithm) sees it, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// The time one message uses up: the period over the quota.
    pub interval_ms: i64,
    /// How far ahead of now the quota may be spent: a full quota's burst less one message.
    pub tolerance_ms: i64,
}

#[async_trait]
pub trait RateLimitStore {
    /// Spends one message of `rate` at `key` at `now_ms` (Unix milliseconds), in one atomic
    /// step; `Ok(None)` when it was spent, `Ok(Some(wait_ms))` when the quota is used up and
    /// the next message is allowed in `wait_ms`.
    async fn spend_rate(&self, key: &str, rate: Rate, now_ms: i64) -> StoreResult<Option<i64>>;
    /// Forgets keys whose quota was whole again before `now_ms`: they start afresh anyway.
    async fn forget_rates(&self, now_ms: i64) -> StoreResult<u64>;
}
