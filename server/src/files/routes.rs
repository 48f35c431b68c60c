//! `GET /uploads/{*key}`: an uploaded file (a chatbot's avatar), read through the file store,
//! so that any instance serves what any other stored.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/uploads/{*key}", get(upload)).layer(
        // An uploaded file is shown, never run: no script, even opened as a page of its own.
        SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
            ),
        ),
    )
}

async fn upload(State(state): State<AppState>, Path(key): Path<String>) -> Response {
    match state.files.get(&key).await {
        Ok(bytes) => {
            let kind = mime_guess::from_path(&key).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, kind.to_string()),
                    // Upload names are fresh UUIDs: a URL's content never changes.
                    (
                        header::CACHE_CONTROL,
                        "public, max-age=31536000, immutable".to_owned(),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidInput
            ) =>
        {
            StatusCode::NOT_FOUND.into_response()
        }
        Err(error) => {
            tracing::error!(%error, key, "an upload could not be read");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
