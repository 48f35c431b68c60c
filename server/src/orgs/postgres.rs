//! `OrgStore` on PostgreSQL.

use async_trait::async_trait;

use super::store::{ApiKeyInfo, NewApiKey, OrgStore, Organization};
use crate::store::postgres::PgStore;
use crate::store::StoreResult;
use crate::time;

#[async_trait]
impl OrgStore for PgStore {
    async fn find_or_create_organization(&self, name: &str) -> StoreResult<Organization> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = time::now();
        // Insert-or-ignore then read, as separate statements: `do nothing` waits for a racing
        // insert of the same name to commit, and the read that follows (a new snapshot) sees
        // the row that won, so instances racing on a new name agree on one row.
        sqlx::query!(
            "insert into organization (id, name, created_at) values ($1, $2, $3)
             on conflict (name) do nothing",
            id,
            name,
            now
        )
        .execute(&self.pool)
        .await?;
        let org = sqlx::query_as!(
            Organization,
            "select id, name, created_at from organization where name = $1",
            name
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(org)
    }

    async fn insert_api_key(&self, key: &NewApiKey) -> StoreResult<()> {
        let purpose = key.purpose.as_str();
        sqlx::query!(
            "insert into api_key (id, organization_id, prefix, digest, created_at, purpose, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7)",
            key.id,
            key.organization_id,
            key.prefix,
            key.digest,
            key.created_at,
            purpose,
            key.expires_at
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn organization_for_key(&self, digest: &str, now: &str) -> StoreResult<Option<String>> {
        let org = sqlx::query_scalar!(
            "select organization_id from api_key
             where digest = $1 and revoked_at is null and (expires_at is null or expires_at > $2)",
            digest,
            now
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(org)
    }

    async fn list_api_keys(&self, organization_name: Option<&str>) -> StoreResult<Vec<ApiKeyInfo>> {
        let keys = sqlx::query_as!(
            ApiKeyInfo,
            "select k.id, k.organization_id, o.name as organization_name, k.prefix,
                    k.created_at, k.revoked_at
             from api_key k join organization o on o.id = k.organization_id
             where k.purpose = 'api' and ($1::text is null or o.name = $1)
             order by k.created_at, k.id",
            organization_name
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(keys)
    }

    async fn renew_console_key(
        &self,
        digest: &str,
        now: &str,
        expires_at: &str,
    ) -> StoreResult<bool> {
        let renewed = sqlx::query!(
            "update api_key set expires_at = $1
             where digest = $2 and purpose = 'console' and revoked_at is null and expires_at > $3",
            expires_at,
            digest,
            now
        )
        .execute(&self.pool)
        .await?;
        Ok(renewed.rows_affected() > 0)
    }

    async fn delete_expired_console_keys(&self, now: &str) -> StoreResult<u64> {
        let deleted = sqlx::query!(
            "delete from api_key
             where purpose = 'console' and (expires_at is null or expires_at <= $1)",
            now
        )
        .execute(&self.pool)
        .await?;
        Ok(deleted.rows_affected())
    }

    async fn revoke_api_key(&self, id: &str, revoked_at: &str) -> StoreResult<()> {
        sqlx::query!(
            "update api_key set revoked_at = $1 where id = $2 and revoked_at is null",
            revoked_at,
            id
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
