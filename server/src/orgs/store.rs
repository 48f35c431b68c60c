//! What the organizations feature needs from a database engine.

use async_trait::async_trait;

use crate::store::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

pub struct NewApiKey {
    pub id: String,
    pub organization_id: String,
    pub prefix: String,
    pub digest: String,
    pub created_at: String,
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
    /// The organization id of the active key with this digest.
    async fn organization_for_key(&self, digest: &str) -> StoreResult<Option<String>>;
    /// Keys, oldest first, optionally of one organization (by name).
    async fn list_api_keys(&self, organization_name: Option<&str>) -> StoreResult<Vec<ApiKeyInfo>>;
    async fn revoke_api_key(&self, id: &str, revoked_at: &str) -> StoreResult<()>;
}
