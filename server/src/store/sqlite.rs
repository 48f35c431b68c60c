//! The SQLite engine: one file under the data directory, WAL, foreign keys on, a busy timeout
//! so the CLI and the server can write the same file at once.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::chatbots::cache::ChatbotCache;
use crate::store::change_count::ChangeCount;
use crate::store::StoreResult;

/// The longest a write waits for its turn (this process's writers, then SQLite's lock).
const WRITE_WAIT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    /// This process's writers take turns here, in arrival order. SQLite admits one writer at a
    /// time anyway, and its busy handler makes the others poll with growing sleeps, which gave
    /// chat turns a long latency tail; the busy timeout still covers other processes.
    writer: Arc<Mutex<()>>,
    /// Chatbots are read on every API call and public widget request and written rarely.
    pub(crate) chatbots: Arc<ChatbotCache>,
}

/// A write transaction holding this process's turn to write until it ends.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

impl SqliteStore {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let url = if url.starts_with("sqlite:") {
            url.to_owned()
        } else {
            format!("sqlite://{url}")
        };
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a change the API acknowledged survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // A large document's indexing holds the write lock for seconds (over 10 s for the
            // ~29,000 chunks of a 16 MiB file on 2 cores); a write that arrives meanwhile waits
            // for it rather than failing.
            .busy_timeout(WRITE_WAIT);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            // A connection to a local file cannot go stale; the ping sqlx sends by default
            // before handing one out was a second round trip to the connection's thread on
            // every query (a third of a cheap read's time).
            .test_before_acquire(false)
            .after_connect(|connection, _| {
                Box::pin(async move {
                    let mut handle = connection.lock_handle().await?;
                    let db = handle.as_raw_handle();
                    // SAFETY: the handle's lock keeps the connection's worker off it meanwhile.
                    #[allow(unsafe_code)]
                    let registered = unsafe { crate::knowledge::sqlite::register_functions(db) };
                    registered.map_err(|e| sqlx::Error::Configuration(e.into()))
                })
            })
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            writer: Arc::new(Mutex::new(())),
            chatbots: Arc::new(ChatbotCache::new(chatbot_writes(options.get_filename())?)),
        })
    }

    /// A transaction that holds the write lock from its start. A deferred one that reads first
    /// fails at once (SQLITE_BUSY, no busy wait) when another writer committed since its read;
    /// with several knowledge workers indexing at once that happened within seconds.
    pub(crate) async fn write(&self) -> StoreResult<WriteTx> {
        // As long as SQLite's own busy timeout: a writer waits, but not forever.
        let turn = tokio::time::timeout(WRITE_WAIT, self.writer.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        Ok(WriteTx {
            tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
            _turn: turn,
        })
    }
}

/// The count of chatbot writes that every process on the database `file` shares.
fn chatbot_writes(file: &Path) -> anyhow::Result<ChangeCount> {
    if file == Path::new(":memory:") {
        return Ok(ChangeCount::local());
    }
    let mut path = file.as_os_str().to_owned();
    path.push("-chatbot-writes");
    let path = Path::new(&path);
    ChangeCount::shared(path).with_context(|| {
        format!(
            "opening {} (every process on the database must be able to write it, as \
             its -wal and -shm files)",
            path.display()
        )
    })
}

/// True when `error` is a UNIQUE constraint violation.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
