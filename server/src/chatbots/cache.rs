//! Chatbots as last read from the database, each with the change count it was read at: an
//! entry is served only while no chatbot has been written since, by any instance on the
//! database (`ChangeCount`), so a read still never shows a chatbot older than the last save
//! acknowledged anywhere, and a read of an unchanged chatbot costs no query.

use std::sync::Arc;
use std::time::Duration;

use super::store::ChatbotRecord;
use crate::store::change_count::ChangeCount;

const CAPACITY: u64 = 10_000;

/// How long an entry lives even when the count says it is current. A write escapes the count
/// only when it was never acknowledged: its instance died between the commit and moving the
/// count on, or its client hung up while the commit was under way (the count moves on at once,
/// the commit lands a moment later). This bounds how long a read can miss such a write.
const TIME_TO_LIVE: Duration = Duration::from_secs(10);

pub struct ChatbotCache {
    entries: moka::sync::Cache<String, (u64, Arc<ChatbotRecord>)>,
    changes: ChangeCount,
}

/// The change count as it was before a read from the database: what that read is filed under.
#[derive(Clone, Copy)]
pub struct Stamp(u64);

impl ChatbotCache {
    pub fn new(changes: ChangeCount) -> Self {
        Self {
            entries: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TIME_TO_LIVE)
                .build(),
            changes,
        }
    }

    /// Taken before reading the database, so that a write committed during the read leaves
    /// what it read filed under a count that is already past.
    pub fn stamp(&self) -> Stamp {
        Stamp(self.changes.current())
    }

    /// The chatbot `id`, if it was read while the count was at `stamp` (taken just now).
    pub fn get(&self, stamp: Stamp, id: &str) -> Option<ChatbotRecord> {
        match self.entries.get(id) {
            Some((read_at, record)) if read_at == stamp.0 => Some(ChatbotRecord::clone(&record)),
            _ => None,
        }
    }

    pub fn put(&self, stamp: Stamp, record: &ChatbotRecord) {
        self.entries
            .insert(record.id.clone(), (stamp.0, Arc::new(record.clone())));
    }

    /// Held across a chatbot write: when it goes, committed or not, finished or dropped half
    /// way (a client that hung up), the count moves on, so no instance serves what it kept from
    /// before the write.
    pub fn writing(&self) -> Writing<'_> {
        Writing(&self.changes)
    }
}

pub struct Writing<'a>(&'a ChangeCount);

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.0.advance();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_served_until_a_write_starts_and_one_read_during_a_write_is_never_served() {
        let cache = ChatbotCache::new(ChangeCount::local());
        let before = cache.stamp();
        cache.put(before, &ChatbotRecord::sample("b1", "Kettles"));
        assert_eq!(cache.get(cache.stamp(), "b1").unwrap().name, "Kettles");

        // A read that began before a write and finished after it files the old row under the
        // old count.
        let during = cache.stamp();
        drop(cache.writing());
        cache.put(during, &ChatbotRecord::sample("b1", "Kettles"));
        assert!(cache.get(cache.stamp(), "b1").is_none());

        let after = cache.stamp();
        cache.put(after, &ChatbotRecord::sample("b1", "Teapots"));
        assert_eq!(cache.get(cache.stamp(), "b1").unwrap().name, "Teapots");
        assert!(cache.get(cache.stamp(), "b2").is_none());
    }
}
