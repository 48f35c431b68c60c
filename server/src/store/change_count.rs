//! A count of the writes to some data that every process with the SQLite database open sees
//! the moment it moves, so that each can keep that data in memory and know, with one atomic
//! load and no query, whether what it kept is still what the database holds.
//!
//! SQLite shares a database between processes of one machine only (its WAL index is a file
//! every process maps into memory), so a count kept the same way reaches every instance that
//! can have the database open. The file lies beside the database and is never truncated.

#![allow(unsafe_code)]

use std::fs::OpenOptions;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::MmapMut;

const LEN: u64 = std::mem::size_of::<AtomicU64>() as u64;

pub struct ChangeCount {
    cell: Cell,
}

enum Cell {
    /// Mapped from the file beside the database, shared with every process that maps it.
    Shared(MmapMut),
    /// A database no other process can open (in memory).
    Local(AtomicU64),
}

impl ChangeCount {
    /// The count kept in the file at `path`, created (at zero) when missing.
    pub fn shared(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        // Growing a new file to the count's size zero-fills it; a file another process made
        // (and counted in) already has that size and is left as it is.
        if file.metadata()?.len() < LEN {
            file.set_len(LEN)?;
        }
        // SAFETY: the mapping is only ever read and written through the `AtomicU64` below, so
        // other processes changing the file at the same time is what it is for, not a data
        // race; chatdeck never shrinks the file, so the mapped bytes stay backed.
        let map = unsafe { MmapMut::map_mut(&file)? };
        Ok(Self {
            cell: Cell::Shared(map),
        })
    }

    pub fn local() -> Self {
        Self {
            cell: Cell::Local(AtomicU64::new(0)),
        }
    }

    fn atomic(&self) -> &AtomicU64 {
        match &self.cell {
            Cell::Shared(map) => {
                let start = map.as_ptr();
                debug_assert_eq!(start.align_offset(std::mem::align_of::<AtomicU64>()), 0);
                // SAFETY: a mapping starts on a page boundary (aligned for a u64) and is at
                // least `LEN` bytes long; it lives as long as `self`, which the reference
                // borrows; every access to those bytes, here and in other processes, is atomic.
                unsafe { &*start.cast::<AtomicU64>() }
            }
            Cell::Local(count) => count,
        }
    }

    pub fn current(&self) -> u64 {
        self.atomic().load(Ordering::SeqCst)
    }

    /// Moves the count on, after the write it counts has been committed.
    pub fn advance(&self) {
        self.atomic().fetch_add(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_mappings_of_one_file_see_each_others_changes_and_a_new_one_starts_where_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("changes");
        let first = ChangeCount::shared(&path).unwrap();
        let second = ChangeCount::shared(&path).unwrap();
        assert_eq!((first.current(), second.current()), (0, 0));

        first.advance();
        second.advance();
        second.advance();
        assert_eq!((first.current(), second.current()), (3, 3));

        drop(first);
        assert_eq!(ChangeCount::shared(&path).unwrap().current(), 3);
    }

    #[test]
    fn a_local_count_moves_on_its_own() {
        let count = ChangeCount::local();
        count.advance();
        assert_eq!(count.current(), 1);
    }
}
