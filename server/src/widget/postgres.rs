//! `RateLimitStore` on PostgreSQL: the same GCRA step as on SQLite, one upsert that locks the
//! key's row, so instances spending the same quota at once each see the other's message.

use async_trait::async_trait;

use super::store::{Rate, RateLimitStore};
use crate::store::postgres::PgStore;
use crate::store::StoreResult;

#[async_trait]
impl RateLimitStore for PgStore {
    async fn spend_rate(&self, key: &str, rate: Rate, now_ms: i64) -> StoreResult<Option<i64>> {
        let first = now_ms + rate.interval_ms;
        // The update applies only while the quota has room; no row back means it had none.
        let spent = sqlx::query_scalar!(
            "insert into rate_limit (key, tat_ms) values ($1, $2)
             on conflict (key) do update set tat_ms = greatest(rate_limit.tat_ms, $3) + $4
             where greatest(rate_limit.tat_ms, $3) - $3 <= $5
             returning tat_ms",
            key,
            first,
            now_ms,
            rate.interval_ms,
            rate.tolerance_ms
        )
        .fetch_optional(&self.pool)
        .await?;
        if spent.is_some() {
            return Ok(None);
        }
        let tat = sqlx::query_scalar!("select tat_ms from rate_limit where key = $1", key)
            .fetch_optional(&self.pool)
            .await?
            .unwrap_or(now_ms);
        Ok(Some(super::limits::wait_ms(tat, rate, now_ms)))
    }

    async fn forget_rates(&self, now_ms: i64) -> StoreResult<u64> {
        let forgotten = sqlx::query!("delete from rate_limit where tat_ms < $1", now_ms)
            .execute(&self.pool)
            .await?;
        Ok(forgotten.rows_affected())
    }
}
