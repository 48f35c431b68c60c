//! U+0000 in requests. SQLite keeps it in text; PostgreSQL refuses it in `text` and `jsonb`, so
//! a stored NUL would work on one engine and fail with a database error on the other. chatdeck
//! refuses it where a client sends it (JSON bodies, addresses), the same on both engines;
//! extracted documents drop it with the other control characters (`knowledge::extract`).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use okchat::ErrorCode;
use serde_json::Value;

use crate::error::ApiError;

const REASON: &str = "must not contain the NUL character (U+0000)";

/// Refuses a JSON body with U+0000 in any string or key, naming the first one's path
/// (`settings.snippet.name`, `messages.0.content`) as the validation errors do.
pub fn refuse_in_json(value: &Value) -> Result<(), ApiError> {
    match first_nul(value, "") {
        Some(path) => Err(ApiError::field(&path, REASON)),
        None => Ok(()),
    }
}

/// Refuses a text field of another kind of body (a multipart form's) holding U+0000.
pub fn refuse_in_text(path: &str, text: &str) -> Result<(), ApiError> {
    if text.contains('\0') {
        Err(ApiError::field(path, REASON))
    } else {
        Ok(())
    }
}

fn first_nul(value: &Value, path: &str) -> Option<String> {
    let child = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) => text.contains('\0').then(|| path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_nul(item, &child(&i.to_string()))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(child(&key.replace('\0', "\\u0000")))
            } else {
                first_nul(item, &child(key))
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// Refuses a request whose address (path or query) spells out U+0000 (`%00`): no id, token or
/// filter holds one.
pub async fn refuse_in_address(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let spelled = |part: &str| {
        part.as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"%00"))
    };
    if spelled(uri.path()) || uri.query().is_some_and(spelled) {
        return ApiError::new(
            ErrorCode::ValidationFailed,
            "The address contains the NUL character (%00), which no id or filter holds.",
        )
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_first_nul_is_named_by_its_path() {
        assert_eq!(
            first_nul(&json!({"name": "ok", "n": 1, "x": null}), ""),
            None
        );
        assert_eq!(
            first_nul(&json!({"name": "a\u{0}b"}), ""),
            Some("name".into())
        );
        let nested = json!({"messages": [{"content": "fine"}, {"content": "bad\u{0}"}]});
        assert_eq!(first_nul(&nested, ""), Some("messages.1.content".into()));
        let key = json!({"settings": {"a\u{0}": true}});
        assert_eq!(first_nul(&key, ""), Some("settings.a\\u0000".into()));
    }
}
