//! `UserStore` on PostgreSQL. Emails compare without case through `lower(email)`, the
//! expression the unique index is on (SQLite's column is `collate nocase`).

use async_trait::async_trait;

use super::store::{NewUser, SessionUser, UserStore, UserWithHash};
use crate::store::postgres::{is_unique_violation, PgStore};
use crate::store::{StoreError, StoreResult};

#[async_trait]
impl UserStore for PgStore {
    async fn insert_user(&self, user: &NewUser) -> StoreResult<()> {
        let inserted = sqlx::query!(
            "insert into console_user (id, organization_id, email, password_hash, created_at)
             values ($1, $2, $3, $4, $5)",
            user.id,
            user.organization_id,
            user.email,
            user.password_hash,
            user.created_at
        )
        .execute(&self.pool)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict(format!(
                "email {} is taken",
                user.email
            ))),
            other => other.map(|_| ()).map_err(Into::into),
        }
    }

    async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserWithHash>> {
        let user = sqlx::query_as!(
            UserWithHash,
            "select u.id, u.email, u.organization_id, o.name as organization_name,
                    u.password_hash
             from console_user u join organization o on o.id = u.organization_id
             where lower(u.email) = lower($1)",
            email
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(user)
    }

    async fn insert_session(
        &self,
        digest: &str,
        user_id: &str,
        created_at: &str,
        expires_at: &str,
    ) -> StoreResult<()> {
        sqlx::query!(
            "insert into console_session (digest, user_id, created_at, expires_at)
             values ($1, $2, $3, $4)",
            digest,
            user_id,
            created_at,
            expires_at
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_user(&self, digest: &str, now: &str) -> StoreResult<Option<SessionUser>> {
        let user = sqlx::query_as!(
            SessionUser,
            "select u.id as user_id, u.email, u.organization_id, o.name as organization_name
             from console_session s
             join console_user u on u.id = s.user_id
             join organization o on o.id = u.organization_id
             where s.digest = $1 and s.expires_at > $2",
            digest,
            now
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(user)
    }

    async fn delete_session(&self, digest: &str) -> StoreResult<()> {
        sqlx::query!("delete from console_session where digest = $1", digest)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
