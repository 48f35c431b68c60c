//! The database interface. Each feature declares the operations it needs as a trait
//! (`chatbots::store::ChatbotStore`, `orgs::store::OrgStore`, `knowledge::store::KnowledgeStore`,
//! `conversations::store::ConversationStore`, …); `Store` is their sum, and each
//! engine implements it (`sqlite::SqliteStore` now; PostgreSQL is a second implementation of
//! the same traits, with SQL per engine where it must differ). Handlers see only `Arc<dyn Store>`.

pub mod sqlite;

use std::sync::Arc;

use crate::chatbots::store::ChatbotStore;
use crate::conversations::store::ConversationStore;
use crate::knowledge::store::KnowledgeStore;
use crate::ops::store::OpsStore;
use crate::orgs::store::OrgStore;
use crate::users::store::UserStore;

pub trait Store:
    ChatbotStore
    + OrgStore
    + UserStore
    + KnowledgeStore
    + ConversationStore
    + OpsStore
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

/// Opens the database named by `url` (`sqlite://path` or a path), migrating it to the current
/// schema.
pub async fn connect(url: &str) -> anyhow::Result<DynStore> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        anyhow::bail!(
            "PostgreSQL is not supported yet; use a SQLite file (sqlite://path/to/chatdeck.db)"
        );
    }
    Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
}
