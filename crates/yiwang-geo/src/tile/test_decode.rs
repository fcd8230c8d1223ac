//! A minimal MVT decoder used only by the tests: it parses encoded tiles back
//! into layers, features, raw command streams and geometry, and panics on
//! anything malformed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::encode::TileValue;
use super::pbf::unzigzag;

/// Decoded geometry; polygon rings are grouped by the specification's rule
/// (a positive-area ring starts a polygon, negative-area rings are its holes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Geom {
    Points(Vec<(i32, i32)>),
    Lines(Vec<Vec<(i32, i32)>>),
    Polygons(Vec<Vec<Vec<(i32, i32)>>>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DFeature {
    pub id: Option<u64>,
    pub tags: Vec<u32>,
    pub geom_type: u64,
    pub commands: Vec<u32>,
    pub geometry: Geom,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DLayer {
    pub name: String,
    pub extent: u32,
    pub version: u32,
    pub keys: Vec<String>,
    pub values: Vec<TileValue>,
    /// Each `Value` message's bytes as written.
    pub raw_values: Vec<Vec<u8>>,
    pub features: Vec<DFeature>,
}

impl DLayer {
    /// Properties of feature `i` resolved through the key/value tables.
    pub fn properties(&self, i: usize) -> Vec<(String, TileValue)> {
        self.features[i]
            .tags
            .chunks(2)
            .map(|kv| {
                (
                    self.keys[kv[0] as usize].clone(),
                    self.values[kv[1] as usize].clone(),
                )
            })
            .collect()
    }
}

/// A field value as read from the wire.
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.buf[self.pos];
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return v;
            }
            shift += 7;
            assert!(shift < 70, "varint too long");
        }
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        s
    }

    fn next_field(&mut self) -> Option<(u32, Wire<'a>)> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let key = self.varint();
        let field = (key >> 3) as u32;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()),
            1 => Wire::Fixed64(u64::from_le_bytes(self.take(8).try_into().unwrap())),
            2 => {
                let n = self.varint() as usize;
                Wire::Bytes(self.take(n))
            }
            5 => Wire::Fixed32(u32::from_le_bytes(self.take(4).try_into().unwrap())),
            t => panic!("unsupported wire type {t}"),
        };
        Some((field, wire))
    }
}

fn packed(bytes: &[u8]) -> Vec<u64> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::new();
    while r.pos < bytes.len() {
        out.push(r.varint());
    }
    out
}

/// Decodes a whole tile; panics on malformed input.
pub(crate) fn decode_tile(bytes: &[u8]) -> Vec<DLayer> {
    let mut r = Reader::new(bytes);
    let mut layers = Vec::new();
    while let Some((field, wire)) = r.next_field() {
        match (field, wire) {
            (3, Wire::Bytes(b)) => layers.push(decode_layer(b)),
            (f, _) => panic!("unexpected tile field {f}"),
        }
    }
    layers
}

fn decode_layer(bytes: &[u8]) -> DLayer {
    let mut r = Reader::new(bytes);
    let mut l = DLayer {
        name: String::new(),
        extent: 4096,
        version: 0,
        keys: Vec::new(),
        values: Vec::new(),
        raw_values: Vec::new(),
        features: Vec::new(),
    };
    while let Some((field, wire)) = r.next_field() {
        match (field, wire) {
            (1, Wire::Bytes(b)) => l.name = String::from_utf8(b.to_vec()).unwrap(),
            (2, Wire::Bytes(b)) => l.features.push(decode_feature(b)),
            (3, Wire::Bytes(b)) => l.keys.push(String::from_utf8(b.to_vec()).unwrap()),
            (4, Wire::Bytes(b)) => {
                l.raw_values.push(b.to_vec());
                l.values.push(decode_value(b));
            }
            (5, Wire::Varint(v)) => l.extent = u32::try_from(v).unwrap(),
            (15, Wire::Varint(v)) => l.version = u32::try_from(v).unwrap(),
            (f, _) => panic!("unexpected layer field {f}"),
        }
    }
    assert_eq!(l.version, 2, "layer version");
    for f in &l.features {
        assert_eq!(f.tags.len() % 2, 0);
        for kv in f.tags.chunks(2) {
            assert!((kv[0] as usize) < l.keys.len() && (kv[1] as usize) < l.values.len());
        }
    }
    l
}

fn decode_value(bytes: &[u8]) -> TileValue {
    let mut r = Reader::new(bytes);
    let (field, wire) = r.next_field().unwrap();
    assert!(r.next_field().is_none(), "a Value holds exactly one field");
    match (field, wire) {
        (1, Wire::Bytes(b)) => TileValue::String(String::from_utf8(b.to_vec()).unwrap()),
        (2, Wire::Fixed32(v)) => TileValue::Double(f64::from(f32::from_bits(v))),
        (3, Wire::Fixed64(v)) => TileValue::Double(f64::from_bits(v)),
        (4, Wire::Varint(v)) => TileValue::Int(v as i64),
        (5, Wire::Varint(v)) => TileValue::Int(i64::try_from(v).unwrap()),
        (6, Wire::Varint(v)) => TileValue::Int(unzigzag(v)),
        (7, Wire::Varint(v)) => TileValue::Bool(v != 0),
        (f, _) => panic!("unexpected value field {f}"),
    }
}

fn decode_feature(bytes: &[u8]) -> DFeature {
    let mut r = Reader::new(bytes);
    let mut id = None;
    let mut tags = Vec::new();
    let mut geom_type = 0;
    let mut commands = Vec::new();
    while let Some((field, wire)) = r.next_field() {
        match (field, wire) {
            (1, Wire::Varint(v)) => id = Some(v),
            (2, Wire::Bytes(b)) => {
                tags = packed(b)
                    .into_iter()
                    .map(|v| u32::try_from(v).unwrap())
                    .collect()
            }
            (3, Wire::Varint(v)) => geom_type = v,
            (4, Wire::Bytes(b)) => {
                commands = packed(b)
                    .into_iter()
                    .map(|v| u32::try_from(v).unwrap())
                    .collect()
            }
            (f, _) => panic!("unexpected feature field {f}"),
        }
    }
    let geometry = decode_geometry(geom_type, &commands);
    DFeature {
        id,
        tags,
        geom_type,
        commands,
        geometry,
    }
}

/// Interprets a command stream into paths (`closed` flags per path).
fn paths(commands: &[u32]) -> Vec<(Vec<(i32, i32)>, bool)> {
    let mut out: Vec<(Vec<(i32, i32)>, bool)> = Vec::new();
    let (mut x, mut y) = (0i32, 0i32);
    let mut i = 0;
    while i < commands.len() {
        let id = commands[i] & 7;
        let count = (commands[i] >> 3) as usize;
        i += 1;
        match id {
            1 | 2 => {
                assert!(count > 0, "zero-count command");
                for _ in 0..count {
                    let dx = unzigzag(u64::from(commands[i])) as i32;
                    let dy = unzigzag(u64::from(commands[i + 1])) as i32;
                    i += 2;
                    if id == 2 {
                        assert!(dx != 0 || dy != 0, "zero-length LineTo");
                    }
                    x += dx;
                    y += dy;
                    if id == 1 {
                        out.push((vec![(x, y)], false));
                    } else {
                        out.last_mut().unwrap().0.push((x, y));
                    }
                }
            }
            7 => {
                assert_eq!(count, 1, "ClosePath count");
                out.last_mut().unwrap().1 = true;
            }
            c => panic!("unknown command {c}"),
        }
    }
    out
}

fn decode_geometry(geom_type: u64, commands: &[u32]) -> Geom {
    let ps = paths(commands);
    match geom_type {
        1 => {
            assert!(commands[0] & 7 == 1 && commands.len() == 1 + 2 * (commands[0] >> 3) as usize);
            Geom::Points(ps.into_iter().map(|(p, _)| p[0]).collect())
        }
        2 => Geom::Lines(
            ps.into_iter()
                .map(|(p, closed)| {
                    assert!(!closed && p.len() >= 2);
                    p
                })
                .collect(),
        ),
        3 => {
            let mut polys: Vec<Vec<Vec<(i32, i32)>>> = Vec::new();
            for (ring, closed) in ps {
                assert!(closed && ring.len() >= 3, "ring must be closed: {ring:?}");
                let a = super::clip::ring_area(&ring);
                assert!(a != 0.0, "zero-area ring");
                if a > 0.0 {
                    polys.push(vec![ring]);
                } else {
                    polys.last_mut().expect("hole before exterior").push(ring);
                }
            }
            Geom::Polygons(polys)
        }
        t => panic!("unknown geometry type {t}"),
    }
}
