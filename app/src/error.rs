//! `AppError`: what a server function can fail with, on both sides of the wire. Backend errors
//! arrive as okchat's error body and become field errors a form can show; internal causes are
//! logged on the server and never cross the wire.

use std::collections::BTreeMap;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No session, or it expired: sign in again.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    NotFound(String),
    /// Field reasons keyed by JSON path (`settings.snippet.primaryColor`).
    #[error("{message}")]
    Validation {
        message: String,
        fields: BTreeMap<String, String>,
    },
    #[error("{0}")]
    Conflict(String),
    /// Someone else saved the chatbot since this page loaded, and changed `fields` (their
    /// labels) too: the person chooses to reload or to overwrite.
    #[error("This chatbot was changed elsewhere.")]
    ChangedElsewhere { fields: Vec<String> },
    /// A save of several parts stopped at one: `saved` were stored (with the chatbot now at
    /// `version_id`), the rest were not, for `reason`.
    #[error("Saved {}, but not {failed}: {reason}", saved.join(" and "))]
    PartlySaved {
        saved: Vec<String>,
        failed: String,
        reason: String,
        saved_keys: Vec<String>,
        version_id: Option<String>,
    },
    /// The backend API could not be reached or failed; the console itself is fine.
    #[error("{0}")]
    BackendUnavailable(String),
    #[error("Something went wrong on our side.")]
    Internal,
    /// The browser could not reach the console server.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    /// The reason for the field at `path`, if this is a validation error naming it.
    pub fn field(&self, path: &str) -> Option<&str> {
        match self {
            AppError::Validation { fields, .. } => fields.get(path).map(String::as_str),
            _ => None,
        }
    }

    pub fn is_unauthorized(&self) -> bool {
        matches!(self, AppError::Unauthorized(_))
    }

    /// The HTTP status a server function answers with when it fails this way (not 500 for a
    /// form the person can fix, so the server's log keeps its errors for real failures).
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized(_) => 401,
            AppError::NotFound(_) => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::ChangedElsewhere { .. } => 412,
            AppError::PartlySaved { .. } => 502,
            AppError::BackendUnavailable(_) => 502,
            AppError::Internal => 500,
            // On the server, the framework's own failures: arguments that do not decode.
            AppError::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        AppError::Transport(error.to_string())
    }

    /// Called on the server as the error is sent: the response takes [`AppError::status`].
    #[cfg(feature = "ssr")]
    fn ser(&self) -> leptos::server_fn::Bytes {
        crate::backend::set_error_status(self.status());
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self)
            .unwrap_or_else(|_| leptos::server_fn::Bytes::from_static(br#""Internal""#))
    }
}

impl From<okchat::FieldErrors> for AppError {
    fn from(errors: okchat::FieldErrors) -> Self {
        AppError::Validation {
            message: "Some fields are invalid.".into(),
            fields: errors.0,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<okchat::ClientError> for AppError {
    fn from(error: okchat::ClientError) -> Self {
        use okchat::ClientError;
        match error {
            ClientError::Api {
                status,
                code,
                message,
                fields,
                request_id,
            } => match status {
                400 if !fields.is_empty() => AppError::Validation { message, fields },
                400 | 413 | 415 => AppError::Validation {
                    message,
                    fields: BTreeMap::new(),
                },
                // The console's own key was refused: a misconfigured remote backend.
                401 => {
                    tracing::error!(%message, "backend refused the console's API key");
                    AppError::BackendUnavailable(
                        "The backend refused the console's API key. Check CHATDECK_BACKEND_API_KEY."
                            .into(),
                    )
                }
                404 => AppError::NotFound(message),
                409 => AppError::Conflict(message),
                412 => AppError::ChangedElsewhere { fields: Vec::new() },
                _ => {
                    tracing::error!(status, %code, %message, ?request_id, "backend error");
                    AppError::BackendUnavailable(format!(
                        "The backend answered {status}. Try again in a moment."
                    ))
                }
            },
            ClientError::Transport(cause) => {
                tracing::error!(%cause, "backend unreachable");
                AppError::BackendUnavailable(
                    "The backend API is not reachable right now. Try again in a moment.".into(),
                )
            }
            ClientError::Decode(cause) | ClientError::InvalidRequest(cause) => {
                tracing::error!(%cause, "backend call failed");
                AppError::Internal
            }
        }
    }
}
