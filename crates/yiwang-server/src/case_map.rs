//! Keeping the map's case layer current. Cases are taken in and move through the loop all day,
//! and the tile renderer draws them from memory, so the server asks the store every few seconds
//! whether any case changed and, if so, redraws the layer from the unfinished cases.

use std::sync::{Arc, Weak};
use std::time::Duration;

use yiwang_index::{CasePoint, TileRenderer};
use yiwang_store::{CaseMapSignature, Store, StoreError};

use crate::grid_maps::GridHolder;

/// How often the server asks whether cases changed; browsers keep case tiles as long, so a new
/// case is on the map within about twice this of being taken.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// The unfinished cases with a point, as the map draws them.
pub async fn case_points(store: &Store) -> Result<Vec<CasePoint>, StoreError> {
    Ok(store
        .case_map_points()
        .await?
        .into_iter()
        .map(|c| CasePoint {
            due_at: c.due_at,
            id: c.id,
            lon: c.lon,
            lat: c.lat,
            state: c.state,
            category: c.category_name,
        })
        .collect())
}

/// Redraws the case layer when the cases changed since `seen` (always when `seen` is `None`),
/// unless another refresh drew later cases meanwhile; says whether it redrew.
pub async fn refresh(
    tiles: &Arc<TileRenderer>,
    store: &Store,
    seen: &mut Option<CaseMapSignature>,
) -> Result<bool, StoreError> {
    let now = store.case_map_signature().await?;
    if seen.as_ref() == Some(&now) {
        return Ok(false);
    }
    let points = case_points(store).await?;
    let renderer = Arc::clone(tiles);
    let replaced =
        tokio::task::spawn_blocking(move || renderer.replace_cases(points, now.generation()))
            .await
            .map_err(|e| {
                StoreError::Unavailable(format!("redrawing the case layer failed: {e}"))
            })?;
    *seen = Some(now);
    Ok(replaced)
}

/// Runs [`refresh`] every `every` on the tiles the server holds now (a grid change brings new
/// ones, drawn with the cases of that moment) while the server runs.
pub fn spawn_refresh(grid: &Arc<GridHolder>, store: Store, every: Duration) {
    let grid: Weak<GridHolder> = Arc::downgrade(grid);
    tokio::spawn(async move {
        let mut seen = None;
        let mut drawing: Option<Weak<TileRenderer>> = None;
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            let Some(grid) = grid.upgrade() else { return };
            let tiles = Arc::clone(&grid.current().tiles);
            // New tiles (the grid changed) were drawn with the cases of their own moment.
            if drawing
                .as_ref()
                .and_then(Weak::upgrade)
                .is_none_or(|d| !Arc::ptr_eq(&d, &tiles))
            {
                seen = None;
                drawing = Some(Arc::downgrade(&tiles));
            }
            match refresh(&tiles, &store, &mut seen).await {
                Ok(true) => tracing::debug!(cases = tiles.case_count(), "case layer redrawn"),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "redrawing the case layer failed; retrying next round")
                }
            }
        }
    });
}
