//! The one session check, shared by the console's page guard and its server functions: a
//! session token to its user, remembered for [`SESSION_CACHE_TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::store::SessionUser;
use super::UserError;
use crate::orgs::keys;
use crate::store::DynStore;

/// How long a checked session is trusted without asking the database again. A session deleted
/// behind this process's back (signed out through another instance, the database by hand)
/// stays usable at most this long; sign-out through this process takes effect immediately.
/// Long enough to cover the burst of checks one console page makes.
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(5);

/// Entries kept at most; when full, only fresh sign-out tombstones survive (the rest re-check).
const SESSION_CACHE_MAX: usize = 10_000;

/// Sessions checked in the last [`SESSION_CACHE_TTL`], by token digest: a console page and the
/// server-function calls it makes check the same session several times in a row, and each
/// check would otherwise cost a database round trip. Sign-out leaves a tombstone (`None`), so
/// a check racing with it cannot bring the session back.
pub struct SessionCache {
    store: DynStore,
    entries: Mutex<HashMap<String, (Option<SessionUser>, Instant)>>,
}

impl SessionCache {
    pub fn new(store: DynStore) -> Self {
        Self {
            store,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The user of the session `token`, if it exists and has not expired.
    pub async fn user(&self, token: &str) -> Result<Option<SessionUser>, UserError> {
        let digest = keys::digest(token);
        if let Some((user, at)) = self.entries.lock().expect("session cache").get(&digest) {
            if at.elapsed() < SESSION_CACHE_TTL {
                return Ok(user.clone());
            }
        }
        let user = super::session_user(&self.store, token).await?;
        let mut entries = self.entries.lock().expect("session cache");
        if let Some((None, at)) = entries.get(&digest) {
            if at.elapsed() < SESSION_CACHE_TTL {
                // Signed out while the database was being asked.
                return Ok(None);
            }
        }
        if entries.len() >= SESSION_CACHE_MAX {
            entries.retain(|_, (user, at)| user.is_none() && at.elapsed() < SESSION_CACHE_TTL);
        }
        match &user {
            Some(user) => {
                entries.insert(digest, (Some(user.clone()), Instant::now()));
            }
            None => {
                entries.remove(&digest);
            }
        }
        Ok(user)
    }

    /// Ends the session `token`, in this cache at once and in the database.
    pub async fn sign_out(&self, token: &str) -> Result<(), UserError> {
        self.entries
            .lock()
            .expect("session cache")
            .insert(keys::digest(token), (None, Instant::now()));
        super::sign_out(&self.store, token).await
    }
}
