//! What the operations routes ask of the database.

use async_trait::async_trait;

use crate::store::StoreResult;

/// The connection pool's use at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Connections open.
    pub open: u32,
    /// Of those, waiting for work.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

#[async_trait]
pub trait OpsStore {
    /// Succeeds when the database answers a query.
    async fn ping(&self) -> StoreResult<()>;
    fn pool_use(&self) -> PoolUse;
}
