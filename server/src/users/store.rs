//! What the users feature needs from a database engine.

use async_trait::async_trait;

use crate::store::StoreResult;

pub struct NewUser {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub password_hash: String,
    pub created_at: String,
}

/// A user found by email for sign-in. Deliberately not `Serialize`: the hash never travels.
pub struct UserWithHash {
    pub id: String,
    pub email: String,
    pub organization_id: String,
    pub organization_name: String,
    pub password_hash: String,
}

/// Who a session belongs to: the console's own type, so a session found here is handed to the
/// console's server functions as it is.
pub use app::backend::SessionUser;

#[async_trait]
pub trait UserStore {
    /// `StoreError::Conflict` when the email is taken.
    async fn insert_user(&self, user: &NewUser) -> StoreResult<()>;
    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserWithHash>>;
    async fn insert_session(
        &self,
        digest: &str,
        user_id: &str,
        created_at: &str,
        expires_at: &str,
    ) -> StoreResult<()>;
    /// The user of the unexpired session with this digest.
    async fn session_user(&self, digest: &str, now: &str) -> StoreResult<Option<SessionUser>>;
    async fn delete_session(&self, digest: &str) -> StoreResult<()>;
}
