//! `ApiError`: the one error type of the API layer. It renders the documented body
//! `{"error": {"code", "message", "fields"?}}`; internal causes are logged, never sent.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use okchat::{ErrorBody, ErrorCode, FieldErrors};

use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    message: String,
    fields: FieldErrors,
    /// Whole seconds for `Retry-After` on a 429.
    retry_after_secs: u64,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: FieldErrors::new(),
            retry_after_secs: 1,
        }
    }

    pub fn invalid_json(detail: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::InvalidJson,
            format!("The request body is not valid JSON: {detail}."),
        )
    }

    pub fn validation(fields: FieldErrors) -> Self {
        Self {
            code: ErrorCode::ValidationFailed,
            message: "Some fields are invalid.".into(),
            fields,
            retry_after_secs: 1,
        }
    }

    pub fn field(path: &str, reason: &str) -> Self {
        let mut fields = FieldErrors::new();
        fields.add(path, reason);
        Self::validation(fields)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found."))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    pub fn precondition_failed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PreconditionFailed, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// 429 with `Retry-After`: `wait`, rounded up to whole seconds.
    pub fn rate_limited(message: impl Into<String>, wait: std::time::Duration) -> Self {
        Self {
            retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            ..Self::new(ErrorCode::RateLimited, message)
        }
    }

    pub fn payload_too_large(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PayloadTooLarge, message)
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnsupportedMediaType, message)
    }

    /// Logs `cause` and answers 500 with no detail; the request id in the body finds the log line.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            ErrorCode::Internal,
            "Something went wrong on our side. Quote the request id when you report it.",
        )
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    fn body(&self) -> ErrorBody {
        let mut body = ErrorBody::new(self.code, self.message.clone());
        body.error.fields = self.fields.0.clone();
        body
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::internal(error)
    }
}

/// Marks a response as an API error so the request-id middleware
/// (`http::request_id::attach_request_id`) can add the id to its body.
#[derive(Clone)]
pub struct ErrorMarker(pub ErrorBody);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body();
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(&body)).into_response();
        if self.code == ErrorCode::RateLimited {
            response.headers_mut().insert(
                "retry-after",
                HeaderValue::from(self.retry_after_secs.max(1)),
            );
        }
        response.extensions_mut().insert(ErrorMarker(body));
        response
    }
}

/// The JSON 404 for unknown API paths.
pub async fn api_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "No such endpoint.")
}

/// The JSON 405 for a known path with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not support that method.",
    )
}
