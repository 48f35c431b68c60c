//! What the console's server functions need from the server they run in, as a trait the server
//! implements (the app cannot depend on the server crate): sessions, and an `okchat::Client`
//! for the signed-in user's organization. Provided as context by the server's router.

use std::sync::Arc;

use leptos::prelude::*;

use crate::error::AppError;

/// The signed-in person, as server functions see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub user_id: String,
    pub email: String,
    pub organization_id: String,
    pub organization_name: String,
}

#[async_trait::async_trait]
pub trait ConsoleBackend: Send + Sync + 'static {
    /// Checks credentials; on success returns the new session token.
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<(String, SessionUser)>, AppError>;
    async fn session(&self, token: &str) -> Result<Option<SessionUser>, AppError>;
    async fn sign_out(&self, token: &str) -> Result<(), AppError>;
    /// The API client for `user`'s organization; its key never leaves the server.
    async fn client(&self, user: &SessionUser) -> Result<okchat::Client, AppError>;
    /// Whether the session cookie must be `Secure` (the console is served over https).
    fn secure_cookies(&self) -> bool;
    /// The origin browsers reach the console at, for a request with `headers`: the server
    /// decides (its configured public URL, else the request's host), so the console and the
    /// server's own absolute URLs always agree.
    fn public_origin(&self, headers: &axum::http::HeaderMap) -> String;
}

pub type Backend = Arc<dyn ConsoleBackend>;

pub const SESSION_COOKIE: &str = "chatdeck_session";

fn backend() -> Result<Backend, AppError> {
    use_context::<Backend>().ok_or(AppError::Internal)
}

/// The session token among `headers`' cookies (the server's page guard reads it too).
pub fn session_token_in(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The session token of the request being handled.
fn session_token() -> Option<String> {
    session_token_in(&use_context::<axum::http::request::Parts>()?.headers)
}

/// The origin browsers reach the console at (the embed snippet points there), as the server
/// decides it for the request being handled; empty outside a request.
pub fn console_origin() -> String {
    let Ok(backend) = backend() else {
        return String::new();
    };
    match use_context::<axum::http::request::Parts>() {
        Some(parts) => backend.public_origin(&parts.headers),
        None => backend.public_origin(&axum::http::HeaderMap::new()),
    }
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_user() -> Result<SessionUser, AppError> {
    let unauthorized = || AppError::Unauthorized("Your session has ended. Sign in again.".into());
    let token = session_token().ok_or_else(unauthorized)?;
    backend()?.session(&token).await?.ok_or_else(unauthorized)
}

/// The signed-in user and their organization's API client.
pub async fn client() -> Result<(SessionUser, okchat::Client), AppError> {
    let user = require_user().await?;
    let client = backend()?.client(&user).await?;
    Ok((user, client))
}

/// For the console's plain routes (a download, the test page), which are not server
/// functions: the API client of the person `headers`' session cookie signs in, or the
/// refusal to answer, as text with its status; `sign_in_to` says what signing in is for.
pub async fn route_client(
    backend: &Backend,
    headers: &axum::http::HeaderMap,
    sign_in_to: &str,
) -> Result<okchat::Client, axum::response::Response> {
    let user = match session_token_in(headers) {
        Some(token) => backend.session(&token).await,
        None => Ok(None),
    };
    let client = match user {
        Ok(Some(user)) => backend.client(&user).await,
        Ok(None) => Err(AppError::Unauthorized(format!("Sign in to {sign_in_to}."))),
        Err(error) => Err(error),
    };
    client.map_err(route_refusal)
}

/// An error of a plain console route, as text with its status.
pub fn route_refusal(error: AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = axum::http::StatusCode::from_u16(error.status())
        .unwrap_or(axum::http::StatusCode::BAD_GATEWAY);
    (status, error.to_string()).into_response()
}

fn set_cookie(value: String) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
            response.append_header(axum::http::header::SET_COOKIE, value);
        }
    }
}

/// Signs in and sets the session cookie (HttpOnly, SameSite=Lax, Secure behind https).
pub async fn sign_in(email: &str, password: &str) -> Result<SessionUser, AppError> {
    let backend = backend()?;
    let Some((token, user)) = backend.sign_in(email, password).await? else {
        return Err(AppError::Unauthorized("Wrong email or password.".into()));
    };
    let secure = if backend.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    set_cookie(format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        14 * 24 * 3600
    ));
    Ok(user)
}

/// Ends the session and clears the cookie.
pub async fn sign_out() -> Result<(), AppError> {
    if let Some(token) = session_token() {
        backend()?.sign_out(&token).await?;
    }
    set_cookie(format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    ));
    Ok(())
}

/// Whether the server function being handled was called by a plain form post (the page's wasm
/// not loaded yet), which the browser follows with a page load, rather than by an island.
pub fn is_plain_form_post() -> bool {
    use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Gives the server function's response `status`. A plain form post keeps leptos_axum's
/// redirect back to the page it came from.
pub fn set_error_status(status: u16) {
    if is_plain_form_post() {
        return;
    }
    if let (Some(options), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        options.set_status(status);
    }
}
