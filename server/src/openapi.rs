//! The API's description: the OpenAPI 3.1 document at `/api/openapi.json`, generated from the
//! handlers' `#[utoipa::path]` and the wire types' `ToSchema` (the `okchat` feature `openapi`),
//! and its reference page at `/api/docs`, rendered in the browser by Redoc's standalone bundle
//! (npm; `scripts/build-site.sh` copies it into the site). Every feature registers its API
//! routes through `OpenApiRouter` and `routes!`, so a route is served only with its description
//! (`server/tests/api/openapi/` checks it).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use okchat::{ErrorBody, ErrorDetail};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The security scheme of the keyed routes (`/api/external/…`, `/api/embedfiles`).
pub const API_KEY: &str = "api_key";
/// The bearer token of `/metrics` (`CHATDECK_METRICS_TOKEN`).
pub const METRICS_TOKEN: &str = "metrics_token";

/// Where `scripts/build-site.sh` puts Redoc's bundle, under the site root.
const BUNDLE: &str = "api-docs/redoc.standalone.js";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "chatdeck",
        description = "The okchat.ai external API as chatdeck serves it (the 17 okchat \
            operations, at okchat's paths), chatdeck's additions, the widget's public routes \
            and the operations endpoints. Errors answer `{\"error\": {\"code\", \"message\", \
            \"fields\"?, \"request_id\"?}}`."
    ),
    modifiers(&Security),
    components(schemas(ErrorBody, ErrorDetail)),
    tags(
        (name = "chatbots", description = "Chatbots, their widgets and settings history"),
        (name = "knowledge", description = "Knowledge base: files, text, pages, search"),
        (name = "conversations", description = "Conversations, messages, takeover, export"),
        (name = "chat", description = "Answers from a chatbot"),
        (name = "public", description = "The widget's routes for visitors: no key, CORS-checked against the chatbot's allowed origins"),
        (name = "operations", description = "Liveness, readiness, metrics"),
        (name = "reference", description = "This description and its reference page"),
    )
)]
struct Base;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            API_KEY,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-api-key",
                "An organization's API key (`chatdeck api-key create`).",
            ))),
        );
        components.add_security_scheme(
            METRICS_TOKEN,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("CHATDECK_METRICS_TOKEN"))
                    .build(),
            ),
        );
    }
}

/// The document's frame: info, security schemes, tags and the shared error schemas; the
/// routers add the paths.
pub fn base() -> OpenApi {
    use utoipa::OpenApi as _;
    Base::openapi()
}

/// `routes` with `f` applied to its axum router and its descriptions kept: for what
/// `OpenApiRouter` does not offer, such as `method_not_allowed_fallback`, which must come
/// before a layer (the layer then wraps it too: a CORS preflight is the layer's to answer).
pub fn map_router(
    routes: OpenApiRouter<AppState>,
    f: impl FnOnce(Router<AppState>) -> Router<AppState>,
) -> OpenApiRouter<AppState> {
    let (router, openapi) = routes.split_for_parts();
    OpenApiRouter::with_openapi(openapi).merge(f(router).into())
}

/// The rendered document, shared by the routes that serve it.
#[derive(Clone)]
pub struct Document(pub Arc<str>);

impl Document {
    pub fn new(openapi: &OpenApi) -> Self {
        let json = openapi
            .to_pretty_json()
            .expect("an OpenAPI document serializes");
        Self(json.into())
    }
}

/// `/api/openapi.json` and the reference page; the router layers an `Extension<Document>`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(document))
        .routes(routes!(reference))
        .routes(routes!(bundle))
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "reference",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object)),
)]
async fn document(Extension(document): Extension<Document>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.0.to_string(),
    )
        .into_response()
}

/// Redoc renders from scripts and styles it writes at run time; a page of our own with a
/// policy of its own. No inline script runs (`script-src 'self'`), nothing loads from another
/// host; styles must be inline because Redoc's styled-components inserts `<style>` elements,
/// and its search index runs in a worker it starts from a `blob:` URL.
const REFERENCE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' \
    'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
    worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The API reference, rendered by Redoc from `/api/openapi.json`.
#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "reference",
    responses((status = 200, description = "An HTML page", content_type = "text/html", body = String)),
)]
async fn reference(State(state): State<AppState>) -> Response {
    let built = tokio::fs::try_exists(state.config.site_root.join(BUNDLE))
        .await
        .unwrap_or(false);
    let body = if built {
        "<redoc spec-url=\"/api/openapi.json\" hide-loading></redoc>\n\
         <script src=\"/api/docs/redoc.standalone.js\"></script>"
    } else {
        // A debug run from the checkout has no site: say how to get one rather than break.
        "<main><h1>chatdeck API reference</h1>\n\
         <p>The reference page needs Redoc's bundle, which this server's site does not have \
         (<code>api-docs/redoc.standalone.js</code> under the site root). Build the site with \
         <code>scripts/build-site.sh</code> (after <code>npm install</code>), or read \
         <a href=\"/api/openapi.json\">the OpenAPI document</a> itself.</p></main>"
    };
    let page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>chatdeck API reference</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(REFERENCE_CSP),
            ),
        ],
        page,
    )
        .into_response()
}

/// Redoc's standalone bundle, as `scripts/build-site.sh` installed it.
#[utoipa::path(
    get,
    path = "/api/docs/redoc.standalone.js",
    tag = "reference",
    responses(
        (status = 200, description = "Redoc's bundle", content_type = "text/javascript", body = String),
        (status = 404, description = "The site was built without it", body = ErrorBody),
    ),
)]
async fn bundle(State(state): State<AppState>) -> Response {
    match tokio::fs::read(state.config.site_root.join(BUNDLE)).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/javascript; charset=utf-8"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => crate::error::ApiError::not_found("The reference page's bundle").into_response(),
    }
}

/// Error answers as the handlers' `responses(...)` list them: each one status of the one
/// error body.
pub mod errors {
    #![allow(dead_code)]
    use okchat::ErrorBody;
    use utoipa::IntoResponses;

    #[derive(IntoResponses)]
    #[response(
        status = 400,
        description = "`invalid_json` (the body is not a JSON object) or `validation_failed` (`fields` names each invalid field by its JSON path)"
    )]
    pub struct BadRequest(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 401,
        description = "`unauthorized`: no `x-api-key`, or not a valid key"
    )]
    pub struct Unauthorized(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 403,
        description = "`forbidden`: the chatbot does not take public traffic from this site"
    )]
    pub struct Forbidden(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 404,
        description = "`not_found`: no such chatbot (or resource) in this organization"
    )]
    pub struct NotFound(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 409,
        description = "`conflict`: the change clashes with the current state"
    )]
    pub struct Conflict(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 412,
        description = "`precondition_failed`: `If-Match` names a version that is no longer current"
    )]
    pub struct PreconditionFailed(ErrorBody);

    #[derive(IntoResponses)]
    #[response(status = 413, description = "`payload_too_large`")]
    pub struct PayloadTooLarge(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 415,
        description = "`unsupported_media_type`: not the multipart form or file type expected"
    )]
    pub struct UnsupportedMediaType(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 429,
        description = "`rate_limited`: `Retry-After` says when to try again",
        headers(("Retry-After" = u64, description = "Seconds to wait"))
    )]
    pub struct RateLimited(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 500,
        description = "`internal`: logged under `request_id`, no detail sent"
    )]
    pub struct Internal(ErrorBody);

    #[derive(IntoResponses)]
    #[response(
        status = 502,
        description = "`upstream_unavailable`: the chatbot's language model provider failed"
    )]
    pub struct Upstream(ErrorBody);
}

/// Parameters that many operations share, described once: a handler lists them by type in
/// its `params(...)`, beside the parameters of its own written inline.
pub mod params {
    #![allow(dead_code)]
    use utoipa::IntoParams;

    /// The chatbot in the path of every route under `/chatbot/{chatbot_id}` and the public ones.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct ChatbotPath {
        /// The chatbot's id (a UUID)
        chatbot_id: String,
    }

    /// A visitor's conversation in the public routes' paths.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct VisitorPath {
        /// The chatbot's id (a UUID)
        chatbot_id: String,
        /// The visitor's session token: 22–128 characters of `[A-Za-z0-9_-]`
        token: String,
    }

    /// A conversation of a chatbot, in the conversation routes' paths.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Path)]
    pub struct ConversationPath {
        /// The chatbot's id (a UUID)
        chatbot_id: String,
        /// The conversation's id
        session_id: String,
    }

    /// The conditional save of every change to a chatbot (`ETag` / `If-Match`).
    #[derive(IntoParams)]
    #[into_params(parameter_in = Header)]
    pub struct IfMatchHeader {
        /// The version the change is based on, as the last `ETag` gave it; a stale one answers 412
        #[param(rename = "If-Match")]
        if_match: Option<String>,
    }

    /// The embedding site, which the public routes check against the allow-list.
    #[derive(IntoParams)]
    #[into_params(parameter_in = Header)]
    pub struct OriginHeader {
        /// The embedding site; checked against the chatbot's allowed origins
        #[param(rename = "Origin")]
        origin: Option<String>,
    }

    /// One page of a list (`http::paging`).
    #[derive(IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct PageQuery {
        /// 1-based page (default 1)
        page: Option<u32>,
        /// Items per page, 1–100 (default 10)
        limit: Option<u32>,
    }
}
