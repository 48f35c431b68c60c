//! `GET /widget/{chatbotId}`: the page `/widget.js` frames on the owner's site. Only public,
//! active bots have one; the browser lets only the bot's allowed sites frame it
//! (`frame-ancestors`).

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use app::widget::look::WidgetLook;
use app::widget::page::{Overrides, WidgetBoot};

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
    let boot = boot(&bot, &overrides);
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        || {},
        move || app::widget::page::shell(options.clone(), boot.clone()),
    );
    let mut response = render(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&format!("frame-ancestors {frame_ancestors}")) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The allow-list may change at any time: a cached copy must not keep an old one.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The sites that may frame the widget: the allow-list, or any web page when it is empty.
fn frame_ancestors(bot: &ChatbotRecord) -> String {
    if bot.allowed_origins.is_empty() {
        "http: https:".into()
    } else {
        // Checked when saved: origins hold no space, `;` or `,` that could extend the policy.
        bot.allowed_origins.join(" ")
    }
}

fn boot(bot: &ChatbotRecord, overrides: &Overrides) -> WidgetBoot {
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
    WidgetBoot {
        chatbot_id: bot.id.clone(),
        look,
        language: (language != "auto").then_some(language),
    }
}

fn or(text: &str, fallback: &str) -> String {
    app::widget::look::or_name(text, fallback).to_owned()
}
