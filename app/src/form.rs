//! The chatbot form as data: what the browser posts, how it maps onto the API's Create,
//! Update, Chat Widget and Voice Agent bodies, and which API path each field reports under.
//! Pure code, shared by the browser (validation on every keystroke) and the server functions.

use std::collections::BTreeMap;

use okchat::validate::Validate;
use okchat::widget::{Vad, VoiceAppearance, VoiceAvatar, VoiceModel, VoiceText};
use okchat::{
    defaults, ChatWidgetUpdate, FieldErrors, PersonalityConfig, SettingsInput, SnippetInput,
    VoiceWidgetConfig,
};
use serde::{Deserialize, Serialize};

/// The form's fields as the browser posts them (`input[name]`, `input[voice][temperature]`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatbotForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    /// A checkbox: present when ticked.
    pub is_public: Option<String>,
    pub tone: String,
    pub style: String,
    pub model: String,
    pub prompt: String,
    pub greeting: String,
    pub is_tool_enabled: Option<String>,
    pub is_request_user_info_enabled: Option<String>,
    pub header: String,
    pub widget_name: String,
    pub slogan: String,
    pub logo: String,
    pub primary_color: String,
    pub secondary_color: String,
    /// The chat widget's language (`auto` or a language tag), saved through Chat Widget.
    pub language: String,
    /// The voice agent's fields by [`VoiceField::key`]; an empty value leaves the field unset.
    pub voice: BTreeMap<String, String>,
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn ticked(b: bool) -> Option<String> {
    b.then(|| "on".into())
}

impl ChatbotForm {
    /// What a new chatbot's form starts with: the API's own defaults.
    pub fn new_defaults() -> Self {
        Self {
            tone: defaults::TONE.into(),
            style: defaults::STYLE.into(),
            model: defaults::MODEL.into(),
            prompt: defaults::PROMPT.into(),
            slogan: defaults::SLOGAN.into(),
            primary_color: defaults::PRIMARY_COLOR.into(),
            secondary_color: defaults::SECONDARY_COLOR.into(),
            greeting: defaults::GREETING.into(),
            language: defaults::LANGUAGE.into(),
            ..Default::default()
        }
    }

    fn settings(&self) -> SettingsInput {
        SettingsInput {
            model: Some(self.model.trim().to_owned()),
            prompt: Some(self.prompt.clone()),
            greeting: Some(self.greeting.clone()),
            is_tool_enabled: Some(self.is_tool_enabled.is_some()),
            is_request_user_info_enabled: Some(self.is_request_user_info_enabled.is_some()),
            avatar: None,
            snippet: Some(SnippetInput {
                name: Some(self.widget_name.clone()),
                header: Some(self.header.clone()),
                slogan: Some(self.slogan.clone()),
                logo: Some(self.logo.trim().to_owned()),
                primary_color: Some(self.primary_color.clone()),
                secondary_color: Some(self.secondary_color.clone()),
            }),
        }
    }

    fn personality(&self) -> PersonalityConfig {
        PersonalityConfig {
            tone: Some(self.tone.clone()),
            style: Some(self.style.clone()),
        }
    }

    /// The Create Chatbot body; an empty slug is left to the API to generate.
    pub fn to_create(&self) -> okchat::CreateChatbot {
        okchat::CreateChatbot {
            name: Some(self.name.clone()),
            slug: some(&self.slug),
            description: Some(self.description.clone()),
            is_public: Some(self.is_public.is_some()),
            personality_config: Some(self.personality()),
            settings: Some(self.settings()),
            ..Default::default()
        }
    }

    /// The Update Chatbot merge patch setting every field the form shows (never the slug).
    pub fn to_update(&self) -> okchat::UpdateChatbot {
        okchat::UpdateChatbot {
            name: Some(self.name.clone()),
            description: Some(self.description.clone()),
            is_public: Some(self.is_public.is_some()),
            personality_config: Some(self.personality()),
            settings: Some(self.settings()),
            ..Default::default()
        }
    }

    /// The Chat Widget body: only the language (the branding travels in the snippet).
    pub fn to_chat_widget(&self) -> ChatWidgetUpdate {
        ChatWidgetUpdate {
            language: Some(self.language.clone()),
            ..Default::default()
        }
    }

    /// The Voice Agent merge patch: the fields that have a value.
    pub fn to_voice(&self) -> Result<VoiceWidgetConfig, FieldErrors> {
        voice_config(&self.voice)
    }

    /// Every rule the API applies to what this form saves, keyed by API path (the voice
    /// agent's under `voice.`, the chat widget's under `chat_widget.`). `create` adds the
    /// rules only Create has (the slug).
    pub fn errors(&self, create: bool) -> BTreeMap<String, String> {
        let mut errors = BTreeMap::new();
        let chatbot = if create {
            self.to_create().validate()
        } else {
            self.to_update().validate()
        };
        if let Err(e) = chatbot {
            errors.extend(e.0);
        }
        if let Err(e) = self.to_chat_widget().validate() {
            errors.extend(under("chat_widget", e.0));
        }
        if let Err(e) = self.to_voice().and_then(|voice| voice.validate()) {
            errors.extend(under("voice", e.0));
        }
        errors
    }

    /// The form filled from a stored chatbot.
    pub fn from_chatbot(c: &okchat::Chatbot) -> Self {
        let s = &c.settings.snippet;
        let widget = c.chat_widget_config.as_ref();
        Self {
            name: c.name.clone(),
            slug: c.slug.clone(),
            description: c.description.clone(),
            is_public: ticked(c.is_public),
            tone: c.personality_config.tone.clone().unwrap_or_default(),
            style: c.personality_config.style.clone().unwrap_or_default(),
            model: c.settings.model.clone(),
            prompt: c.settings.prompt.clone(),
            greeting: c.settings.greeting.clone(),
            is_tool_enabled: ticked(c.settings.is_tool_enabled),
            is_request_user_info_enabled: ticked(c.settings.is_request_user_info_enabled),
            header: s.header.clone(),
            widget_name: s.name.clone(),
            slogan: s.slogan.clone(),
            logo: s.logo.clone(),
            primary_color: s.primary_color.clone(),
            secondary_color: s.secondary_color.clone(),
            language: widget
                .map(|w| w.language.clone())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| defaults::LANGUAGE.into()),
            voice: c
                .voice_widget_config
                .as_ref()
                .map(voice_form)
                .unwrap_or_default(),
        }
    }
}

/// Field errors of a sub-resource (Chat Widget, Voice Agent) under the form's `prefix`.
pub fn under(prefix: &str, errors: BTreeMap<String, String>) -> BTreeMap<String, String> {
    errors
        .into_iter()
        .map(|(k, v)| (format!("{prefix}.{k}"), v))
        .collect()
}

/// How a voice field is edited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VoiceKind {
    Text,
    Url,
    Color,
    /// A slider beside a number field: range, step, and the value the agent uses when unset.
    /// Written as the text the page shows (the API's validation checks the value): the
    /// browser bundle then needs no float formatting code at all.
    Number {
        min: &'static str,
        max: &'static str,
        step: &'static str,
        default: &'static str,
    },
}

/// One field of the voice agent section.
#[derive(Debug, Clone, Copy)]
pub struct VoiceField {
    /// The form key (`input[voice][KEY]`) and element id suffix.
    pub key: &'static str,
    /// The path the API reports errors under, relative to `voice_widget_config`.
    pub path: &'static str,
    pub label: &'static str,
    pub kind: VoiceKind,
}

const fn number(
    min: &'static str,
    max: &'static str,
    step: &'static str,
    default: &'static str,
) -> VoiceKind {
    VoiceKind::Number {
        min,
        max,
        step,
        default,
    }
}

/// Every voice agent field, in the order the form shows them. Ranges are the API's
/// (`okchat::validate`); defaults are okchat's dashboard defaults.
pub const VOICE_FIELDS: [VoiceField; 21] = [
    VoiceField {
        key: "agent_id",
        path: "agentId",
        label: "Agent ID",
        kind: VoiceKind::Text,
    },
    VoiceField {
        key: "voice",
        path: "voice",
        label: "Voice",
        kind: VoiceKind::Text,
    },
    VoiceField {
        key: "temperature",
        path: "model.temperature",
        label: "Temperature",
        kind: number("0", "1", "0.05", "0.7"),
    },
    VoiceField {
        key: "max_output_tokens",
        path: "model.max_output_tokens",
        label: "Max output tokens",
        kind: number("1", "16384", "1", "2048"),
    },
    VoiceField {
        key: "vad_threshold",
        path: "vad.threshold",
        label: "Voice detection threshold",
        kind: number("0", "1", "0.05", "0.5"),
    },
    VoiceField {
        key: "prefix_padding_ms",
        path: "vad.prefix_padding_ms",
        label: "Prefix padding (ms)",
        kind: number("0", "10000", "50", "500"),
    },
    VoiceField {
        key: "silence_duration_ms",
        path: "vad.silence_duration_ms",
        label: "Silence duration (ms)",
        kind: number("0", "10000", "50", "1000"),
    },
    VoiceField {
        key: "start_call",
        path: "text.startCall",
        label: "Start call button",
        kind: VoiceKind::Text,
    },
    VoiceField {
        key: "end_call",
        path: "text.endCall",
        label: "End call button",
        kind: VoiceKind::Text,
    },
    VoiceField {
        key: "call_to_action",
        path: "text.callToAction",
        label: "Call to action",
        kind: VoiceKind::Text,
    },
    VoiceField {
        key: "listening_status",
        path: "text.listeningStatus",
        label: "Listening status",
        kind: VoiceKind::Text,
    },
    VoiceField {
        key: "speaking_status",
        path: "text.speakingStatus",
        label: "Speaking status",
        kind: VoiceKind::Text,
    },
    VoiceField {
        key: "image_url",
        path: "avatar.imageUrl",
        label: "Voice avatar image URL",
        kind: VoiceKind::Url,
    },
    VoiceField {
        key: "background_color",
        path: "appearance.backgroundColor",
        label: "Background color",
        kind: VoiceKind::Color,
    },
    VoiceField {
        key: "border_color",
        path: "appearance.borderColor",
        label: "Border color",
        kind: VoiceKind::Color,
    },
    VoiceField {
        key: "button_color",
        path: "appearance.buttonColor",
        label: "Button color",
        kind: VoiceKind::Color,
    },
    VoiceField {
        key: "button_text_color",
        path: "appearance.buttonTextColor",
        label: "Button label color",
        kind: VoiceKind::Color,
    },
    VoiceField {
        key: "text_color",
        path: "appearance.textColor",
        label: "Body text color",
        kind: VoiceKind::Color,
    },
    VoiceField {
        key: "focus_outline_color",
        path: "appearance.focusOutlineColor",
        label: "Focus outline color",
        kind: VoiceKind::Color,
    },
    VoiceField {
        key: "button_radius",
        path: "appearance.buttonRadius",
        label: "Button radius (px)",
        kind: number("0", "64", "1", "8"),
    },
    VoiceField {
        key: "card_radius",
        path: "appearance.cardRadius",
        label: "Card radius (px)",
        kind: number("0", "64", "1", "16"),
    },
];

/// The API path (under `voice_widget_config`) of the voice field `key`.
fn voice_path(key: &str) -> &str {
    VOICE_FIELDS
        .iter()
        .find(|f| f.key == key)
        .map_or(key, |f| f.path)
}

/// The voice section's values read from a stored configuration.
fn voice_form(c: &VoiceWidgetConfig) -> BTreeMap<String, String> {
    let model = c.model.clone().unwrap_or_default();
    let vad = c.vad.clone().unwrap_or_default();
    let text = c.text.clone().unwrap_or_default();
    let avatar = c.avatar.clone().unwrap_or_default();
    let look = c.appearance.clone().unwrap_or_default();
    let n = |v: Option<i64>| v.map(|v| v.to_string());
    let f = |v: Option<f64>| v.map(|v| v.to_string());
    [
        ("agent_id", c.agent_id.clone()),
        ("voice", c.voice.clone()),
        ("temperature", f(model.temperature)),
        ("max_output_tokens", n(model.max_output_tokens)),
        ("vad_threshold", f(vad.threshold)),
        ("prefix_padding_ms", n(vad.prefix_padding_ms)),
        ("silence_duration_ms", n(vad.silence_duration_ms)),
        ("start_call", text.start_call),
        ("end_call", text.end_call),
        ("call_to_action", text.call_to_action),
        ("listening_status", text.listening_status),
        ("speaking_status", text.speaking_status),
        ("image_url", avatar.image_url),
        ("background_color", look.background_color),
        ("border_color", look.border_color),
        ("button_color", look.button_color),
        ("button_text_color", look.button_text_color),
        ("text_color", look.text_color),
        ("focus_outline_color", look.focus_outline_color),
        ("button_radius", n(look.button_radius)),
        ("card_radius", n(look.card_radius)),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k.to_owned(), v)))
    .collect()
}

/// The Voice Agent merge patch from the section's values; a value that is not a number where
/// one is needed is a field error (`model.temperature`, …).
fn voice_config(values: &BTreeMap<String, String>) -> Result<VoiceWidgetConfig, FieldErrors> {
    let mut errors = FieldErrors::new();
    let text = |key: &str| {
        values
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mut float = |key: &str| -> Option<f64> {
        let v = text(key)?;
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                errors.add(voice_path(key), "must be a number");
                None
            }
        }
    };
    let temperature = float("temperature");
    let threshold = float("vad_threshold");
    let mut int = |key: &str| -> Option<i64> {
        let v = text(key)?;
        match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add(voice_path(key), "must be a whole number");
                None
            }
        }
    };
    let max_output_tokens = int("max_output_tokens");
    let prefix_padding_ms = int("prefix_padding_ms");
    let silence_duration_ms = int("silence_duration_ms");
    let button_radius = int("button_radius");
    let card_radius = int("card_radius");
    let model = VoiceModel {
        temperature,
        max_output_tokens,
    };
    let vad = Vad {
        threshold,
        prefix_padding_ms,
        silence_duration_ms,
    };
    let labels = VoiceText {
        start_call: text("start_call"),
        end_call: text("end_call"),
        call_to_action: text("call_to_action"),
        listening_status: text("listening_status"),
        speaking_status: text("speaking_status"),
    };
    let avatar = VoiceAvatar {
        image_url: text("image_url"),
    };
    let appearance = VoiceAppearance {
        background_color: text("background_color"),
        border_color: text("border_color"),
        button_color: text("button_color"),
        button_text_color: text("button_text_color"),
        text_color: text("text_color"),
        focus_outline_color: text("focus_outline_color"),
        button_radius,
        card_radius,
    };
    errors.into_result()?;
    fn nonempty<T: Default + PartialEq>(v: T) -> Option<T> {
        (v != T::default()).then_some(v)
    }
    Ok(VoiceWidgetConfig {
        agent_id: text("agent_id"),
        voice: text("voice"),
        model: nonempty(model),
        vad: nonempty(vad),
        text: nonempty(labels),
        avatar: nonempty(avatar),
        appearance: nonempty(appearance),
    })
}

/// The Voice Agent body that turns `before` into `after`: `after`'s fields, plus `null` for
/// every field `before` had and `after` leaves empty (JSON Merge Patch removes those).
pub fn voice_patch(before: &VoiceWidgetConfig, after: &VoiceWidgetConfig) -> serde_json::Value {
    use serde_json::Value;
    fn clear_removed(before: &Value, after: &mut Value) {
        let (Value::Object(old), Value::Object(new)) = (before, after) else {
            return;
        };
        for (key, old_value) in old {
            match new.get_mut(key) {
                Some(new_value) => clear_removed(old_value, new_value),
                None => {
                    new.insert(key.clone(), Value::Null);
                }
            }
        }
    }
    let before = serde_json::to_value(before).unwrap_or_default();
    let mut after =
        serde_json::to_value(after).unwrap_or_else(|_| Value::Object(Default::default()));
    clear_removed(&before, &mut after);
    after
}

/// The main form fields and the API path each reports under.
pub const FIELD_PATHS: [(&str, &str); 15] = [
    ("name", "name"),
    ("slug", "slug"),
    ("description", "description"),
    ("tone", "personality_config.tone"),
    ("style", "personality_config.style"),
    ("model", "settings.model"),
    ("prompt", "settings.prompt"),
    ("greeting", "settings.greeting"),
    ("header", "settings.snippet.header"),
    ("widget_name", "settings.snippet.name"),
    ("slogan", "settings.snippet.slogan"),
    ("logo", "settings.snippet.logo"),
    ("primary_color", "settings.snippet.primaryColor"),
    ("secondary_color", "settings.snippet.secondaryColor"),
    ("language", "chat_widget.language"),
];

/// The API path of a form field (`primary_color` → `settings.snippet.primaryColor`,
/// `voice.temperature` → `voice.model.temperature`).
pub fn path_of(field: &str) -> String {
    if let Some(key) = field.strip_prefix("voice.") {
        return format!("voice.{}", voice_path(key));
    }
    FIELD_PATHS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, p)| (*p).to_owned())
        .unwrap_or_default()
}

/// Languages offered for the chat widget, as (tag, name).
pub const LANGUAGES: [(&str, &str); 16] = [
    ("auto", "Detect from the visitor's browser"),
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("pt-BR", "Portuguese (Brazil)"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("tr", "Turkish"),
    ("ru", "Russian"),
    ("ar", "Arabic"),
    ("hi", "Hindi"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("zh", "Chinese"),
];

/// Models suggested in the model field (any name the provider knows is accepted).
pub const MODELS: [&str; 6] = [
    "gpt-4o-mini",
    "gpt-4o",
    "gpt-4.1-mini",
    "gpt-4.1",
    "o4-mini",
    "gpt-4.1-nano",
];

/// The embed snippet for a chatbot: okchat's `data-*` attributes on one script tag.
pub fn embed_snippet(script_url: &str, chatbot_id: &str, form: &ChatbotForm) -> String {
    let attr = |v: &str| {
        v.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let name = if form.widget_name.is_empty() {
        &form.name
    } else {
        &form.widget_name
    };
    let header = if form.header.is_empty() {
        &form.name
    } else {
        &form.header
    };
    let mut out = format!("<script src=\"{}\" defer\n", attr(script_url));
    for (key, value) in [
        ("chatbot-id", chatbot_id),
        ("header", header),
        ("logo", form.logo.trim()),
        ("name", name),
        ("slogan", &form.slogan),
        ("primary-color", &form.primary_color),
        ("secondary-color", &form.secondary_color),
        ("language", &form.language),
    ] {
        out.push_str(&format!("  data-{key}=\"{}\"\n", attr(value)));
    }
    out.push_str("></script>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_maps_onto_the_create_body_and_its_error_paths() {
        let form = ChatbotForm {
            name: "Support".into(),
            primary_color: "blue".into(),
            ..ChatbotForm::new_defaults()
        };
        let errors = form.errors(true);
        assert!(errors.contains_key(&path_of("primary_color")));
        assert!(!errors.contains_key(&path_of("name")));
        let body = form.to_create();
        assert_eq!(body.slug, None, "an empty slug is generated by the API");
        assert_eq!(body.is_public, Some(false));
        assert_eq!(
            body.settings.unwrap().model.as_deref(),
            Some(defaults::MODEL)
        );
    }

    #[test]
    fn a_stored_chatbot_fills_the_form_and_saves_back_unchanged() {
        let chatbot: okchat::ChatbotEnvelope = serde_json::from_str(include_str!(
            "../../tests/fixtures/get_chatbot_details.response.json"
        ))
        .unwrap();
        let form = ChatbotForm::from_chatbot(&chatbot.chatbot);
        assert_eq!(
            form.primary_color,
            chatbot.chatbot.settings.snippet.primary_color
        );
        assert_eq!(form.errors(false), BTreeMap::new());
        let patch = form.to_update();
        assert_eq!(patch.slug, None, "the slug is never sent");
        let snippet = patch.settings.unwrap().snippet.unwrap();
        assert_eq!(
            snippet.header.as_deref(),
            Some(chatbot.chatbot.settings.snippet.header.as_str())
        );
        if let Some(voice) = &chatbot.chatbot.voice_widget_config {
            assert_eq!(&form.to_voice().unwrap(), voice, "voice round-trips");
        }
    }

    #[test]
    fn voice_values_are_parsed_and_checked_against_the_api_ranges() {
        let mut form = ChatbotForm::new_defaults();
        form.name = "Bot".into();
        form.voice.insert("temperature".into(), "1.5".into());
        form.voice.insert("max_output_tokens".into(), "many".into());
        form.voice.insert("button_color".into(), "#123456".into());
        form.voice.insert("card_radius".into(), "".into());
        let errors = form.errors(false);
        assert!(
            errors.contains_key("voice.model.max_output_tokens"),
            "{errors:?}"
        );
        form.voice.insert("max_output_tokens".into(), "4096".into());
        let errors = form.errors(false);
        assert!(
            errors.contains_key(&path_of("voice.temperature")),
            "{errors:?}"
        );
        form.voice.insert("temperature".into(), "0.4".into());
        assert_eq!(form.errors(false), BTreeMap::new());
        let voice = form.to_voice().unwrap();
        assert_eq!(voice.model.unwrap().max_output_tokens, Some(4096));
        assert_eq!(
            voice.appearance.unwrap().card_radius,
            None,
            "empty means unset"
        );
        assert_eq!(voice.vad, None, "untouched groups are not sent");
    }

    #[test]
    fn every_voice_field_round_trips_through_a_stored_configuration() {
        let mut values = BTreeMap::new();
        for (i, field) in VOICE_FIELDS.iter().enumerate() {
            let value = match field.kind {
                VoiceKind::Text => format!("label {i}"),
                VoiceKind::Url => "https://example.com/a.png".into(),
                VoiceKind::Color => "#ABCDEF".into(),
                VoiceKind::Number { min, .. } => (min.parse::<i64>().unwrap() + 1).to_string(),
            };
            values.insert(field.key.to_owned(), value);
        }
        let config = voice_config(&values).unwrap();
        assert!(config.validate().is_ok());
        assert_eq!(voice_form(&config), values);
    }

    #[test]
    fn every_slider_range_is_the_api_range() {
        // The ranges are written out as text for the page; the API's rules decide. Both ends
        // must be accepted and one step past either end refused.
        for field in VOICE_FIELDS {
            let VoiceKind::Number {
                min,
                max,
                step,
                default,
            } = field.kind
            else {
                continue;
            };
            let (lo, hi, step, default): (f64, f64, f64, f64) = (
                min.parse().unwrap(),
                max.parse().unwrap(),
                step.parse().unwrap(),
                default.parse().unwrap(),
            );
            assert!(
                lo <= default && default <= hi && step > 0.0,
                "{}",
                field.key
            );
            let accepts = |v: f64| {
                let mut values = BTreeMap::new();
                let text = if v.fract() == 0.0 {
                    format!("{}", v as i64)
                } else {
                    v.to_string()
                };
                values.insert(field.key.to_owned(), text);
                voice_config(&values).is_ok_and(|c| c.validate().is_ok())
            };
            assert!(
                accepts(lo) && accepts(hi),
                "{} accepts {min}..={max}",
                field.key
            );
            assert!(!accepts(hi + step), "{} refuses above {max}", field.key);
            assert!(!accepts(lo - step), "{} refuses below {min}", field.key);
        }
    }

    #[test]
    fn a_cleared_voice_field_is_sent_as_null() {
        let mut values = BTreeMap::from([
            ("temperature".to_owned(), "0.3".to_owned()),
            ("start_call".to_owned(), "Call us".to_owned()),
        ]);
        let before = voice_config(&values).unwrap();
        values.remove("start_call");
        values.insert("temperature".into(), "0.4".into());
        let after = voice_config(&values).unwrap();
        assert_eq!(
            voice_patch(&before, &after),
            serde_json::json!({"model": {"temperature": 0.4}, "text": null})
        );
    }

    #[test]
    fn the_language_is_checked_and_the_embed_snippet_escapes_attributes() {
        let mut form = ChatbotForm::new_defaults();
        form.name = "Bot".into();
        form.language = "not a language".into();
        assert!(form.errors(false).contains_key(&path_of("language")));
        form.language = "ko".into();
        form.header = "Say \"hi\" <b>".into();
        let snippet = embed_snippet("https://chat.example.com/widget.js", "abc", &form);
        assert!(snippet.contains("data-chatbot-id=\"abc\""));
        assert!(snippet.contains("data-header=\"Say &quot;hi&quot; &lt;b&gt;\""));
        assert!(snippet.contains("data-language=\"ko\""));
        assert!(
            snippet.contains("data-name=\"Bot\""),
            "the name stands in for an empty widget name"
        );
    }

    #[test]
    fn the_browser_encoding_of_the_form_decodes_into_it() {
        let query = "input[name]=Bot&input[voice][temperature]=0.5&input[is_tool_enabled]=on";
        #[derive(Deserialize)]
        struct Args {
            input: ChatbotForm,
        }
        let args: Args = serde_qs::from_str(query).unwrap();
        assert_eq!(args.input.name, "Bot");
        assert_eq!(
            args.input.voice.get("temperature").map(String::as_str),
            Some("0.5")
        );
        assert!(args.input.is_tool_enabled.is_some());
    }
}
