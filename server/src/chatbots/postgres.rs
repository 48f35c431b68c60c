//! `ChatbotStore` on PostgreSQL. Nested objects live in `jsonb` columns; they travel as JSON
//! text both ways, so they are (de)serialized exactly as on SQLite and a stored value that no
//! longer parses is reported as corrupt, not as a driver error.

use async_trait::async_trait;
use serde::de::DeserializeOwned;

use super::store::{ChatbotRecord, ChatbotStore, NewVersion, VersionListing, VersionRecord};
use crate::store::postgres::{is_unique_violation, PgStore};
use crate::store::{StoreError, StoreResult};

struct Row {
    id: String,
    organization_id: String,
    name: String,
    slug: String,
    description: String,
    is_public: bool,
    active: bool,
    personality_config: String,
    settings: String,
    voice_widget_config: Option<String>,
    language: String,
    allowed_origins: String,
    show_sources: bool,
    openai_api_key: Option<String>,
    version_id: Option<String>,
    revision: i64,
    created_at: String,
    updated_at: String,
}

fn parse_json<T: DeserializeOwned>(column: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("chatbot.{column}: {e}")))
}

fn parse_changed(text: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("chatbot_version.changed: {e}")))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("API types always serialize")
}

/// Records `version` of the chatbot `chatbot_id` in the caller's transaction.
async fn insert_version(
    tx: &mut sqlx::PgConnection,
    chatbot_id: &str,
    version: &NewVersion,
) -> StoreResult<()> {
    let snapshot = version.snapshot.to_string();
    let changed = to_json(&version.changed);
    sqlx::query!(
        "insert into chatbot_version (id, chatbot_id, snapshot, changed, created_at)
             values ($1, $2, $3::text::jsonb, $4::text::jsonb, $5)",
        version.id,
        chatbot_id,
        snapshot,
        changed,
        version.created_at
    )
    .execute(tx)
    .await?;
    Ok(())
}

impl TryFrom<Row> for ChatbotRecord {
    type Error = StoreError;

    fn try_from(row: Row) -> StoreResult<Self> {
        Ok(ChatbotRecord {
            personality_config: parse_json("personality_config", &row.personality_config)?,
            settings: parse_json("settings", &row.settings)?,
            voice_widget_config: row
                .voice_widget_config
                .as_deref()
                .map(|text| parse_json("voice_widget_config", text))
                .transpose()?,
            id: row.id,
            organization_id: row.organization_id,
            name: row.name,
            slug: row.slug,
            description: row.description,
            is_public: row.is_public,
            active: row.active,
            allowed_origins: parse_json("allowed_origins", &row.allowed_origins)?,
            show_sources: row.show_sources,
            language: row.language,
            openai_api_key: row.openai_api_key,
            version_id: row.version_id,
            revision: row.revision,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The chatbot query with its `where` (and order) clause.
macro_rules! select_chatbot {
    ($where:literal, $($arg:expr),*) => {
        sqlx::query_as!(
            Row,
            r#"select id, organization_id, name, slug, description, is_public, active,
                      personality_config::text as "personality_config!",
                      settings::text as "settings!",
                      voice_widget_config::text as "voice_widget_config?",
                      language, allowed_origins::text as "allowed_origins!", show_sources,
                      openai_api_key, version_id, revision, created_at, updated_at
               from chatbot where "# + $where,
            $($arg),*
        )
    };
}

#[async_trait]
impl ChatbotStore for PgStore {
    async fn list_chatbots(&self, organization_id: &str) -> StoreResult<Vec<ChatbotRecord>> {
        let rows = select_chatbot!(
            "organization_id = $1 order by created_at desc, id",
            organization_id
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(ChatbotRecord::try_from).collect()
    }

    async fn get_chatbot(
        &self,
        organization_id: &str,
        id: &str,
    ) -> StoreResult<Option<ChatbotRecord>> {
        let row = select_chatbot!("organization_id = $1 and id = $2", organization_id, id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(ChatbotRecord::try_from).transpose()
    }

    async fn find_chatbot(&self, id: &str) -> StoreResult<Option<ChatbotRecord>> {
        let row = select_chatbot!("id = $1", id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(ChatbotRecord::try_from).transpose()
    }

    async fn insert_chatbot(&self, c: &ChatbotRecord, version: &NewVersion) -> StoreResult<()> {
        let personality = to_json(&c.personality_config);
        let settings = to_json(&c.settings);
        let voice = c.voice_widget_config.as_ref().map(to_json);
        let origins = to_json(&c.allowed_origins);
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query!(
            "insert into chatbot (id, organization_id, name, slug, description, is_public, active,
                personality_config, settings, voice_widget_config, language, allowed_origins,
                show_sources, openai_api_key, version_id, revision, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9::text::jsonb,
                $10::text::jsonb, $11, $12::text::jsonb, $13, $14, $15, $16, $17, $18)",
            c.id,
            c.organization_id,
            c.name,
            c.slug,
            c.description,
            c.is_public,
            c.active,
            personality,
            settings,
            voice,
            c.language,
            origins,
            c.show_sources,
            c.openai_api_key,
            c.version_id,
            c.revision,
            c.created_at,
            c.updated_at
        )
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict(format!("slug {} is taken", c.slug)))
            }
            other => other?,
        };
        insert_version(&mut tx, &c.id, version).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_chatbot(&self, c: &ChatbotRecord, version: &NewVersion) -> StoreResult<bool> {
        let personality = to_json(&c.personality_config);
        let settings = to_json(&c.settings);
        let voice = c.voice_widget_config.as_ref().map(to_json);
        let origins = to_json(&c.allowed_origins);
        let mut tx = self.pool.begin().await?;
        // The revision test is the whole guard: a concurrent update of the row waits for this
        // one's lock, then re-checks `revision` against the committed row and matches nothing.
        // The lock is held until the version below is recorded, so versions follow revisions.
        let updated = sqlx::query!(
            "update chatbot set name = $1, description = $2, is_public = $3, active = $4,
                personality_config = $5::text::jsonb, settings = $6::text::jsonb,
                voice_widget_config = $7::text::jsonb, language = $8,
                allowed_origins = $9::text::jsonb, show_sources = $10, openai_api_key = $11,
                version_id = $12, revision = revision + 1, updated_at = $13
             where id = $14 and organization_id = $15 and revision = $16",
            c.name,
            c.description,
            c.is_public,
            c.active,
            personality,
            settings,
            voice,
            c.language,
            origins,
            c.show_sources,
            c.openai_api_key,
            version.id,
            c.updated_at,
            c.id,
            c.organization_id,
            c.revision
        )
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        insert_version(&mut tx, &c.id, version).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn delete_chatbot(&self, organization_id: &str, id: &str) -> StoreResult<bool> {
        // Owned rows (versions, documents, sessions, messages) go by `on delete cascade`.
        let deleted = sqlx::query!(
            "delete from chatbot where organization_id = $1 and id = $2",
            organization_id,
            id
        )
        .execute(&self.pool)
        .await?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn count_versions(&self, chatbot_id: &str) -> StoreResult<i64> {
        let n = sqlx::query_scalar!(
            r#"select count(*) as "n!" from chatbot_version where chatbot_id = $1"#,
            chatbot_id
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n)
    }

    async fn list_versions(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<VersionListing>, u64)> {
        let total = sqlx::query_scalar!(
            r#"select count(*) as "n!"
               from chatbot_version v join chatbot c on c.id = v.chatbot_id
               where c.organization_id = $1 and v.chatbot_id = $2"#,
            organization_id,
            chatbot_id
        )
        .fetch_one(&self.pool)
        .await?;
        // Two versions can share a microsecond; `seq` (insertion order) breaks the tie.
        let rows = sqlx::query!(
            r#"select v.id, v.changed::text as "changed!", v.created_at
               from chatbot_version v join chatbot c on c.id = v.chatbot_id
               where c.organization_id = $1 and v.chatbot_id = $2
               order by v.created_at desc, v.seq desc
               limit $3 offset $4"#,
            organization_id,
            chatbot_id,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        let versions = rows
            .into_iter()
            .map(|row| {
                Ok(VersionListing {
                    changed: parse_changed(&row.changed)?,
                    id: row.id,
                    created_at: row.created_at,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((versions, u64::try_from(total).unwrap_or_default()))
    }

    async fn get_version(
        &self,
        organization_id: &str,
        chatbot_id: &str,
        version_id: &str,
    ) -> StoreResult<Option<VersionRecord>> {
        let row = sqlx::query!(
            r#"select v.id, v.chatbot_id, v.snapshot::text as "snapshot!",
                      v.changed::text as "changed!", v.created_at
               from chatbot_version v join chatbot c on c.id = v.chatbot_id
               where c.organization_id = $1 and v.chatbot_id = $2 and v.id = $3"#,
            organization_id,
            chatbot_id,
            version_id
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(VersionRecord {
                snapshot: serde_json::from_str(&row.snapshot)
                    .map_err(|e| StoreError::Corrupt(format!("chatbot_version.snapshot: {e}")))?,
                changed: parse_changed(&row.changed)?,
                id: row.id,
                chatbot_id: row.chatbot_id,
                created_at: row.created_at,
            })
        })
        .transpose()
    }
}
