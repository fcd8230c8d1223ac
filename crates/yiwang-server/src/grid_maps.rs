//! The grid's in-memory indexes — point → grid chain, vector tiles, each cell's staff — built
//! together from one read of the store and replaced together when the grid changes: at once after
//! a boundary import through this server, and within [`REFRESH_EVERY`] after one through the CLI
//! or another server on the same database.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use yiwang_core::model::GridStaff;
use yiwang_index::{GridLocator, IndexError, TileRenderer};
use yiwang_store::{GridSignature, Store, StoreError};

use crate::{case_map, index_inputs};

/// How often the server asks whether the grid changed.
pub const REFRESH_EVERY: Duration = Duration::from_secs(30);

/// The indexes of one version of the grid.
#[derive(Debug)]
pub struct GridMaps {
    /// Point → grid chain and nearby buildings.
    pub locator: GridLocator,
    /// Vector tiles of grids, buildings and cases.
    pub tiles: Arc<TileRenderer>,
    /// Each cell's staff (grid staff change only with a load, as the grid does).
    pub staff: HashMap<String, Vec<GridStaff>>,
    /// The grid they were built from.
    pub signature: GridSignature,
}

/// Why the indexes could not be built.
#[derive(Debug, thiserror::Error)]
pub enum GridMapsError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored geometry could not be indexed.
    #[error("cannot build the spatial index: {0}")]
    Index(#[from] IndexError),
}

impl GridMaps {
    /// Reads the grid, buildings, staff and unfinished cases and builds the indexes (on a
    /// blocking thread: a district takes a second or two).
    pub async fn build(store: &Store) -> Result<GridMaps, GridMapsError> {
        let signature = store.grid_signature().await?;
        let (grids, buildings) = index_inputs(store).await?;
        let cases = case_map::case_points(store).await?;
        let roads = store.roads().await?;
        let mut staff: HashMap<String, Vec<GridStaff>> = HashMap::new();
        for s in store.all_grid_staff().await? {
            staff.entry(s.grid_code.clone()).or_default().push(s);
        }
        let (locator, tiles) = tokio::task::spawn_blocking(move || {
            let tiles = TileRenderer::build(&grids, &roads, buildings.clone(), cases)?;
            Ok::<_, IndexError>((GridLocator::build(grids, buildings)?, tiles))
        })
        .await
        .map_err(|e| IndexError {
            code: "-".to_owned(),
            reason: e.to_string(),
        })??;
        Ok(GridMaps {
            locator,
            tiles: Arc::new(tiles),
            staff,
            signature,
        })
    }
}

/// The current [`GridMaps`], replaced whole.
#[derive(Debug)]
pub struct GridHolder(RwLock<Arc<GridMaps>>);

impl GridHolder {
    /// Holds `maps`.
    pub fn new(maps: GridMaps) -> GridHolder {
        GridHolder(RwLock::new(Arc::new(maps)))
    }

    /// The indexes now; a request keeps the version it started with.
    pub fn current(&self) -> Arc<GridMaps> {
        match self.0.read() {
            Ok(m) => Arc::clone(&m),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn replace(&self, maps: GridMaps) {
        match self.0.write() {
            Ok(mut m) => *m = Arc::new(maps),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(maps),
        }
    }

    /// Rebuilds the indexes if the stored grid differs from the one they were built from;
    /// says whether it did.
    pub async fn refresh(&self, store: &Store) -> Result<bool, GridMapsError> {
        if store.grid_signature().await? == self.current().signature {
            return Ok(false);
        }
        let maps = GridMaps::build(store).await?;
        tracing::info!(
            cells = maps.locator.cell_count(),
            "grid changed: spatial index, tiles and staff rebuilt"
        );
        self.replace(maps);
        Ok(true)
    }
}

/// Runs [`GridHolder::refresh`] every `every` while the holder is in use.
pub fn spawn_refresh(holder: &Arc<GridHolder>, store: Store, every: Duration) {
    let holder: Weak<GridHolder> = Arc::downgrade(holder);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(holder) = holder.upgrade() else {
                return;
            };
            if let Err(e) = holder.refresh(&store).await {
                tracing::warn!(error = %e, "rebuilding the grid indexes failed; retrying next round");
            }
        }
    });
}
