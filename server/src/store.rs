//! The database interface. Each feature declares the operations it needs as a trait
//! (`chatbots::store::ChatbotStore`, `orgs::store::OrgStore`, `knowledge::store::KnowledgeStore`,
//! `conversations::store::ConversationStore`, …); `Store` is their sum, and each
//! engine implements it: `sqlite::SqliteStore` (one file, the default) and `postgres::PgStore`
//! (several instances on one database), each feature's SQL in its `sqlite.rs` and
//! `postgres.rs`. Handlers see only `Arc<dyn Store>`.

#[cfg(feature = "sqlite")]
pub mod change_count;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::sync::Arc;

use crate::chatbots::store::ChatbotStore;
use crate::conversations::store::ConversationStore;
use crate::knowledge::store::KnowledgeStore;
use crate::ops::store::OpsStore;
use crate::orgs::store::OrgStore;
use crate::users::store::UserStore;
use crate::widget::store::RateLimitStore;

pub trait Store:
    ChatbotStore
    + OrgStore
    + UserStore
    + KnowledgeStore
    + ConversationStore
    + OpsStore
    + RateLimitStore
    + Send
    + Sync
    + 'static
{
}

impl<
        T: ChatbotStore
            + OrgStore
            + UserStore
            + KnowledgeStore
            + ConversationStore
            + OpsStore
            + RateLimitStore
            + Send
            + Sync
            + 'static,
    > Store for T
{
}

pub type DynStore = Arc<dyn Store>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (e.g. a slug already taken in the organization).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Whether `url` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens the database named by `url` (`postgres://…`, or `sqlite://path` or a path), migrating
/// it to the current schema.
pub async fn connect(url: &str) -> anyhow::Result<DynStore> {
    if is_postgres(url) {
        #[cfg(feature = "postgres")]
        return Ok(Arc::new(postgres::PgStore::connect(url).await?));
        #[cfg(not(feature = "postgres"))]
        anyhow::bail!("this build has no PostgreSQL engine (cargo feature `postgres`)");
    }
    #[cfg(feature = "sqlite")]
    return Ok(Arc::new(sqlite::SqliteStore::connect(url).await?));
    #[cfg(not(feature = "sqlite"))]
    anyhow::bail!("this build has no SQLite engine (cargo feature `sqlite`): {url}")
}
