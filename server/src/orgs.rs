//! Organizations and their API keys: issuing, listing and revoking keys (the CLI), and
//! resolving a request's `x-api-key` to its organization (every API route).

pub mod keys;
pub mod sqlite;
pub mod store;

use okchat::ApiKey;

use crate::store::{DynStore, StoreResult};
use crate::time;
use store::{ApiKeyInfo, KeyPurpose, NewApiKey};

/// A key just issued: the secret is shown once, then only its digest exists.
pub struct IssuedKey {
    pub key: ApiKey,
    pub info: ApiKeyInfo,
}

/// Issues a key for the organization `org_name`, creating the organization if needed.
pub async fn issue_key(store: &DynStore, org_name: &str) -> anyhow::Result<IssuedKey> {
    let org_name = org_name.trim();
    anyhow::ensure!(
        !org_name.is_empty() && org_name.chars().count() <= 100,
        "the organization name must be 1 to 100 characters"
    );
    let organization = store.find_or_create_organization(org_name).await?;
    let (key, new) = new_key(&organization.id, KeyPurpose::Api);
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

fn new_key(organization_id: &str, purpose: KeyPurpose) -> (ApiKey, NewApiKey) {
    let key = keys::generate();
    let new = NewApiKey {
        id: uuid::Uuid::new_v4().to_string(),
        purpose,
        organization_id: organization_id.to_owned(),
        prefix: key.prefix().to_owned(),
        digest: keys::digest(key.expose()),
        created_at: time::now(),
    };
    (key, new)
}

/// Mints a key for the console of this process to call the API as `organization_id`. Only its
/// digest is stored; the caller keeps the secret in memory.
pub async fn mint_console_key(store: &DynStore, organization_id: &str) -> StoreResult<ApiKey> {
    let (key, new) = new_key(organization_id, KeyPurpose::Console);
    store.insert_api_key(&new).await?;
    Ok(key)
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
                store.revoke_api_key(&one.id, &time::now()).await?;
            }
            let mut info = one.clone();
            info.revoked_at.get_or_insert_with(time::now);
            Ok(info)
        }
        _ => anyhow::bail!(
            "{} keys share the prefix {id_or_prefix:?}; revoke by id instead",
            matches.len()
        ),
    }
}

/// The organization a presented key belongs to, if the key is well-formed, known and not revoked.
pub async fn authenticate(store: &DynStore, presented: &str) -> StoreResult<Option<String>> {
    let Ok(key) = ApiKey::parse(presented) else {
        return Ok(None);
    };
    store
        .organization_for_key(&keys::digest(key.expose()))
        .await
}
