//! Signing in and out, and who is signed in: the server functions, and the sign-in page.

pub mod login_page;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{MatchNestedRoutes, StaticSegment};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// `/login`.
#[component(transparent)]
pub fn AuthRoutes() -> impl MatchNestedRoutes + Clone {
    view! { <Route path=StaticSegment("login") view=login_page::LoginPage /> }.into_inner()
}

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
