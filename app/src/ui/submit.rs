//! Forms that post to a server function, before and after hydration.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

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
