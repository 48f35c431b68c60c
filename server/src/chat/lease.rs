//! Who is answering a visitor's turn. A request that stored a turn (or found it stored, sent
//! again under its client id) answers it only under a lease in the database, renewed while the
//! answer is written and ended once it is stored. A turn sent again meanwhile, to this instance
//! or another, waits for that answer instead of getting a second one; when the lease runs out
//! without a renewal (its instance died), the next send of the turn takes it over.

use std::time::Duration;

use crate::store::{DynStore, StoreResult};

/// How long a lease lasts without renewal: the longest a turn sent again after its instance
/// died waits before it is answered anew.
pub const LEASE: Duration = Duration::from_secs(10);
const RENEW_EVERY: Duration = Duration::from_secs(3);

pub struct AnswerLease {
    store: DynStore,
    turn_id: String,
    holder: String,
}

/// Renews a lease until dropped.
pub struct Renewal(tokio::task::JoinHandle<()>);

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn until(from_now: Duration) -> (String, String) {
    let now = time::OffsetDateTime::now_utc();
    (
        crate::time::format(now),
        crate::time::format(now + from_now),
    )
}

impl AnswerLease {
    /// The lease on answering the stored turn `turn_id`, unless another request holds it.
    pub async fn claim(store: &DynStore, turn_id: &str) -> StoreResult<Option<Self>> {
        let holder = uuid::Uuid::new_v4().to_string();
        let (now, until) = until(LEASE);
        let claimed = store.claim_answer(turn_id, &holder, &now, &until).await?;
        Ok(claimed.then(|| Self {
            store: store.clone(),
            turn_id: turn_id.to_owned(),
            holder,
        }))
    }

    /// Keeps the lease from running out while the returned value lives.
    pub fn renewed(&self) -> Renewal {
        let (store, turn_id, holder) = (
            self.store.clone(),
            self.turn_id.clone(),
            self.holder.clone(),
        );
        Renewal(tokio::spawn(async move {
            let mut every = tokio::time::interval(RENEW_EVERY);
            every.tick().await;
            loop {
                every.tick().await;
                let (_, until) = until(LEASE);
                if let Err(error) = store.renew_answer(&turn_id, &holder, &until).await {
                    tracing::warn!(%error, turn = %turn_id, "the answer's lease was not renewed");
                }
            }
        }))
    }

    /// Ends the lease: the answer is stored, or none will be. A failure only makes a turn sent
    /// again wait for the lease to run out.
    pub async fn release(self) {
        if let Err(error) = self.store.release_answer(&self.turn_id, &self.holder).await {
            tracing::warn!(%error, turn = %self.turn_id, "the answer's lease was not ended");
        }
    }
}
