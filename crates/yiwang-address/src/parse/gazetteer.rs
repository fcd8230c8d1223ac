//! Known names: divisions from facts, plus roads and points of interest added at run time.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::Label;
use super::facts::{CITIES, DIVISIONS, PREFECTURES, PROVINCES, SHANGHAI_ROADS};
use super::lexicon::{SUFFIXES, SuffixIndex};
use super::shanghai::{STREETS, XUHUI_ROADS};
use crate::normalize_str;

/// What a gazetteer name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A provincial-level division.
    Province,
    /// A prefecture-level division.
    City,
    /// A county-level division.
    District,
    /// A development zone at street level.
    DevZone,
    /// A street or town.
    Street,
    /// A road.
    Road,
    /// A point of interest or compound.
    Poi,
}

/// One meaning of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What the name is.
    pub kind: Kind,
    /// The full name (`徐汇区` for `徐汇`).
    pub canonical: String,
    /// Whether the name is a short form (`浙江`, `徐汇`) rather than a full name with its suffix.
    pub short: bool,
    /// The district (GB/T 2260, 6 digits) the name lies in or is, when known.
    pub district_code: Option<String>,
    /// The provincial-level division a district lies in (`上海市`), when known.
    pub province: Option<&'static str>,
}

/// Names of divisions, roads and points of interest, for recognising them in addresses and
/// inferring the district when it is not written.
///
/// [`Gazetteer::default`] holds the facts carried by this crate: the 34 provincial-level
/// divisions and their short forms, the prefecture-level divisions, the 2,842 county-level
/// divisions of GB/T 2260 (`data/divisions.txt`, with short forms such as `萧山`), Shanghai's 234
/// streets and towns (towns also without `镇`), the roads of Xuhui and some 600 other Shanghai
/// roads by district (`data/shanghai_roads.txt`). [`add_road`](Self::add_road)
/// and [`add_poi`](Self::add_poi) add names at run time (from the premises registry). Names are
/// stored normalised, so they match [`normalize`](crate::normalize)d text.
///
/// The names are a trie over chars (one hash map of edges keyed by node and char), so finding
/// every name that starts at a position of the text is one walk, and a position where no name
/// starts costs one lookup.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    /// Edges of the trie: `(node << 32) | char` → child node. Node 0 is the root.
    edges: HashMap<u64, u32, FxBuild>,
    /// The root's edges for the CJK Unified Ideographs block (`char - ROOT_FIRST`; 0 for none),
    /// since most positions of a text start no name and are answered here without hashing.
    root: Box<[u32]>,
    /// For each node, the index in `lists` of the meanings of the name ending there, if any.
    ends: Vec<Option<u32>>,
    /// For each node, bit `char % 64` set for each of its children: most walks end at a char
    /// no name continues with, and this answers them without probing `edges`.
    kids: Vec<u64>,
    /// The meanings of each name.
    lists: Vec<Vec<Entry>>,
    districts: HashMap<String, String>,
    /// Provincial-level divisions by 2-digit code and prefecture-level ones by 4-digit code.
    regions: HashMap<&'static str, &'static str>,
    /// The name suffixes by first char (not names, but looked up as often).
    pub(super) suffixes: SuffixIndex,
}

/// The first and last chars of the block whose root edges are held in an array.
const ROOT_FIRST: u32 = 0x4E00;
const ROOT_LAST: u32 = 0x9FFF;

/// The most names [`Gazetteer::prefixes`] reports at one position (longer names are rare; the
/// walk stops there).
pub(super) const MAX_PREFIXES: usize = 8;

/// Names starting at one position: `(length in chars, meanings)`, shortest first.
pub(super) struct Prefixes<'g> {
    found: [(usize, &'g [Entry]); MAX_PREFIXES],
    len: usize,
}

impl<'g> Prefixes<'g> {
    /// The names found, shortest first.
    pub(super) fn as_slice(&self) -> &[(usize, &'g [Entry])] {
        self.found.get(..self.len).unwrap_or_default()
    }
}

/// FxHash (as in rustc): one multiply per word, ample for keys that are not chosen by an
/// adversary to collide (the keys are the gazetteer's own names).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`FxHasher`]s.
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

impl Default for Gazetteer {
    fn default() -> Self {
        let mut g = Gazetteer::empty();
        for (full, shorts) in PROVINCES {
            g.insert(full, Kind::Province, full, false, None, None);
            for s in *shorts {
                g.insert(s, Kind::Province, full, true, None, None);
            }
        }
        for name in CITIES {
            let full = format!("{name}市");
            g.insert(&full, Kind::City, &full, false, None, None);
            g.insert(name, Kind::City, &full, true, None, None);
        }
        for (full, shorts) in PREFECTURES {
            g.insert(full, Kind::City, full, false, None, None);
            for s in *shorts {
                g.insert(s, Kind::City, full, true, None, None);
            }
        }
        g.add_divisions(DIVISIONS);
        for (code, name) in STREETS {
            let district = code.get(..6);
            // Township-level units numbered 5xx are development zones, not streets.
            let kind = if code.get(6..7) == Some("5") {
                Kind::DevZone
            } else {
                Kind::Street
            };
            let name = normalize_str(name);
            g.insert(&name, kind, &name, false, district, Some("上海市"));
        }
        for road in XUHUI_ROADS {
            g.add_road(road, "310104");
        }
        for line in SHANGHAI_ROADS.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split(' ');
            let Some(code) = fields.next() else { continue };
            for road in fields {
                g.add_road(road, code);
            }
        }
        // Towns by their names without `镇` (`周浦` for `周浦镇`) and streets without `街道`
        // (`徐家汇` for `徐家汇街道`), as short forms; not a street named after a road or a
        // compound (`湖南路街道`, `康健新村街道`), whose short form is that road or compound.
        for (code, name) in STREETS {
            let Some(short) = name
                .strip_suffix('镇')
                .or_else(|| name.strip_suffix("街道"))
            else {
                continue;
            };
            let named_after = ["路", "街", "道", "村", "镇", "浜", "桥"]
                .iter()
                .any(|s| short.ends_with(s));
            // Two streets with one short form (`虹桥`: a street of 长宁, a town of 闵行) are both
            // kept, and then the short form decides no district; a short form that is already
            // another kind of name is not added.
            let taken = g.get(short).iter().any(|e| e.kind != Kind::Street);
            if short.chars().count() >= 2 && !named_after && !taken {
                let short = normalize_str(short);
                let full = normalize_str(name);
                g.insert(
                    &short,
                    Kind::Street,
                    &full,
                    true,
                    code.get(..6),
                    Some("上海市"),
                );
            }
        }
        g
    }
}

/// The short form of a county-level name: without `区`, `县`, `市`, `旗` or `新区`, when at least two
/// chars remain; none for autonomous counties and for mining, forest and special districts.
fn short_form(name: &str) -> Option<&str> {
    if name.contains("自治") || ["矿区", "林区", "特区"].iter().any(|s| name.ends_with(s)) {
        return None;
    }
    let short = ["新区", "区", "县", "市", "旗"]
        .iter()
        .find_map(|s| name.strip_suffix(s))?;
    // `商城` (商城县), `新城`, `城关`: a short form that ends like a place name or compound is
    // read as one.
    let looks_like_a_name = SUFFIXES
        .iter()
        .any(|sfx| sfx.label == Label::Poi && short.ends_with(sfx.word));
    (short.chars().count() >= 2 && !looks_like_a_name).then_some(short)
}

impl Gazetteer {
    /// A gazetteer with no names at all.
    pub fn empty() -> Self {
        Gazetteer {
            edges: HashMap::default(),
            root: vec![0; (ROOT_LAST - ROOT_FIRST + 1) as usize].into_boxed_slice(),
            ends: vec![None],
            kids: vec![0],
            lists: Vec::new(),
            districts: HashMap::new(),
            regions: HashMap::new(),
            suffixes: SuffixIndex::default(),
        }
    }

    /// Adds a road lying (at least partly) in the district `district_code` (6 digits). A road
    /// added for several districts does not determine the district.
    pub fn add_road(&mut self, name: &str, district_code: &str) {
        let name = normalize_str(name);
        self.insert(&name, Kind::Road, &name, false, Some(district_code), None);
    }

    /// Adds a point of interest or compound lying in the district `district_code` (6 digits).
    pub fn add_poi(&mut self, name: &str, district_code: &str) {
        let name = normalize_str(name);
        self.insert(&name, Kind::Poi, &name, false, Some(district_code), None);
    }

    /// The name of a district known by its code (`310104` → `徐汇区`).
    pub fn district_name(&self, code: &str) -> Option<&str> {
        self.districts.get(code).map(String::as_str)
    }

    /// The provincial-level division (`浙江省`) and the prefecture-level division (`杭州市`) a
    /// county-level code (`330106`) lies in, when known.
    pub fn regions_of(&self, code: &str) -> (Option<&'static str>, Option<&'static str>) {
        let province = code.get(..2).and_then(|c| self.regions.get(c).copied());
        let city = code.get(..4).and_then(|c| self.regions.get(c).copied());
        (province, city)
    }

    /// Adds the county-level divisions of the division list (see `data/divisions.txt`), with
    /// short forms (`萧山` for `萧山区`, `浦东` for `浦东新区`) where the short form has at least
    /// two chars, is not an autonomous county's and is not a province or city name.
    fn add_divisions(&mut self, list: &'static str) {
        let mut counties: Vec<(String, &'static str)> = Vec::new();
        for line in list.lines() {
            let mut fields = line.split(' ');
            let (Some(head), Some(name)) = (fields.next(), fields.next()) else {
                continue;
            };
            if head.starts_with('#') {
                continue;
            }
            if head == "former" {
                // `former CODE NAME`: the code is `name`, the name is the next field.
                if let Some(former) = fields.next() {
                    counties.push((name.to_owned(), former));
                }
                continue;
            }
            match head.len() {
                2 => {
                    self.regions.insert(head, name);
                }
                6 => {
                    let Some(prefix) = head.get(..4) else {
                        continue;
                    };
                    self.regions.entry(prefix).or_insert(name);
                    for county in fields {
                        let (Some(suffix), Some(county_name)) = (county.get(..2), county.get(2..))
                        else {
                            continue;
                        };
                        counties.push((format!("{prefix}{suffix}"), county_name));
                    }
                }
                _ => {}
            }
        }
        for (code, name) in counties {
            let province = self.regions_of(&code).0;
            let short = short_form(name).filter(|s| {
                !self
                    .get(s)
                    .iter()
                    .any(|e| matches!(e.kind, Kind::Province | Kind::City))
            });
            // Two-char names (`城区`, `东区`) are as ambiguous as short forms.
            let two = name.chars().count() <= 2;
            self.insert(name, Kind::District, name, two, Some(&code), province);
            if let Some(short) = short {
                self.insert(short, Kind::District, name, true, Some(&code), province);
                // `浦东区` for `浦东新区`: the new district written as an ordinary one.
                if name.ends_with("新区") {
                    let alias = format!("{short}区");
                    self.insert(&alias, Kind::District, name, false, Some(&code), province);
                }
            }
            self.districts
                .entry(code)
                .or_insert_with(|| name.to_owned());
        }
    }

    /// The meanings of exactly `name`, empty if unknown.
    pub fn get(&self, name: &str) -> &[Entry] {
        let mut node = 0;
        for c in name.chars() {
            match self.child(node, c) {
                Some(n) => node = n,
                None => return &[],
            }
        }
        self.list(node)
    }

    /// Every name that `chars` starts with, shortest first (at most [`MAX_PREFIXES`]).
    pub(super) fn prefixes<'g>(&'g self, chars: &[char]) -> Prefixes<'g> {
        let mut out = Prefixes {
            found: [(0, &[]); MAX_PREFIXES],
            len: 0,
        };
        // Most positions start no name: one lookup and out.
        let Some(&first) = chars.first() else {
            return out;
        };
        if self.child(0, first).is_none() {
            return out;
        }
        let mut node = 0;
        for (k, &c) in chars.iter().enumerate() {
            let Some(n) = self.child(node, c) else { break };
            node = n;
            let list = self.list(node);
            if !list.is_empty() {
                let Some(slot) = out.found.get_mut(out.len) else {
                    break;
                };
                *slot = (k + 1, list);
                out.len += 1;
            }
        }
        out
    }

    fn child(&self, node: u32, c: char) -> Option<u32> {
        if node == 0
            && let Some(&n) = root_slot(c).and_then(|k| self.root.get(k))
        {
            return (n != 0).then_some(n);
        }
        if self
            .kids
            .get(node as usize)
            .is_none_or(|&bits| bits & kid_bit(c) == 0)
        {
            return None;
        }
        self.edges
            .get(&((u64::from(node) << 32) | u64::from(c)))
            .copied()
    }

    fn list(&self, node: u32) -> &[Entry] {
        self.ends
            .get(node as usize)
            .copied()
            .flatten()
            .and_then(|l| self.lists.get(l as usize))
            .map_or(&[], Vec::as_slice)
    }

    fn insert(
        &mut self,
        name: &str,
        kind: Kind,
        canonical: &str,
        short: bool,
        district_code: Option<&str>,
        province: Option<&'static str>,
    ) {
        if name.is_empty() {
            return;
        }
        let mut node = 0u32;
        for c in name.chars() {
            node = match self.child(node, c) {
                Some(n) => n,
                None => {
                    let n = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
                    self.ends.push(None);
                    self.kids.push(0);
                    if let Some(bits) = self.kids.get_mut(node as usize) {
                        *bits |= kid_bit(c);
                    }
                    self.edges.insert((u64::from(node) << 32) | u64::from(c), n);
                    if node == 0
                        && let Some(slot) = root_slot(c).and_then(|k| self.root.get_mut(k))
                    {
                        *slot = n;
                    }
                    n
                }
            };
        }
        let entry = Entry {
            kind,
            canonical: canonical.to_owned(),
            short,
            district_code: district_code.map(str::to_owned),
            province,
        };
        let Some(end) = self.ends.get_mut(node as usize) else {
            return;
        };
        let idx = *end.get_or_insert_with(|| {
            let idx = u32::try_from(self.lists.len()).unwrap_or(u32::MAX);
            self.lists.push(Vec::new());
            idx
        });
        if let Some(list) = self.lists.get_mut(idx as usize)
            && !list.contains(&entry)
        {
            list.push(entry);
        }
    }
}

/// The index of `c` in [`Gazetteer::root`], for a char of the CJK Unified Ideographs block.
fn root_slot(c: char) -> Option<usize> {
    let c = u32::from(c);
    (ROOT_FIRST..=ROOT_LAST)
        .contains(&c)
        .then(|| (c - ROOT_FIRST) as usize)
}

/// The bit of `c` in a node's [`Gazetteer::kids`] mask.
fn kid_bit(c: char) -> u64 {
    1 << (u32::from(c) % 64)
}
