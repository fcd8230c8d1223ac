//! Mapbox Vector Tile 2.1 encoder: layers of features with integer tile
//! geometry and typed properties, written as Protocol Buffers bytes.
//!
//! Messages written (field numbers of the MVT 2.1 `vector_tile.proto`):
//! `Tile { layers = 3 }`, `Layer { name = 1, features = 2, keys = 3,
//! values = 4, extent = 5, version = 15 }`, `Feature { id = 1, tags = 2,
//! type = 3, geometry = 4 }`, `Value { string = 1, double = 3, uint = 5,
//! sint = 6, bool = 7 }`. Fields are written in field-number order and
//! nothing depends on hashing order, so equal input gives identical bytes.

use std::collections::HashMap;

use super::pbf::{
    write_bytes_field, write_double_field, write_packed_field, write_varint_field, zigzag,
};
use crate::GeoError;

/// MVT geometry command `MoveTo`.
const CMD_MOVE_TO: u32 = 1;
/// MVT geometry command `LineTo`.
const CMD_LINE_TO: u32 = 2;
/// MVT geometry command `ClosePath`.
const CMD_CLOSE_PATH: u32 = 7;
/// A command's repeat count must be below 2^29.
const MAX_COUNT: usize = (1 << 29) - 1;

/// A property value of a tile feature.
///
/// Encoded as the MVT `Value` field: `String` → `string_value`, `Double` →
/// `double_value`, `Int` → `uint_value` when `≥ 0` and `sint_value` when
/// negative (the smallest encodings), `Bool` → `bool_value`.
#[derive(Debug, Clone, PartialEq)]
pub enum TileValue {
    /// A UTF-8 string.
    String(String),
    /// A 64-bit float.
    Double(f64),
    /// A signed 64-bit integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

impl From<&str> for TileValue {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for TileValue {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<f64> for TileValue {
    fn from(v: f64) -> Self {
        Self::Double(v)
    }
}

impl From<i64> for TileValue {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<bool> for TileValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

/// Geometry of a tile feature in integer tile coordinates (`x` right, `y`
/// down, `0..extent` inside the tile).
#[derive(Debug, Clone, PartialEq)]
pub enum TileGeometry {
    /// One or more points (`POINT`).
    Points(Vec<(i32, i32)>),
    /// One or more polylines (`LINESTRING`).
    Lines(Vec<Vec<(i32, i32)>>),
    /// One or more polygons (`POLYGON`); each polygon is a list of rings, the
    /// first the exterior and the rest holes. A closing vertex equal to the
    /// first is optional, and winding is fixed by the encoder.
    Polygons(Vec<Vec<Vec<(i32, i32)>>>),
}

/// One feature of a tile layer.
#[derive(Debug, Clone, PartialEq)]
pub struct TileFeature {
    /// Optional feature id (MVT `id`).
    pub id: Option<u64>,
    /// Properties in order; when a key repeats within a feature the first
    /// occurrence wins.
    pub properties: Vec<(String, TileValue)>,
    /// The geometry.
    pub geometry: TileGeometry,
}

/// A named layer of features sharing one extent.
#[derive(Debug, Clone, PartialEq)]
pub struct TileLayer {
    /// Layer name; must be unique within a tile.
    pub name: String,
    /// Tile-coordinate units per tile side (usually 4096); must be > 0.
    pub extent: u32,
    /// The features, encoded in this order.
    pub features: Vec<TileFeature>,
}

/// Encodes `layers` as one Mapbox Vector Tile (version 2).
///
/// Per layer, property keys and values are deduplicated into the layer's
/// `keys` and `values` tables in first-seen order (values compare by type
/// and exact value; doubles by their bits). Geometry is normalised to the
/// specification: consecutive duplicate points are removed from lines and
/// rings, a ring's repeated closing vertex is dropped, lines with fewer than
/// two distinct points and rings with fewer than three points or zero area
/// are dropped (a dropped exterior ring takes its holes with it), exterior rings are
/// made clockwise in tile coordinates — positive area by the surveyor's
/// formula `½ Σ (xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ)` with `y` down — and holes
/// anticlockwise (negative area), reversing a ring when needed while
/// keeping its first vertex. A feature with no geometry left is omitted
/// (its properties are not added to the tables). Layers without features
/// are still written. Coordinates are expected within ±2^30 so deltas fit
/// the specification's 32-bit parameters.
///
/// # Errors
/// [`GeoError::InvalidArgument`] if two layers share a name (the
/// specification requires unique names) or a layer has extent 0.
pub fn encode_tile(layers: &[TileLayer]) -> Result<Vec<u8>, GeoError> {
    let mut out = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, layer) in layers.iter().enumerate() {
        if let Some(first) = seen.insert(layer.name.as_str(), i) {
            return Err(GeoError::InvalidArgument {
                name: "layers",
                reason: format!(
                    "layers {first} and {i} are both named `{}`; layer names must be unique in a tile",
                    layer.name
                ),
            });
        }
        if layer.extent == 0 {
            return Err(GeoError::InvalidArgument {
                name: "layers",
                reason: format!("layer `{}` has extent 0; it must be > 0", layer.name),
            });
        }
        let body = encode_layer(layer);
        write_bytes_field(&mut out, 3, &body);
    }
    Ok(out)
}

/// Dedup key of a property value: its type and exact bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Str(&'a str),
    Double(u64),
    Int(i64),
    Bool(bool),
}

impl<'a> ValueKey<'a> {
    fn of(v: &'a TileValue) -> Self {
        match v {
            TileValue::String(s) => Self::Str(s),
            TileValue::Double(d) => Self::Double(d.to_bits()),
            TileValue::Int(i) => Self::Int(*i),
            TileValue::Bool(b) => Self::Bool(*b),
        }
    }
}

/// First-seen-order interner: maps each distinct item to its table index.
struct Table<K> {
    index: HashMap<K, u32>,
    order: Vec<K>,
}

impl<K: Copy + Eq + std::hash::Hash> Table<K> {
    fn new() -> Self {
        Self {
            index: HashMap::new(),
            order: Vec::new(),
        }
    }

    fn intern(&mut self, k: K) -> u32 {
        if let Some(&i) = self.index.get(&k) {
            return i;
        }
        let i = self.order.len() as u32;
        self.index.insert(k, i);
        self.order.push(k);
        i
    }
}

/// Encodes the body of one `Layer` message.
fn encode_layer(layer: &TileLayer) -> Vec<u8> {
    let mut keys: Table<&str> = Table::new();
    let mut values: Table<ValueKey<'_>> = Table::new();
    let mut out = Vec::new();
    write_bytes_field(&mut out, 1, layer.name.as_bytes());
    let mut feature_buf = Vec::new();
    for f in &layer.features {
        let (geom_type, commands) = encode_geometry(&f.geometry);
        if commands.is_empty() {
            continue;
        }
        let mut tags: Vec<u64> = Vec::with_capacity(f.properties.len() * 2);
        let mut used: Vec<&str> = Vec::with_capacity(f.properties.len());
        for (k, v) in &f.properties {
            if used.contains(&k.as_str()) {
                continue;
            }
            used.push(k);
            tags.push(u64::from(keys.intern(k)));
            tags.push(u64::from(values.intern(ValueKey::of(v))));
        }
        feature_buf.clear();
        if let Some(id) = f.id {
            write_varint_field(&mut feature_buf, 1, id);
        }
        write_packed_field(&mut feature_buf, 2, &tags);
        write_varint_field(&mut feature_buf, 3, geom_type);
        write_packed_field(&mut feature_buf, 4, &commands);
        write_bytes_field(&mut out, 2, &feature_buf);
    }
    for k in &keys.order {
        write_bytes_field(&mut out, 3, k.as_bytes());
    }
    let mut value_buf = Vec::new();
    for v in &values.order {
        value_buf.clear();
        match *v {
            ValueKey::Str(s) => write_bytes_field(&mut value_buf, 1, s.as_bytes()),
            ValueKey::Double(bits) => write_double_field(&mut value_buf, 3, f64::from_bits(bits)),
            ValueKey::Int(i) if i >= 0 => write_varint_field(&mut value_buf, 5, i as u64),
            ValueKey::Int(i) => write_varint_field(&mut value_buf, 6, zigzag(i)),
            ValueKey::Bool(b) => write_varint_field(&mut value_buf, 7, u64::from(b)),
        }
        write_bytes_field(&mut out, 4, &value_buf);
    }
    write_varint_field(&mut out, 5, u64::from(layer.extent));
    write_varint_field(&mut out, 15, 2);
    out
}

/// Command integer `(id & 0x7) | (count << 3)`.
fn command(id: u32, count: usize) -> u64 {
    u64::from(id & 0x7) | ((count as u64) << 3)
}

/// Geometry command stream with its cursor (which starts at `(0, 0)` and
/// carries across parts of a feature).
struct Commands {
    out: Vec<u64>,
    cursor: (i64, i64),
}

impl Commands {
    /// Appends the zigzag-encoded delta from the cursor to `p` and moves the
    /// cursor there.
    fn param(&mut self, p: (i32, i32)) {
        let (x, y) = (i64::from(p.0), i64::from(p.1));
        self.out.push(zigzag(x - self.cursor.0));
        self.out.push(zigzag(y - self.cursor.1));
        self.cursor = (x, y);
    }

    /// `MoveTo` the first point, `LineTo` the rest, optionally `ClosePath`.
    fn path(&mut self, pts: &[(i32, i32)], close: bool) {
        let Some((first, rest)) = pts.split_first() else {
            return;
        };
        self.out.push(command(CMD_MOVE_TO, 1));
        self.param(*first);
        if !rest.is_empty() {
            self.out.push(command(CMD_LINE_TO, rest.len()));
            for &p in rest {
                self.param(p);
            }
        }
        if close {
            self.out.push(command(CMD_CLOSE_PATH, 1));
        }
    }
}

/// Removes consecutive duplicate points.
fn dedup(pts: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut v = pts.to_vec();
    v.dedup();
    v
}

/// A ring without consecutive duplicates or a repeated closing vertex.
fn clean_ring(ring: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut v = dedup(ring);
    while v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    v
}

/// Orients a cleaned ring so its surveyor's-formula area has the sign wanted
/// (`positive` for exteriors), keeping the first vertex; `None` if the ring
/// has fewer than three points or zero area.
fn orient(mut ring: Vec<(i32, i32)>, positive: bool) -> Option<Vec<(i32, i32)>> {
    if ring.len() < 3 || ring.len() > MAX_COUNT {
        return None;
    }
    let a2 = super::clip::ring_area2(&ring);
    if a2 == 0 {
        return None;
    }
    if (a2 > 0) != positive {
        ring[1..].reverse();
    }
    Some(ring)
}

/// MVT geometry type and command stream of a geometry (empty when nothing
/// valid remains).
fn encode_geometry(g: &TileGeometry) -> (u64, Vec<u64>) {
    let mut c = Commands {
        out: Vec::new(),
        cursor: (0, 0),
    };
    match g {
        TileGeometry::Points(pts) => {
            if !pts.is_empty() && pts.len() <= MAX_COUNT {
                c.out.push(command(CMD_MOVE_TO, pts.len()));
                for &p in pts {
                    c.param(p);
                }
            }
            (1, c.out)
        }
        TileGeometry::Lines(lines) => {
            for line in lines {
                let l = dedup(line);
                if l.len() >= 2 && l.len() <= MAX_COUNT {
                    c.path(&l, false);
                }
            }
            (2, c.out)
        }
        TileGeometry::Polygons(polys) => {
            for poly in polys {
                let mut rings = poly.iter();
                let Some(ext) = rings.next().and_then(|r| orient(clean_ring(r), true)) else {
                    continue;
                };
                c.path(&ext, true);
                for hole in rings.filter_map(|r| orient(clean_ring(r), false)) {
                    c.path(&hole, true);
                }
            }
            (3, c.out)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::clip::ring_area;
    use super::super::test_decode::{Geom, decode_tile};
    use super::*;

    fn feature(geometry: TileGeometry, props: &[(&str, TileValue)]) -> TileFeature {
        TileFeature {
            id: None,
            properties: props
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            geometry,
        }
    }

    fn layer(name: &str, features: Vec<TileFeature>) -> TileLayer {
        TileLayer {
            name: name.to_owned(),
            extent: 4096,
            features,
        }
    }

    #[test]
    fn hand_checked_point_tile() {
        // One layer "p", one feature id 1 with {k: "v"} at point (25, 17).
        //
        // Feature (13 bytes):
        //   08 01           id = 1                (field 1, varint)
        //   12 02 00 00     tags = [key 0, value 0] (field 2, packed, 2 bytes)
        //   18 01           type = POINT          (field 3, varint)
        //   22 03 09 32 22  geometry (field 4, packed, 3 bytes):
        //                   MoveTo count 1 = (1 & 7) | (1 << 3) = 9,
        //                   zigzag(25) = 50 = 0x32, zigzag(17) = 34 = 0x22
        // Layer (31 bytes):
        //   0a 01 70        name = "p"            (field 1)
        //   12 0d <feature> features              (field 2, 13 bytes)
        //   1a 01 6b        keys = ["k"]          (field 3)
        //   22 03 0a 01 76  values = [{string_value: "v"}] (field 4, 3 bytes)
        //   28 80 20        extent = 4096 = 0x1000 → varint 80 20 (field 5)
        //   78 02           version = 2           (field 15: (15 << 3) | 0 = 0x78)
        //   3 + 15 + 3 + 5 + 3 + 2 = 31 = 0x1f
        // Tile (33 bytes):
        //   1a 1f <layer>   layers                (field 3, 31 bytes)
        let t = [TileLayer {
            name: "p".into(),
            extent: 4096,
            features: vec![TileFeature {
                id: Some(1),
                properties: vec![("k".into(), TileValue::String("v".into()))],
                geometry: TileGeometry::Points(vec![(25, 17)]),
            }],
        }];
        let want: Vec<u8> = vec![
            0x1a, 0x1f, // tile.layers, 31 bytes
            0x0a, 0x01, 0x70, // name "p"
            0x12, 0x0d, // feature, 13 bytes
            0x08, 0x01, // id 1
            0x12, 0x02, 0x00, 0x00, // tags
            0x18, 0x01, // type POINT
            0x22, 0x03, 0x09, 0x32, 0x22, // geometry
            0x1a, 0x01, 0x6b, // keys ["k"]
            0x22, 0x03, 0x0a, 0x01, 0x76, // values ["v"]
            0x28, 0x80, 0x20, // extent 4096
            0x78, 0x02, // version 2
        ];
        assert_eq!(encode_tile(&t).unwrap(), want);
    }

    #[test]
    fn value_encodings() {
        // (value, Value message body)
        let cases: Vec<(TileValue, Vec<u8>)> = vec![
            (TileValue::from("ab"), vec![0x0a, 0x02, b'a', b'b']),
            (
                TileValue::from(1.5),
                vec![0x19, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f],
            ),
            (TileValue::from(0i64), vec![0x28, 0x00]),
            (TileValue::from(300i64), vec![0x28, 0xac, 0x02]),
            (TileValue::from(-1i64), vec![0x30, 0x01]),
            (TileValue::from(-150i64), vec![0x30, 0xab, 0x02]),
            (TileValue::from(true), vec![0x38, 0x01]),
            (TileValue::from(false), vec![0x38, 0x00]),
        ];
        for (v, body) in cases {
            let t = [layer(
                "l",
                vec![feature(
                    TileGeometry::Points(vec![(0, 0)]),
                    &[("k", v.clone())],
                )],
            )];
            let bytes = encode_tile(&t).unwrap();
            let decoded = decode_tile(&bytes);
            assert_eq!(decoded[0].raw_values, vec![body], "{v:?}");
            assert_eq!(decoded[0].values, vec![v]);
        }
    }

    #[test]
    fn keys_and_values_dedup_in_first_seen_order() {
        let pt = || TileGeometry::Points(vec![(1, 1)]);
        let t = [layer(
            "l",
            vec![
                feature(
                    pt(),
                    &[
                        ("b", "x".into()),
                        ("a", 1i64.into()),
                        ("b", "ignored".into()),
                    ],
                ),
                feature(pt(), &[("a", "x".into()), ("c", 1i64.into())]),
                feature(pt(), &[("c", 1.0.into()), ("b", "x".into())]),
                // No geometry left: omitted, and "z" never enters the table.
                feature(
                    TileGeometry::Lines(vec![vec![(1, 1), (1, 1)]]),
                    &[("z", true.into())],
                ),
            ],
        )];
        let d = &decode_tile(&encode_tile(&t).unwrap())[0];
        assert_eq!(d.keys, vec!["b", "a", "c"]);
        assert_eq!(
            d.values,
            vec![
                TileValue::from("x"),
                TileValue::Int(1),
                TileValue::Double(1.0)
            ]
        );
        let tags: Vec<Vec<u32>> = d.features.iter().map(|f| f.tags.clone()).collect();
        assert_eq!(
            tags,
            vec![vec![0, 0, 1, 1], vec![1, 0, 2, 1], vec![2, 2, 0, 0]]
        );
        // Properties decode back (first occurrence of a repeated key wins).
        assert_eq!(
            d.properties(0),
            vec![
                ("b".to_owned(), TileValue::from("x")),
                ("a".to_owned(), TileValue::Int(1))
            ]
        );
    }

    #[test]
    fn geometry_round_trips_and_winding() {
        // Square with a hole, given with the "wrong" windings and closing
        // vertices; plus a second polygon; both must come back with the
        // exterior positive and the hole negative.
        let ext_ccw = vec![(0, 0), (0, 100), (100, 100), (100, 0), (0, 0)];
        let hole_cw = vec![(20, 20), (40, 20), (40, 40), (20, 40)];
        let second = vec![(200, 200), (300, 200), (300, 300), (200, 300)];
        // (name, input geometry, expected decoded geometry)
        let cases: Vec<(&str, TileGeometry, Geom)> = vec![
            (
                "multi-point",
                TileGeometry::Points(vec![(5, 7), (3, 2), (3, 2)]),
                Geom::Points(vec![(5, 7), (3, 2), (3, 2)]),
            ),
            (
                "lines with duplicates and a degenerate part",
                TileGeometry::Lines(vec![
                    vec![(2, 2), (2, 2), (10, 10), (20, 10)],
                    vec![(7, 7), (7, 7)],
                    vec![(-5, 3), (4000, 4100)],
                ]),
                Geom::Lines(vec![
                    vec![(2, 2), (10, 10), (20, 10)],
                    vec![(-5, 3), (4000, 4100)],
                ]),
            ),
            (
                "polygon with hole, fixed winding",
                TileGeometry::Polygons(vec![vec![ext_ccw.clone(), hole_cw.clone()]]),
                Geom::Polygons(vec![vec![
                    vec![(0, 0), (100, 0), (100, 100), (0, 100)],
                    vec![(20, 20), (20, 40), (40, 40), (40, 20)],
                ]]),
            ),
            (
                "multi-polygon, zero-area rings dropped",
                TileGeometry::Polygons(vec![
                    vec![
                        ext_ccw.clone(),
                        hole_cw.clone(),
                        vec![(50, 50), (60, 60), (70, 70)],
                    ],
                    vec![vec![(1, 1), (2, 2), (3, 3)], vec![(5, 5), (6, 5), (6, 6)]],
                    vec![second.clone()],
                ]),
                Geom::Polygons(vec![
                    vec![
                        vec![(0, 0), (100, 0), (100, 100), (0, 100)],
                        vec![(20, 20), (20, 40), (40, 40), (40, 20)],
                    ],
                    vec![second.clone()],
                ]),
            ),
        ];
        for (name, geometry, want) in cases {
            let t = [layer("l", vec![feature(geometry, &[])])];
            let bytes = encode_tile(&t).unwrap();
            let d = decode_tile(&bytes);
            let got = &d[0].features[0].geometry;
            assert_eq!(got, &want, "{name}");
            if let Geom::Polygons(polys) = got {
                for poly in polys {
                    assert!(ring_area(&poly[0]) > 0.0, "{name}: exterior {poly:?}");
                    for hole in &poly[1..] {
                        assert!(ring_area(hole) < 0.0, "{name}: hole {hole:?}");
                    }
                }
            }
            // Deterministic bytes.
            assert_eq!(encode_tile(&t).unwrap(), bytes, "{name}");
        }
    }

    #[test]
    fn polygon_command_stream() {
        // The spec's example polygon: (3,6) (8,12) (20,34), then a hole-free
        // second part — checked command by command.
        let g = TileGeometry::Polygons(vec![vec![vec![(3, 6), (8, 12), (20, 34)]]]);
        let (ty, cmds) = encode_geometry(&g);
        assert_eq!(ty, 3);
        // Area of (3,6) (8,12) (20,34): ½ (3·12 − 8·6 + 8·34 − 20·12 + 20·6 − 3·34)
        // = ½ (−12 + 32 + 18) = 19 > 0, so it is kept as given.
        assert_eq!(cmds, vec![9, 6, 12, 18, 10, 12, 24, 44, 15]);
    }

    #[test]
    fn invalid_layers_rejected() {
        let dup = [layer("a", vec![]), layer("a", vec![])];
        assert!(matches!(
            encode_tile(&dup),
            Err(GeoError::InvalidArgument { name: "layers", .. })
        ));
        let mut zero = layer("a", vec![]);
        zero.extent = 0;
        assert!(encode_tile(&[zero]).is_err());
        // An empty layer is still written.
        let d = decode_tile(&encode_tile(&[layer("e", vec![])]).unwrap());
        assert_eq!(
            (d.len(), d[0].name.as_str(), d[0].features.len()),
            (1, "e", 0)
        );
        assert_eq!(encode_tile(&[]).unwrap(), Vec::<u8>::new());
    }
}
