//! The chatbot server functions: each checks the session, then calls the backend API with the
//! organization's `okchat::Client`. They never touch a database.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use serde::{Deserialize, Serialize};

use super::schema::Values;
use crate::error::AppError;

/// A chatbot as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatbotSummary {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub is_public: bool,
    pub active: bool,
    pub primary_color: String,
    pub secondary_color: String,
    pub updated_at: String,
}

/// A chatbot as its pages show it: the form's values, the version they are, and the rest the
/// tabs need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatbotPage {
    pub id: String,
    pub name: String,
    pub is_public: bool,
    pub active: bool,
    pub values: Values,
    /// The settings version `values` are; saves send it as `If-Match`.
    pub version_id: Option<String>,
    pub avatar: Option<String>,
    /// The URL of the embeddable widget's loader script.
    pub script_url: String,
}

/// The outcome of a save: the chatbot's version now, and the stored values the server
/// learned of on the way (all of them when the chatbot itself was saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub version_id: Option<String>,
    pub fresh: Values,
}

/// One settings version, as the history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRow {
    pub id: String,
    pub created_at: String,
    /// The labels of the fields it changed; empty for the version the chatbot was created as.
    pub changed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub rows: Vec<VersionRow>,
    pub page: u32,
    pub has_more: bool,
}

/// Versions the history shows at a time.
pub const HISTORY_PAGE: u32 = 10;

#[cfg(feature = "ssr")]
mod backend {
    use std::collections::BTreeMap;

    use super::*;
    use crate::chatbots::schema::{self, Saves, FIELDS};
    use okchat::{Chatbot, Client, ClientError};

    pub fn page_of(chatbot: Chatbot) -> ChatbotPage {
        ChatbotPage {
            values: schema::values_of(&chatbot),
            avatar: chatbot.settings.avatar.clone(),
            script_url: format!("{}/widget.js", crate::backend::console_origin()),
            version_id: chatbot.version_id,
            is_public: chatbot.is_public,
            active: chatbot.active,
            name: chatbot.name,
            id: chatbot.id,
        }
    }

    /// Field errors from the API's answer to `saves`, moved onto the form's keys.
    pub fn api_error(saves: Saves) -> impl Fn(ClientError) -> AppError {
        move |error| match AppError::from(error) {
            AppError::Validation { message, fields } => {
                let mut keyed = BTreeMap::new();
                schema::add_api_errors(&mut keyed, saves, fields);
                AppError::Validation {
                    message,
                    fields: keyed,
                }
            }
            other => other,
        }
    }

    fn invalid(fields: BTreeMap<String, String>) -> AppError {
        AppError::Validation {
            message: "Some fields are invalid.".into(),
            fields,
        }
    }

    /// Refuses values okchat's rules refuse, before anything is sent.
    pub fn check(values: &Values, create: bool) -> Result<(), AppError> {
        let errors = schema::errors(values, create);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(invalid(errors))
        }
    }

    /// Sends one part of a save; returns the version after it and the values it stored.
    async fn send(
        client: &Client,
        id: &str,
        saves: Saves,
        patch: &serde_json::Value,
        changes: &Values,
        if_match: Option<&str>,
    ) -> Result<(Option<String>, Values), ClientError> {
        let sent = || {
            FIELDS
                .iter()
                .filter(|f| f.saves == saves)
                .filter_map(|f| Some((f.key.to_owned(), changes.get(f.key)?.clone())))
                .collect()
        };
        Ok(match saves {
            Saves::Chatbot => {
                let answer = client.update_chatbot_if(id, patch, if_match).await?;
                let chatbot = answer.body.chatbot;
                (
                    answer.version_id.or(chatbot.version_id.clone()),
                    schema::values_of(&chatbot),
                )
            }
            Saves::ChatWidget => {
                let answer = client.chat_widget_if(id, patch, if_match).await?;
                (answer.version_id, sent())
            }
            Saves::VoiceAgent => {
                let answer = client.voice_agent_if(id, patch, if_match).await?;
                (answer.version_id, sent())
            }
        })
    }

    /// Saves `changes` (form key → new value) made against `base` (the values the page
    /// loaded, at `version_id`). Each part is sent with `If-Match`; when someone else saved in
    /// between and changed none of these fields, their save is kept and this one applied on
    /// top; when they changed one of them too, the person decides (`ChangedElsewhere`), and
    /// `force` then saves without the condition.
    pub async fn save(
        client: &Client,
        id: &str,
        mut version_id: Option<String>,
        changes: Values,
        base: &Values,
        force: bool,
    ) -> Result<Saved, AppError> {
        let patches = schema::patches(&changes).map_err(invalid)?;
        if force {
            version_id = None;
        }
        let mut fresh = Values::new();
        let mut saved: Vec<Saves> = Vec::new();
        for (saves, patch) in &patches {
            let mut answer = send(client, id, *saves, patch, &changes, version_id.as_deref()).await;
            if saved.is_empty() && matches!(&answer, Err(e) if e.status() == Some(412)) {
                let current = client.get_chatbot_details(id).await?.chatbot;
                let stored = schema::values_of(&current);
                let clashes: Vec<String> = FIELDS
                    .iter()
                    .filter(|f| changes.contains_key(f.key) && stored.get(f.key) != base.get(f.key))
                    .map(|f| f.label.to_owned())
                    .collect();
                if !clashes.is_empty() {
                    return Err(AppError::ChangedElsewhere { fields: clashes });
                }
                tracing::debug!(
                    chatbot = id,
                    "saved elsewhere meanwhile, no field in common: merging"
                );
                fresh = stored;
                version_id = current.version_id;
                answer = send(client, id, *saves, patch, &changes, version_id.as_deref()).await;
            }
            match answer {
                Ok((version, values)) => {
                    // A backend that reports no versions gets unconditional patches from here.
                    version_id = version;
                    fresh.extend(values);
                    saved.push(*saves);
                }
                Err(error) if saved.is_empty() => return Err(api_error(*saves)(error)),
                Err(error) => {
                    return Err(AppError::PartlySaved {
                        saved: saved.iter().map(|s| s.title().to_owned()).collect(),
                        failed: saves.title().to_owned(),
                        reason: api_error(*saves)(error).to_string(),
                        saved_keys: fresh.into_keys().collect(),
                        version_id,
                    })
                }
            }
        }
        Ok(Saved { version_id, fresh })
    }

    pub async fn history(client: &Client, id: &str, page: u32) -> Result<HistoryPage, AppError> {
        let versions = client
            .list_versions(id, Some(page), Some(HISTORY_PAGE))
            .await?;
        Ok(HistoryPage {
            rows: versions
                .data
                .into_iter()
                .map(|v| VersionRow {
                    changed: schema::labels_of(&v.changed),
                    id: v.id,
                    created_at: v.created_at,
                })
                .collect(),
            page,
            has_more: u64::from(page) < versions.metadata.total_pages,
        })
    }
}

/// Signed-in users only: their organization's chatbots, newest first.
#[server]
pub async fn list_chatbots() -> Result<Vec<ChatbotSummary>, AppError> {
    let (_, client) = crate::backend::client().await?;
    let response = client.get_chatbots().await?;
    Ok(response
        .chatbots
        .into_iter()
        .map(|c| ChatbotSummary {
            id: c.id,
            name: c.name,
            slug: c.slug,
            is_public: c.is_public,
            active: c.active,
            primary_color: c.settings.snippet.primary_color,
            secondary_color: c.settings.snippet.secondary_color,
            updated_at: c.updated_at,
        })
        .collect())
}

/// Signed-in users only: one chatbot of their organization, as its pages show it.
#[server]
pub async fn get_chatbot(id: String) -> Result<ChatbotPage, AppError> {
    let (_, client) = crate::backend::client().await?;
    Ok(backend::page_of(
        client.get_chatbot_details(&id).await?.chatbot,
    ))
}

/// Signed-in users only: creates a chatbot in their organization, then sets its widget
/// language and voice agent when the form gives them, and opens it.
#[server]
pub async fn create_chatbot(input: Values) -> Result<String, AppError> {
    use crate::chatbots::schema::{bodies, Saves};
    backend::check(&input, true)?;
    let (_, client) = crate::backend::client().await?;
    let (bodies, _) = bodies(&input, |_| true);
    let created = client.create_chatbot(&bodies.chatbot).await?.chatbot;
    if bodies.chat_widget.language.as_deref() != Some(okchat::defaults::LANGUAGE) {
        client
            .chat_widget(&created.id, &bodies.chat_widget)
            .await
            .map_err(backend::api_error(Saves::ChatWidget))?;
    }
    if bodies.voice != okchat::VoiceWidgetConfig::default() {
        client
            .voice_agent(&created.id, &bodies.voice)
            .await
            .map_err(backend::api_error(Saves::VoiceAgent))?;
    }
    leptos_axum::redirect(&format!("/chatbots/{}", created.id));
    Ok(created.id)
}

/// Signed-in users only: saves what changed in the settings form.
///
/// Once the page has hydrated, `input` holds only the changed fields and `base` what the page
/// loaded for them. A form posted before hydration sends every field and no `base`: the
/// version it loaded is read back as the base, and only what differs from it is sent.
#[server]
pub async fn update_chatbot(
    id: String,
    version_id: Option<String>,
    input: Values,
    base: Option<Values>,
    force: Option<bool>,
) -> Result<Saved, AppError> {
    use crate::chatbots::schema::{values_of, FIELDS};
    let (_, client) = crate::backend::client().await?;
    let version_id = version_id.filter(|v| !v.is_empty());
    let (changes, base) = match base {
        Some(base) => (input, base),
        None => {
            // What the page loaded: the version it names, else (a backend without versions)
            // the chatbot as stored now.
            let loaded = match &version_id {
                Some(version) => client
                    .get_version(&id, version)
                    .await
                    .map(|v| v.version.chatbot)
                    .ok(),
                None => None,
            };
            let loaded = match loaded {
                Some(chatbot) => chatbot,
                None => client.get_chatbot_details(&id).await?.chatbot,
            };
            let loaded = values_of(&loaded);
            // An unticked checkbox is not posted at all; the slug never changes.
            let changes = FIELDS
                .iter()
                .filter(|f| f.key != "slug")
                .map(|f| (f.key, input.get(f.key).cloned().unwrap_or_default()))
                .filter(|(key, value)| loaded.get(*key) != Some(value))
                .map(|(key, value)| (key.to_owned(), value))
                .collect();
            (changes, loaded)
        }
    };
    backend::save(
        &client,
        &id,
        version_id,
        changes,
        &base,
        force.unwrap_or(false),
    )
    .await
}

/// Signed-in users only: deletes the chatbot and everything it owns, then shows the list.
#[server]
pub async fn delete_chatbot(id: String) -> Result<(), AppError> {
    let (_, client) = crate::backend::client().await?;
    client.delete_chatbot(&id).await?;
    leptos_axum::redirect("/chatbots");
    Ok(())
}

/// Signed-in users only: uploads an avatar image (multipart fields `id` and `avatar`) through
/// Chatbot Avatar, which checks it; returns the stored image's URL. The size limit is checked
/// here too, while the upload streams in, so an oversized file is not read whole.
#[server(input = MultipartFormData)]
pub async fn upload_avatar(data: MultipartData) -> Result<String, AppError> {
    use okchat::validate::{AVATAR_MAX_BYTES, AVATAR_TOO_LARGE};
    use std::collections::BTreeMap;
    let (_, client) = crate::backend::client().await?;
    let bad = |message: &str| AppError::Validation {
        message: message.to_owned(),
        fields: BTreeMap::from([("settings.avatar".to_owned(), message.to_owned())]),
    };
    let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
    let (mut id, mut file) = (None, None);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("The upload was interrupted."))?
    {
        match field.name() {
            Some("id") => id = Some(field.text().await.map_err(|_| bad("Bad chatbot id."))?),
            Some("avatar") => {
                let name = field.file_name().unwrap_or("avatar").to_owned();
                let content_type = field.content_type().map(|m| m.to_string());
                let mut bytes = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|_| bad("The upload was interrupted."))?
                {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > AVATAR_MAX_BYTES {
                        return Err(bad(AVATAR_TOO_LARGE));
                    }
                }
                file = Some(okchat::UploadFile {
                    file_name: name,
                    content_type,
                    bytes,
                });
            }
            _ => {}
        }
    }
    let id = id.ok_or_else(|| bad("Bad chatbot id."))?;
    let file = file
        .filter(|f| !f.bytes.is_empty())
        .ok_or_else(|| bad("Choose an image first."))?;
    let chatbot = client
        .chatbot_avatar(&id, file)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Validation { message, .. } => bad(&message),
            other => other,
        })?
        .chatbot;
    chatbot.settings.avatar.ok_or(AppError::Internal)
}

/// Signed-in users only: removes the chatbot's avatar.
#[server]
pub async fn remove_avatar(id: String) -> Result<(), AppError> {
    let (_, client) = crate::backend::client().await?;
    let patch = okchat::UpdateChatbot {
        settings: Some(okchat::SettingsInput {
            avatar: Some(None),
            ..Default::default()
        }),
        ..Default::default()
    };
    client.update_chatbot(&id, &patch).await?;
    Ok(())
}

/// Signed-in users only: a page of the chatbot's settings versions, newest first.
#[server]
pub async fn list_history(id: String, page: u32) -> Result<HistoryPage, AppError> {
    let (_, client) = crate::backend::client().await?;
    backend::history(&client, &id, page.max(1)).await
}

/// Signed-in users only: the form's values as the chatbot was at one version.
#[server]
pub async fn version_values(id: String, version_id: String) -> Result<Values, AppError> {
    let (_, client) = crate::backend::client().await?;
    let version = client.get_version(&id, &version_id).await?.version;
    Ok(crate::chatbots::schema::values_of(&version.chatbot))
}

/// Signed-in users only: puts one version's settings back, as a new version.
#[server]
pub async fn restore_version(id: String, version_id: String) -> Result<Saved, AppError> {
    let (_, client) = crate::backend::client().await?;
    let chatbot = client.restore_version(&id, &version_id).await?.chatbot;
    Ok(Saved {
        fresh: crate::chatbots::schema::values_of(&chatbot),
        version_id: chatbot.version_id,
    })
}
