//! Forms that post to a server function, before and after hydration, and how a failed submit
//! is told.

use std::collections::BTreeMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;

/// The `on:submit` of a plain `<form action=S::url() method="post">`. Before the wasm has
/// loaded, the browser posts the form to the server function; once hydrated, the page stays
/// and the action is dispatched with the input `input` builds (`None` sends nothing).
pub fn dispatch_on_submit<S>(
    action: ServerAction<S>,
    input: impl Fn(&SubmitEvent) -> Option<S> + 'static,
) -> impl Fn(SubmitEvent) + 'static
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    move |ev| {
        ev.prevent_default();
        if let Some(input) = input(&ev) {
            action.dispatch(input);
        }
    }
}

/// The field errors of a failed submit.
pub fn field_errors(value: Option<Result<impl Sized, AppError>>) -> BTreeMap<String, String> {
    match value {
        Some(Err(AppError::Validation { fields, .. })) => fields,
        _ => BTreeMap::new(),
    }
}

/// One line on what went wrong, beside the submit button.
pub fn banner_text(value: Option<Result<impl Sized, AppError>>) -> Option<String> {
    match value {
        Some(Err(AppError::Validation { fields, .. })) if !fields.is_empty() => {
            Some("Some fields need attention; see the messages beside them.".into())
        }
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    }
}
