//! Uploaded files behind one interface: a local directory now, object storage later. Keys are
//! relative paths such as `chatbots/<id>/<uuid>.png`, served under `/uploads/<key>`.

use std::io;
use std::path::{Component, Path, PathBuf};

use async_trait::async_trait;

#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Stores `bytes` under `key` atomically: readers see the old file or the whole new one.
    async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    /// The whole file under `key`.
    async fn get(&self, key: &str) -> io::Result<bytes::Bytes>;
    /// Removes one file; a missing file is not an error.
    async fn delete(&self, key: &str) -> io::Result<()>;
    /// Removes everything under `prefix`; a missing prefix is not an error.
    async fn delete_prefix(&self, prefix: &str) -> io::Result<()>;
    /// Succeeds when the storage takes a write now (readiness).
    async fn check(&self) -> io::Result<()> {
        self.put(READY_PROBE, b"ok").await?;
        self.delete(READY_PROBE).await
    }
}

/// The key `FileStore::check` writes and removes.
const READY_PROBE: &str = ".ready-probe";

/// Files under a directory (`<data dir>/uploads`).
pub struct LocalFiles {
    root: PathBuf,
}

impl LocalFiles {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Keys are made by the server, but a key that could climb out of the root is refused anyway.
    fn path(&self, key: &str) -> io::Result<PathBuf> {
        let relative = Path::new(key);
        if key.is_empty()
            || !relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("bad file key {key:?}"),
            ));
        }
        Ok(self.root.join(relative))
    }
}

fn ignore_missing(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[async_trait]
impl FileStore for LocalFiles {
    async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        let dir = path.parent().expect("a key has a parent").to_owned();
        let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::new_v4()));
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || -> io::Result<()> {
            use std::io::Write;
            std::fs::create_dir_all(&dir)?;
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&tmp, &path).inspect_err(|_| {
                if let Err(error) = std::fs::remove_file(&tmp) {
                    tracing::warn!(%error, tmp = %tmp.display(), "could not remove a partial upload");
                }
            })
        })
        .await
        .map_err(io::Error::other)?
    }

    async fn get(&self, key: &str) -> io::Result<bytes::Bytes> {
        tokio::fs::read(self.path(key)?)
            .await
            .map(bytes::Bytes::from)
    }

    async fn delete(&self, key: &str) -> io::Result<()> {
        ignore_missing(tokio::fs::remove_file(self.path(key)?).await)
    }

    async fn delete_prefix(&self, prefix: &str) -> io::Result<()> {
        ignore_missing(tokio::fs::remove_dir_all(self.path(prefix)?).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_written_read_and_removed_under_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let files = LocalFiles::new(dir.path());
        files.put("chatbots/a/x.png", b"png").await.unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("chatbots/a/x.png")).unwrap(),
            b"png"
        );
        assert_eq!(&files.get("chatbots/a/x.png").await.unwrap()[..], b"png");
        files.delete("chatbots/a/x.png").await.unwrap();
        files.delete("chatbots/a/x.png").await.unwrap();
        files.put("chatbots/a/y.png", b"png").await.unwrap();
        files.delete_prefix("chatbots/a").await.unwrap();
        assert!(!dir.path().join("chatbots/a").exists());
        files.delete_prefix("chatbots/a").await.unwrap();
    }

    #[tokio::test]
    async fn keys_cannot_escape_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let files = LocalFiles::new(dir.path());
        for key in ["../x", "/etc/passwd", "a/../../x", ""] {
            let error = files.put(key, b"x").await.unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{key}");
        }
    }
}
