//! Every JSON example of the contract (`okchat-api.md` §2–§3 and the shapes `api-decisions.md`
//! adds) lives in `tests/fixtures/` and must survive deserialize → serialize unchanged, so no
//! field is dropped, renamed or invented by the wire types.
//!
//! "Unchanged" compares JSON values, with one allowance: a number equals another of the same
//! value (`1` sent by a JavaScript server reads into an `f64` and writes back as `1.0`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use okchat::chatbot::LegacyChatbotEnvelope;
use okchat::widget::{ChatWidgetResponse, VoiceAgentResponse};
use okchat::{
    messages, ChatRequest, ChatResponse, ChatWidgetConfig, ChatWidgetUpdate, Chatbot,
    ChatbotEnvelope, ChatbotListItem, ChatbotMessageResponse, ChatbotsResponse, CreateChatbot,
    DeleteKnowledgeResponse, ErrorBody, ErrorCode, KnowledgeDocument, LastMessage, Message,
    MessageResponse, Page, PageMeta, QueryKnowledgeRequest, QueryKnowledgeResponse, Session,
    SessionEnvelope, StreamPart, UpdateChatbot, UpdateKnowledgeResponse, UploadFilesResponse,
    VersionEnvelope, VersionsResponse, VoiceWidgetConfig,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read_fixture(name: &str) -> String {
    let path = fixtures_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&read_fixture(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// Parses fixture `name` as `T`, writes it back and fails on the first difference.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let text = read_fixture(name);
    let original: Value = serde_json::from_str(&text).unwrap();
    let typed: T = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{name} does not parse as {}: {e}",
            std::any::type_name::<T>()
        )
    });
    let written = serde_json::to_value(&typed).unwrap();
    if let Some(difference) = first_difference(&original, &written, "$") {
        panic!("{name} changed in the round trip: {difference}");
    }
    typed
}

/// Where `after` differs from `before`, as a JSON path and a reason.
fn first_difference(before: &Value, after: &Value, path: &str) -> Option<String> {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (key, value) in b {
                let here = format!("{path}.{key}");
                match a.get(key) {
                    None => return Some(format!("{here} was dropped")),
                    Some(other) => {
                        if let Some(d) = first_difference(value, other, &here) {
                            return Some(d);
                        }
                    }
                }
            }
            a.keys()
                .find(|key| !b.contains_key(*key))
                .map(|key| format!("{path}.{key} was added"))
        }
        (Value::Array(b), Value::Array(a)) => {
            if b.len() != a.len() {
                return Some(format!("{path} had {} items, now {}", b.len(), a.len()));
            }
            b.iter()
                .zip(a)
                .enumerate()
                .find_map(|(i, (b, a))| first_difference(b, a, &format!("{path}[{i}]")))
        }
        (Value::Number(b), Value::Number(a)) => {
            let same = match (b.as_i64(), a.as_i64(), b.as_u64(), a.as_u64()) {
                (Some(b), Some(a), _, _) => b == a,
                (_, _, Some(b), Some(a)) => b == a,
                _ => b.as_f64() == a.as_f64(),
            };
            (!same).then(|| format!("{path} was {b}, now {a}"))
        }
        _ => (before != after).then(|| format!("{path} was {before}, now {after}")),
    }
}

macro_rules! fixtures_round_trip {
    ($($test:ident: $file:literal => $ty:ty,)*) => {
        /// Every JSON fixture, so a new file without a test is noticed.
        const JSON_FIXTURES: &[&str] = &[$($file),*];

        $(
            #[test]
            fn $test() {
                round_trip::<$ty>($file);
            }
        )*
    };
}

fixtures_round_trip! {
    knowledge_base_files_response_round_trips_unchanged:
        "knowledge_base_files.response.json" => UploadFilesResponse,
    get_chatbots_response_round_trips_unchanged:
        "get_chatbots.response.json" => ChatbotsResponse,
    create_chatbot_request_round_trips_unchanged:
        "create_chatbot.request.json" => CreateChatbot,
    second_create_chatbot_request_round_trips_unchanged:
        "create_chatbot.second.request.json" => CreateChatbot,
    create_chatbot_response_round_trips_unchanged:
        "create_chatbot.response.json" => ChatbotMessageResponse,
    update_chatbot_request_round_trips_unchanged:
        "update_chatbot.request.json" => UpdateChatbot,
    update_chatbot_merge_patch_with_nulls_round_trips_unchanged:
        "update_chatbot.merge_patch.request.json" => UpdateChatbot,
    update_chatbot_response_round_trips_unchanged:
        "update_chatbot.response.json" => ChatbotMessageResponse,
    get_chatbot_details_response_round_trips_unchanged:
        "get_chatbot_details.response.json" => ChatbotEnvelope,
    chatdeck_chatbot_details_with_both_widget_configs_round_trip_unchanged:
        "get_chatbot_details.chatdeck.response.json" => ChatbotEnvelope,
    delete_chatbot_response_round_trips_unchanged:
        "delete_chatbot.response.json" => MessageResponse,
    chatbot_avatar_response_round_trips_unchanged:
        "chatbot_avatar.response.json" => ChatbotMessageResponse,
    voice_widget_config_round_trips_unchanged:
        "voice_widget_config.json" => VoiceWidgetConfig,
    voice_agent_request_round_trips_unchanged:
        "voice_agent.request.json" => VoiceWidgetConfig,
    voice_agent_response_round_trips_unchanged:
        "voice_agent.response.json" => VoiceAgentResponse,
    chat_widget_config_round_trips_unchanged:
        "chat_widget_config.json" => ChatWidgetConfig,
    chat_widget_request_round_trips_unchanged:
        "chat_widget.request.json" => ChatWidgetUpdate,
    chat_widget_response_round_trips_unchanged:
        "chat_widget.response.json" => ChatWidgetResponse,
    documented_knowledge_base_placeholder_response_round_trips_unchanged:
        "get_knowledge_base_list_of_chatbot.legacy.response.json" => LegacyChatbotEnvelope,
    knowledge_document_round_trips_unchanged:
        "knowledge_document.json" => KnowledgeDocument,
    knowledge_base_list_response_round_trips_unchanged:
        "get_knowledge_base_list_of_chatbot.response.json" => Page<KnowledgeDocument>,
    delete_knowledge_base_data_response_round_trips_unchanged:
        "delete_knowledge_base_data.response.json" => DeleteKnowledgeResponse,
    update_knowledge_base_response_round_trips_unchanged:
        "update_knowledge_base.response.json" => UpdateKnowledgeResponse,
    query_knowledge_request_round_trips_unchanged:
        "query_knowledge.request.json" => QueryKnowledgeRequest,
    query_knowledge_response_round_trips_unchanged:
        "query_knowledge.response.json" => QueryKnowledgeResponse,
    chatdeck_query_knowledge_request_with_limit_round_trips_unchanged:
        "query_knowledge.chatdeck.request.json" => QueryKnowledgeRequest,
    chatdeck_query_knowledge_response_with_document_ids_round_trips_unchanged:
        "query_knowledge.chatdeck.response.json" => QueryKnowledgeResponse,
    chat_request_round_trips_unchanged:
        "chat.request.json" => ChatRequest,
    chat_response_with_upstream_request_and_headers_round_trips_unchanged:
        "chat.response.json" => ChatResponse,
    chatdeck_chat_response_with_session_id_round_trips_unchanged:
        "chat.chatdeck.response.json" => ChatResponse,
    get_a_conversation_response_round_trips_unchanged:
        "get_a_conversation.response.json" => SessionEnvelope,
    get_conversations_response_round_trips_unchanged:
        "get_conversations.response.json" => Page<Session>,
    get_messages_response_round_trips_unchanged:
        "get_messages.response.json" => Page<Message>,
    page_meta_round_trips_unchanged:
        "page_meta.json" => PageMeta,
    chatdeck_versions_list_round_trips_unchanged:
        "get_versions.response.json" => VersionsResponse,
    chatdeck_version_detail_round_trips_unchanged:
        "get_version.response.json" => VersionEnvelope,
    chatdeck_restore_version_response_round_trips_unchanged:
        "restore_version.response.json" => ChatbotMessageResponse,
    validation_error_body_round_trips_unchanged:
        "error.validation_failed.json" => ErrorBody,
    internal_error_body_with_request_id_round_trips_unchanged:
        "error.internal.json" => ErrorBody,
    not_found_error_body_round_trips_unchanged:
        "error.not_found.json" => ErrorBody,
}

const STREAM_FIXTURES: &[&str] = &["chat.stream.txt", "chat.stream.error.txt"];

#[test]
fn every_fixture_file_is_checked_by_a_test() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    let tested: BTreeSet<String> = JSON_FIXTURES
        .iter()
        .chain(STREAM_FIXTURES)
        .map(|name| (*name).to_owned())
        .collect();
    assert_eq!(on_disk, tested);
}

#[test]
fn the_round_trip_check_notices_dropped_added_and_changed_fields() {
    let before = json!({ "a": { "b": [1, 2.5] }, "c": null });
    assert_eq!(first_difference(&before, &before, "$"), None);
    assert_eq!(
        first_difference(
            &before,
            &json!({ "a": { "b": [1.0, 2.5] }, "c": null }),
            "$"
        ),
        None,
        "1 and 1.0 are the same JSON number"
    );
    let dropped = first_difference(&before, &json!({ "a": { "b": [1, 2.5] } }), "$");
    assert_eq!(dropped.as_deref(), Some("$.c was dropped"));
    let added = first_difference(
        &before,
        &json!({ "a": { "b": [1, 2.5], "x": 0 }, "c": null }),
        "$",
    );
    assert_eq!(added.as_deref(), Some("$.a.x was added"));
    let changed = first_difference(&before, &json!({ "a": { "b": [2, 2.5] }, "c": null }), "$");
    assert_eq!(changed.as_deref(), Some("$.a.b[0] was 1, now 2"));
}

const LIST_ONLY_DROPS: [&str; 5] = [
    "docs_metadata",
    "managers",
    "migrated_data",
    "openai_api_key",
    "v1_chatbot_id",
];

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn a_list_item_made_from_a_full_chatbot_drops_exactly_the_five_legacy_and_secret_fields() {
    for (name, envelope_key) in [
        ("create_chatbot.response.json", "chatbot"),
        ("get_chatbot_details.chatdeck.response.json", "chatbot"),
    ] {
        let full = fixture(name)[envelope_key].clone();
        let chatbot: Chatbot = serde_json::from_value(full.clone()).unwrap();
        let item = serde_json::to_value(ChatbotListItem::from(chatbot)).unwrap();

        let dropped: Vec<String> = keys(&full).difference(&keys(&item)).cloned().collect();
        assert_eq!(dropped, LIST_ONLY_DROPS, "{name}");
        assert!(
            keys(&item).is_subset(&keys(&full)),
            "{name}: the list item added a field"
        );
        for key in keys(&item) {
            assert_eq!(item[&key], full[&key], "{name}: {key} changed");
        }
    }
}

#[test]
fn the_documented_list_item_has_the_full_chatbot_fields_minus_the_five() {
    let full = fixture("create_chatbot.response.json")["chatbot"].clone();
    let listed = fixture("get_chatbots.response.json")["chatbots"][0].clone();
    let expected: BTreeSet<String> = keys(&full)
        .into_iter()
        .filter(|key| !LIST_ONLY_DROPS.contains(&key.as_str()))
        .collect();
    assert_eq!(keys(&listed), expected);
}

#[test]
fn last_message_parses_both_the_string_and_the_object_form() {
    let single: SessionEnvelope = round_trip("get_a_conversation.response.json");
    assert_eq!(
        single.session.last_message,
        Some(LastMessage::Text(
            "Tell me about the history of the internet.".into()
        ))
    );

    let list: Page<Session> = round_trip("get_conversations.response.json");
    match &list.data[0].last_message {
        Some(LastMessage::Message {
            id,
            content,
            sender_type,
        }) => {
            assert_eq!(id, "4004e76a-4f6f-4d25-94bc-e0a8aca8a091");
            assert!(content.starts_with("That image shows"));
            assert_eq!(sender_type, "bot");
        }
        other => panic!("expected the object form, got {other:?}"),
    }
    assert_eq!(list.data[1].last_message, None, "voice sessions have none");

    let text: LastMessage = serde_json::from_value(json!("hi")).unwrap();
    let object: LastMessage =
        serde_json::from_value(json!({ "id": "m1", "content": "hi", "sender_type": "user" }))
            .unwrap();
    assert_eq!(text.content(), "hi");
    assert_eq!(object.content(), "hi");
    assert_eq!(serde_json::to_value(&text).unwrap(), json!("hi"));
    assert_eq!(
        serde_json::to_value(&object).unwrap(),
        json!({ "id": "m1", "content": "hi", "sender_type": "user" })
    );
}

/// `value` with an unknown key added to it and to every object nested in it.
fn with_unknown_fields(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out: serde_json::Map<String, Value> = map
                .iter()
                .map(|(k, v)| (k.clone(), with_unknown_fields(v)))
                .collect();
            out.insert(
                "x_unknown_extra".into(),
                json!({ "nested": [1, "two", null] }),
            );
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(with_unknown_fields).collect()),
        other => other.clone(),
    }
}

fn ignores_unknown_fields<T>(name: &str)
where
    T: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let plain = fixture(name);
    let noisy = with_unknown_fields(&plain);
    assert_ne!(plain, noisy);
    let expected: T = serde_json::from_value(plain).unwrap();
    let parsed: T = serde_json::from_value(noisy)
        .unwrap_or_else(|e| panic!("{name} with unknown fields was refused: {e}"));
    assert_eq!(parsed, expected, "{name}");
}

#[test]
fn unknown_extra_fields_are_ignored_when_deserializing_requests() {
    ignores_unknown_fields::<CreateChatbot>("create_chatbot.request.json");
    ignores_unknown_fields::<CreateChatbot>("create_chatbot.second.request.json");
    ignores_unknown_fields::<UpdateChatbot>("update_chatbot.request.json");
    ignores_unknown_fields::<UpdateChatbot>("update_chatbot.merge_patch.request.json");
    ignores_unknown_fields::<VoiceWidgetConfig>("voice_agent.request.json");
    ignores_unknown_fields::<VoiceWidgetConfig>("voice_widget_config.json");
    ignores_unknown_fields::<ChatWidgetUpdate>("chat_widget.request.json");
    ignores_unknown_fields::<QueryKnowledgeRequest>("query_knowledge.request.json");
    ignores_unknown_fields::<QueryKnowledgeRequest>("query_knowledge.chatdeck.request.json");
    ignores_unknown_fields::<ChatRequest>("chat.request.json");
}

/// Only fixtures without free-form JSON (`metadata`, `headers`), which keep whatever they hold.
#[test]
fn unknown_extra_fields_are_ignored_in_responses_too() {
    ignores_unknown_fields::<ChatbotMessageResponse>("create_chatbot.response.json");
    ignores_unknown_fields::<ChatbotsResponse>("get_chatbots.response.json");
    ignores_unknown_fields::<ChatResponse>("chat.chatdeck.response.json");
    ignores_unknown_fields::<Page<KnowledgeDocument>>(
        "get_knowledge_base_list_of_chatbot.response.json",
    );
    ignores_unknown_fields::<VersionsResponse>("get_versions.response.json");
    ignores_unknown_fields::<VersionEnvelope>("get_version.response.json");

    // `fields` is a map, so only the envelope and `error` get the unknown key here.
    let mut noisy = fixture("error.validation_failed.json");
    noisy["retry"] = json!(true);
    noisy["error"]["docs_url"] = json!("https://example.com/errors");
    let parsed: ErrorBody = serde_json::from_value(noisy).unwrap();
    assert_eq!(
        parsed,
        round_trip::<ErrorBody>("error.validation_failed.json")
    );
}

#[test]
fn merge_patch_nulls_mean_clear_and_absent_fields_mean_keep() {
    let patch: UpdateChatbot = round_trip("update_chatbot.merge_patch.request.json");
    assert_eq!(patch.openai_api_key, Some(None), "null clears the key");
    let settings = patch.settings.unwrap();
    assert_eq!(settings.avatar, Some(None), "null removes the avatar");
    assert_eq!(settings.model, None, "absent keeps the model");
    assert_eq!(patch.name, None);
    assert_eq!(patch.active, Some(false));
}

#[test]
fn success_messages_match_the_documented_strings() {
    for (name, expected) in [
        ("create_chatbot.response.json", messages::CHATBOT_CREATED),
        ("update_chatbot.response.json", messages::CHATBOT_UPDATED),
        ("restore_version.response.json", messages::CHATBOT_UPDATED),
        ("delete_chatbot.response.json", messages::CHATBOT_DELETED),
        ("chatbot_avatar.response.json", messages::AVATAR_UPDATED),
        ("voice_agent.response.json", messages::VOICE_WIDGET_UPDATED),
        ("chat_widget.response.json", messages::CHAT_WIDGET_UPDATED),
        (
            "knowledge_base_files.response.json",
            messages::FILES_UPLOADED,
        ),
        (
            "delete_knowledge_base_data.response.json",
            messages::KNOWLEDGE_DELETED,
        ),
        (
            "update_knowledge_base.response.json",
            messages::KNOWLEDGE_UPDATED,
        ),
    ] {
        assert_eq!(fixture(name)["message"], expected, "{name}");
    }
}

#[test]
fn error_fixtures_use_documented_codes() {
    for name in [
        "error.validation_failed.json",
        "error.internal.json",
        "error.not_found.json",
    ] {
        let body: ErrorBody = round_trip(name);
        assert!(ErrorCode::parse(&body.error.code).is_some(), "{name}");
    }
    let validation: ErrorBody = round_trip("error.validation_failed.json");
    assert_eq!(
        validation
            .error
            .fields
            .get("settings.snippet.primaryColor")
            .map(String::as_str),
        Some("must be a hex colour like #4F46E5")
    );
    let internal: ErrorBody = round_trip("error.internal.json");
    assert!(internal.error.request_id.is_some());
}

#[test]
fn the_avatar_response_carries_the_uploaded_avatar_url() {
    let before: ChatbotEnvelope = round_trip("get_chatbot_details.response.json");
    let after: ChatbotMessageResponse = round_trip("chatbot_avatar.response.json");
    assert_eq!(before.chatbot.settings.avatar, None);
    assert!(after
        .chatbot
        .settings
        .avatar
        .as_deref()
        .is_some_and(|url| url.ends_with(".jpg")));
}

#[test]
fn the_chat_example_keeps_the_leaked_upstream_request_and_headers() {
    let response: ChatResponse = round_trip("chat.response.json");
    let step = &response.steps[0];
    let upstream: Value = serde_json::from_str(&step.request.as_ref().unwrap().body)
        .expect("request.body is the upstream JSON as a string");
    assert_eq!(upstream["temperature"], 0);
    assert_eq!(upstream["tool_choice"], "auto");
    let headers = step.response.as_ref().unwrap().headers.as_ref().unwrap();
    assert!(headers.get("x-request-id").is_some());
    assert_eq!(step.usage.total_tokens, Some(843));
    assert_eq!(response.session_id, None);
}

fn stream_fixture(name: &str) -> Vec<(String, StreamPart)> {
    read_fixture(name)
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            let part = StreamPart::parse_line(line).unwrap_or_else(|e| panic!("{name}: {e}"));
            (line.to_owned(), part)
        })
        .collect()
}

#[test]
fn stream_frames_parse_and_render_back_to_the_same_frames() {
    for name in STREAM_FIXTURES {
        let frames = stream_fixture(name);
        for (line, part) in &frames {
            let rendered = part.to_line();
            assert!(rendered.ends_with('\n'));
            let code = |l: &str| l.split_once(':').unwrap().0.to_owned();
            assert_eq!(code(&rendered), code(line), "{name}");
            let json =
                |l: &str| -> Value { serde_json::from_str(l.split_once(':').unwrap().1).unwrap() };
            assert_eq!(json(rendered.trim_end()), json(line), "{name}: {line}");
            assert_eq!(&StreamPart::parse_line(rendered.trim_end()).unwrap(), part);
        }
    }
}

#[test]
fn a_stream_starts_a_step_and_ends_with_a_finish_message() {
    let ok = stream_fixture("chat.stream.txt");
    assert!(matches!(ok[0].1, StreamPart::StartStep { .. }));
    assert!(matches!(&ok[1].1, StreamPart::Data(items) if items[0]["type"] == "knowledge"));
    let text: String = ok
        .iter()
        .filter_map(|(_, part)| match part {
            StreamPart::Text(delta) => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Files may be up to 20 MiB each.");
    assert!(
        matches!(&ok[ok.len() - 2].1, StreamPart::FinishStep(f) if f.is_continued == Some(false))
    );
    assert!(
        matches!(&ok[ok.len() - 1].1, StreamPart::FinishMessage(f) if f.finish_reason == "stop")
    );

    let failed = stream_fixture("chat.stream.error.txt");
    assert!(matches!(&failed[failed.len() - 2].1, StreamPart::Error(_)));
    assert!(
        matches!(&failed[failed.len() - 1].1, StreamPart::FinishMessage(f) if f.finish_reason == "error")
    );
}

#[test]
fn the_versions_list_is_newest_first_and_the_first_version_changed_nothing() {
    let list: VersionsResponse = round_trip("get_versions.response.json");
    let times: Vec<&str> = list.data.iter().map(|v| v.created_at.as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    assert!(list.data.last().unwrap().changed.is_empty());
    assert_eq!(list.metadata.total_count, list.data.len() as u64);
}

#[test]
fn a_version_shows_the_chatbot_at_that_version_with_its_secret_masked() {
    let envelope: VersionEnvelope = round_trip("get_version.response.json");
    let version = envelope.version;
    assert_eq!(
        version.chatbot.version_id.as_deref(),
        Some(version.id.as_str())
    );
    assert_eq!(version.chatbot.updated_at, version.created_at);
    assert_eq!(version.chatbot.openai_api_key.as_deref(), Some("sk-…abcd"));
}

#[test]
fn a_restore_answers_like_update_chatbot_with_a_new_version() {
    let restored: ChatbotMessageResponse = round_trip("restore_version.response.json");
    let version: VersionEnvelope = round_trip("get_version.response.json");
    assert_ne!(
        restored.chatbot.version_id,
        version.version.chatbot.version_id
    );
    assert_eq!(restored.chatbot.name, version.version.chatbot.name);
}
