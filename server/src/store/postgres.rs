//! The PostgreSQL engine, for several chatdeck instances on one database: the same store traits
//! as SQLite's, with this engine's SQL in each feature's `postgres.rs`. Concurrency is
//! PostgreSQL's own (row locks, `for update skip locked` for job claims), not one writer at a
//! time as on SQLite.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};

/// How long a request waits for a free connection before it fails.
const ACQUIRE_WAIT: Duration = Duration::from_secs(30);

/// A connection idle longer than this is checked before use.
const PING_AFTER_IDLE: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`) and brings the schema up to date. Instances starting
    /// together take turns: sqlx's migrator holds a PostgreSQL advisory lock while it migrates.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .min_connections(1)
            .acquire_timeout(ACQUIRE_WAIT)
            // sqlx pings every connection before handing it out: a round trip to the server
            // before each query. Only one that sat idle a while may have been dropped by the
            // server or a proxy meanwhile; busy ones are used at once.
            .test_before_acquire(false)
            .before_acquire(|connection, meta| {
                Box::pin(async move {
                    if meta.idle_for > PING_AFTER_IDLE {
                        connection.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options.application_name("chatdeck"))
            .await?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// True when `error` is a unique constraint violation.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
