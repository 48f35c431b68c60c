//! Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …) through the `object_store`
//! crate, so that every instance of a deployment reads what any of them stored.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload, RetryConfig};

use super::{checked_key, FileStore};

/// `CHATDECK_OBJECT_STORE_URL` (`s3://bucket/optional/prefix`) and the settings the AWS tools
/// read from the environment (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_REGION`, …).
#[derive(Clone)]
pub struct ObjectStorage {
    pub url: String,
    /// `(aws_…, value)` pairs, the names in lower case.
    pub options: Vec<(String, String)>,
}

/// Settings hold secrets (`aws_secret_access_key`): printing shows their names only.
impl fmt::Debug for ObjectStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.options.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ObjectStorage")
            .field("url", &self.url)
            .field("options", &names)
            .finish()
    }
}

impl ObjectStorage {
    /// The bucket at `url` with the `AWS_*` variables of this process's environment.
    pub fn from_env(url: String) -> Self {
        let options = std::env::vars()
            .filter(|(name, _)| name.starts_with("AWS_"))
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect();
        Self { url, options }
    }

    /// The uploads and the knowledge originals, under `uploads/` and `knowledge/` of the URL's
    /// prefix.
    pub(super) fn open(&self) -> io::Result<(ObjectFiles, ObjectFiles)> {
        let invalid = |message: String| io::Error::new(io::ErrorKind::InvalidInput, message);
        let url = url::Url::parse(&self.url)
            .map_err(|e| invalid(format!("object store URL {:?}: {e}", self.url)))?;
        if !matches!(url.scheme(), "s3" | "s3a") {
            return Err(invalid(format!(
                "object store URL {:?}: only s3:// (any S3-compatible service) is supported",
                self.url
            )));
        }
        let mut builder = AmazonS3Builder::new().with_url(self.url.as_str());
        for (name, value) in &self.options {
            // Variables for other AWS tools (AWS_PROFILE, AWS_PAGER, …) are not ours to refuse.
            if let Ok(key) = name.parse::<AmazonS3ConfigKey>() {
                builder = builder.with_config(key, value);
            }
        }
        let store: Arc<dyn ObjectStore> = Arc::new(
            builder
                // A few quick retries: a request waits on them, and readiness must answer.
                .with_retry(RetryConfig {
                    max_retries: 3,
                    retry_timeout: Duration::from_secs(10),
                    ..RetryConfig::default()
                })
                .build()
                .map_err(|e| invalid(format!("object store {:?}: {e}", self.url)))?,
        );
        let root = Path::parse(url.path())
            .map_err(|e| invalid(format!("object store URL {:?}: {e}", self.url)))?;
        let under = |name: &str| ObjectFiles {
            store: store.clone(),
            root: root.child(name),
        };
        Ok((under("uploads"), under("knowledge")))
    }
}

/// Files under one prefix of a bucket.
pub struct ObjectFiles {
    store: Arc<dyn ObjectStore>,
    root: Path,
}

impl ObjectFiles {
    fn location(&self, key: &str) -> io::Result<Path> {
        checked_key(key)?;
        Ok(self.root.parts().chain(Path::from(key).parts()).collect())
    }
}

fn to_io(error: object_store::Error) -> io::Error {
    match error {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, error),
        other => io::Error::other(other),
    }
}

#[async_trait]
impl FileStore for ObjectFiles {
    /// One PUT: S3 shows an object whole or not at all.
    async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let payload = PutPayload::from(bytes::Bytes::copy_from_slice(bytes));
        self.store
            .put(&self.location(key)?, payload)
            .await
            .map(drop)
            .map_err(to_io)
    }

    async fn get(&self, key: &str) -> io::Result<bytes::Bytes> {
        let found = self.store.get(&self.location(key)?).await.map_err(to_io)?;
        found.bytes().await.map_err(to_io)
    }

    async fn delete(&self, key: &str) -> io::Result<()> {
        match self.store.delete(&self.location(key)?).await {
            Err(object_store::Error::NotFound { .. }) => Ok(()),
            other => other.map_err(to_io),
        }
    }

    async fn delete_prefix(&self, prefix: &str) -> io::Result<()> {
        let under = self.location(prefix)?;
        let listed = self
            .store
            .list(Some(&under))
            .map_ok(|meta| meta.location)
            .boxed();
        self.store
            .delete_stream(listed)
            .try_for_each(|_| async { Ok(()) })
            .await
            .or_else(|error| match error {
                object_store::Error::NotFound { .. } => Ok(()),
                other => Err(to_io(other)),
            })
    }

    async fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        let under = self.location(prefix)?;
        let found: Vec<_> = self
            .store
            .list(Some(&under))
            .try_collect()
            .await
            .map_err(to_io)?;
        Ok(found
            .into_iter()
            .filter_map(|meta| {
                let relative: Vec<_> = meta.location.prefix_match(&self.root)?.collect();
                Some(
                    relative
                        .iter()
                        .map(|part| part.as_ref())
                        .collect::<Vec<_>>()
                        .join("/"),
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing_the_settings_never_shows_a_secret() {
        let storage = ObjectStorage {
            url: "s3://files/chatdeck".into(),
            options: vec![(
                "aws_secret_access_key".into(),
                "wJalrXUtnFEMI-K7MDENG".into(),
            )],
        };
        let printed = format!("{storage:?}");
        assert!(printed.contains("aws_secret_access_key"), "{printed}");
        assert!(!printed.contains("wJalr"), "{printed}");
    }

    #[test]
    fn only_s3_urls_are_taken() {
        for url in ["gs://files", "file:///tmp/x", "files"] {
            let storage = ObjectStorage {
                url: url.into(),
                options: Vec::new(),
            };
            let error = storage.open().err().expect(url);
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{url}");
        }
    }
}
