//! `/login`: the sign-in form.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::JsCast;

use super::SignIn;
use crate::error::AppError;
use crate::ui::fields::INPUT;
use crate::ui::submit::dispatch_on_submit;

/// The sign-in form's fields, read from the submitted form.
fn sign_in_input(ev: &SubmitEvent) -> Option<SignIn> {
    let form = ev.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let field = |name: &str| data.get(name).as_string().unwrap_or_default();
    let next = field("next");
    Some(SignIn {
        email: field("email"),
        password: field("password"),
        next: (!next.is_empty()).then_some(next),
    })
}

/// A labelled, required sign-in field; `name` is also its id.
fn credential(
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <div>
            <label for=name class="block text-sm font-medium">
                {label}
            </label>
            <input id=name name=name type=kind autocomplete=autocomplete required class=INPUT />
        </div>
    }
}

/// `/login`. Without wasm (or before it loads) the form posts to the server function, which
/// redirects to the console, or back here with the error in the query (`__err`), shown below.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    let error = query
        .read_untracked()
        .get("__err")
        .map(|e| ServerFnUrlError::<AppError>::decode_err(&e).to_string());
    view! {
        <section class="mx-auto mt-16 w-full max-w-sm px-6">
            <h1 class="text-2xl font-semibold tracking-tight">"Sign in to chatdeck"</h1>
            <crate::ui::frame::PreloadIsland island="login_form" />
            <LoginForm next error />
        </section>
    }
}

/// The sign-in form. Once hydrated, the fields are sent by the action (no page load until
/// the server function's redirect), and a refusal shows without losing what was typed.
#[island(lazy)]
fn LoginForm(next: String, error: Option<String>) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        Some(Ok(())) => None,
        None => error.clone(),
    };
    view! {
        <form
            action=SignIn::url()
            method="post"
            class="mt-6 space-y-4"
            aria-describedby="login-error"
            on:submit=dispatch_on_submit(action, sign_in_input)
        >
            <input type="hidden" name="next" value=next />
            {credential("email", "Email", "email", "username")}
            {credential("password", "Password", "password", "current-password")}
            <p id="login-error" role="alert" class="min-h-5 text-sm text-red-700 dark:text-red-400">
                {error}
            </p>
            <button
                type="submit"
                class="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
                disabled=move || action.pending().get()
            >
                "Sign in"
            </button>
        </form>
    }
}
