//! What the organizations feature needs from a database engine.

use async_trait::async_trait;

use crate::store::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

/// What a key is for: `api` keys are issued to people; `console` keys are minted by a running
/// console for itself, held only in its memory, and never listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    Api,
    Console,
}

impl KeyPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyPurpose::Api => "api",
            KeyPurpose::Console => "console",
        }
    }
}

pub struct NewApiKey {
    pub id: String,
    pub purpose: KeyPurpose,
    pub organization_id: String,
    pub prefix: String,
    pub digest: String,
    pub created_at: String,
    /// Console keys only: after this the key is refused unless renewed before.
    pub expires_at: Option<String>,
}

/// A key as lists show it: never the secret, never the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyInfo {
    pub id: String,
    pub organization_id: String,
    pub organization_name: String,
    pub prefix: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

#[async_trait]
pub trait OrgStore {
    async fn find_or_create_organization(&self, name: &str) -> StoreResult<Organization>;
    async fn insert_api_key(&self, key: &NewApiKey) -> StoreResult<()>;
    /// The organization id of the key with this digest, unless it is revoked or expired at
    /// `now`.
    async fn organization_for_key(&self, digest: &str, now: &str) -> StoreResult<Option<String>>;
    /// `api` keys, oldest first, optionally of one organization (by name).
    async fn list_api_keys(&self, organization_name: Option<&str>) -> StoreResult<Vec<ApiKeyInfo>>;
    async fn revoke_api_key(&self, id: &str, revoked_at: &str) -> StoreResult<()>;
    /// Moves the expiry of the console key with this digest to `expires_at`, if it has not
    /// expired at `now`. False when the key is gone or already expired.
    async fn renew_console_key(
        &self,
        digest: &str,
        now: &str,
        expires_at: &str,
    ) -> StoreResult<bool>;
    /// Removes the console keys expired at `now`: those of servers that stopped renewing them,
    /// whose secrets are gone with them.
    async fn delete_expired_console_keys(&self, now: &str) -> StoreResult<u64>;
}
