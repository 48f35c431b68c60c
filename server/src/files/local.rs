//! Files in a directory of the data directory.

use std::io;
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use super::{checked_key, FileStore};

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

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        Ok(self.root.join(checked_key(key)?))
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

    async fn list(&self, prefix: &str) -> io::Result<Vec<String>> {
        let root = self.root.clone();
        let start = self.path(prefix)?;
        tokio::task::spawn_blocking(move || {
            let mut keys = Vec::new();
            let mut pending = vec![start];
            while let Some(dir) = pending.pop() {
                let entries = match std::fs::read_dir(&dir) {
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    other => other?,
                };
                for entry in entries {
                    let path = entry?.path();
                    if path.is_dir() {
                        pending.push(path);
                    } else if let Ok(relative) = path.strip_prefix(&root) {
                        keys.push(relative.to_string_lossy().into_owned());
                    }
                }
            }
            Ok(keys)
        })
        .await
        .map_err(io::Error::other)?
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
