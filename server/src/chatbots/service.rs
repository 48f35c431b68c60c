//! The chatbot rules between the routes and the store: defaults on create, JSON Merge Patch on
//! update, validation of the merged result, settings versions (what each changed, restoring
//! one), conditional saves, and optimistic retries so two concurrent edits both land instead of
//! one overwriting the other.

use std::collections::BTreeSet;

use okchat::validate::Validate;
use okchat::{
    defaults, ChatWidgetConfig, ChatWidgetUpdate, Chatbot, ChatbotName, CreateChatbot, PageMeta,
    PersonalityConfig, Settings, Slug, Snippet, UpdateChatbot, VersionDetail, VersionSummary,
    VoiceWidgetConfig,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use super::store::{ChatbotRecord, NewVersion};
use crate::error::{ApiError, ApiResult};
use crate::http::conditional::IfMatch;
use crate::http::paging::Paging;
use crate::store::{DynStore, StoreError};
use crate::time;

/// Attempts at an update before giving up under extreme contention.
const UPDATE_ATTEMPTS: usize = 16;
/// Numeric suffixes tried for a generated slug before giving up.
const SLUG_ATTEMPTS: u32 = 100;

/// Merges `patch` into `target` as RFC 7396 JSON Merge Patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let target = target.as_object_mut().expect("made an object above");
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// Deserializes `value`, reporting a wrong type as a field error at its JSON path.
pub fn typed<T: DeserializeOwned>(value: Value) -> ApiResult<T> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { "body".to_owned() } else { path };
        ApiError::field(&path, &error.into_inner().to_string())
    })
}

/// Nested objects of the chatbot bodies. serde would also accept an array for a struct
/// (filling fields by position), which no client means; these paths must hold objects.
const CHATBOT_OBJECTS: &[&str] = &["personality_config", "settings", "settings.snippet"];
const VOICE_OBJECTS: &[&str] = &["model", "vad", "text", "avatar", "appearance"];

fn require_objects(body: &Value, paths: &[&str]) -> ApiResult<()> {
    for path in paths {
        let found = path.split('.').try_fold(body, |value, key| value.get(key));
        if let Some(value) = found {
            if !value.is_object() && !value.is_null() {
                return Err(ApiError::field(path, "must be an object"));
            }
        }
    }
    Ok(())
}

fn validated<T: Validate>(value: T) -> ApiResult<T> {
    value.validate().map_err(ApiError::validation)?;
    Ok(value)
}

/// `sk-…abcd`: enough to recognise a key, never enough to use it.
pub fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let head: String = key
        .split_once('-')
        .filter(|(head, _)| head.len() <= 8)
        .map(|(head, _)| format!("{head}-"))
        .unwrap_or_default();
    if chars.len() < 12 {
        return format!("{head}…");
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// The widget configuration as Chat Widget answers it: the snippet's branding and `language`.
pub fn chat_widget_config(record: &ChatbotRecord) -> ChatWidgetConfig {
    let s = &record.settings.snippet;
    ChatWidgetConfig {
        name: s.name.clone(),
        header: s.header.clone(),
        slogan: s.slogan.clone(),
        logo: s.logo.clone(),
        primary_color: s.primary_color.clone(),
        secondary_color: s.secondary_color.clone(),
        language: record.language.clone(),
        allowed_origins: record.allowed_origins.clone(),
        show_sources: record.show_sources,
    }
}

/// The chatbot as the API shows it: the provider key masked, okchat's legacy fields empty.
pub fn to_api(record: &ChatbotRecord) -> Chatbot {
    Chatbot {
        id: record.id.clone(),
        organization_id: record.organization_id.clone(),
        name: record.name.clone(),
        slug: record.slug.clone(),
        description: record.description.clone(),
        is_public: record.is_public,
        active: record.active,
        personality_config: record.personality_config.clone(),
        settings: record.settings.clone(),
        enabled_plugins: None,
        suggestions: None,
        voice_widget_config: record.voice_widget_config.clone(),
        chat_widget_config: Some(chat_widget_config(record)),
        version_id: record.version_id.clone(),
        v1_chatbot_id: None,
        docs_metadata: None,
        managers: None,
        migrated_data: false,
        openai_api_key: record.openai_api_key.as_deref().map(mask_key),
        created_at: record.created_at.clone(),
        updated_at: record.updated_at.clone(),
    }
}

/// The editable part of a stored chatbot, shaped like a Create body, for merging patches into.
fn editable(record: &ChatbotRecord) -> Value {
    json!({
        "name": record.name,
        "slug": record.slug,
        "description": record.description,
        "is_public": record.is_public,
        "active": record.active,
        "personality_config": record.personality_config,
        "settings": record.settings,
        "openai_api_key": record.openai_api_key,
    })
}

/// Fills `record`'s editable fields from a validated body; absent fields take the defaults.
fn apply(input: CreateChatbot, record: &mut ChatbotRecord) {
    record.name = ChatbotName::parse(input.name.as_deref().unwrap_or_default())
        .map(ChatbotName::into_inner)
        .unwrap_or_default();
    record.description = input.description.unwrap_or_default();
    record.is_public = input.is_public.unwrap_or(defaults::IS_PUBLIC);
    record.active = input.active.unwrap_or(defaults::ACTIVE);
    let personality = input.personality_config.unwrap_or_default();
    record.personality_config = PersonalityConfig {
        tone: Some(personality.tone.unwrap_or_else(|| defaults::TONE.into())),
        style: Some(personality.style.unwrap_or_else(|| defaults::STYLE.into())),
    };
    let settings = input.settings.unwrap_or_default();
    let snippet = settings.snippet.unwrap_or_default();
    record.settings = Settings {
        model: settings.model.unwrap_or_else(|| defaults::MODEL.into()),
        prompt: settings.prompt.unwrap_or_else(|| defaults::PROMPT.into()),
        greeting: settings
            .greeting
            .unwrap_or_else(|| defaults::GREETING.into()),
        is_tool_enabled: settings
            .is_tool_enabled
            .unwrap_or(defaults::IS_TOOL_ENABLED),
        is_request_user_info_enabled: settings
            .is_request_user_info_enabled
            .unwrap_or(defaults::IS_REQUEST_USER_INFO_ENABLED),
        avatar: settings.avatar.flatten(),
        snippet: Snippet {
            name: snippet.name.unwrap_or_else(|| record.name.clone()),
            header: snippet.header.unwrap_or_else(|| record.name.clone()),
            slogan: snippet.slogan.unwrap_or_else(|| defaults::SLOGAN.into()),
            logo: snippet.logo.unwrap_or_default(),
            primary_color: snippet
                .primary_color
                .unwrap_or_else(|| defaults::PRIMARY_COLOR.into()),
            secondary_color: snippet
                .secondary_color
                .unwrap_or_else(|| defaults::SECONDARY_COLOR.into()),
        },
        similarity_threshold: settings.similarity_threshold.flatten(),
        max_knowledge_results: settings.max_knowledge_results.flatten(),
    };
    record.openai_api_key = input.openai_api_key.flatten();
}

fn snapshot(record: &ChatbotRecord) -> Value {
    serde_json::to_value(to_api(record)).unwrap_or(Value::Null)
}

fn new_version(record: &mut ChatbotRecord, now: &str, changed: Vec<String>) -> NewVersion {
    let id = uuid::Uuid::new_v4().to_string();
    record.version_id = Some(id.clone());
    NewVersion {
        snapshot: snapshot(record),
        changed,
        id,
        created_at: now.to_owned(),
    }
}

/// Paths of a snapshot that are bookkeeping, not settings: they differ between any two
/// versions, or (the `chat_widget_config` branding) merely mirror `settings.snippet`.
const NOT_SETTINGS: &[&str] = &[
    "version_id",
    "updated_at",
    "created_at",
    "chat_widget_config.name",
    "chat_widget_config.header",
    "chat_widget_config.slogan",
    "chat_widget_config.logo",
    "chat_widget_config.primaryColor",
    "chat_widget_config.secondaryColor",
];

/// The dot-joined paths of the leaves that differ between two snapshots, sorted. An object
/// that appears, disappears or was `null` is compared leaf by leaf against nothing, so the
/// first voice setting shows as `voice_widget_config.model.temperature`, not as the whole
/// object; arrays are leaves.
pub fn changed_paths(before: &Value, after: &Value) -> Vec<String> {
    fn walk(path: &str, before: Option<&Value>, after: Option<&Value>, out: &mut BTreeSet<String>) {
        let object = |v: Option<&Value>| match v {
            Some(Value::Object(map)) => Some(map.clone()),
            None | Some(Value::Null) => Some(Map::new()),
            Some(_) => None,
        };
        let either_is_object =
            matches!(before, Some(Value::Object(_))) || matches!(after, Some(Value::Object(_)));
        if let (true, Some(b), Some(a)) = (either_is_object, object(before), object(after)) {
            let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for key in keys {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(&here, b.get(key), a.get(key), out);
            }
        } else if before.filter(|v| !v.is_null()) != after.filter(|v| !v.is_null()) {
            out.insert(path.to_owned());
        }
    }
    let mut out = BTreeSet::new();
    walk("", Some(before), Some(after), &mut out);
    out.into_iter()
        .filter(|path| !NOT_SETTINGS.contains(&path.as_str()))
        .collect()
}

/// What changed from `before` to `after`. Snapshots mask the provider key, so a new key with
/// the same last four characters is noticed on the records themselves.
fn changes(before: &ChatbotRecord, after: &ChatbotRecord) -> Vec<String> {
    let mut changed = changed_paths(&snapshot(before), &snapshot(after));
    if before.openai_api_key != after.openai_api_key
        && !changed.iter().any(|p| p == "openai_api_key")
    {
        changed.push("openai_api_key".into());
        changed.sort();
    }
    changed
}

pub async fn list(store: &DynStore, org: &str) -> ApiResult<Vec<Chatbot>> {
    Ok(store.list_chatbots(org).await?.iter().map(to_api).collect())
}

pub async fn get(store: &DynStore, org: &str, id: &str) -> ApiResult<ChatbotRecord> {
    store
        .get_chatbot(org, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Chatbot"))
}

/// Create Chatbot from its JSON body.
pub async fn create(store: &DynStore, org: &str, body: Value) -> ApiResult<Chatbot> {
    require_objects(&body, CHATBOT_OBJECTS)?;
    let input: CreateChatbot = validated(typed(body)?)?;
    let explicit_slug = input.slug.clone();
    let now = time::now();
    let mut record = ChatbotRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: org.to_owned(),
        name: String::new(),
        slug: String::new(),
        description: String::new(),
        is_public: defaults::IS_PUBLIC,
        active: defaults::ACTIVE,
        personality_config: PersonalityConfig::default(),
        settings: Settings::default(),
        voice_widget_config: None,
        language: defaults::LANGUAGE.into(),
        allowed_origins: Vec::new(),
        show_sources: false,
        openai_api_key: None,
        version_id: None,
        revision: 0,
        created_at: now.clone(),
        updated_at: now.clone(),
    };
    apply(input, &mut record);

    if let Some(slug) = explicit_slug {
        record.slug = slug;
        let version = new_version(&mut record, &now, Vec::new());
        return match store.insert_chatbot(&record, &version).await {
            Ok(()) => Ok(to_api(&record)),
            Err(StoreError::Conflict(_)) => Err(ApiError::conflict(format!(
                "A chatbot with the slug \"{}\" already exists.",
                record.slug
            ))),
            Err(e) => Err(e.into()),
        };
    }
    // A generated slug never fails the request: the unique index decides, the suffix moves on.
    let base = Slug::from_name(&record.name);
    for attempt in 1..=SLUG_ATTEMPTS {
        record.slug = if attempt == 1 {
            base.as_str().to_owned()
        } else {
            base.with_suffix(attempt).into_inner()
        };
        let version = new_version(&mut record, &now, Vec::new());
        match store.insert_chatbot(&record, &version).await {
            Ok(()) => return Ok(to_api(&record)),
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::conflict(format!(
        "Could not find a free slug for \"{}\"; send one explicitly.",
        record.name
    )))
}

fn precondition_failed() -> ApiError {
    ApiError::precondition_failed(
        "The chatbot has changed since the version this save was based on (If-Match): \
         load it again and reapply the change.",
    )
}

/// Reads the chatbot, computes its new state with `change`, and writes it if the stored
/// revision is still the one read; otherwise reads again. `if_match` is checked against every
/// revision read, and the write applies only to that revision, so a save can never land on a
/// version it did not name. A change that alters nothing writes nothing (no version,
/// `updated_at` kept).
async fn modify<F>(
    store: &DynStore,
    org: &str,
    id: &str,
    if_match: &IfMatch,
    change: F,
) -> ApiResult<ChatbotRecord>
where
    F: Fn(&ChatbotRecord) -> ApiResult<ChatbotRecord>,
{
    for _ in 0..UPDATE_ATTEMPTS {
        let current = get(store, org, id).await?;
        if !if_match.allows(current.version_id.as_deref()) {
            return Err(precondition_failed());
        }
        let mut next = change(&current)?;
        if next == current {
            return Ok(current);
        }
        let now = time::now();
        next.updated_at = now.clone();
        let changed = changes(&current, &next);
        let version = new_version(&mut next, &now, changed);
        if store.update_chatbot(&next, &version).await? {
            next.revision += 1;
            return Ok(next);
        }
        tracing::debug!(chatbot = id, "concurrent update, retrying");
    }
    Err(ApiError::conflict(
        "The chatbot is being changed by someone else right now; try again.",
    ))
}

/// Update Chatbot: `patch` (a JSON object) is merged into the stored chatbot.
pub async fn update(
    store: &DynStore,
    org: &str,
    id: &str,
    patch: Value,
    if_match: &IfMatch,
) -> ApiResult<Chatbot> {
    require_objects(&patch, CHATBOT_OBJECTS)?;
    let typed_patch: UpdateChatbot = typed(patch.clone())?;
    validated(typed_patch.clone())?;
    let mut patch = patch;
    if let Some(map) = patch.as_object_mut() {
        map.remove("slug");
    }
    let record = modify(store, org, id, if_match, |current| {
        if let Some(slug) = &typed_patch.slug {
            if slug != &current.slug {
                return Err(ApiError::field("slug", "cannot be changed"));
            }
        }
        let mut doc = editable(current);
        merge_patch(&mut doc, &patch);
        let input: CreateChatbot = validated(typed(doc)?)?;
        let mut next = current.clone();
        apply(input, &mut next);
        Ok(next)
    })
    .await?;
    Ok(to_api(&record))
}

/// Chat Widget: merges `patch` into the widget branding (stored in `settings.snippet`) and
/// `language`.
pub async fn update_chat_widget(
    store: &DynStore,
    org: &str,
    id: &str,
    patch: Value,
    if_match: &IfMatch,
) -> ApiResult<ChatbotRecord> {
    validated(typed::<ChatWidgetUpdate>(patch.clone())?)?;
    modify(store, org, id, if_match, |current| {
        let mut doc = serde_json::to_value(chat_widget_config(current)).unwrap_or_default();
        merge_patch(&mut doc, &patch);
        let widget: ChatWidgetUpdate = validated(typed(doc)?)?;
        let mut next = current.clone();
        let snippet = &mut next.settings.snippet;
        snippet.name = widget.name.unwrap_or_else(|| current.name.clone());
        snippet.header = widget.header.unwrap_or_else(|| current.name.clone());
        snippet.slogan = widget.slogan.unwrap_or_else(|| defaults::SLOGAN.into());
        snippet.logo = widget.logo.unwrap_or_default();
        snippet.primary_color = widget
            .primary_color
            .unwrap_or_else(|| defaults::PRIMARY_COLOR.into());
        snippet.secondary_color = widget
            .secondary_color
            .unwrap_or_else(|| defaults::SECONDARY_COLOR.into());
        next.language = widget.language.unwrap_or_else(|| defaults::LANGUAGE.into());
        next.allowed_origins = widget.allowed_origins.unwrap_or_default();
        next.show_sources = widget.show_sources.unwrap_or_default();
        Ok(next)
    })
    .await
}

/// Voice Agent: merges `patch` into `voice_widget_config` (an empty object at first).
pub async fn update_voice_agent(
    store: &DynStore,
    org: &str,
    id: &str,
    patch: Value,
    if_match: &IfMatch,
) -> ApiResult<ChatbotRecord> {
    require_objects(&patch, VOICE_OBJECTS)?;
    validated(typed::<VoiceWidgetConfig>(patch.clone())?)?;
    modify(store, org, id, if_match, |current| {
        let mut doc = current
            .voice_widget_config
            .as_ref()
            .and_then(|c| serde_json::to_value(c).ok())
            .unwrap_or_else(|| json!({}));
        merge_patch(&mut doc, &patch);
        let config: VoiceWidgetConfig = validated(typed(doc)?)?;
        let mut next = current.clone();
        next.voice_widget_config = Some(without_empty_groups(config));
        Ok(next)
    })
    .await
}

/// A group whose last field a patch removed (`{"text": {"startCall": null}}`) goes too, so the
/// stored configuration says the group is unset rather than holding an empty object.
fn without_empty_groups(config: VoiceWidgetConfig) -> VoiceWidgetConfig {
    fn set<T: Default + PartialEq>(group: Option<T>) -> Option<T> {
        group.filter(|g| *g != T::default())
    }
    VoiceWidgetConfig {
        model: set(config.model),
        vad: set(config.vad),
        text: set(config.text),
        avatar: set(config.avatar),
        appearance: set(config.appearance),
        ..config
    }
}

/// Points `settings.avatar` at `url`; returns the chatbot and the avatar it replaced.
pub async fn set_avatar(
    store: &DynStore,
    org: &str,
    id: &str,
    url: &str,
) -> ApiResult<(Chatbot, Option<String>)> {
    let previous = std::sync::Mutex::new(None);
    let record = modify(store, org, id, &IfMatch::Absent, |current| {
        let mut next = current.clone();
        *previous.lock().expect("not poisoned") = current.settings.avatar.clone();
        next.settings.avatar = Some(url.to_owned());
        Ok(next)
    })
    .await?;
    let previous = previous.into_inner().expect("not poisoned");
    Ok((to_api(&record), previous))
}

/// Version ids are UUIDs; anything else cannot name a version.
fn version_id(raw: &str) -> ApiResult<String> {
    uuid::Uuid::parse_str(raw)
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| ApiError::not_found("Version"))
}

/// One page of the chatbot's settings history, newest first.
pub async fn list_versions(
    store: &DynStore,
    org: &str,
    id: &str,
    paging: Paging,
) -> ApiResult<(Vec<VersionSummary>, PageMeta)> {
    get(store, org, id).await?;
    let (versions, total) = store
        .list_versions(org, id, paging.offset(), i64::from(paging.limit))
        .await?;
    let data = versions
        .into_iter()
        .map(|v| VersionSummary {
            id: v.id,
            created_at: v.created_at,
            changed: v.changed,
        })
        .collect();
    Ok((data, paging.meta(total)))
}

async fn version(
    store: &DynStore,
    org: &str,
    id: &str,
    raw_version: &str,
) -> ApiResult<VersionDetail> {
    let version_id = version_id(raw_version)?;
    let record = store
        .get_version(org, id, &version_id)
        .await?
        .ok_or_else(|| ApiError::not_found("Version"))?;
    let chatbot: Chatbot = serde_json::from_value(record.snapshot).map_err(|e| {
        ApiError::internal(format!(
            "version {version_id} has an unreadable snapshot: {e}"
        ))
    })?;
    Ok(VersionDetail {
        id: record.id,
        created_at: record.created_at,
        chatbot,
    })
}

/// The chatbot as it was at one of its versions (snapshots hold the masked provider key).
pub async fn get_version(
    store: &DynStore,
    org: &str,
    id: &str,
    raw_version: &str,
) -> ApiResult<VersionDetail> {
    get(store, org, id).await?;
    version(store, org, id, raw_version).await
}

/// Puts a version's settings back as a new version. The avatar stays the current one: a
/// replaced avatar's file is deleted, so an old URL may point at nothing. The provider key
/// stays too: snapshots hold only its masked form.
pub async fn restore_version(
    store: &DynStore,
    org: &str,
    id: &str,
    raw_version: &str,
    if_match: &IfMatch,
) -> ApiResult<Chatbot> {
    get(store, org, id).await?;
    let old = version(store, org, id, raw_version).await?.chatbot;
    let record = modify(store, org, id, if_match, |current| {
        let mut next = current.clone();
        next.name = old.name.clone();
        next.description = old.description.clone();
        next.is_public = old.is_public;
        next.active = old.active;
        next.personality_config = old.personality_config.clone();
        next.settings = Settings {
            avatar: current.settings.avatar.clone(),
            ..old.settings.clone()
        };
        next.voice_widget_config = old.voice_widget_config.clone();
        next.language = old
            .chat_widget_config
            .as_ref()
            .map_or_else(|| defaults::LANGUAGE.into(), |c| c.language.clone());
        next.allowed_origins = old
            .chat_widget_config
            .as_ref()
            .map(|c| c.allowed_origins.clone())
            .unwrap_or_default();
        next.show_sources = old
            .chat_widget_config
            .as_ref()
            .is_some_and(|c| c.show_sources);
        // The rules may have tightened since that version was saved.
        validated(typed::<CreateChatbot>(editable(&next))?)?;
        if let Some(voice) = &next.voice_widget_config {
            validated(voice.clone())?;
        }
        validated(ChatWidgetUpdate {
            language: Some(next.language.clone()),
            allowed_origins: Some(next.allowed_origins.clone()),
            ..Default::default()
        })?;
        Ok(next)
    })
    .await?;
    Ok(to_api(&record))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}, "keep": 1});
        merge_patch(
            &mut target,
            &json!({"a": "z", "c": {"f": null, "h": [1]}, "new": {"x": null, "y": 2}}),
        );
        assert_eq!(
            target,
            json!({"a": "z", "c": {"d": "e", "h": [1]}, "keep": 1, "new": {"y": 2}})
        );
        let mut scalar = json!("x");
        merge_patch(&mut scalar, &json!({"a": 1}));
        assert_eq!(scalar, json!({"a": 1}));
    }

    #[test]
    fn provider_keys_are_masked_to_a_recognisable_stub() {
        assert_eq!(mask_key("sk-proj-abcdefghijklmnop1234"), "sk-…1234");
        assert_eq!(mask_key("abcdefghijklmnop9876"), "…9876");
        assert_eq!(mask_key("sk-short"), "sk-…");
        assert!(!mask_key("sk-proj-abcdefghijklmnop1234").contains("abcdefgh"));
    }

    #[test]
    fn changed_paths_are_the_differing_leaves_without_bookkeeping() {
        let before = json!({
            "name": "Bot",
            "version_id": "v1",
            "updated_at": "t1",
            "settings": {"model": "m", "snippet": {"primaryColor": "#000", "logo": ""}},
            "voice_widget_config": null,
            "chat_widget_config": {"primaryColor": "#000", "language": "auto"},
            "personality_config": {"tone": "Calm"}
        });
        let after = json!({
            "name": "Bot",
            "version_id": "v2",
            "updated_at": "t2",
            "settings": {"model": "m", "avatar": "/uploads/a.png", "snippet": {"primaryColor": "#fff", "logo": ""}},
            "voice_widget_config": {"model": {"temperature": 0.4}},
            "chat_widget_config": {"primaryColor": "#fff", "language": "ko"},
            "personality_config": {}
        });
        assert_eq!(
            changed_paths(&before, &after),
            [
                "chat_widget_config.language",
                "personality_config.tone",
                "settings.avatar",
                "settings.snippet.primaryColor",
                "voice_widget_config.model.temperature",
            ]
        );
        assert!(changed_paths(&before, &before).is_empty());
    }

    #[test]
    fn an_array_or_a_value_that_becomes_an_object_is_one_change() {
        let before = json!({"allowed": ["a"], "x": 1});
        let after = json!({"allowed": ["a", "b"], "x": {"y": 1}});
        assert_eq!(changed_paths(&before, &after), ["allowed", "x"]);
    }

    #[test]
    fn type_errors_name_the_json_path() {
        let error =
            typed::<CreateChatbot>(json!({"settings": {"snippet": {"logo": 5}}})).unwrap_err();
        assert_eq!(error.code(), okchat::ErrorCode::ValidationFailed);
        let body = format!("{error:?}");
        assert!(body.contains("settings.snippet.logo"), "{body}");
    }
}
