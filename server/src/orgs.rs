//! Organizations and their API keys: issuing, listing and revoking keys (the CLI), and
//! resolving a request's `x-api-key` to its organization (every API route).

pub mod keys;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod store;

use std::time::Duration;

use ::time::OffsetDateTime;
use okchat::ApiKey;

use crate::store::{DynStore, StoreResult};
use store::{ApiKeyInfo, KeyPurpose, NewApiKey};

/// How long a console key lives without renewal. The holder renews it every
/// [`CONSOLE_KEY_RENEWAL`], so a key outlives its process by at most this long, and a
/// renewal may fail twice in a row without the key lapsing.
pub const CONSOLE_KEY_TTL: ::time::Duration = ::time::Duration::minutes(15);
pub const CONSOLE_KEY_RENEWAL: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// A key just issued: the secret is shown once, then only its digest exists.
pub struct IssuedKey {
    pub key: ApiKey,
    pub info: ApiKeyInfo,
}

/// Organization names are at most this many characters (after trimming).
pub const ORGANIZATION_NAME_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the organization name must be 1 to {ORGANIZATION_NAME_MAX} characters")]
pub struct InvalidOrganizationName;

/// The rule for an organization's name, wherever one is given (key and user creation): trimmed,
/// 1 to [`ORGANIZATION_NAME_MAX`] characters.
pub fn organization_name(raw: &str) -> Result<&str, InvalidOrganizationName> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > ORGANIZATION_NAME_MAX {
        return Err(InvalidOrganizationName);
    }
    Ok(name)
}

/// Issues a key for the organization `org_name`, creating the organization if needed.
pub async fn issue_key(store: &DynStore, org_name: &str) -> anyhow::Result<IssuedKey> {
    let org_name = organization_name(org_name)?;
    let organization = store.find_or_create_organization(org_name).await?;
    let (key, new) = new_key(&organization.id, KeyPurpose::Api, OffsetDateTime::now_utc());
    store.insert_api_key(&new).await?;
    Ok(IssuedKey {
        key,
        info: ApiKeyInfo {
            id: new.id,
            organization_id: organization.id,
            organization_name: organization.name,
            prefix: new.prefix,
            created_at: new.created_at,
            revoked_at: None,
        },
    })
}

fn new_key(organization_id: &str, purpose: KeyPurpose, at: OffsetDateTime) -> (ApiKey, NewApiKey) {
    let key = keys::generate();
    let new = NewApiKey {
        id: uuid::Uuid::new_v4().to_string(),
        purpose,
        organization_id: organization_id.to_owned(),
        prefix: key.prefix().to_owned(),
        digest: keys::digest(key.expose()),
        created_at: crate::time::format(at),
        expires_at: (purpose == KeyPurpose::Console)
            .then(|| crate::time::format(at + CONSOLE_KEY_TTL)),
    };
    (key, new)
}

/// Mints a key for the console of this process to call the API as `organization_id`. Only its
/// digest is stored; the caller keeps the secret in memory and renews it
/// ([`renew_console_key`]) while it runs.
pub async fn mint_console_key(store: &DynStore, organization_id: &str) -> StoreResult<ApiKey> {
    mint_console_key_at(store, organization_id, OffsetDateTime::now_utc()).await
}

/// [`mint_console_key`] as if it were `at` (UTC): the key expires [`CONSOLE_KEY_TTL`] later.
pub async fn mint_console_key_at(
    store: &DynStore,
    organization_id: &str,
    at: OffsetDateTime,
) -> StoreResult<ApiKey> {
    let (key, new) = new_key(organization_id, KeyPurpose::Console, at);
    store.insert_api_key(&new).await?;
    Ok(key)
}

/// Gives a live console key another [`CONSOLE_KEY_TTL`]. False when it is gone or expired:
/// its holder must forget it.
pub async fn renew_console_key(store: &DynStore, key: &ApiKey) -> StoreResult<bool> {
    let now = OffsetDateTime::now_utc();
    store
        .renew_console_key(
            &keys::digest(key.expose()),
            &crate::time::format(now),
            &crate::time::format(now + CONSOLE_KEY_TTL),
        )
        .await
}

/// Removes the console keys no running process renews any more.
pub async fn delete_expired_console_keys(store: &DynStore) -> StoreResult<u64> {
    store.delete_expired_console_keys(&crate::time::now()).await
}

/// Revokes the one key whose id or prefix is `id_or_prefix`.
pub async fn revoke_key(store: &DynStore, id_or_prefix: &str) -> anyhow::Result<ApiKeyInfo> {
    let matches: Vec<ApiKeyInfo> = store
        .list_api_keys(None)
        .await?
        .into_iter()
        .filter(|k| k.id == id_or_prefix || k.prefix == id_or_prefix)
        .collect();
    match matches.as_slice() {
        [] => anyhow::bail!("no API key has the id or prefix {id_or_prefix:?}"),
        [one] => {
            if one.revoked_at.is_none() {
                store.revoke_api_key(&one.id, &crate::time::now()).await?;
            }
            let mut info = one.clone();
            info.revoked_at.get_or_insert_with(crate::time::now);
            Ok(info)
        }
        _ => anyhow::bail!(
            "{} keys share the prefix {id_or_prefix:?}; revoke by id instead",
            matches.len()
        ),
    }
}

/// How long a verified API key is trusted without asking the database again. A key revoked
/// (`chatdeck api-key revoke`, through any instance) or expired is refused by every instance
/// within this bound.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(5);

/// Keys verified in the last [`KEY_CACHE_TTL`], by digest, with their organization: every API
/// request presents its key, and checking it was one of the two database round trips a read
/// such as Get Chatbot cost. Unknown keys are not remembered (each is checked anew).
pub struct KeyCache {
    store: DynStore,
    verified: moka::sync::Cache<String, String>,
}

impl KeyCache {
    pub fn new(store: DynStore) -> Self {
        Self {
            store,
            verified: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(KEY_CACHE_TTL)
                .build(),
        }
    }

    /// The organization a presented key belongs to, if the key is well-formed, known and not
    /// revoked (as of at most [`KEY_CACHE_TTL`] ago).
    pub async fn organization(&self, presented: &str) -> StoreResult<Option<String>> {
        let Ok(key) = ApiKey::parse(presented) else {
            return Ok(None);
        };
        let digest = keys::digest(key.expose());
        if let Some(org) = self.verified.get(&digest) {
            return Ok(Some(org));
        }
        let org = self
            .store
            .organization_for_key(&digest, &crate::time::now())
            .await?;
        if let Some(org) = &org {
            self.verified.insert(digest, org.clone());
        }
        Ok(org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_names_are_trimmed_and_1_to_100_characters() {
        assert_eq!(organization_name("  acme  "), Ok("acme"));
        assert_eq!(organization_name(&"파".repeat(100)).map(str::len), Ok(300));
        for bad in ["", "   ", &"x".repeat(101)] {
            assert_eq!(
                organization_name(bad),
                Err(InvalidOrganizationName),
                "{bad:?}"
            );
        }
    }
}
