//! Extractors that turn bad requests into the documented error body: `Org` authenticates the
//! `x-api-key` header, `JsonObject` reads JSON bodies.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// The organization the request's API key belongs to.
#[derive(Debug, Clone)]
pub struct Org(pub String);

impl FromRequestParts<AppState> for Org {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(header) = parts.headers.get("x-api-key") else {
            return Err(ApiError::unauthorized(
                "Missing API key: send it in the x-api-key header.",
            ));
        };
        let presented = header.to_str().unwrap_or_default().trim();
        match state.keys.organization(presented).await? {
            Some(org) => Ok(Org(org)),
            None => Err(ApiError::unauthorized("Invalid API key.")),
        }
    }
}

async fn json_object<S: Send + Sync>(request: Request, state: &S) -> Result<Value, ApiError> {
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large("The request body is too large.")
            } else {
                ApiError::invalid_json("the body could not be read")
            }
        })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid_json("the body is empty"));
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(ApiError::invalid_json)?;
    if !value.is_object() {
        return Err(ApiError::invalid_json("expected a JSON object"));
    }
    super::nul::refuse_in_json(&value)?;
    Ok(value)
}

/// A JSON object body kept as a value: merge-patch routes need to see `null`s.
pub struct JsonObject(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Ok(JsonObject(json_object(request, state).await?))
    }
}
