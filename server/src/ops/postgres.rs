//! `OpsStore` on PostgreSQL.

use async_trait::async_trait;

use super::store::{OpsStore, PoolUse};
use crate::store::postgres::PgStore;
use crate::store::StoreResult;

#[async_trait]
impl OpsStore for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("select 1 as alive").execute(&self.pool).await?;
        Ok(())
    }

    fn pool_use(&self) -> PoolUse {
        PoolUse {
            open: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max: self.pool.options().get_max_connections(),
        }
    }
}
