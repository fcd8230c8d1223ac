//! Keeping the case search index current: filled from the store at start-up, then given the
//! cases taken in since, every couple of seconds (case texts do not change after intake).

use std::sync::{Arc, Weak};
use std::time::Duration;

use yiwang_index::{CaseSearch, SearchError};
use yiwang_store::{Store, StoreError};

/// How often new cases are added to the index.
pub const REFRESH_EVERY: Duration = Duration::from_secs(2);
/// Cases read and indexed per round.
const PAGE: i64 = 20_000;

/// Why the index could not take the cases.
#[derive(Debug, thiserror::Error)]
pub enum CatchUpError {
    /// Reading the cases failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Indexing them failed.
    #[error(transparent)]
    Index(#[from] SearchError),
}

/// Adds every case above the last one indexed; returns how many.
pub async fn catch_up(search: &Arc<CaseSearch>, store: &Store) -> Result<usize, CatchUpError> {
    let mut added = 0;
    loop {
        let page = store.case_texts(search.last_id(), PAGE).await?;
        if page.is_empty() {
            return Ok(added);
        }
        let index = Arc::clone(search);
        added += tokio::task::spawn_blocking(move || index.add(&page))
            .await
            .map_err(|e| SearchError::from(format!("indexing stopped: {e}")))??;
    }
}

/// Runs [`catch_up`] every `every` while the index is in use.
pub fn spawn_refresh(search: &Arc<CaseSearch>, store: Store, every: Duration) {
    let search: Weak<CaseSearch> = Arc::downgrade(search);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            let Some(search) = search.upgrade() else {
                return;
            };
            if let Err(e) = catch_up(&search, &store).await {
                tracing::warn!(error = %e, "indexing new cases for search failed; retrying next round");
            }
        }
    });
}
