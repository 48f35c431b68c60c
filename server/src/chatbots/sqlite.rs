//! `ChatbotStore` on SQLite. Nested objects live in JSON text columns.

use async_trait::async_trait;
use serde::de::DeserializeOwned;

use super::store::{ChatbotRecord, ChatbotStore, NewVersion, VersionListing, VersionRecord};
use crate::store::sqlite::{is_unique_violation, SqliteStore};
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
    tx: &mut sqlx::SqliteConnection,
    chatbot_id: &str,
    version: &NewVersion,
) -> StoreResult<()> {
    let snapshot = version.snapshot.to_string();
    let changed = to_json(&version.changed);
    sqlx::query!(
        "insert into chatbot_version (id, chatbot_id, snapshot, changed, created_at)
             values (?, ?, ?, ?, ?)",
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
            r#"select id as "id!", organization_id, name, slug, description,
                      is_public as "is_public: bool", active as "active: bool",
                      personality_config, settings, voice_widget_config, language,
                      allowed_origins, show_sources as "show_sources: bool", openai_api_key,
                      version_id, revision, created_at,
                      updated_at
               from chatbot where "# + $where,
            $($arg),*
        )
    };
}

#[async_trait]
impl ChatbotStore for SqliteStore {
    async fn list_chatbots(&self, organization_id: &str) -> StoreResult<Vec<ChatbotRecord>> {
        let rows = select_chatbot!(
            "organization_id = ? order by created_at desc, id",
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
        Ok(self
            .find_chatbot(id)
            .await?
            .filter(|chatbot| chatbot.organization_id == organization_id))
    }

    async fn find_chatbot(&self, id: &str) -> StoreResult<Option<ChatbotRecord>> {
        let stamp = self.chatbots.stamp();
        if let Some(cached) = self.chatbots.get(stamp, id) {
            return Ok(Some(cached));
        }
        let row = select_chatbot!("id = ?", id)
            .fetch_optional(&self.pool)
            .await?;
        let chatbot = row.map(ChatbotRecord::try_from).transpose()?;
        if let Some(chatbot) = &chatbot {
            self.chatbots.put(stamp, chatbot);
        }
        Ok(chatbot)
    }

    async fn insert_chatbot(&self, c: &ChatbotRecord, version: &NewVersion) -> StoreResult<()> {
        let personality = to_json(&c.personality_config);
        let settings = to_json(&c.settings);
        let voice = c.voice_widget_config.as_ref().map(to_json);
        let origins = to_json(&c.allowed_origins);
        let _writing = self.chatbots.writing();
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query!(
            "insert into chatbot (id, organization_id, name, slug, description, is_public, active,
                personality_config, settings, voice_widget_config, language, allowed_origins,
                show_sources, openai_api_key, version_id, revision, created_at, updated_at)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        let _writing = self.chatbots.writing();
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query!(
            "update chatbot set name = ?, description = ?, is_public = ?, active = ?,
                personality_config = ?, settings = ?, voice_widget_config = ?, language = ?,
                allowed_origins = ?, show_sources = ?, openai_api_key = ?, version_id = ?,
                revision = revision + 1, updated_at = ?
             where id = ? and organization_id = ? and revision = ?",
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
        // Owned rows (versions now; documents, sessions, messages later) go by `on delete cascade`.
        let _writing = self.chatbots.writing();
        let deleted = sqlx::query!(
            "delete from chatbot where organization_id = ? and id = ?",
            organization_id,
            id
        )
        .execute(&self.pool)
        .await?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn count_versions(&self, chatbot_id: &str) -> StoreResult<i64> {
        let n = sqlx::query_scalar!(
            r#"select count(*) as "n!: i64" from chatbot_version where chatbot_id = ?"#,
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
            r#"select count(*) as "n!: i64"
               from chatbot_version v join chatbot c on c.id = v.chatbot_id
               where c.organization_id = ? and v.chatbot_id = ?"#,
            organization_id,
            chatbot_id
        )
        .fetch_one(&self.pool)
        .await?;
        // Two versions can share a microsecond; the insertion order (rowid) breaks the tie.
        let rows = sqlx::query!(
            r#"select v.id as "id!", v.changed, v.created_at
               from chatbot_version v join chatbot c on c.id = v.chatbot_id
               where c.organization_id = ? and v.chatbot_id = ?
               order by v.created_at desc, v.rowid desc
               limit ? offset ?"#,
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
            r#"select v.id as "id!", v.chatbot_id, v.snapshot, v.changed, v.created_at
               from chatbot_version v join chatbot c on c.id = v.chatbot_id
               where c.organization_id = ? and v.chatbot_id = ? and v.id = ?"#,
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
