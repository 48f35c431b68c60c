//! What every response carries, and the cross-site check in front of the console's server
//! functions. Pages' Content-Security-Policy is sent by the app's shells
//! (`app::ui::security`): only the render knows its nonce.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::origin::{is_own_origin, public_origin};
use crate::state::AppState;

/// A year: browsers keep to https for that long after one visit over it.
const HSTS: &str = "max-age=31536000";

/// `nosniff` and the referrer policy on every response, HSTS when browsers reach this server
/// over https. A route that set its own value keeps it.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let https = public_origin(state.config.public_url.as_deref(), request.headers())
        .starts_with("https://");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    if https {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    response
}

/// A server function (any console request that changes something) sent by a page of another
/// site is refused, whatever cookies came with it: defence in depth beside `SameSite`. The
/// okchat API and the widget's public routes are for other sites, keyed or CORS-checked.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_console_write(&request) {
        let headers = request.headers();
        let cross_site = headers.get(header::ORIGIN).is_some_and(|origin| {
            !origin.to_str().is_ok_and(|origin| {
                is_own_origin(state.config.public_url.as_deref(), headers, origin)
            })
        });
        if cross_site {
            return (
                StatusCode::FORBIDDEN,
                "The console takes changes only from its own pages.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

fn is_console_write(request: &Request) -> bool {
    let safe = [Method::GET, Method::HEAD, Method::OPTIONS].contains(request.method());
    let path = request.uri().path();
    let api = ["/api/external/", "/api/public/", "/api/embedfiles"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    !safe && !api
}
