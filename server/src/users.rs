//! Console users and their sessions: creating users (the CLI), signing in and out, and
//! resolving a session cookie to its user. Passwords are argon2id hashes computed off the async
//! executor; session tokens are random and stored only as SHA-256.

pub mod password;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sessions;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod store;

use rand::RngCore;

use crate::orgs::{self, keys};
use crate::store::{DynStore, StoreError};
use crate::time;
use store::{NewUser, SessionUser};

/// How long a sign-in lasts.
pub const SESSION_DAYS: i64 = 14;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("{0}")]
    Invalid(String),
    #[error("a user with the email {0} already exists")]
    EmailTaken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// Trims and lowercases an email, and checks it looks like one.
pub fn normalize_email(email: &str) -> Result<String, UserError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(UserError::Invalid(format!(
            "{email:?} is not an email address"
        )))
    }
}

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 1024;

pub fn check_password(password: &str) -> Result<(), UserError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(UserError::Invalid(format!(
            "the password must be at least {PASSWORD_MIN} characters"
        )));
    }
    if n > PASSWORD_MAX {
        return Err(UserError::Invalid(format!(
            "the password must be at most {PASSWORD_MAX} characters"
        )));
    }
    Ok(())
}

/// Creates a console user in the organization `org_name` (created if needed).
pub async fn create_user(
    store: &DynStore,
    org_name: &str,
    email: &str,
    password: &str,
) -> Result<SessionUser, UserError> {
    let org_name =
        orgs::organization_name(org_name).map_err(|e| UserError::Invalid(e.to_string()))?;
    let email = normalize_email(email)?;
    check_password(password)?;
    let password_hash = password::hash(password.to_owned()).await?;
    let organization = store.find_or_create_organization(org_name).await?;
    let user = NewUser {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: organization.id.clone(),
        email: email.clone(),
        password_hash,
        created_at: time::now(),
    };
    match store.insert_user(&user).await {
        Ok(()) => Ok(SessionUser {
            user_id: user.id,
            email,
            organization_id: organization.id,
            organization_name: organization.name,
        }),
        Err(StoreError::Conflict(_)) => Err(UserError::EmailTaken(email)),
        Err(e) => Err(e.into()),
    }
}

/// A new session: the token for the cookie, and who it is.
pub struct SignedIn {
    pub token: String,
    pub user: SessionUser,
}

/// Checks the credentials and opens a session. Unknown emails cost as much as wrong passwords,
/// so the answer time does not tell which emails exist.
pub async fn sign_in(
    store: &DynStore,
    email: &str,
    password: &str,
) -> Result<Option<SignedIn>, UserError> {
    let Ok(email) = normalize_email(email) else {
        password::verify(password.to_owned(), None).await;
        return Ok(None);
    };
    let found = store.find_user_by_email(&email).await?;
    let hash = found.as_ref().map(|u| u.password_hash.clone());
    if !password::verify(password.to_owned(), hash).await {
        return Ok(None);
    }
    let user = found.expect("verify is false without a hash");
    let token = new_token();
    let now = ::time::OffsetDateTime::now_utc();
    let expires = now + ::time::Duration::days(SESSION_DAYS);
    store
        .insert_session(
            &keys::digest(&token),
            &user.id,
            &time::format(now),
            &time::format(expires),
        )
        .await?;
    Ok(Some(SignedIn {
        token,
        user: SessionUser {
            user_id: user.id,
            email: user.email,
            organization_id: user.organization_id,
            organization_name: user.organization_name,
        },
    }))
}

/// The user of a session token, if the session exists and has not expired.
pub async fn session_user(store: &DynStore, token: &str) -> Result<Option<SessionUser>, UserError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(store
        .session_user(&keys::digest(token), &time::now())
        .await?)
}

pub async fn sign_out(store: &DynStore, token: &str) -> Result<(), UserError> {
    Ok(store.delete_session(&keys::digest(token)).await?)
}

/// 32 random bytes as 64 hex characters.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "ada@.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_have_a_minimum_length() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
        assert!(check_password(&"x".repeat(PASSWORD_MAX + 1)).is_err());
    }
}
