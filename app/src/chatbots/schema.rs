//! The chatbot form as one table. Each field names its form key, the API call that saves it and
//! its JSON path in that call's body, its label and kind, its value for a new chatbot, how it
//! is read from a stored chatbot and how it is written into a body. Everything else derives
//! from the table: the draft, the checks (okchat's own rules on the typed bodies), the field
//! errors, the server-rendered values, the diff a save sends, and the history's labels.
//! Adding a field is one entry here plus its place in the form's view.
//!
//! Values travel as text keyed by form key (`Values`): toggles are `"on"` or empty, numbers
//! the text the person typed, an empty voice field is unset.

use std::collections::BTreeMap;

use okchat::validate::Validate;
use okchat::widget::{Vad, VoiceAppearance, VoiceAvatar, VoiceModel, VoiceText};
use okchat::{
    defaults, ChatWidgetUpdate, Chatbot, CreateChatbot, PersonalityConfig, SettingsInput,
    SnippetInput, UpdateChatbot, VoiceWidgetConfig,
};

/// The form's values by form key.
pub type Values = BTreeMap<String, String>;

/// The API call that saves a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saves {
    /// Create / Update Chatbot.
    Chatbot,
    /// Chat Widget (the widget's language, allowed sites and sources; the branding travels in
    /// `settings.snippet`).
    ChatWidget,
    /// Voice Agent.
    VoiceAgent,
}

impl Saves {
    /// In the order a save sends them: the chatbot first, its answer carries the new version.
    pub const ALL: [Saves; 3] = [Saves::Chatbot, Saves::ChatWidget, Saves::VoiceAgent];

    /// Where this call's fields sit in the chatbot object the API returns.
    pub fn prefix(self) -> &'static str {
        match self {
            Saves::Chatbot => "",
            Saves::ChatWidget => "chat_widget_config.",
            Saves::VoiceAgent => "voice_widget_config.",
        }
    }

    /// What the person calls this part of a save.
    pub fn title(self) -> &'static str {
        match self {
            Saves::Chatbot => "the chatbot's settings",
            Saves::ChatWidget => "the widget's language, sites and sources",
            Saves::VoiceAgent => "the voice agent",
        }
    }
}

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// One line, with optional suggestions while typing.
    Line {
        suggestions: &'static [&'static str],
    },
    /// Several lines with a character count.
    Long {
        rows: u32,
        max: usize,
    },
    /// A picker beside a hex field; `contrast` adds the WCAG badge.
    Color {
        contrast: bool,
    },
    /// A slider beside a number field. Written as the text the page shows (the API's rules
    /// check the value), so the browser bundle needs no float formatting; `default` is what
    /// the agent uses while the field is empty.
    Number {
        min: &'static str,
        max: &'static str,
        step: &'static str,
        default: &'static str,
    },
    Select(&'static [(&'static str, &'static str)]),
    Toggle,
}

/// A stored value, typed: formatting it as text happens on the server only.
pub enum Stored {
    Text(String),
    Flag(bool),
    Float(Option<f64>),
    Int(Option<i64>),
}

impl Stored {
    #[cfg(feature = "ssr")]
    fn into_value(self) -> String {
        match self {
            Stored::Text(text) => text,
            Stored::Flag(on) => if on { "on" } else { "" }.to_owned(),
            Stored::Float(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Stored::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
}

/// The bodies of the three calls a save can make, filled field by field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bodies {
    pub chatbot: CreateChatbot,
    pub chat_widget: ChatWidgetUpdate,
    pub voice: VoiceWidgetConfig,
}

impl Bodies {
    fn personality(&mut self) -> &mut PersonalityConfig {
        self.chatbot
            .personality_config
            .get_or_insert_with(Default::default)
    }
    fn settings(&mut self) -> &mut SettingsInput {
        self.chatbot.settings.get_or_insert_with(Default::default)
    }
    fn snippet(&mut self) -> &mut SnippetInput {
        self.settings().snippet.get_or_insert_with(Default::default)
    }
    fn voice_model(&mut self) -> &mut VoiceModel {
        self.voice.model.get_or_insert_with(Default::default)
    }
    fn vad(&mut self) -> &mut Vad {
        self.voice.vad.get_or_insert_with(Default::default)
    }
    fn voice_text(&mut self) -> &mut VoiceText {
        self.voice.text.get_or_insert_with(Default::default)
    }
    fn voice_avatar(&mut self) -> &mut VoiceAvatar {
        self.voice.avatar.get_or_insert_with(Default::default)
    }
    fn appearance(&mut self) -> &mut VoiceAppearance {
        self.voice.appearance.get_or_insert_with(Default::default)
    }

    /// The Update Chatbot merge patch of what is set (an update never sends the slug).
    pub fn update(&self) -> UpdateChatbot {
        let c = self.chatbot.clone();
        UpdateChatbot {
            name: c.name,
            slug: None,
            description: c.description,
            is_public: c.is_public,
            active: c.active,
            personality_config: c.personality_config,
            settings: c.settings,
            openai_api_key: c.openai_api_key,
        }
    }
}

type Write = fn(&mut Bodies, &str) -> Result<(), &'static str>;

/// One field of the chatbot form.
pub struct FieldSpec {
    /// The form key: element ids, posted names and test ids derive from it.
    pub key: &'static str,
    pub saves: Saves,
    /// The JSON path in the body of `saves` (and where its API errors point).
    pub path: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub placeholder: &'static str,
    pub kind: Kind,
    /// A new chatbot's value: the API's own default.
    pub initial: &'static str,
    pub read: fn(&Chatbot) -> Stored,
    pub write: Write,
}

impl FieldSpec {
    /// The field's path in the chatbot object the API returns (`voice_widget_config.vad.threshold`).
    pub fn api_path(&self) -> String {
        format!("{}{}", self.saves.prefix(), self.path)
    }
}

fn trimmed(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

fn on(v: &str) -> bool {
    v == "on" || v == "true"
}

fn float(v: &str) -> Result<Option<f64>, &'static str> {
    match trimmed(v) {
        None => Ok(None),
        Some(v) => match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => Err("must be a number"),
        },
    }
}

fn int(v: &str) -> Result<Option<i64>, &'static str> {
    match trimmed(v) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| "must be a whole number"),
    }
}

fn voice(c: &Chatbot) -> VoiceWidgetConfig {
    c.voice_widget_config.clone().unwrap_or_default()
}

/// Suggested for the model field (any name the provider knows is accepted).
pub const MODELS: [&str; 6] = [
    "gpt-4o-mini",
    "gpt-4o",
    "gpt-4.1-mini",
    "gpt-4.1",
    "o4-mini",
    "gpt-4.1-nano",
];

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

const fn text(
    key: &'static str,
    saves: Saves,
    path: &'static str,
    label: &'static str,
) -> FieldSpec {
    FieldSpec {
        key,
        saves,
        path,
        label,
        hint: "",
        placeholder: "",
        kind: Kind::Line { suggestions: &[] },
        initial: "",
        read: |_| Stored::Text(String::new()),
        write: |_, _| Ok(()),
    }
}

/// Room for the API's most sites, each a long origin.
const ALLOWED_SITES_TEXT_MAX: usize = okchat::validate::ALLOWED_ORIGINS_MAX * 100;

/// The sites typed one per line (or separated by spaces or commas), as browsers send origins:
/// a pasted `HTTPS://Shop.example:443/` is `https://shop.example` (lower case, without the
/// trailing slash and the scheme's default port, which no origin has).
fn site_list(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|site| !site.is_empty())
        .map(|site| {
            let site = site.to_ascii_lowercase();
            let site = site.strip_suffix('/').unwrap_or(&site);
            let default_port = if site.starts_with("https://") {
                ":443"
            } else {
                ":80"
            };
            site.strip_suffix(default_port).unwrap_or(site).to_owned()
        })
        .collect()
}

/// How many fields the form has.
pub const FIELD_COUNT: usize = 41;

/// Every field, in the order of the form. Voice ranges are the API's (`okchat::validate`),
/// their defaults okchat's dashboard defaults.
pub static FIELDS: [FieldSpec; FIELD_COUNT] = [
    FieldSpec {
        read: |c| Stored::Text(c.name.clone()),
        write: |b, v| {
            b.chatbot.name = Some(v.to_owned());
            Ok(())
        },
        ..text("name", Saves::Chatbot, "name", "Name")
    },
    FieldSpec {
        hint: "Lowercase letters, digits and dashes; suggested from the name.",
        read: |c| Stored::Text(c.slug.clone()),
        // An empty slug is left to the API to generate; an update never sends it.
        write: |b, v| {
            b.chatbot.slug = trimmed(v);
            Ok(())
        },
        ..text("slug", Saves::Chatbot, "slug", "Slug")
    },
    FieldSpec {
        kind: Kind::Long {
            rows: 2,
            max: okchat::validate::DESCRIPTION_MAX,
        },
        read: |c| Stored::Text(c.description.clone()),
        write: |b, v| {
            b.chatbot.description = Some(v.to_owned());
            Ok(())
        },
        ..text("description", Saves::Chatbot, "description", "Description")
    },
    FieldSpec {
        hint: "Anyone with the embed code can chat with it.",
        kind: Kind::Toggle,
        read: |c| Stored::Flag(c.is_public),
        write: |b, v| {
            b.chatbot.is_public = Some(on(v));
            Ok(())
        },
        ..text("is_public", Saves::Chatbot, "is_public", "Public")
    },
    FieldSpec {
        hint: "The language model that writes the answers.",
        kind: Kind::Line {
            suggestions: &MODELS,
        },
        initial: defaults::MODEL,
        read: |c| Stored::Text(c.settings.model.clone()),
        write: |b, v| {
            b.settings().model = Some(v.trim().to_owned());
            Ok(())
        },
        ..text("model", Saves::Chatbot, "settings.model", "Model")
    },
    FieldSpec {
        kind: Kind::Line {
            suggestions: &["Professional", "Friendly", "Casual", "Formal", "Playful"],
        },
        initial: defaults::TONE,
        read: |c| Stored::Text(c.personality_config.tone.clone().unwrap_or_default()),
        write: |b, v| {
            b.personality().tone = Some(v.to_owned());
            Ok(())
        },
        ..text("tone", Saves::Chatbot, "personality_config.tone", "Tone")
    },
    FieldSpec {
        kind: Kind::Line {
            suggestions: &["Friendly", "Concise", "Detailed", "Empathetic", "Technical"],
        },
        initial: defaults::STYLE,
        read: |c| Stored::Text(c.personality_config.style.clone().unwrap_or_default()),
        write: |b, v| {
            b.personality().style = Some(v.to_owned());
            Ok(())
        },
        ..text("style", Saves::Chatbot, "personality_config.style", "Style")
    },
    FieldSpec {
        hint: "Instructions the model follows in every conversation.",
        kind: Kind::Long {
            rows: 8,
            max: okchat::validate::PROMPT_MAX,
        },
        initial: defaults::PROMPT,
        read: |c| Stored::Text(c.settings.prompt.clone()),
        write: |b, v| {
            b.settings().prompt = Some(v.to_owned());
            Ok(())
        },
        ..text("prompt", Saves::Chatbot, "settings.prompt", "Prompt")
    },
    FieldSpec {
        kind: Kind::Long {
            rows: 2,
            max: okchat::validate::GREETING_MAX,
        },
        initial: defaults::GREETING,
        read: |c| Stored::Text(c.settings.greeting.clone()),
        write: |b, v| {
            b.settings().greeting = Some(v.to_owned());
            Ok(())
        },
        ..text("greeting", Saves::Chatbot, "settings.greeting", "Greeting")
    },
    FieldSpec {
        hint: "Let the chatbot call its enabled tools while answering.",
        kind: Kind::Toggle,
        read: |c| Stored::Flag(c.settings.is_tool_enabled),
        write: |b, v| {
            b.settings().is_tool_enabled = Some(on(v));
            Ok(())
        },
        ..text(
            "is_tool_enabled",
            Saves::Chatbot,
            "settings.isToolEnabled",
            "Tools",
        )
    },
    FieldSpec {
        hint: "Ask visitors for their name and email during the conversation.",
        kind: Kind::Toggle,
        read: |c| Stored::Flag(c.settings.is_request_user_info_enabled),
        write: |b, v| {
            b.settings().is_request_user_info_enabled = Some(on(v));
            Ok(())
        },
        ..text(
            "is_request_user_info_enabled",
            Saves::Chatbot,
            "settings.isRequestUserInfoEnabled",
            "Lead capture",
        )
    },
    FieldSpec {
        placeholder: "The chatbot's name",
        read: |c| Stored::Text(c.settings.snippet.header.clone()),
        write: |b, v| {
            b.snippet().header = Some(v.to_owned());
            Ok(())
        },
        ..text(
            "header",
            Saves::Chatbot,
            "settings.snippet.header",
            "Header",
        )
    },
    FieldSpec {
        placeholder: "The chatbot's name",
        read: |c| Stored::Text(c.settings.snippet.name.clone()),
        write: |b, v| {
            b.snippet().name = Some(v.to_owned());
            Ok(())
        },
        ..text(
            "widget_name",
            Saves::Chatbot,
            "settings.snippet.name",
            "Widget name",
        )
    },
    FieldSpec {
        initial: defaults::SLOGAN,
        read: |c| Stored::Text(c.settings.snippet.slogan.clone()),
        write: |b, v| {
            b.snippet().slogan = Some(v.to_owned());
            Ok(())
        },
        ..text(
            "slogan",
            Saves::Chatbot,
            "settings.snippet.slogan",
            "Slogan",
        )
    },
    FieldSpec {
        hint: "An https:// image URL.",
        read: |c| Stored::Text(c.settings.snippet.logo.clone()),
        write: |b, v| {
            b.snippet().logo = Some(v.trim().to_owned());
            Ok(())
        },
        ..text("logo", Saves::Chatbot, "settings.snippet.logo", "Logo URL")
    },
    FieldSpec {
        kind: Kind::Color { contrast: true },
        initial: defaults::PRIMARY_COLOR,
        read: |c| Stored::Text(c.settings.snippet.primary_color.clone()),
        write: |b, v| {
            b.snippet().primary_color = Some(v.to_owned());
            Ok(())
        },
        ..text(
            "primary_color",
            Saves::Chatbot,
            "settings.snippet.primaryColor",
            "Primary color",
        )
    },
    FieldSpec {
        kind: Kind::Color { contrast: true },
        initial: defaults::SECONDARY_COLOR,
        read: |c| Stored::Text(c.settings.snippet.secondary_color.clone()),
        write: |b, v| {
            b.snippet().secondary_color = Some(v.to_owned());
            Ok(())
        },
        ..text(
            "secondary_color",
            Saves::Chatbot,
            "settings.snippet.secondaryColor",
            "Secondary color",
        )
    },
    FieldSpec {
        kind: Kind::Select(&LANGUAGES),
        initial: defaults::LANGUAGE,
        read: |c| {
            Stored::Text(
                c.chat_widget_config
                    .as_ref()
                    .map(|w| w.language.clone())
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| defaults::LANGUAGE.into()),
            )
        },
        write: |b, v| {
            b.chat_widget.language = Some(v.to_owned());
            Ok(())
        },
        ..text("language", Saves::ChatWidget, "language", "Widget language")
    },
    FieldSpec {
        hint: "The sites that may show this widget, one per line (https://shop.example, \
               http://localhost:8080). Empty: any site.",
        placeholder: "https://www.example.com",
        kind: Kind::Long {
            rows: 3,
            max: ALLOWED_SITES_TEXT_MAX,
        },
        read: |c| {
            Stored::Text(
                c.chat_widget_config
                    .as_ref()
                    .map(|w| w.allowed_origins.join("\n"))
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            b.chat_widget.allowed_origins = Some(site_list(v));
            Ok(())
        },
        ..text(
            "allowed_origins",
            Saves::ChatWidget,
            "allowedOrigins",
            "Allowed sites",
        )
    },
    FieldSpec {
        hint: "List under each answer the documents it drew on.",
        kind: Kind::Toggle,
        read: |c| {
            Stored::Flag(
                c.chat_widget_config
                    .as_ref()
                    .is_some_and(|w| w.show_sources),
            )
        },
        write: |b, v| {
            b.chat_widget.show_sources = Some(on(v));
            Ok(())
        },
        ..text(
            "show_sources",
            Saves::ChatWidget,
            "showSources",
            "Show sources",
        )
    },
    FieldSpec {
        read: |c| Stored::Text(voice(c).agent_id.unwrap_or_default()),
        write: |b, v| {
            b.voice.agent_id = trimmed(v);
            Ok(())
        },
        ..voice_text("voice.agent_id", "agentId", "Agent ID")
    },
    FieldSpec {
        read: |c| Stored::Text(voice(c).voice.unwrap_or_default()),
        write: |b, v| {
            b.voice.voice = trimmed(v);
            Ok(())
        },
        ..voice_text("voice.voice", "voice", "Voice")
    },
    FieldSpec {
        kind: number("0", "1", "0.05", "0.7"),
        read: |c| Stored::Float(voice(c).model.and_then(|m| m.temperature)),
        write: |b, v| {
            if let Some(n) = float(v)? {
                b.voice_model().temperature = Some(n);
            }
            Ok(())
        },
        ..voice_text("voice.temperature", "model.temperature", "Temperature")
    },
    FieldSpec {
        kind: number("1", "16384", "1", "2048"),
        read: |c| Stored::Int(voice(c).model.and_then(|m| m.max_output_tokens)),
        write: |b, v| {
            if let Some(n) = int(v)? {
                b.voice_model().max_output_tokens = Some(n);
            }
            Ok(())
        },
        ..voice_text(
            "voice.max_output_tokens",
            "model.max_output_tokens",
            "Max output tokens",
        )
    },
    FieldSpec {
        kind: number("0", "1", "0.05", "0.5"),
        read: |c| Stored::Float(voice(c).vad.and_then(|v| v.threshold)),
        write: |b, v| {
            if let Some(n) = float(v)? {
                b.vad().threshold = Some(n);
            }
            Ok(())
        },
        ..voice_text(
            "voice.vad_threshold",
            "vad.threshold",
            "Voice detection threshold",
        )
    },
    FieldSpec {
        kind: number("0", "10000", "50", "500"),
        read: |c| Stored::Int(voice(c).vad.and_then(|v| v.prefix_padding_ms)),
        write: |b, v| {
            if let Some(n) = int(v)? {
                b.vad().prefix_padding_ms = Some(n);
            }
            Ok(())
        },
        ..voice_text(
            "voice.prefix_padding_ms",
            "vad.prefix_padding_ms",
            "Prefix padding (ms)",
        )
    },
    FieldSpec {
        kind: number("0", "10000", "50", "1000"),
        read: |c| Stored::Int(voice(c).vad.and_then(|v| v.silence_duration_ms)),
        write: |b, v| {
            if let Some(n) = int(v)? {
                b.vad().silence_duration_ms = Some(n);
            }
            Ok(())
        },
        ..voice_text(
            "voice.silence_duration_ms",
            "vad.silence_duration_ms",
            "Silence duration (ms)",
        )
    },
    FieldSpec {
        read: |c| Stored::Text(voice(c).text.and_then(|t| t.start_call).unwrap_or_default()),
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.voice_text().start_call = Some(v);
            }
            Ok(())
        },
        ..voice_text("voice.start_call", "text.startCall", "Start call button")
    },
    FieldSpec {
        read: |c| Stored::Text(voice(c).text.and_then(|t| t.end_call).unwrap_or_default()),
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.voice_text().end_call = Some(v);
            }
            Ok(())
        },
        ..voice_text("voice.end_call", "text.endCall", "End call button")
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .text
                    .and_then(|t| t.call_to_action)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.voice_text().call_to_action = Some(v);
            }
            Ok(())
        },
        ..voice_text(
            "voice.call_to_action",
            "text.callToAction",
            "Call to action",
        )
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .text
                    .and_then(|t| t.listening_status)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.voice_text().listening_status = Some(v);
            }
            Ok(())
        },
        ..voice_text(
            "voice.listening_status",
            "text.listeningStatus",
            "Listening status",
        )
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .text
                    .and_then(|t| t.speaking_status)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.voice_text().speaking_status = Some(v);
            }
            Ok(())
        },
        ..voice_text(
            "voice.speaking_status",
            "text.speakingStatus",
            "Speaking status",
        )
    },
    FieldSpec {
        placeholder: "https://…",
        read: |c| {
            Stored::Text(
                voice(c)
                    .avatar
                    .and_then(|a| a.image_url)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.voice_avatar().image_url = Some(v);
            }
            Ok(())
        },
        ..voice_text(
            "voice.image_url",
            "avatar.imageUrl",
            "Voice avatar image URL",
        )
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .appearance
                    .and_then(|a| a.background_color)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.appearance().background_color = Some(v);
            }
            Ok(())
        },
        ..voice_color(
            "voice.background_color",
            "appearance.backgroundColor",
            "Background color",
        )
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .appearance
                    .and_then(|a| a.border_color)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.appearance().border_color = Some(v);
            }
            Ok(())
        },
        ..voice_color(
            "voice.border_color",
            "appearance.borderColor",
            "Border color",
        )
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .appearance
                    .and_then(|a| a.button_color)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.appearance().button_color = Some(v);
            }
            Ok(())
        },
        ..voice_color(
            "voice.button_color",
            "appearance.buttonColor",
            "Button color",
        )
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .appearance
                    .and_then(|a| a.button_text_color)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.appearance().button_text_color = Some(v);
            }
            Ok(())
        },
        ..voice_color(
            "voice.button_text_color",
            "appearance.buttonTextColor",
            "Button label color",
        )
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .appearance
                    .and_then(|a| a.text_color)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.appearance().text_color = Some(v);
            }
            Ok(())
        },
        ..voice_color(
            "voice.text_color",
            "appearance.textColor",
            "Body text color",
        )
    },
    FieldSpec {
        read: |c| {
            Stored::Text(
                voice(c)
                    .appearance
                    .and_then(|a| a.focus_outline_color)
                    .unwrap_or_default(),
            )
        },
        write: |b, v| {
            if let Some(v) = trimmed(v) {
                b.appearance().focus_outline_color = Some(v);
            }
            Ok(())
        },
        ..voice_color(
            "voice.focus_outline_color",
            "appearance.focusOutlineColor",
            "Focus outline color",
        )
    },
    FieldSpec {
        kind: number("0", "64", "1", "8"),
        read: |c| Stored::Int(voice(c).appearance.and_then(|a| a.button_radius)),
        write: |b, v| {
            if let Some(n) = int(v)? {
                b.appearance().button_radius = Some(n);
            }
            Ok(())
        },
        ..voice_text(
            "voice.button_radius",
            "appearance.buttonRadius",
            "Button radius (px)",
        )
    },
    FieldSpec {
        kind: number("0", "64", "1", "16"),
        read: |c| Stored::Int(voice(c).appearance.and_then(|a| a.card_radius)),
        write: |b, v| {
            if let Some(n) = int(v)? {
                b.appearance().card_radius = Some(n);
            }
            Ok(())
        },
        ..voice_text(
            "voice.card_radius",
            "appearance.cardRadius",
            "Card radius (px)",
        )
    },
];

const fn number(
    min: &'static str,
    max: &'static str,
    step: &'static str,
    default: &'static str,
) -> Kind {
    Kind::Number {
        min,
        max,
        step,
        default,
    }
}

const fn voice_text(key: &'static str, path: &'static str, label: &'static str) -> FieldSpec {
    FieldSpec {
        placeholder: "Default",
        ..text(key, Saves::VoiceAgent, path, label)
    }
}

const fn voice_color(key: &'static str, path: &'static str, label: &'static str) -> FieldSpec {
    FieldSpec {
        kind: Kind::Color { contrast: false },
        ..voice_text(key, path, label)
    }
}

/// The field with form key `key`.
pub fn spec(key: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.key == key)
}

/// The position of `key` in [`FIELDS`]. Panics for a key that is not there: a typo in a view.
pub fn index(key: &str) -> usize {
    FIELDS
        .iter()
        .position(|f| f.key == key)
        .unwrap_or_else(|| panic!("no chatbot field {key:?}"))
}

/// The field whose error `path` names in the answer of `saves`, and the error's place in
/// it when the path is one entry of a list field (`allowedOrigins.2` is the third site).
fn key_of(saves: Saves, path: &str) -> Option<(&'static str, Option<usize>)> {
    FIELDS.iter().filter(|f| f.saves == saves).find_map(|f| {
        if f.path == path {
            return Some((f.key, None));
        }
        let entry = path.strip_prefix(f.path)?.strip_prefix('.')?.parse().ok()?;
        Some((f.key, Some(entry)))
    })
}

/// What a new chatbot's form starts with: the API's own defaults.
pub fn initial_values() -> Values {
    FIELDS
        .iter()
        .map(|f| (f.key.to_owned(), f.initial.to_owned()))
        .collect()
}

/// The form filled from a stored chatbot.
#[cfg(feature = "ssr")]
pub fn values_of(chatbot: &Chatbot) -> Values {
    FIELDS
        .iter()
        .map(|f| (f.key.to_owned(), (f.read)(chatbot).into_value()))
        .collect()
}

/// Field errors by form key.
pub type FieldErrors = BTreeMap<String, String>;

/// The bodies `values` fill, only for the fields `keep` selects; text that is not a number
/// where one is needed is a field error.
pub fn bodies(values: &Values, keep: impl Fn(&FieldSpec) -> bool) -> (Bodies, FieldErrors) {
    let mut bodies = Bodies::default();
    let mut errors = FieldErrors::new();
    for field in FIELDS.iter().filter(|f| keep(f)) {
        let value = values.get(field.key).map(String::as_str).unwrap_or("");
        if let Err(reason) = (field.write)(&mut bodies, value) {
            errors.insert(field.key.to_owned(), reason.to_owned());
        }
    }
    (bodies, errors)
}

/// Adds API field errors of the call `saves` (keyed by its JSON paths) under form keys. A path
/// no field has stays as it is, so nothing the API says is lost.
pub fn add_api_errors(errors: &mut FieldErrors, saves: Saves, api: BTreeMap<String, String>) {
    for (path, reason) in api {
        let (key, reason) = match key_of(saves, &path) {
            Some((key, None)) => (key.to_owned(), reason),
            Some((key, Some(entry))) => (key.to_owned(), format!("Site {}: {reason}", entry + 1)),
            None => (path, reason),
        };
        errors.entry(key).or_insert(reason);
    }
}

/// Every rule the API applies to what these values save, by form key. `create` checks the
/// Create body (slug rules included), else the Update body.
pub fn errors(values: &Values, create: bool) -> FieldErrors {
    let (bodies, mut errors) = bodies(values, |_| true);
    let chatbot = if create {
        bodies.chatbot.validate()
    } else {
        bodies.update().validate()
    };
    for (saves, result) in [
        (Saves::Chatbot, chatbot),
        (Saves::ChatWidget, bodies.chat_widget.validate()),
        (Saves::VoiceAgent, bodies.voice.validate()),
    ] {
        if let Err(e) = result {
            add_api_errors(&mut errors, saves, e.0);
        }
    }
    errors
}

/// What a save sends: for each call with a changed field, the merge patch of exactly those
/// fields (a cleared voice field as `null`, which removes it), each checked with the API's
/// rules before anything is sent. `changes` maps form keys to their new values.
#[cfg(feature = "ssr")]
pub fn patches(changes: &Values) -> Result<Vec<(Saves, serde_json::Value)>, FieldErrors> {
    let (bodies, mut errors) = bodies(changes, |f| changes.contains_key(f.key));
    let mut patches = Vec::new();
    for saves in Saves::ALL {
        let changed: Vec<&FieldSpec> = FIELDS
            .iter()
            .filter(|f| f.saves == saves && changes.contains_key(f.key))
            .collect();
        if changed.is_empty() {
            continue;
        }
        let (mut patch, checked) = match saves {
            Saves::Chatbot => (
                serde_json::to_value(bodies.update()),
                bodies.update().validate(),
            ),
            Saves::ChatWidget => (
                serde_json::to_value(&bodies.chat_widget),
                bodies.chat_widget.validate(),
            ),
            Saves::VoiceAgent => (serde_json::to_value(&bodies.voice), bodies.voice.validate()),
        };
        if let Err(e) = checked {
            add_api_errors(&mut errors, saves, e.0);
        }
        let Ok(patch) = patch.as_mut() else {
            continue;
        };
        for field in changed {
            if saves == Saves::VoiceAgent && changes[field.key].trim().is_empty() {
                set_path(patch, field.path, serde_json::Value::Null);
            }
        }
        patches.push((saves, std::mem::take(patch)));
    }
    if errors.is_empty() {
        Ok(patches)
    } else {
        Err(errors)
    }
}

/// Sets `value` at the dotted `path` in `target`, creating the objects on the way.
#[cfg(feature = "ssr")]
fn set_path(target: &mut serde_json::Value, path: &str, value: serde_json::Value) {
    let mut at = target;
    for key in path.split('.') {
        if !at.is_object() {
            *at = serde_json::Value::Object(Default::default());
        }
        at = at
            .as_object_mut()
            .expect("made an object above")
            .entry(key.to_owned())
            .or_insert(serde_json::Value::Null);
    }
    *at = value;
}

/// The labels of the fields at these API paths (a settings version's `changed`), in form
/// order; paths no form field shows (the avatar, say) are named as they are.
pub fn labels_of(paths: &[String]) -> Vec<String> {
    let mut labels: Vec<String> = FIELDS
        .iter()
        .filter(|f| paths.contains(&f.api_path()))
        .map(|f| f.label.to_owned())
        .collect();
    for path in paths {
        if !FIELDS.iter().any(|f| &f.api_path() == path) {
            labels.push(match path.as_str() {
                "settings.avatar" => "Avatar".to_owned(),
                "active" => "Active".to_owned(),
                other => other.to_owned(),
            });
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Chatbot {
        let envelope: okchat::ChatbotEnvelope = serde_json::from_str(include_str!(
            "../../../tests/fixtures/get_chatbot_details.response.json"
        ))
        .unwrap();
        envelope.chatbot
    }

    #[test]
    fn keys_and_paths_are_unique() {
        for (i, a) in FIELDS.iter().enumerate() {
            for b in &FIELDS[i + 1..] {
                assert_ne!(a.key, b.key);
                assert_ne!(a.api_path(), b.api_path(), "{} and {}", a.key, b.key);
            }
        }
    }

    #[test]
    fn a_new_form_starts_from_the_api_defaults_and_maps_onto_the_create_body() {
        let mut values = initial_values();
        values.insert("name".into(), "Support".into());
        assert_eq!(errors(&values, true), FieldErrors::new());
        let (bodies, _) = bodies(&values, |_| true);
        assert_eq!(
            bodies.chatbot.slug, None,
            "an empty slug is generated by the API"
        );
        assert_eq!(bodies.chatbot.is_public, Some(false));
        let settings = bodies.chatbot.settings.unwrap();
        assert_eq!(settings.model.as_deref(), Some(defaults::MODEL));
        assert_eq!(
            bodies.voice,
            VoiceWidgetConfig::default(),
            "no voice group is sent"
        );
        values.insert("primary_color".into(), "blue".into());
        assert!(errors(&values, true).contains_key("primary_color"));
    }

    #[test]
    fn a_stored_chatbot_fills_the_form_and_saves_back_unchanged() {
        let chatbot = stored();
        let values = values_of(&chatbot);
        assert_eq!(
            values["primary_color"],
            chatbot.settings.snippet.primary_color
        );
        assert_eq!(errors(&values, false), FieldErrors::new());
        let (bodies, _) = bodies(&values, |_| true);
        assert_eq!(bodies.update().slug, None, "the slug is never sent");
        assert_eq!(
            bodies
                .chatbot
                .settings
                .unwrap()
                .snippet
                .unwrap()
                .header
                .as_deref(),
            Some(chatbot.settings.snippet.header.as_str())
        );
        if let Some(voice) = &chatbot.voice_widget_config {
            assert_eq!(&bodies.voice, voice, "voice round-trips");
        }
    }

    #[test]
    fn every_field_reads_back_what_it_writes() {
        let mut values = initial_values();
        for (i, field) in FIELDS.iter().enumerate() {
            let value = match field.kind {
                Kind::Toggle => "on".to_owned(),
                Kind::Color { .. } => "#ABCDEF".to_owned(),
                Kind::Number { min, .. } => (min.parse::<i64>().unwrap() + 1).to_string(),
                Kind::Select(options) => options[1].0.to_owned(),
                _ if field.key.contains("image_url") => "https://example.com/a.png".into(),
                _ if field.key == "slug" => "support-bot".into(),
                _ if field.key == "logo" => "https://example.com/logo.png".into(),
                _ if field.key == "allowed_origins" => {
                    "https://shop.example\nhttp://localhost:8080".into()
                }
                _ => format!("value {i}"),
            };
            values.insert(field.key.to_owned(), value);
        }
        assert_eq!(errors(&values, true), FieldErrors::new());
        let (bodies, _) = bodies(&values, |_| true);
        let mut chatbot = stored();
        let stored_json = serde_json::to_value(&chatbot).unwrap();
        let mut merged = stored_json.clone();
        merge(&mut merged, &serde_json::to_value(&bodies.chatbot).unwrap());
        chatbot = serde_json::from_value(merged).unwrap();
        chatbot.voice_widget_config = Some(bodies.voice.clone());
        let widget = chatbot
            .chat_widget_config
            .get_or_insert_with(Default::default);
        widget.language = bodies.chat_widget.language.clone().unwrap();
        widget.allowed_origins = bodies.chat_widget.allowed_origins.clone().unwrap();
        widget.show_sources = bodies.chat_widget.show_sources.unwrap();
        assert_eq!(values_of(&chatbot), values);
    }

    fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
        match (target, patch) {
            (serde_json::Value::Object(t), serde_json::Value::Object(p)) => {
                for (k, v) in p {
                    merge(t.entry(k.clone()).or_insert(serde_json::Value::Null), v);
                }
            }
            (t, p) => *t = p.clone(),
        }
    }

    #[test]
    fn allowed_sites_are_read_one_per_line_and_a_bad_one_is_named_by_its_place() {
        let mut values = initial_values();
        values.insert("name".into(), "Bot".into());
        values.insert(
            "allowed_origins".into(),
            "https://shop.example/\n\n  http://localhost:8080, HTTPS://B.Example:443/ http://c.example:80"
                .into(),
        );
        assert_eq!(errors(&values, false), FieldErrors::new());
        let (bodies, _) = bodies(&values, |f| f.key == "allowed_origins");
        assert_eq!(
            bodies.chat_widget.allowed_origins.unwrap(),
            [
                "https://shop.example",
                "http://localhost:8080",
                "https://b.example",
                "http://c.example"
            ]
        );

        values.insert(
            "allowed_origins".into(),
            "https://shop.example\nshop.example/path".into(),
        );
        let found = errors(&values, false);
        let reason = found
            .get("allowed_origins")
            .expect("the field has the error");
        assert!(reason.starts_with("Site 2: "), "{reason}");
    }

    #[test]
    fn voice_numbers_are_checked_against_the_api_ranges() {
        let mut values = initial_values();
        values.insert("name".into(), "Bot".into());
        values.insert("voice.temperature".into(), "1.5".into());
        values.insert("voice.max_output_tokens".into(), "many".into());
        let found = errors(&values, false);
        assert_eq!(
            found.get("voice.max_output_tokens").map(String::as_str),
            Some("must be a whole number")
        );
        values.insert("voice.max_output_tokens".into(), "4096".into());
        assert!(errors(&values, false).contains_key("voice.temperature"));
        values.insert("voice.temperature".into(), "0.4".into());
        assert_eq!(errors(&values, false), FieldErrors::new());
    }

    #[test]
    fn every_slider_range_is_the_api_range() {
        // The ranges are written out as text for the page; the API's rules decide. Both ends
        // must be accepted and one step past either end refused.
        for field in &FIELDS {
            let Kind::Number {
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
                let text = if v.fract() == 0.0 {
                    format!("{}", v as i64)
                } else {
                    v.to_string()
                };
                let values = Values::from([(field.key.to_owned(), text)]);
                let (bodies, parse) = bodies(&values, |f| f.key == field.key);
                parse.is_empty() && bodies.voice.validate().is_ok()
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
    fn api_errors_land_on_their_fields() {
        let mut errors = FieldErrors::new();
        add_api_errors(
            &mut errors,
            Saves::VoiceAgent,
            BTreeMap::from([
                ("model.temperature".to_owned(), "too hot".to_owned()),
                ("unknown.path".to_owned(), "odd".to_owned()),
            ]),
        );
        assert_eq!(errors["voice.temperature"], "too hot");
        assert_eq!(errors["unknown.path"], "odd");
    }

    #[test]
    fn a_save_sends_only_what_changed_and_clears_emptied_voice_fields() {
        let changes = Values::from([
            ("primary_color".to_owned(), "#112233".to_owned()),
            ("is_public".to_owned(), "on".to_owned()),
            ("voice.temperature".to_owned(), "0.4".to_owned()),
            ("voice.start_call".to_owned(), "".to_owned()),
        ]);
        let sent = patches(&changes).unwrap();
        assert_eq!(
            sent,
            vec![
                (
                    Saves::Chatbot,
                    serde_json::json!({"is_public": true, "settings": {"snippet": {"primaryColor": "#112233"}}})
                ),
                (
                    Saves::VoiceAgent,
                    serde_json::json!({"model": {"temperature": 0.4}, "text": {"startCall": null}})
                ),
            ]
        );
        let bad = Values::from([("logo".to_owned(), "javascript:alert(1)".to_owned())]);
        assert!(patches(&bad).unwrap_err().contains_key("logo"));
    }

    #[test]
    fn history_paths_are_named_by_their_labels() {
        let labels = labels_of(&[
            "voice_widget_config.model.temperature".to_owned(),
            "settings.snippet.primaryColor".to_owned(),
            "settings.avatar".to_owned(),
        ]);
        assert_eq!(labels, ["Primary color", "Temperature", "Avatar"]);
    }

    #[test]
    fn the_browser_encoding_of_the_form_decodes_into_it() {
        let query = "input[name]=Bot&input[voice.temperature]=0.5&input[is_tool_enabled]=on";
        #[derive(serde::Deserialize)]
        struct Args {
            input: Values,
        }
        let args: Args = serde_qs::from_str(query).unwrap();
        assert_eq!(args.input["name"], "Bot");
        assert_eq!(args.input["voice.temperature"], "0.5");
        assert_eq!(args.input["is_tool_enabled"], "on");
    }
}
