//! The validation rules of `api-decisions.md`, in one place for the API and the console forms.
//!
//! "Parse, don't validate": each validated value has a newtype whose `parse` constructor is the
//! only way to build it and returns the reason a value is refused. Request types implement
//! [`Validate`], which collects every refusal by JSON path so a form can show all of them at once.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::chat::ChatRequest;
use crate::chatbot::{
    CreateChatbot, PersonalityConfig, SettingsInput, SnippetInput, UpdateChatbot,
};
use crate::conversation::{ConversationReply, ConversationUpdate};
use crate::knowledge::{AddKnowledgeText, AddKnowledgeUrls, QueryKnowledgeRequest};
use crate::widget::{ChatWidgetUpdate, VoiceWidgetConfig};

pub const NAME_MAX: usize = 100;
pub const SLUG_MAX: usize = 64;
pub const DESCRIPTION_MAX: usize = 500;
pub const PROMPT_MAX: usize = 20_000;
pub const GREETING_MAX: usize = 1_000;
pub const SNIPPET_TEXT_MAX: usize = 100;
pub const MODEL_MAX: usize = 100;
pub const PERSONALITY_MAX: usize = 100;
pub const URL_MAX: usize = 2_048;
/// Inline `data:` images are accepted up to this many characters.
pub const DATA_URL_MAX: usize = 16_384;
pub const PROVIDER_KEY_MAX: usize = 256;
pub const VOICE_LABEL_MAX: usize = 100;
pub const QUERY_MAX: usize = 2_000;
/// A knowledge document's title.
pub const DOCUMENT_TITLE_MAX: usize = 200;
/// Typed knowledge text, in characters.
pub const KNOWLEDGE_TEXT_MAX: usize = 200_000;
pub const QUESTION_MAX: usize = 2_000;
pub const ANSWER_MAX: usize = 20_000;
/// Addresses in one Add-from-URL request (pages, or sitemaps with `sitemap`).
pub const KNOWLEDGE_URLS_MAX: usize = 50;
/// Most knowledge chunks one query or chat turn may ask for.
pub const KNOWLEDGE_RESULTS_MAX: u32 = 50;
pub const CHAT_CONTENT_MAX: usize = 20_000;
/// Longest client id of a chat turn (`messages[].id`).
pub const MESSAGE_ID_MAX: usize = 128;
/// The name a person's reply is signed with (an email address at most).
pub const AUTHOR_MAX: usize = 320;
/// Sites on a chat widget's allow-list.
pub const ALLOWED_ORIGINS_MAX: usize = 50;
pub const MAX_OUTPUT_TOKENS_MAX: i64 = 16_384;
pub const VOICE_MS_MAX: i64 = 10_000;
pub const RADIUS_MAX: i64 = 64;
/// Largest avatar upload (Chatbot Avatar), in bytes: 2 MiB.
pub const AVATAR_MAX_BYTES: usize = 2 * 1024 * 1024;
/// What the API and the console say about an avatar over [`AVATAR_MAX_BYTES`].
pub const AVATAR_TOO_LARGE: &str = "The image is larger than 2 MiB.";
/// What the API and the console say about a file that is not an accepted image.
pub const AVATAR_TYPES: &str = "The avatar must be a PNG, JPEG, GIF or WebP image.";

/// Reasons keyed by JSON path, e.g. `settings.snippet.primaryColor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the first reason for `path`; later ones for the same path are dropped.
    pub fn add(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.0.entry(path.into()).or_insert_with(|| reason.into());
    }

    /// Records `result`'s error, if any, under `path`.
    pub fn check<T>(&mut self, path: &str, result: Result<T, String>) {
        if let Err(reason) = result {
            self.add(path, reason);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.0.get(path).map(String::as_str)
    }

    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (path, reason) in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            write!(f, "{path}: {reason}")?;
            first = false;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

/// A request body that can be checked against the rules before it is acted on.
pub trait Validate {
    fn validate(&self) -> Result<(), FieldErrors>;
}

fn char_len(value: &str) -> usize {
    value.chars().count()
}

/// At most `max` characters.
pub fn check_max_len(value: &str, max: usize) -> Result<(), String> {
    if char_len(value) > max {
        Err(format!("must be at most {max} characters"))
    } else {
        Ok(())
    }
}

/// Not blank and at most `max` characters.
pub fn check_required_len(value: &str, max: usize) -> Result<(), String> {
    if value.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        check_max_len(value, max)
    }
}

fn check_range<T: PartialOrd + fmt::Display>(value: T, min: T, max: T) -> Result<(), String> {
    if value >= min && value <= max {
        Ok(())
    } else {
        Err(format!("must be between {min} and {max}"))
    }
}

fn check_unit_interval(value: f64) -> Result<(), String> {
    if value.is_finite() {
        check_range(value, 0.0, 1.0)
    } else {
        Err("must be between 0 and 1".into())
    }
}

/// A chatbot's name: 1–100 characters after trimming, stored trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChatbotName(String);

impl ChatbotName {
    pub fn parse(value: &str) -> Result<Self, String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err("is required".into());
        }
        if char_len(trimmed) > NAME_MAX {
            return Err(format!("must be at most {NAME_MAX} characters"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A URL-safe identifier of a chatbot, unique per organization: lowercase ASCII letters,
/// digits and `-`, 1–64 characters, no leading or trailing `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.is_empty() {
            return Err("must not be empty".into());
        }
        if value.len() > SLUG_MAX {
            return Err(format!("must be at most {SLUG_MAX} characters"));
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("may contain only lowercase letters, digits and '-'".into());
        }
        if value.starts_with('-') || value.ends_with('-') {
            return Err("must not start or end with '-'".into());
        }
        Ok(Self(value.to_owned()))
    }

    /// The slug suggested for a name: ASCII letters and digits kept, everything else folded
    /// into single dashes. A name with no ASCII letter or digit gives `chatbot`.
    pub fn from_name(name: &str) -> Self {
        let mut slug = String::with_capacity(name.len());
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.truncate(SLUG_MAX);
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() {
            Self("chatbot".into())
        } else {
            Self(slug.to_owned())
        }
    }

    /// `self` with a numeric suffix (`-2`, `-3`, …), shortened so the result still fits.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(SLUG_MAX - suffix.len());
        let base = base.trim_end_matches('-');
        Self(format!("{base}{suffix}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A CSS colour as `#RGB` or `#RRGGBB` (either case), kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HexColor(String);

impl HexColor {
    pub fn parse(value: &str) -> Result<Self, String> {
        let digits = value
            .strip_prefix('#')
            .ok_or_else(|| "must be a hex colour like #4F46E5".to_owned())?;
        if (digits.len() == 3 || digits.len() == 6) && digits.bytes().all(|b| b.is_ascii_hexdigit())
        {
            Ok(Self(value.to_owned()))
        } else {
            Err("must be a hex colour like #4F46E5".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The colour's red, green and blue channels.
    pub fn rgb(&self) -> (u8, u8, u8) {
        let digits = &self.0[1..];
        let channel = |s: &str| u8::from_str_radix(s, 16).unwrap_or(0);
        if digits.len() == 3 {
            let short = |i: usize| channel(&digits[i..=i]) * 17;
            (short(0), short(1), short(2))
        } else {
            (
                channel(&digits[0..2]),
                channel(&digits[2..4]),
                channel(&digits[4..6]),
            )
        }
    }
}

/// An image address the widget may load: an `http(s)://` URL of at most 2048 characters, a
/// path this server issued (`/uploads/...`), or a small inline PNG/JPEG/GIF/WebP `data:` URL.
/// `javascript:`, other `data:` types and anything with spaces or quotes are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogoUrl(String);

impl LogoUrl {
    pub fn parse(value: &str) -> Result<Self, String> {
        const REASON: &str = "must be an http(s) URL or an uploaded image";
        if value.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
        }) {
            return Err(REASON.into());
        }
        let lower = value.get(..16).unwrap_or(value).to_ascii_lowercase();
        if lower.starts_with("data:") {
            return Self::parse_data_url(value);
        }
        if char_len(value) > URL_MAX {
            return Err(format!("must be at most {URL_MAX} characters"));
        }
        let rest = if lower.starts_with("https://") {
            &value[8..]
        } else if lower.starts_with("http://") {
            &value[7..]
        } else if let Some(path) = value.strip_prefix("/uploads/") {
            if path.is_empty() || path.contains("..") || path.contains("//") {
                return Err(REASON.into());
            }
            return Ok(Self(value.to_owned()));
        } else {
            return Err(REASON.into());
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() || host.starts_with(':') || host.contains('@') {
            return Err(REASON.into());
        }
        Ok(Self(value.to_owned()))
    }

    fn parse_data_url(value: &str) -> Result<Self, String> {
        const TYPES: [&str; 4] = ["png", "jpeg", "gif", "webp"];
        let reason = || "inline images must be small base64 PNG, JPEG, GIF or WebP".to_owned();
        let (head, data) = value.split_once(',').ok_or_else(reason)?;
        let kind = head
            .to_ascii_lowercase()
            .strip_prefix("data:image/")
            .and_then(|rest| rest.strip_suffix(";base64").map(str::to_owned))
            .ok_or_else(reason)?;
        if !TYPES.contains(&kind.as_str())
            || value.len() > DATA_URL_MAX
            || data.is_empty()
            || !data
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        {
            return Err(reason());
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The widget language: `auto` or a language tag such as `en`, `ko` or `pt-BR`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language(String);

impl Language {
    pub fn parse(value: &str) -> Result<Self, String> {
        const REASON: &str = "must be \"auto\" or a language tag like \"en\" or \"pt-BR\"";
        if value == "auto" {
            return Ok(Self(value.to_owned()));
        }
        let mut parts = value.split('-');
        let primary = parts.next().unwrap_or_default();
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
        let rest_ok = parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if primary_ok && rest_ok && value.len() <= 35 {
            Ok(Self(value.to_owned()))
        } else {
            Err(REASON.into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An API key as issued: 48 lowercase hexadecimal characters. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiKey(String);

impl ApiKey {
    pub const LEN: usize = 48;

    pub fn parse(value: &str) -> Result<Self, String> {
        if value.len() == Self::LEN
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Self(value.to_owned()))
        } else {
            Err("must be 48 lowercase hexadecimal characters".into())
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The first 8 characters, enough to tell keys apart in a list.
    pub fn prefix(&self) -> &str {
        &self.0[..8]
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}…)", self.prefix())
    }
}

fn check_personality(errors: &mut FieldErrors, p: &PersonalityConfig) {
    if let Some(tone) = &p.tone {
        errors.check(
            "personality_config.tone",
            check_max_len(tone, PERSONALITY_MAX),
        );
    }
    if let Some(style) = &p.style {
        errors.check(
            "personality_config.style",
            check_max_len(style, PERSONALITY_MAX),
        );
    }
}

/// Checks snippet (or chat widget) fields; `prefix` is the JSON path of the object.
fn check_branding(
    errors: &mut FieldErrors,
    prefix: &str,
    texts: [(&str, Option<&String>); 3],
    logo: Option<&String>,
    colors: [(&str, Option<&String>); 2],
) {
    for (key, value) in texts {
        if let Some(value) = value {
            errors.check(
                &format!("{prefix}{key}"),
                check_max_len(value, SNIPPET_TEXT_MAX),
            );
        }
    }
    if let Some(logo) = logo.filter(|l| !l.is_empty()) {
        errors.check(&format!("{prefix}logo"), LogoUrl::parse(logo));
    }
    for (key, value) in colors {
        if let Some(value) = value {
            errors.check(&format!("{prefix}{key}"), HexColor::parse(value));
        }
    }
}

fn check_snippet(errors: &mut FieldErrors, s: &SnippetInput) {
    check_branding(
        errors,
        "settings.snippet.",
        [
            ("name", s.name.as_ref()),
            ("header", s.header.as_ref()),
            ("slogan", s.slogan.as_ref()),
        ],
        s.logo.as_ref(),
        [
            ("primaryColor", s.primary_color.as_ref()),
            ("secondaryColor", s.secondary_color.as_ref()),
        ],
    );
}

fn check_settings(errors: &mut FieldErrors, s: &SettingsInput) {
    if let Some(model) = &s.model {
        errors.check("settings.model", check_required_len(model, MODEL_MAX));
    }
    if let Some(prompt) = &s.prompt {
        errors.check("settings.prompt", check_max_len(prompt, PROMPT_MAX));
    }
    if let Some(greeting) = &s.greeting {
        errors.check("settings.greeting", check_max_len(greeting, GREETING_MAX));
    }
    if let Some(Some(avatar)) = &s.avatar {
        errors.check("settings.avatar", LogoUrl::parse(avatar));
    }
    if let Some(snippet) = &s.snippet {
        check_snippet(errors, snippet);
    }
    if let Some(Some(threshold)) = s.similarity_threshold {
        errors.check(
            "settings.similarityThreshold",
            check_unit_interval(threshold),
        );
    }
    if let Some(Some(count)) = s.max_knowledge_results {
        errors.check(
            "settings.maxKnowledgeResults",
            check_range(count, 1, KNOWLEDGE_RESULTS_MAX),
        );
    }
}

/// The fields Create and Update share.
struct ChatbotFields<'a> {
    description: Option<&'a String>,
    personality: Option<&'a PersonalityConfig>,
    settings: Option<&'a SettingsInput>,
    openai_api_key: Option<&'a Option<String>>,
}

impl ChatbotFields<'_> {
    fn check(&self, errors: &mut FieldErrors) {
        if let Some(description) = self.description {
            errors.check("description", check_max_len(description, DESCRIPTION_MAX));
        }
        if let Some(p) = self.personality {
            check_personality(errors, p);
        }
        if let Some(s) = self.settings {
            check_settings(errors, s);
        }
        if let Some(Some(key)) = self.openai_api_key {
            errors.check("openai_api_key", check_required_len(key, PROVIDER_KEY_MAX));
        }
    }
}

impl Validate for CreateChatbot {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check(
            "name",
            ChatbotName::parse(self.name.as_deref().unwrap_or("")),
        );
        if let Some(slug) = &self.slug {
            errors.check("slug", Slug::parse(slug));
        }
        ChatbotFields {
            description: self.description.as_ref(),
            personality: self.personality_config.as_ref(),
            settings: self.settings.as_ref(),
            openai_api_key: self.openai_api_key.as_ref(),
        }
        .check(&mut errors);
        errors.into_result()
    }
}

impl Validate for UpdateChatbot {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if let Some(name) = &self.name {
            errors.check("name", ChatbotName::parse(name));
        }
        ChatbotFields {
            description: self.description.as_ref(),
            personality: self.personality_config.as_ref(),
            settings: self.settings.as_ref(),
            openai_api_key: self.openai_api_key.as_ref(),
        }
        .check(&mut errors);
        errors.into_result()
    }
}

impl Validate for ChatWidgetUpdate {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        check_branding(
            &mut errors,
            "",
            [
                ("name", self.name.as_ref()),
                ("header", self.header.as_ref()),
                ("slogan", self.slogan.as_ref()),
            ],
            self.logo.as_ref(),
            [
                ("primaryColor", self.primary_color.as_ref()),
                ("secondaryColor", self.secondary_color.as_ref()),
            ],
        );
        if let Some(language) = &self.language {
            errors.check("language", Language::parse(language));
        }
        if let Some(origins) = &self.allowed_origins {
            if origins.len() > ALLOWED_ORIGINS_MAX {
                errors.add(
                    "allowedOrigins",
                    format!("must list at most {ALLOWED_ORIGINS_MAX} sites"),
                );
            }
            for (i, origin) in origins.iter().enumerate() {
                errors.check(&format!("allowedOrigins.{i}"), check_origin(origin));
            }
        }
        errors.into_result()
    }
}

/// A web origin as browsers send it in `Origin`: `http` or `https`, a host name or IP address
/// (IPv6 in brackets), an optional port; no user, path, query or trailing slash. Host names
/// are compared as browsers send them, in lower case.
pub fn check_origin(origin: &str) -> Result<(), String> {
    const SHAPE: &str = "must be a site address such as https://shop.example.com (scheme, host \
                         and optional port; no path)";
    let Some((scheme, authority)) = origin.split_once("://") else {
        return Err(SHAPE.into());
    };
    if scheme != "http" && scheme != "https" {
        return Err("must start with https:// or http://".into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) || port.starts_with('0') {
            return Err(SHAPE.into());
        }
        if (scheme, port) == ("https", "443") || (scheme, port) == ("http", "80") {
            return Err(format!(
                "must leave out :{port}, the default port of {scheme} (browsers never send it)"
            ));
        }
    }
    let bracketed = host.starts_with('[') && host.ends_with(']') && host.len() > 2;
    let name_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    let ipv6_ok = bracketed
        && host[1..host.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        && host[1..host.len() - 1]
            .parse::<std::net::Ipv6Addr>()
            .is_ok();
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("must be in lower case, as browsers send it".into());
    }
    if name_ok || ipv6_ok {
        Ok(())
    } else {
        Err(SHAPE.into())
    }
}

impl Validate for VoiceWidgetConfig {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if let Some(agent_id) = &self.agent_id {
            errors.check("agentId", check_max_len(agent_id, VOICE_LABEL_MAX));
        }
        if let Some(voice) = &self.voice {
            errors.check("voice", check_required_len(voice, 50));
        }
        if let Some(model) = &self.model {
            if let Some(t) = model.temperature {
                errors.check("model.temperature", check_unit_interval(t));
            }
            if let Some(m) = model.max_output_tokens {
                errors.check(
                    "model.max_output_tokens",
                    check_range(m, 1, MAX_OUTPUT_TOKENS_MAX),
                );
            }
        }
        if let Some(vad) = &self.vad {
            if let Some(t) = vad.threshold {
                errors.check("vad.threshold", check_unit_interval(t));
            }
            for (key, value) in [
                ("vad.prefix_padding_ms", vad.prefix_padding_ms),
                ("vad.silence_duration_ms", vad.silence_duration_ms),
            ] {
                if let Some(v) = value {
                    errors.check(key, check_range(v, 0, VOICE_MS_MAX));
                }
            }
        }
        if let Some(text) = &self.text {
            for (key, value) in [
                ("text.startCall", &text.start_call),
                ("text.endCall", &text.end_call),
                ("text.callToAction", &text.call_to_action),
                ("text.listeningStatus", &text.listening_status),
                ("text.speakingStatus", &text.speaking_status),
            ] {
                if let Some(v) = value {
                    errors.check(key, check_max_len(v, VOICE_LABEL_MAX));
                }
            }
        }
        if let Some(Some(url)) = self.avatar.as_ref().map(|a| a.image_url.as_ref()) {
            if !url.is_empty() {
                errors.check("avatar.imageUrl", LogoUrl::parse(url));
            }
        }
        if let Some(a) = &self.appearance {
            for (key, value) in [
                ("appearance.backgroundColor", &a.background_color),
                ("appearance.borderColor", &a.border_color),
                ("appearance.buttonColor", &a.button_color),
                ("appearance.buttonTextColor", &a.button_text_color),
                ("appearance.textColor", &a.text_color),
                ("appearance.focusOutlineColor", &a.focus_outline_color),
            ] {
                if let Some(v) = value {
                    errors.check(key, HexColor::parse(v));
                }
            }
            for (key, value) in [
                ("appearance.buttonRadius", a.button_radius),
                ("appearance.cardRadius", a.card_radius),
            ] {
                if let Some(v) = value {
                    errors.check(key, check_range(v, 0, RADIUS_MAX));
                }
            }
        }
        errors.into_result()
    }
}

impl Validate for AddKnowledgeText {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("title", check_required_len(&self.title, DOCUMENT_TITLE_MAX));
        match (&self.text, &self.question, &self.answer) {
            (Some(text), None, None) => {
                errors.check("text", check_required_len(text, KNOWLEDGE_TEXT_MAX));
            }
            (None, question, answer) if question.is_some() || answer.is_some() => {
                errors.check(
                    "question",
                    check_required_len(question.as_deref().unwrap_or(""), QUESTION_MAX),
                );
                errors.check(
                    "answer",
                    check_required_len(answer.as_deref().unwrap_or(""), ANSWER_MAX),
                );
            }
            (None, _, _) => errors.add("text", "give either text, or a question and its answer"),
            (Some(_), _, _) => errors.add(
                "text",
                "give either text, or a question and its answer, not both",
            ),
        }
        errors.into_result()
    }
}

impl Validate for AddKnowledgeUrls {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.urls.is_empty() {
            errors.add("urls", "must contain at least one address");
        }
        if self.urls.len() > KNOWLEDGE_URLS_MAX {
            errors.add(
                "urls",
                format!("must contain at most {KNOWLEDGE_URLS_MAX} addresses"),
            );
        }
        for (i, url) in self.urls.iter().enumerate() {
            let url = url.trim();
            let web = url.starts_with("https://") || url.starts_with("http://");
            if !web || char_len(url) > URL_MAX {
                errors.add(
                    format!("urls.{i}"),
                    format!(
                        "must be an http:// or https:// address of at most {URL_MAX} characters"
                    ),
                );
            }
        }
        errors.into_result()
    }
}

impl Validate for QueryKnowledgeRequest {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("query", check_required_len(&self.query, QUERY_MAX));
        if let Some(limit) = self.limit {
            errors.check("limit", check_range(limit, 1, KNOWLEDGE_RESULTS_MAX));
        }
        errors.into_result()
    }
}

impl Validate for ConversationUpdate {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.is_human_mode.is_none() && self.state.is_none() {
            errors.add("is_human_mode", "send is_human_mode, state or both");
        }
        if let Some(state) = &self.state {
            if !matches!(state.as_str(), "in_progress" | "closed") {
                errors.add("state", "must be \"in_progress\" or \"closed\"");
            }
        }
        errors.into_result()
    }
}

impl Validate for ConversationReply {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check(
            "content",
            check_required_len(&self.content, CHAT_CONTENT_MAX),
        );
        if let Some(author) = &self.author {
            errors.check("author", check_required_len(author, AUTHOR_MAX));
        }
        errors.into_result()
    }
}

/// A client's id for a chat turn: what clients make (UUIDs, nanoids, `msg-…`), nothing that
/// could pass for something else in a log or a header.
pub fn is_message_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MESSAGE_ID_MAX && id.bytes().all(|b| b.is_ascii_graphic())
}

impl Validate for ChatRequest {
    fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.messages.is_empty() {
            errors.add("messages", "must contain at least one message");
        }
        if self.messages.len() > 100 {
            errors.add("messages", "must contain at most 100 messages");
        }
        for (i, m) in self.messages.iter().enumerate() {
            if !matches!(m.role.as_str(), "user" | "assistant" | "system") {
                errors.add(
                    format!("messages.{i}.role"),
                    "must be \"user\", \"assistant\" or \"system\"",
                );
            }
            errors.check(
                &format!("messages.{i}.content"),
                check_required_len(&m.content, CHAT_CONTENT_MAX),
            );
            if m.id.as_deref().is_some_and(|id| !is_message_id(id)) {
                errors.add(
                    format!("messages.{i}.id"),
                    "must be 1 to 128 visible ASCII characters without spaces",
                );
            }
        }
        if let Some(platform) = &self.platform {
            let ok = !platform.is_empty()
                && platform.len() <= 50
                && platform.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                });
            if !ok {
                errors.add("platform", "must be a channel name like \"web\"");
            }
        }
        if let Some(token) = &self.session_token {
            errors.check("sessionToken", check_required_len(token, 200));
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_turns_id_is_short_visible_ascii() {
        for good in ["a", "msg-4f9a_Zq", "3317853e-0af2-427d-a56f-351a9587f48f"] {
            assert!(is_message_id(good), "{good}");
        }
        let long = "x".repeat(MESSAGE_ID_MAX + 1);
        for bad in ["", "two words", "tab\there", "é", long.as_str()] {
            assert!(!is_message_id(bad), "{bad:?}");
        }
        let request = ChatRequest {
            messages: vec![crate::chat::ChatMessage::user("hi").with_id("has space")],
            ..Default::default()
        };
        let errors = request.validate().unwrap_err();
        assert!(errors.0.contains_key("messages.0.id"), "{errors:?}");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            ChatbotName::parse("  Support  ").unwrap().as_str(),
            "Support"
        );
        assert!(ChatbotName::parse("   ").is_err());
        assert!(ChatbotName::parse(&"a".repeat(100)).is_ok());
        assert!(ChatbotName::parse(&"a".repeat(101)).is_err());
        assert!(
            ChatbotName::parse(&"é".repeat(100)).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn slugs_follow_the_documented_alphabet() {
        for ok in [
            "a",
            "api-docs-demo-chatbot",
            "customer-support-bot-97",
            &"a".repeat(64),
        ] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "Upper",
            "with space",
            "ünï",
            &"a".repeat(65),
            "a_b",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_generated_from_names_are_valid() {
        assert_eq!(
            Slug::from_name("API Docs Demo Chatbot").as_str(),
            "api-docs-demo-chatbot"
        );
        assert_eq!(
            Slug::from_name("  --Hello,   World!-- ").as_str(),
            "hello-world"
        );
        assert_eq!(Slug::from_name("오케이챗").as_str(), "chatbot");
        let long = Slug::from_name(&"word ".repeat(40));
        assert!(Slug::parse(long.as_str()).is_ok());
        let suffixed = long.with_suffix(12);
        assert!(suffixed.as_str().ends_with("-12"));
        assert!(Slug::parse(suffixed.as_str()).is_ok());
    }

    #[test]
    fn colours_are_three_or_six_hex_digits() {
        for ok in ["#4F46E5", "#10b981", "#fff", "#ABC"] {
            assert!(HexColor::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["4F46E5", "#4F46E", "#GGGGGG", "red", "#4F46E5FF", "", "#"] {
            assert!(HexColor::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(HexColor::parse("#fff").unwrap().rgb(), (255, 255, 255));
        assert_eq!(
            HexColor::parse("#4F46E5").unwrap().rgb(),
            (0x4f, 0x46, 0xe5)
        );
    }

    #[test]
    fn logo_urls_allow_http_uploads_and_small_images_only() {
        for ok in [
            "https://example.com/logo.png",
            "http://localhost:3000/a.png?x=1",
            "/uploads/chatbots/1/a.png",
            "data:image/png;base64,iVBORw0KGgo=",
        ] {
            assert!(LogoUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "data:image/svg+xml;base64,PHN2Zz4=",
            "ftp://example.com/a.png",
            "https://",
            "https://exa mple.com",
            "https://example.com/\"onload=",
            "/uploads/../secret",
            "logo.png",
        ] {
            assert!(LogoUrl::parse(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX));
        assert!(LogoUrl::parse(&long).is_err());
    }

    #[test]
    fn languages_are_auto_or_tags() {
        for ok in ["auto", "en", "ko", "pt-BR", "zh-Hant-TW"] {
            assert!(Language::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "english", "e", "en_US", "en-"] {
            assert!(Language::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn api_keys_are_48_lowercase_hex_and_never_debug_printed() {
        let key = ApiKey::parse("15a23c21867f4f38b0b46f5e4adb1caf87a040b34eb58f68").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(15a23c21…)");
        assert!(ApiKey::parse("15A23C21867F4F38B0B46F5E4ADB1CAF87A040B34EB58F68").is_err());
        assert!(ApiKey::parse("15a23c21").is_err());
    }

    #[test]
    fn create_requires_a_name_and_reports_every_bad_field_by_path() {
        let body: CreateChatbot = serde_json::from_value(serde_json::json!({
            "slug": "Bad Slug",
            "description": "d".repeat(501),
            "settings": { "prompt": "p".repeat(20_001), "greeting": "g".repeat(1_001),
                "snippet": { "primaryColor": "blue", "secondaryColor": "#12345", "logo": "javascript:x",
                             "header": "h".repeat(101) } }
        }))
        .unwrap();
        let errors = body.validate().unwrap_err();
        for path in [
            "name",
            "slug",
            "description",
            "settings.prompt",
            "settings.greeting",
            "settings.snippet.primaryColor",
            "settings.snippet.secondaryColor",
            "settings.snippet.logo",
            "settings.snippet.header",
        ] {
            assert!(errors.get(path).is_some(), "missing {path} in {errors}");
        }
        assert_eq!(errors.0.len(), 9);
    }

    #[test]
    fn update_accepts_an_empty_patch_and_checks_present_fields() {
        assert!(UpdateChatbot::default().validate().is_ok());
        let patch = UpdateChatbot {
            name: Some(" ".into()),
            ..Default::default()
        };
        assert!(patch.validate().unwrap_err().get("name").is_some());
    }

    #[test]
    fn voice_numbers_are_range_checked() {
        let config: VoiceWidgetConfig = serde_json::from_value(serde_json::json!({
            "model": { "temperature": 1.5, "max_output_tokens": 0 },
            "vad": { "threshold": -0.1, "prefix_padding_ms": 10_001, "silence_duration_ms": 1000 },
            "appearance": { "buttonRadius": 65, "cardRadius": 20, "textColor": "black" }
        }))
        .unwrap();
        let errors = config.validate().unwrap_err();
        let paths: Vec<_> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "appearance.buttonRadius",
                "appearance.textColor",
                "model.max_output_tokens",
                "model.temperature",
                "vad.prefix_padding_ms",
                "vad.threshold"
            ]
        );
    }

    #[test]
    fn retrieval_settings_are_range_checked_and_null_resets_them() {
        let patch: UpdateChatbot = serde_json::from_value(serde_json::json!({
            "settings": { "similarityThreshold": 1.01, "maxKnowledgeResults": 51 }
        }))
        .unwrap();
        let errors = patch.validate().unwrap_err();
        assert!(errors.get("settings.similarityThreshold").is_some());
        assert!(errors.get("settings.maxKnowledgeResults").is_some());
        let reset: UpdateChatbot = serde_json::from_value(serde_json::json!({
            "settings": { "similarityThreshold": null, "maxKnowledgeResults": null }
        }))
        .unwrap();
        assert!(reset.validate().is_ok());
        let settings = reset.settings.unwrap();
        assert_eq!(settings.similarity_threshold, Some(None));
        assert_eq!(settings.max_knowledge_results, Some(None));
    }

    #[test]
    fn knowledge_text_is_text_or_a_question_with_its_answer() {
        let text = |t: Option<&str>, q: Option<&str>, a: Option<&str>| AddKnowledgeText {
            title: "Title".into(),
            text: t.map(Into::into),
            question: q.map(Into::into),
            answer: a.map(Into::into),
        };
        assert!(text(Some("body"), None, None).validate().is_ok());
        assert!(text(None, Some("q?"), Some("a.")).validate().is_ok());
        let neither = text(None, None, None).validate().unwrap_err();
        assert!(neither.get("text").is_some());
        let both = text(Some("body"), Some("q?"), Some("a."))
            .validate()
            .unwrap_err();
        assert!(both.get("text").is_some());
        let half = text(None, Some("q?"), None).validate().unwrap_err();
        assert!(half.get("answer").is_some());
        let untitled = AddKnowledgeText {
            title: " ".into(),
            ..text(Some("body"), None, None)
        };
        assert!(untitled.validate().unwrap_err().get("title").is_some());
    }

    #[test]
    fn knowledge_urls_are_web_addresses_and_bounded_in_number() {
        let urls = |list: &[&str]| AddKnowledgeUrls {
            urls: list.iter().map(|u| (*u).to_owned()).collect(),
            sitemap: false,
        };
        assert!(urls(&["https://example.com/", "http://example.com/a"])
            .validate()
            .is_ok());
        assert!(urls(&[]).validate().unwrap_err().get("urls").is_some());
        let bad = urls(&["https://ok.example/", "ftp://x"])
            .validate()
            .unwrap_err();
        assert!(bad.get("urls.1").is_some());
        let many: Vec<String> = (0..51).map(|i| format!("https://e.com/{i}")).collect();
        let too_many = AddKnowledgeUrls {
            urls: many,
            sitemap: false,
        };
        assert!(too_many.validate().unwrap_err().get("urls").is_some());
    }

    #[test]
    fn a_conversation_update_needs_a_known_state_or_the_human_mode() {
        let update = |human: Option<bool>, state: Option<&str>| ConversationUpdate {
            is_human_mode: human,
            state: state.map(Into::into),
        };
        assert!(update(None, None)
            .validate()
            .unwrap_err()
            .0
            .contains_key("is_human_mode"));
        assert!(update(None, Some("resolved"))
            .validate()
            .unwrap_err()
            .0
            .contains_key("state"));
        assert!(update(Some(true), None).validate().is_ok());
        assert!(update(None, Some("closed")).validate().is_ok());
        assert!(update(Some(false), Some("in_progress")).validate().is_ok());
    }

    #[test]
    fn a_reply_needs_content_and_a_bounded_author() {
        let reply = |content: &str, author: Option<String>| ConversationReply {
            content: content.into(),
            author,
        };
        assert!(reply("  ", None)
            .validate()
            .unwrap_err()
            .0
            .contains_key("content"));
        assert!(reply("Hi, Sam here", Some("x".repeat(AUTHOR_MAX + 1)))
            .validate()
            .unwrap_err()
            .0
            .contains_key("author"));
        assert!(reply("Hi, Sam here", Some("sam@example.com".into()))
            .validate()
            .is_ok());
    }

    #[test]
    fn origins_are_scheme_host_and_port_as_browsers_send_them() {
        for good in [
            "https://shop.example.com",
            "http://localhost:8080",
            "http://127.0.0.1:3000",
            "https://[::1]:8443",
            "https://xn--bcher-kva.example",
        ] {
            assert_eq!(check_origin(good), Ok(()), "{good}");
        }
        for bad in [
            "shop.example.com",
            "https://shop.example.com/",
            "https://shop.example.com/path",
            "ftp://shop.example.com",
            "https://Shop.example.com",
            "https://shop.example.com:0",
            "https://shop.example.com:99999",
            "https://user@shop.example.com",
            "https://",
            "https://-bad.example.com",
            "https://[nothex]:80",
            "https://shop..example.com",
            // Browsers leave a scheme's default port out of `Origin`: never matched.
            "https://shop.example.com:443",
            "http://localhost:80",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(
            check_origin("https://shop.example.com:443"),
            Err("must leave out :443, the default port of https (browsers never send it)".into())
        );
    }

    #[test]
    fn an_allow_list_reports_each_bad_entry_by_position() {
        let update = ChatWidgetUpdate {
            allowed_origins: Some(vec!["https://ok.example".into(), "nope".into()]),
            ..Default::default()
        };
        let errors = update.validate().unwrap_err();
        let json = serde_json::to_value(&errors).unwrap();
        assert!(json.get("allowedOrigins.1").is_some(), "{json}");
        assert!(json.get("allowedOrigins.0").is_none(), "{json}");
    }
}

#[cfg(test)]
mod session_token_tests {
    use crate::public::check_session_token;

    #[test]
    fn session_tokens_are_long_and_url_safe() {
        assert!(check_session_token("abcdefghijklmnopqrstuv").is_ok());
        assert!(check_session_token(&"a".repeat(128)).is_ok());
        assert!(check_session_token("abcdefghijklmnopqrstu").is_err());
        assert!(check_session_token(&"a".repeat(129)).is_err());
        assert!(check_session_token("abcdefghijklmnopqrstu/").is_err());
    }
}
