//! Conditional saves (`api-decisions.md`, "Update semantics"): a save names the chatbot version
//! it was computed from in `If-Match`, and every answer that shows a chatbot names its version
//! in `ETag`, both as the strong entity tag `"<version_id>"`.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// What a request's `If-Match` asks of the current version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum IfMatch {
    /// No header: save whatever the current version is.
    #[default]
    Absent,
    /// `*`: any existing chatbot.
    Any,
    /// One of these versions (strong comparison: a weak `W/` tag never matches).
    OneOf(Vec<String>),
}

impl IfMatch {
    /// Reads every `If-Match` header of `headers` (a list may be split over several).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut values = headers.get_all(header::IF_MATCH).iter().peekable();
        if values.peek().is_none() {
            return IfMatch::Absent;
        }
        let mut tags = Vec::new();
        for value in values {
            // A value that is not text cannot name one of our versions: it matches nothing.
            let Ok(text) = value.to_str() else { continue };
            for item in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                if item == "*" {
                    return IfMatch::Any;
                }
                if item.starts_with("W/") {
                    continue;
                }
                let tag = item
                    .strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .unwrap_or(item);
                tags.push(tag.to_owned());
            }
        }
        IfMatch::OneOf(tags)
    }

    /// Whether a save over the chatbot at `current` may go ahead.
    pub fn allows(&self, current: Option<&str>) -> bool {
        match self {
            IfMatch::Absent | IfMatch::Any => true,
            IfMatch::OneOf(tags) => current.is_some_and(|v| tags.iter().any(|t| t == v)),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(IfMatch::from_headers(&parts.headers))
    }
}

/// A JSON answer about one chatbot, with its version as the `ETag`.
pub struct Tagged<T> {
    pub status: StatusCode,
    pub version_id: Option<String>,
    pub body: T,
}

impl<T> Tagged<T> {
    pub fn ok(version_id: Option<String>, body: T) -> Self {
        Self {
            status: StatusCode::OK,
            version_id,
            body,
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

impl<T: Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        let etag = self
            .version_id
            .and_then(|v| HeaderValue::from_str(&format!("\"{v}\"")).ok());
        if let Some(etag) = etag {
            response.headers_mut().insert(header::ETAG, etag);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn if_match(values: &[&str]) -> IfMatch {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::IF_MATCH, HeaderValue::from_str(value).unwrap());
        }
        IfMatch::from_headers(&headers)
    }

    #[test]
    fn no_header_allows_any_save() {
        assert_eq!(if_match(&[]), IfMatch::Absent);
        assert!(if_match(&[]).allows(Some("v1")));
    }

    #[test]
    fn a_quoted_or_bare_version_allows_only_that_version() {
        for value in ["\"v1\"", "v1", " \"v1\" "] {
            let condition = if_match(&[value]);
            assert!(condition.allows(Some("v1")), "{value}");
            assert!(!condition.allows(Some("v2")), "{value}");
            assert!(!condition.allows(None), "{value}");
        }
    }

    #[test]
    fn a_list_allows_any_of_its_versions_even_across_headers() {
        let condition = if_match(&["\"v1\", \"v2\"", "v3"]);
        for version in ["v1", "v2", "v3"] {
            assert!(condition.allows(Some(version)), "{version}");
        }
        assert!(!condition.allows(Some("v4")));
    }

    #[test]
    fn a_star_allows_any_existing_chatbot() {
        assert_eq!(if_match(&["*"]), IfMatch::Any);
        assert!(if_match(&["\"v1\", *"]).allows(Some("v9")));
    }

    #[test]
    fn weak_and_empty_tags_match_nothing() {
        assert!(!if_match(&["W/\"v1\""]).allows(Some("v1")));
        assert!(!if_match(&[""]).allows(Some("v1")));
        assert!(!if_match(&["\"\""]).allows(Some("v1")));
    }
}
