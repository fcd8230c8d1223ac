//! Vector tiles (Mapbox Vector Tile 2.1) of the grid levels, buildings and cases, rendered from
//! memory.
//!
//! Each layer keeps its features in an R-tree of lon/lat bounding boxes; a tile asks the tree for
//! the features touching its buffered bounds, clips and simplifies them for the zoom
//! ([`yiwang_geo::tile`]) and encodes them. Cases are clustered below [`CASE_CLUSTER_BELOW_ZOOM`].

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};

use geo::{BoundingRect, LineString, MultiLineString, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, Envelope, RTree};
use yiwang_core::model::{FINISHED_CASE_STATES, Grid, GridLevel, Road, case_is_overdue};
use yiwang_geo::tile::{
    DEFAULT_BUFFER, DEFAULT_EXTENT, TileFeature, TileGeometry, TileId, TileLayer, TileValue,
    encode_tile, line_feature, lonlat_to_world, point_feature, polygon_feature,
};

use crate::locator::{BuildingPoint, IndexError, parse_geometry};

/// Below this zoom, cases are drawn as clusters (count and overdue count per cell).
pub const CASE_CLUSTER_BELOW_ZOOM: u8 = 15;

/// The layers `/tiles/{layer}/…` serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileLayerKind {
    /// 街镇.
    Streets,
    /// 片区.
    Areas,
    /// 居民区.
    Communities,
    /// 微网格.
    MicroGrids,
    /// 楼组.
    BuildingGroups,
    /// Roads (centrelines).
    Roads,
    /// Buildings (points).
    Buildings,
    /// Cases (points, clustered at low zoom).
    Cases,
}

impl TileLayerKind {
    /// Every layer.
    pub const ALL: [TileLayerKind; 8] = [
        TileLayerKind::Streets,
        TileLayerKind::Areas,
        TileLayerKind::Communities,
        TileLayerKind::MicroGrids,
        TileLayerKind::BuildingGroups,
        TileLayerKind::Roads,
        TileLayerKind::Buildings,
        TileLayerKind::Cases,
    ];

    /// The layer name in URLs and inside the tile.
    pub fn as_str(self) -> &'static str {
        match self {
            TileLayerKind::Streets => "streets",
            TileLayerKind::Areas => "areas",
            TileLayerKind::Communities => "communities",
            TileLayerKind::MicroGrids => "micro_grids",
            TileLayerKind::BuildingGroups => "building_groups",
            TileLayerKind::Roads => "roads",
            TileLayerKind::Buildings => "buildings",
            TileLayerKind::Cases => "cases",
        }
    }

    /// Smallest zoom at which the layer has content (below it tiles are empty: too small to see).
    pub fn min_zoom(self) -> u8 {
        match self {
            TileLayerKind::Streets | TileLayerKind::Areas | TileLayerKind::Cases => 0,
            TileLayerKind::Communities | TileLayerKind::Roads => 11,
            TileLayerKind::MicroGrids => 13,
            TileLayerKind::BuildingGroups | TileLayerKind::Buildings => 14,
        }
    }

    fn grid_level(self) -> Option<GridLevel> {
        match self {
            TileLayerKind::Streets => Some(GridLevel::Street),
            TileLayerKind::Areas => Some(GridLevel::Area),
            TileLayerKind::Communities => Some(GridLevel::Community),
            TileLayerKind::MicroGrids => Some(GridLevel::MicroGrid),
            TileLayerKind::BuildingGroups => Some(GridLevel::BuildingGroup),
            TileLayerKind::Roads | TileLayerKind::Buildings | TileLayerKind::Cases => None,
        }
    }
}

impl FromStr for TileLayerKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TileLayerKind::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = TileLayerKind::ALL.iter().map(|l| l.as_str()).collect();
                format!("unknown tile layer `{s}`; layers: {}", names.join(", "))
            })
    }
}

/// A case as the map shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CasePoint {
    /// Case id.
    pub id: i64,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
    /// Workflow state.
    pub state: String,
    /// Statutory deadline; whether the case is overdue is decided when a tile is drawn.
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Category name.
    pub category: Option<String>,
}

impl CasePoint {
    /// The map point of a case record, if it has a location.
    pub fn from_case(c: &yiwang_core::model::Case) -> Option<CasePoint> {
        Some(CasePoint {
            id: c.id,
            lon: c.lon?,
            lat: c.lat?,
            state: c.state.clone(),
            due_at: c.due_at,
            category: c.category_name.clone(),
        })
    }
}

/// Cases summed per cluster cell: Σ world x, Σ world y, count, and the deadlines of the
/// unfinished cases (sorted), so the overdue count can be taken at drawing time.
#[derive(Debug, Clone, Default)]
struct ClusterSums {
    sx: f64,
    sy: f64,
    count: i64,
    open_deadlines: Vec<chrono::DateTime<chrono::Utc>>,
}

/// Cluster cells per tile side (cells are `extent / CELLS_PER_TILE` = 512 units wide).
const CELLS_PER_TILE: u32 = 8;

type BoxTree = RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>;
type PointTree = RTree<GeomWithData<[f64; 2], usize>>;

struct PolygonLayer {
    tree: BoxTree,
    features: Vec<(Grid, MultiPolygon<f64>)>,
}

/// Renders vector tiles from memory.
pub struct TileRenderer {
    polygons: BTreeMap<GridLevel, PolygonLayer>,
    roads: (BoxTree, Vec<(String, MultiLineString<f64>)>),
    buildings: (PointTree, Vec<BuildingPoint>),
    /// Replaced whole when cases change ([`TileRenderer::replace_cases`]), with the generation
    /// of the cases it was drawn from; a tile being drawn keeps the layer it started with.
    cases: RwLock<(u64, Arc<CaseLayer>)>,
    cache: Mutex<TileCache>,
    /// The box of every grid cell, building and road: empty tiles inside it are cached like
    /// others (a bounded number), those outside are not (any number of them can be asked for).
    extent: Option<AABB<[f64; 2]>>,
}

/// The cases of the map, indexed for drawing.
struct CaseLayer {
    tree: PointTree,
    rows: Vec<CasePoint>,
    /// Per cluster zoom, the cases summed per cell (keyed by world cell column and row), computed
    /// once so a low-zoom tile reads at most 64 sums instead of walking every case.
    clusters: Vec<HashMap<(u32, u32), ClusterSums>>,
}

impl CaseLayer {
    fn build(cases: Vec<CasePoint>) -> CaseLayer {
        let clusters = (0..CASE_CLUSTER_BELOW_ZOOM)
            .map(|z| {
                let cells = f64::from(CELLS_PER_TILE) * f64::from(1u32 << z);
                let mut sums: HashMap<(u32, u32), ClusterSums> = HashMap::new();
                for c in &cases {
                    let (wx, wy) = lonlat_to_world(c.lon, c.lat);
                    if !(0.0..1.0).contains(&wx) || !(0.0..1.0).contains(&wy) {
                        continue;
                    }
                    let key = ((wx * cells) as u32, (wy * cells) as u32);
                    let cell = sums.entry(key).or_default();
                    cell.sx += wx;
                    cell.sy += wy;
                    cell.count += 1;
                    if let Some(due) = c
                        .due_at
                        .filter(|_| !FINISHED_CASE_STATES.contains(&c.state.as_str()))
                    {
                        cell.open_deadlines.push(due);
                    }
                }
                for cell in sums.values_mut() {
                    cell.open_deadlines.sort_unstable();
                }
                sums
            })
            .collect();
        CaseLayer {
            tree: point_tree(cases.iter().map(|c| (c.lon, c.lat))),
            rows: cases,
            clusters,
        }
    }
}

/// A rendered tile and its entity tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedTile {
    /// The encoded MVT bytes.
    pub bytes: Vec<u8>,
    /// A strong ETag (quoted), derived from the bytes.
    pub etag: String,
}

/// Rendered tiles kept until the cache holds [`CACHE_BYTES`]; then it starts over. The data behind
/// the tiles changes only when the renderer is rebuilt, so entries never go stale.
#[derive(Default)]
struct TileCache {
    /// Each tile with the time it was drawn.
    tiles: HashMap<(TileLayerKind, TileId), (Arc<RenderedTile>, std::time::Instant)>,
    bytes: usize,
}

/// How long a drawn case tile is served before it is drawn again (its overdue flags follow the
/// clock); the same as the `max-age` the server sends for case tiles.
pub const CASE_TILE_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// An encoded tile with a layer but no features is a few dozen bytes.
const EMPTY_TILE_BYTES: usize = 48;
/// Memory one cache entry costs beyond its bytes (key, ETag, map slot).
const ENTRY_OVERHEAD_BYTES: usize = 160;

/// Upper bound of the tile cache (all z12–z16 tiles of a scale-1 district take about 20 MiB).
pub const CACHE_BYTES: usize = 256 << 20;

impl std::fmt::Debug for TileRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TileRenderer")
            .field("cases", &self.case_count())
            .finish()
    }
}

fn point_tree(points: impl Iterator<Item = (f64, f64)>) -> PointTree {
    RTree::bulk_load(
        points
            .enumerate()
            .map(|(i, (lon, lat))| GeomWithData::new([lon, lat], i))
            .collect(),
    )
}

impl TileRenderer {
    /// Indexes every grid, building and case.
    pub fn build(
        grids: &[Grid],
        roads: &[Road],
        buildings: Vec<BuildingPoint>,
        cases: Vec<CasePoint>,
    ) -> Result<Self, IndexError> {
        let road_lines: Vec<(String, MultiLineString<f64>)> = roads
            .iter()
            .filter_map(|r| {
                let value: serde_json::Value = serde_json::from_str(r.geometry.as_deref()?).ok()?;
                let coords: Vec<(f64, f64)> = value["coordinates"]
                    .as_array()?
                    .iter()
                    .filter_map(|c| Some((c.get(0)?.as_f64()?, c.get(1)?.as_f64()?)))
                    .collect();
                (coords.len() >= 2).then(|| {
                    (
                        r.name.clone(),
                        MultiLineString::new(vec![LineString::from(coords)]),
                    )
                })
            })
            .collect();
        let road_boxes = road_lines
            .iter()
            .enumerate()
            .filter_map(|(i, (_, line))| {
                let r = line.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        let mut per_level: BTreeMap<GridLevel, Vec<(Grid, MultiPolygon<f64>)>> = BTreeMap::new();
        for g in grids {
            per_level
                .entry(g.level)
                .or_default()
                .push((g.clone(), parse_geometry(g)?));
        }
        let polygons: BTreeMap<GridLevel, PolygonLayer> = per_level
            .into_iter()
            .map(|(level, features)| {
                let boxes = features
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (_, mp))| {
                        let r = mp.bounding_rect()?;
                        let rect =
                            Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                        Some(GeomWithData::new(rect, i))
                    })
                    .collect();
                (
                    level,
                    PolygonLayer {
                        tree: RTree::bulk_load(boxes),
                        features,
                    },
                )
            })
            .collect();
        let roads = RTree::bulk_load(road_boxes);
        let buildings = (
            point_tree(buildings.iter().map(|b| (b.lon, b.lat))),
            buildings,
        );
        let extent = polygons
            .values()
            .filter(|l| l.tree.size() > 0)
            .map(|l| l.tree.root().envelope())
            .chain((roads.size() > 0).then(|| roads.root().envelope()))
            .chain((buildings.0.size() > 0).then(|| buildings.0.root().envelope()))
            .reduce(|a, b| a.merged(&b));
        Ok(TileRenderer {
            polygons,
            roads: (roads, road_lines),
            buildings,
            cases: RwLock::new((0, Arc::new(CaseLayer::build(cases)))),
            cache: Mutex::new(TileCache::default()),
            extent,
        })
    }

    /// Draws the cases layer from `cases` from now on (tiles already drawn of it are dropped),
    /// unless the layer drawn is of a later `generation` (a number that grows with every case
    /// change): a slow refresh never puts older cases back. Says whether it replaced the layer.
    pub fn replace_cases(&self, cases: Vec<CasePoint>, generation: u64) -> bool {
        let layer = Arc::new(CaseLayer::build(cases));
        let Ok(mut current) = self.cases.write() else {
            return false;
        };
        if generation <= current.0 && current.0 > 0 {
            return false;
        }
        *current = (generation, layer);
        drop(current);
        if let Ok(mut cache) = self.cache.lock() {
            let mut freed = 0;
            cache.tiles.retain(|(kind, _), (tile, _)| {
                let keep = *kind != TileLayerKind::Cases;
                if !keep {
                    freed += tile.bytes.len() + ENTRY_OVERHEAD_BYTES;
                }
                keep
            });
            cache.bytes = cache.bytes.saturating_sub(freed);
        }
        true
    }

    /// How many cases the map draws.
    #[must_use]
    pub fn case_count(&self) -> usize {
        self.case_layer().rows.len()
    }

    fn case_layer(&self) -> Arc<CaseLayer> {
        match self.cases.read() {
            Ok(layer) => Arc::clone(&layer.1),
            Err(poisoned) => Arc::clone(&poisoned.into_inner().1),
        }
    }

    /// The tile of `layer` if it was drawn before and is still good: a map lookup, cheap enough
    /// for an async task (drawing may take milliseconds; see [`Self::tile`]).
    pub fn cached(&self, layer: TileLayerKind, tile: TileId) -> Option<Arc<RenderedTile>> {
        let fresh = |drawn: &std::time::Instant| {
            layer != TileLayerKind::Cases || drawn.elapsed() < CASE_TILE_TTL
        };
        self.cache.lock().ok().and_then(|c| {
            c.tiles
                .get(&(layer, tile))
                .filter(|(_, drawn)| fresh(drawn))
                .map(|(t, _)| t.clone())
        })
    }

    /// Whether `tile` overlaps the data's extent.
    fn within_extent(&self, tile: TileId) -> bool {
        let b = tile.bounds_buffered(DEFAULT_EXTENT, DEFAULT_BUFFER);
        let tile_box = AABB::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
        self.extent.is_some_and(|e| e.intersects(&tile_box))
    }

    /// The encoded tile of `layer` (possibly with no features), from the cache when rendered before.
    pub fn tile(
        &self,
        layer: TileLayerKind,
        tile: TileId,
    ) -> Result<Arc<RenderedTile>, IndexError> {
        if let Some(hit) = self.cached(layer, tile) {
            return Ok(hit);
        }
        let bytes = self.render(layer, tile)?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut hasher);
        let rendered = Arc::new(RenderedTile {
            etag: format!("\"{:016x}-{}\"", hasher.finish(), bytes.len()),
            bytes,
        });
        // Empty tiles are cached only inside the data's extent: caching far-away ones would let
        // requests for them fill memory. Case tiles are cached too, but only for CASE_TILE_TTL.
        let worth_caching = rendered.bytes.len() > EMPTY_TILE_BYTES || self.within_extent(tile);
        if let (true, Ok(mut cache)) = (worth_caching, self.cache.lock()) {
            let cost = rendered.bytes.len() + ENTRY_OVERHEAD_BYTES;
            if cache.bytes + cost > CACHE_BYTES {
                *cache = TileCache::default();
            }
            cache.bytes += cost;
            if let Some((old, _)) = cache
                .tiles
                .insert((layer, tile), (rendered.clone(), std::time::Instant::now()))
            {
                cache.bytes = cache
                    .bytes
                    .saturating_sub(old.bytes.len() + ENTRY_OVERHEAD_BYTES);
            }
        }
        Ok(rendered)
    }

    /// Renders the encoded tile of `layer` (possibly with no features), bypassing the cache.
    pub fn render(&self, layer: TileLayerKind, tile: TileId) -> Result<Vec<u8>, IndexError> {
        self.render_at(layer, tile, chrono::Utc::now())
    }

    /// Renders as [`Self::render`], judging overdue cases at `now`.
    pub fn render_at(
        &self,
        layer: TileLayerKind,
        tile: TileId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<u8>, IndexError> {
        let features = if tile.z() < layer.min_zoom() {
            Vec::new()
        } else {
            let b = tile.bounds_buffered(DEFAULT_EXTENT, DEFAULT_BUFFER);
            let envelope = AABB::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
            match layer.grid_level() {
                Some(level) => self.grid_features(level, tile, &envelope),
                None if layer == TileLayerKind::Buildings => {
                    self.building_features(tile, &envelope)
                }
                None if layer == TileLayerKind::Roads => self.road_features(tile, &envelope),
                None => self.case_features(tile, &envelope, now),
            }
        };
        encode_tile(&[TileLayer {
            name: layer.as_str().to_owned(),
            extent: DEFAULT_EXTENT,
            features,
        }])
        .map_err(|e| IndexError {
            code: tile.to_string(),
            reason: e.to_string(),
        })
    }

    fn grid_features(
        &self,
        level: GridLevel,
        tile: TileId,
        envelope: &AABB<[f64; 2]>,
    ) -> Vec<TileFeature> {
        let Some(layer) = self.polygons.get(&level) else {
            return Vec::new();
        };
        let mut hits: Vec<usize> = layer
            .tree
            .locate_in_envelope_intersecting(envelope)
            .map(|h| h.data)
            .collect();
        hits.sort_unstable();
        hits.into_iter()
            .filter_map(|i| {
                let (grid, shape) = &layer.features[i];
                let properties = vec![
                    ("code".to_owned(), TileValue::String(grid.code.clone())),
                    ("name".to_owned(), TileValue::String(grid.name.clone())),
                    (
                        "level".to_owned(),
                        TileValue::String(grid.level.as_str().to_owned()),
                    ),
                    (
                        "area_m2".to_owned(),
                        TileValue::Double(grid.area_m2.round()),
                    ),
                ];
                polygon_feature(
                    tile,
                    shape,
                    DEFAULT_EXTENT,
                    DEFAULT_BUFFER,
                    Some(i as u64),
                    properties,
                )
            })
            .collect()
    }

    fn road_features(&self, tile: TileId, envelope: &AABB<[f64; 2]>) -> Vec<TileFeature> {
        let (tree, rows) = &self.roads;
        let mut hits: Vec<usize> = tree
            .locate_in_envelope_intersecting(envelope)
            .map(|h| h.data)
            .collect();
        hits.sort_unstable();
        hits.into_iter()
            .filter_map(|i| {
                let (name, line) = &rows[i];
                let properties = vec![("name".to_owned(), TileValue::String(name.clone()))];
                line_feature(
                    tile,
                    line,
                    DEFAULT_EXTENT,
                    DEFAULT_BUFFER,
                    Some(i as u64),
                    properties,
                )
            })
            .collect()
    }

    fn building_features(&self, tile: TileId, envelope: &AABB<[f64; 2]>) -> Vec<TileFeature> {
        let (tree, rows) = &self.buildings;
        let mut hits: Vec<usize> = tree.locate_in_envelope(envelope).map(|h| h.data).collect();
        hits.sort_unstable();
        hits.into_iter()
            .filter_map(|i| {
                let b = &rows[i];
                let mut properties = vec![
                    ("id".to_owned(), TileValue::Int(b.id)),
                    (
                        "address".to_owned(),
                        TileValue::String(b.standard_address.clone()),
                    ),
                ];
                if let Some(name) = &b.name {
                    properties.push(("name".to_owned(), TileValue::String(name.clone())));
                }
                point_feature(
                    tile,
                    b.lon,
                    b.lat,
                    DEFAULT_EXTENT,
                    u64::try_from(b.id).ok(),
                    properties,
                )
            })
            .collect()
    }

    fn case_features(
        &self,
        tile: TileId,
        envelope: &AABB<[f64; 2]>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<TileFeature> {
        let layer = self.case_layer();
        let (tree, rows) = (&layer.tree, &layer.rows);
        if tile.z() >= CASE_CLUSTER_BELOW_ZOOM {
            let mut hits: Vec<usize> = tree.locate_in_envelope(envelope).map(|h| h.data).collect();
            hits.sort_unstable();
            return hits
                .into_iter()
                .filter_map(|i| {
                    let c = &rows[i];
                    let mut properties = vec![
                        ("id".to_owned(), TileValue::Int(c.id)),
                        ("state".to_owned(), TileValue::String(c.state.clone())),
                        (
                            "overdue".to_owned(),
                            TileValue::Bool(case_is_overdue(&c.state, c.due_at, now)),
                        ),
                    ];
                    if let Some(category) = &c.category {
                        properties
                            .push(("category".to_owned(), TileValue::String(category.clone())));
                    }
                    point_feature(
                        tile,
                        c.lon,
                        c.lat,
                        DEFAULT_EXTENT,
                        u64::try_from(c.id).ok(),
                        properties,
                    )
                })
                .collect();
        }
        // Clusters: the pre-summed cells of this tile, one point each at the mean position.
        let Some(sums) = layer.clusters.get(usize::from(tile.z())) else {
            return Vec::new();
        };
        let extent = f64::from(DEFAULT_EXTENT);
        let scale = f64::from(1u32 << tile.z());
        let mut features = Vec::new();
        for cy in tile.y() * CELLS_PER_TILE..(tile.y() + 1) * CELLS_PER_TILE {
            for cx in tile.x() * CELLS_PER_TILE..(tile.x() + 1) * CELLS_PER_TILE {
                let Some(ClusterSums {
                    sx,
                    sy,
                    count,
                    open_deadlines,
                }) = sums.get(&(cx, cy))
                else {
                    continue;
                };
                let n = *count as f64;
                let px = ((sx / n) * scale - f64::from(tile.x())) * extent;
                let py = ((sy / n) * scale - f64::from(tile.y())) * extent;
                let overdue = open_deadlines.partition_point(|due| *due < now) as i64;
                features.push(TileFeature {
                    id: None,
                    properties: vec![
                        ("count".to_owned(), TileValue::Int(*count)),
                        ("overdue".to_owned(), TileValue::Int(overdue)),
                        ("cluster".to_owned(), TileValue::Bool(true)),
                    ],
                    geometry: TileGeometry::Points(vec![(px.round() as i32, py.round() as i32)]),
                });
            }
        }
        features
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {

    use super::*;

    fn renderer() -> TileRenderer {
        let (twin, buildings) = crate::test_twin(0.005, 41);
        let cases = twin.cases.iter().filter_map(CasePoint::from_case).collect();
        TileRenderer::build(&twin.grids, &twin.roads, buildings, cases).unwrap()
    }

    /// Counts features in an encoded tile by walking the protobuf: Tile.layers(3) → Layer.features(2).
    fn feature_count(bytes: &[u8]) -> usize {
        fn varint(b: &[u8], i: &mut usize) -> u64 {
            let mut v = 0u64;
            let mut shift = 0;
            loop {
                let byte = b[*i];
                *i += 1;
                v |= u64::from(byte & 0x7f) << shift;
                if byte < 0x80 {
                    return v;
                }
                shift += 7;
            }
        }
        fn fields(b: &[u8]) -> Vec<(u64, &[u8])> {
            let mut out = Vec::new();
            let mut i = 0;
            while i < b.len() {
                let key = varint(b, &mut i);
                match key & 7 {
                    0 => {
                        varint(b, &mut i);
                    }
                    2 => {
                        let len = varint(b, &mut i) as usize;
                        out.push((key >> 3, &b[i..i + len]));
                        i += len;
                    }
                    other => panic!("wire type {other}"),
                }
            }
            out
        }
        fields(bytes)
            .iter()
            .filter(|(f, _)| *f == 3)
            .map(|(_, layer)| fields(layer).iter().filter(|(f, _)| *f == 2).count())
            .sum()
    }

    #[test]
    fn streets_tile_over_xuhui_has_the_streets() {
        let r = renderer();
        let tile = TileId::containing(121.44, 31.18, 12).unwrap();
        let bytes = r.render(TileLayerKind::Streets, tile).unwrap();
        let n = feature_count(&bytes);
        assert!((3..=13).contains(&n), "{n} streets in {tile}");
        let far = TileId::containing(116.4, 39.9, 12).unwrap();
        assert_eq!(
            feature_count(&r.render(TileLayerKind::Streets, far).unwrap()),
            0
        );
    }

    #[test]
    fn roads_tile_draws_road_centrelines() {
        let r = renderer();
        let tile = TileId::containing(121.44, 31.18, 12).unwrap();
        let bytes = r.render(TileLayerKind::Roads, tile).unwrap();
        assert!(feature_count(&bytes) >= 5, "{}", feature_count(&bytes));
        assert!(
            bytes.windows("路".len()).any(|w| w == "路".as_bytes()),
            "road names inside"
        );
    }

    #[test]
    fn small_layers_are_empty_below_their_min_zoom() {
        let r = renderer();
        let tile = TileId::containing(121.44, 31.18, 12).unwrap();
        assert_eq!(
            feature_count(&r.render(TileLayerKind::BuildingGroups, tile).unwrap()),
            0
        );
        let z16 = TileId::containing(121.44, 31.18, 14).unwrap();
        assert!(feature_count(&r.render(TileLayerKind::BuildingGroups, z16).unwrap()) > 0);
    }

    #[test]
    fn cases_cluster_at_low_zoom_and_are_points_up_close() {
        let r = renderer();
        let z10 = TileId::containing(121.44, 31.18, 10).unwrap();
        let clusters = feature_count(&r.render(TileLayerKind::Cases, z10).unwrap());
        assert!((1..=64).contains(&clusters), "{clusters}");
        // Up close every case is its own point: the z16 tile around one case shows it, and the
        // number of points equals the cases whose position falls in that tile.
        let layer = r.case_layer();
        let case = &layer.rows[0];
        let z16 = TileId::containing(case.lon, case.lat, 16).unwrap();
        let b = z16.bounds_lonlat();
        let inside = layer
            .rows
            .iter()
            .filter(|c| TileId::containing(c.lon, c.lat, 16).unwrap() == z16)
            .count();
        assert!(inside >= 1 && b.min().x <= case.lon && case.lon <= b.max().x);
        assert_eq!(
            feature_count(&r.render(TileLayerKind::Cases, z16).unwrap()),
            inside
        );
    }

    #[test]
    fn clusters_count_every_case_of_their_tile_once() {
        let r = renderer();
        for z in [9u8, 11, 13, 14] {
            let tile = TileId::containing(121.44, 31.18, z).unwrap();
            let b = tile.bounds_buffered(DEFAULT_EXTENT, DEFAULT_BUFFER);
            let envelope = AABB::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
            let counted: i64 = r
                .case_features(tile, &envelope, chrono::Utc::now())
                .iter()
                .map(|f| match f.properties[0].1 {
                    TileValue::Int(n) => n,
                    _ => panic!("count first"),
                })
                .sum();
            let inside = r
                .case_layer()
                .rows
                .iter()
                .filter(|c| TileId::containing(c.lon, c.lat, z).unwrap() == tile)
                .count();
            assert_eq!(counted, inside as i64, "z{z}");
        }
    }

    #[test]
    fn overdue_counts_follow_the_clock() {
        let r = renderer();
        let tile = TileId::containing(121.44, 31.18, 10).unwrap();
        let b = tile.bounds_buffered(DEFAULT_EXTENT, DEFAULT_BUFFER);
        let envelope = AABB::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
        let overdue_at = |now| -> i64 {
            r.case_features(tile, &envelope, now)
                .iter()
                .map(|f| match f.properties[1].1 {
                    TileValue::Int(n) => n,
                    _ => panic!("overdue second"),
                })
                .sum()
        };
        let layer = r.case_layer();
        let open_with_deadline: Vec<_> = layer
            .rows
            .iter()
            .filter(|c| !FINISHED_CASE_STATES.contains(&c.state.as_str()) && c.due_at.is_some())
            .filter(|c| TileId::containing(c.lon, c.lat, 10).unwrap() == tile)
            .collect();
        let long_ago = chrono::DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let far_future = chrono::DateTime::parse_from_rfc3339("2100-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(overdue_at(long_ago), 0);
        assert_eq!(overdue_at(far_future), open_with_deadline.len() as i64);
        assert!(!open_with_deadline.is_empty());
    }

    #[test]
    fn replaced_cases_are_drawn_at_once_even_from_a_cached_tile() {
        let r = renderer();
        let layer = r.case_layer();
        let case = layer.rows[0].clone();
        let z16 = TileId::containing(case.lon, case.lat, 16).unwrap();
        let before = r.tile(TileLayerKind::Cases, z16).unwrap();
        assert!(feature_count(&before.bytes) >= 1);
        // A new case next to the first, and every other case gone (closed since).
        let new = CasePoint {
            id: 999_999,
            ..case.clone()
        };
        assert!(r.replace_cases(vec![case.clone(), new], 7));
        assert_eq!(r.case_count(), 2);
        // An older generation, read before, does not put the old cases back.
        assert!(!r.replace_cases(layer.rows.clone(), 6));
        assert_eq!(r.case_count(), 2);
        let after = r.tile(TileLayerKind::Cases, z16).unwrap();
        assert!(!Arc::ptr_eq(&before, &after), "the cached tile was dropped");
        assert_eq!(feature_count(&after.bytes), 2);
        let elsewhere = layer
            .rows
            .iter()
            .map(|c| TileId::containing(c.lon, c.lat, 16).unwrap())
            .find(|t| *t != z16)
            .unwrap();
        assert_eq!(
            feature_count(&r.tile(TileLayerKind::Cases, elsewhere).unwrap().bytes),
            0
        );
    }

    #[test]
    fn cached_tiles_equal_fresh_renders_and_carry_an_etag() {
        let r = renderer();
        let tile = TileId::containing(121.44, 31.18, 13).unwrap();
        let first = r.tile(TileLayerKind::Communities, tile).unwrap();
        let second = r.tile(TileLayerKind::Communities, tile).unwrap();
        assert!(Arc::ptr_eq(&first, &second), "served from the cache");
        let cases = TileId::containing(121.44, 31.18, 12).unwrap();
        let a = r.tile(TileLayerKind::Cases, cases).unwrap();
        assert!(
            Arc::ptr_eq(&a, &r.tile(TileLayerKind::Cases, cases).unwrap()),
            "case tiles within their TTL"
        );
        assert_eq!(
            first.bytes,
            r.render(TileLayerKind::Communities, tile).unwrap()
        );
        assert!(first.etag.starts_with('"') && first.etag.ends_with('"'));
        assert_ne!(
            first.etag,
            r.tile(TileLayerKind::Streets, tile).unwrap().etag
        );
    }

    #[test]
    fn empty_tiles_are_cached_inside_the_data_only() {
        let r = renderer();
        // Deep inside the district, a building-group tile at z20 with no building in it…
        let inside = (0..64)
            .filter_map(|i| TileId::containing(121.40 + f64::from(i) * 0.001, 31.15, 20).ok())
            .find(|t| r.render(TileLayerKind::Buildings, *t).unwrap().len() <= EMPTY_TILE_BYTES)
            .expect("an empty building tile inside the district");
        assert!(r.cached(TileLayerKind::Buildings, inside).is_none());
        let drawn = r.tile(TileLayerKind::Buildings, inside).unwrap();
        assert!(Arc::ptr_eq(
            &drawn,
            &r.cached(TileLayerKind::Buildings, inside).unwrap()
        ));
        // …is kept; one over the sea is drawn every time.
        let far = TileId::containing(150.0, 10.0, 16).unwrap();
        r.tile(TileLayerKind::Buildings, far).unwrap();
        assert!(r.cached(TileLayerKind::Buildings, far).is_none());
    }

    #[test]
    fn rendering_is_deterministic() {
        let r = renderer();
        let tile = TileId::containing(121.43, 31.19, 13).unwrap();
        for layer in TileLayerKind::ALL {
            assert_eq!(
                r.render(layer, tile).unwrap(),
                r.render(layer, tile).unwrap(),
                "{}",
                layer.as_str()
            );
        }
        assert!(
            "rivers"
                .parse::<TileLayerKind>()
                .unwrap_err()
                .contains("building_groups")
        );
    }
}
