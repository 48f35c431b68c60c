//! `GET /widget/{chatbotId}`: the page `/widget.js` frames on the owner's site. Only public,
//! active bots have one; the browser lets only the bot's allowed sites frame it
//! (`frame-ancestors`).

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use app::widget::look::WidgetLook;
use app::widget::page::{Overrides, WidgetBoot};
use app::widget::strings;

use super::service;
use crate::chatbots::routes::chatbot_id;
use crate::chatbots::store::ChatbotRecord;
use crate::state::AppState;

pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(overrides): Query<Overrides>,
    request: Request<Body>,
) -> Response {
    let bot = match chatbot_id(&id) {
        Ok(id) => service::visible(&state.store, &id).await,
        Err(error) => Err(error),
    };
    let bot = match bot {
        Ok(bot) => bot,
        Err(error) => {
            let status = error.into_response().status();
            return (status, "This chat is not available.").into_response();
        }
    };
    let frame_ancestors = frame_ancestors(&bot);
    let accept_language = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let boot = boot(&bot, &overrides, accept_language);
    let render = leptos_axum::render_app_async_with_context(
        || {},
        move || app::widget::page::shell(boot.clone(), frame_ancestors.clone()),
    );
    let mut response = render(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let headers = response.headers_mut();
    // The allow-list may change at any time: a cached copy must not keep an old one.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The sites that may frame the widget: the allow-list, or when it is empty any web page and
/// any page opened from a file (an owner trying the tag in a saved HTML page); chatdeck's own
/// pages always (the console's "Try it" page).
fn frame_ancestors(bot: &ChatbotRecord) -> String {
    if bot.allowed_origins.is_empty() {
        "'self' http: https: file:".into()
    } else {
        // Checked when saved: origins hold no space, `;` or `,` that could extend the policy.
        format!("'self' {}", bot.allowed_origins.join(" "))
    }
}

fn boot(bot: &ChatbotRecord, overrides: &Overrides, accept_language: Option<&str>) -> WidgetBoot {
    let snippet = &bot.settings.snippet;
    let saved = WidgetLook {
        name: or(&snippet.name, &bot.name),
        header: or(&snippet.header, &bot.name),
        slogan: snippet.slogan.clone(),
        logo: snippet.logo.clone(),
        primary_color: snippet.primary_color.clone(),
        secondary_color: snippet.secondary_color.clone(),
        greeting: bot.settings.greeting.clone(),
        avatar: bot.settings.avatar.clone().unwrap_or_default(),
    };
    let mut language = bot.language.clone();
    let look = overrides.apply(saved, &mut language);
    let language = strings::resolve(&language, accept_language);
    let mut strings = strings::strings_for(&language);
    // A language the widget has no words for still names the page's language (the bot's
    // greeting and answers are in it); the words are English.
    strings.tag = language;
    WidgetBoot {
        chatbot_id: bot.id.clone(),
        look,
        strings,
    }
}

fn or(text: &str, fallback: &str) -> String {
    app::widget::look::or_name(text, fallback).to_owned()
}
