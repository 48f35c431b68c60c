//! The error body every endpoint answers with (`api-decisions.md`, "Errors").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The machine-readable error codes and their HTTP statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidJson,
    ValidationFailed,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PreconditionFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    Internal,
    UpstreamUnavailable,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::InvalidJson,
        ErrorCode::ValidationFailed,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Conflict,
        ErrorCode::PreconditionFailed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::UpstreamUnavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PreconditionFailed => "precondition_failed",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::UpstreamUnavailable => "upstream_unavailable",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidJson | ErrorCode::ValidationFailed => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict => 409,
            ErrorCode::PreconditionFailed => 412,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::UpstreamUnavailable => 502,
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

/// `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// The inside of an error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    /// Per-field reasons, keyed by JSON path (`settings.snippet.primaryColor`); validation only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Finds the server's log line for this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.as_str().to_owned(),
                message: message.into(),
                fields: BTreeMap::new(),
                request_id: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_from_its_name_and_has_a_distinct_name() {
        let mut names = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert!(names.insert(code.as_str()), "{} twice", code.as_str());
        }
        assert_eq!(ErrorCode::parse("teapot"), None);
    }

    #[test]
    fn codes_answer_the_statuses_api_decisions_gives_them() {
        let expected = [
            ("invalid_json", 400),
            ("validation_failed", 400),
            ("unauthorized", 401),
            ("forbidden", 403),
            ("not_found", 404),
            ("method_not_allowed", 405),
            ("conflict", 409),
            ("precondition_failed", 412),
            ("payload_too_large", 413),
            ("unsupported_media_type", 415),
            ("rate_limited", 429),
            ("internal", 500),
            ("upstream_unavailable", 502),
        ];
        assert_eq!(expected.len(), ErrorCode::ALL.len(), "every code is listed");
        for (code, status) in expected {
            assert_eq!(
                ErrorCode::parse(code).map(ErrorCode::status),
                Some(status),
                "{code}"
            );
        }
    }
}
