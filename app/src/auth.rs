//! Signing in and out, and who is signed in.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::error::AppError;
use crate::fields::{dispatch_on_submit, INPUT};

/// The signed-in person, as the browser may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleUser {
    pub email: String,
    pub organization_name: String,
}

/// Where to go after signing in: a local path only, so the link cannot send people elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/chatbots".to_owned(),
    }
}

/// Anyone may call this: it checks the credentials, sets the session cookie and redirects.
#[server]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    crate::backend::sign_in(&email, &password).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Anyone may call this: it ends the caller's session, if any.
#[server]
pub async fn sign_out() -> Result<(), AppError> {
    crate::backend::sign_out().await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Anyone may call this: the signed-in user, or `None`.
#[server]
pub async fn current_user() -> Result<Option<ConsoleUser>, AppError> {
    match crate::backend::require_user().await {
        Ok(user) => Ok(Some(ConsoleUser {
            email: user.email,
            organization_name: user.organization_name,
        })),
        Err(AppError::Unauthorized(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

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
            <label for=name class="block text-sm font-medium">{label}</label>
            <input id=name name=name type=kind autocomplete=autocomplete required class=INPUT/>
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
            <crate::PreloadIsland island="login_form"/>
            <LoginForm next error/>
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
        <form action=SignIn::url() method="post" class="mt-6 space-y-4" aria-describedby="login-error" on:submit=dispatch_on_submit(action, sign_in_input)>
            <input type="hidden" name="next" value=next/>
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

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/chatbots/1")), "/chatbots/1");
        assert_eq!(safe_next(Some("//evil.example")), "/chatbots");
        assert_eq!(safe_next(Some("https://evil.example")), "/chatbots");
        assert_eq!(safe_next(Some("/\\evil.example")), "/chatbots");
        assert_eq!(safe_next(None), "/chatbots");
    }
}
