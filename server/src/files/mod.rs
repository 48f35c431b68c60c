//! Uploaded files behind one interface: a directory of the data directory on one machine, or
//! S3-compatible object storage that every instance of a deployment shares. Keys are relative
//! paths such as `chatbots/<id>/<uuid>.png`; uploads are served under `/uploads/<key>`.

mod local;
mod object;
pub mod routes;

use std::io;
use std::path::{Component, Path};
use std::sync::Arc;

use async_trait::async_trait;

pub use local::LocalFiles;
pub use object::{ObjectFiles, ObjectStorage};

#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Stores `bytes` under `key` atomically: readers see the old file or the whole new one.
    async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    /// The whole file under `key`; `NotFound` when there is none.
    async fn get(&self, key: &str) -> io::Result<bytes::Bytes>;
    /// Removes one file; a missing file is not an error.
    async fn delete(&self, key: &str) -> io::Result<()>;
    /// Removes everything under `prefix`; a missing prefix is not an error.
    async fn delete_prefix(&self, prefix: &str) -> io::Result<()>;
    /// The keys of every file under `prefix`, in no particular order.
    async fn list(&self, prefix: &str) -> io::Result<Vec<String>>;
    /// Succeeds when the storage takes a write now (readiness).
    async fn check(&self) -> io::Result<()> {
        self.put(READY_PROBE, b"ok").await?;
        self.delete(READY_PROBE).await
    }
}

/// The key `FileStore::check` writes and removes.
const READY_PROBE: &str = ".ready-probe";

/// Where a deployment keeps its files.
#[derive(Debug, Clone, Default)]
pub enum Storage {
    /// Directories of the data directory: one machine, or machines sharing that directory.
    #[default]
    DataDir,
    /// An S3-compatible bucket, shared by every instance.
    Object(ObjectStorage),
}

/// The two file stores of a server: uploads, which anyone may fetch, and knowledge originals,
/// which only the ingestion reads.
pub struct Stores {
    pub uploads: Arc<dyn FileStore>,
    pub knowledge: Arc<dyn FileStore>,
}

impl Storage {
    pub fn open(&self, data_dir: &Path) -> io::Result<Stores> {
        Ok(match self {
            Storage::DataDir => Stores {
                uploads: Arc::new(LocalFiles::new(data_dir.join("uploads"))),
                knowledge: Arc::new(LocalFiles::new(data_dir.join("knowledge"))),
            },
            Storage::Object(storage) => {
                let (uploads, knowledge) = storage.open()?;
                Stores {
                    uploads: Arc::new(uploads),
                    knowledge: Arc::new(knowledge),
                }
            }
        })
    }
}

/// Keys are made by the server, but one that could climb out of its root, or that two stores
/// would read differently (`a//b`, `./a`), is refused anyway.
fn checked_key(key: &str) -> io::Result<&Path> {
    let relative = Path::new(key);
    let normal = !key.is_empty()
        && !key.contains("//")
        && !key.ends_with('/')
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if normal {
        Ok(relative)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("bad file key {key:?}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_keys_are_taken() {
        for good in ["a", "chatbots/a/x.png", ".ready-probe"] {
            assert!(checked_key(good).is_ok(), "{good}");
        }
        for bad in ["", "../x", "/etc/passwd", "a/../../x", "./a", "a//b", "a/"] {
            let error = checked_key(bad).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{bad}");
        }
    }
}
