//! Matching what people write against the premises registry.
//!
//! [`MatchIndex::build`] takes every premises as a [`MatchEntry`] and arranges them as a tree of
//! address tokens: a road node per (district, road), below it the tokens of the standard
//! addresses (`29弄` → `13号` → `660室`; `88号` → `12层` → `1203室`), each token interned once.
//! Names without numbers (POI and compound names) point at their premises, and are also held in
//! a one-edit neighbourhood for fuzzy lookups; aliases with numbers (`普雄路29弄逸流公寓13号楼`)
//! are kept as whole texts.
//!
//! [`MatchIndex::find`] parses the input, takes anchors (the road written, the POI names written,
//! an alias written in full) and from each anchor descends the tree by the components written,
//! one hash probe per component, with these equivalences:
//!
//! - `13号楼` (building) is the door `13号` when no door is written, and the other way round;
//! - a bare room number is a room (`14号1102` = `14号1102室`), a bare unit a unit;
//! - a room written without its floor is found under the floor its number implies
//!   (`88号1203室` = `88号12层1203室`), and a floor written where the registry has none is
//!   ignored when the room number implies it (`9号6楼660室` = `9号660室`);
//! - a door inside a range frontage (`20号` in `18-22号`);
//! - POI names and roads one char off (substituted, missing, extra or swapped).
//!
//! **Invariant:** a candidate is never below what was written. The descent follows written
//! components only: an address naming a building but no room yields the building, never one of
//! its rooms; a room that does not exist yields the building with a reason saying so.

mod fuzzy;
mod intern;
mod tokens;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Gazetteer, Label, Parsed, normalize_str, parse};
use fuzzy::Fuzzy;
use intern::{FxMap, Interner, Sym};

/// The level of a candidate: a premises kind, or a place above the premises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchLevel {
    /// A room (室).
    Room,
    /// A floor (层) of an office building.
    Floor,
    /// A unit (单元) of a building.
    Unit,
    /// A building (号, 号楼).
    Building,
    /// A compound: a lane (弄) or a named estate.
    Compound,
    /// A road: none of the premises written on it was found.
    Road,
    /// A street or town (街道, 镇).
    Street,
    /// A district (区).
    District,
}

impl MatchLevel {
    /// The level's name: `room`, `floor`, `unit`, `building`, `compound`, `road`, `street`,
    /// `district`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchLevel::Room => "room",
            MatchLevel::Floor => "floor",
            MatchLevel::Unit => "unit",
            MatchLevel::Building => "building",
            MatchLevel::Compound => "compound",
            MatchLevel::Road => "road",
            MatchLevel::Street => "street",
            MatchLevel::District => "district",
        }
    }
}

impl fmt::Display for MatchLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MatchLevel {
    type Err = String;

    /// Reads a level name as written by [`as_str`](MatchLevel::as_str).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            MatchLevel::Room,
            MatchLevel::Floor,
            MatchLevel::Unit,
            MatchLevel::Building,
            MatchLevel::Compound,
            MatchLevel::Road,
            MatchLevel::Street,
            MatchLevel::District,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
        .ok_or_else(|| format!("unknown match level `{s}`"))
    }
}

/// One premises as the matcher needs it (callers convert their records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchEntry {
    /// The premises id.
    pub premises_id: i64,
    /// Its level (one of room, floor, unit, building, compound).
    pub level: MatchLevel,
    /// Its standard address, e.g. `上海市徐汇区宛平南路500弄9号660室`.
    pub standard_address: String,
    /// Other names: POI names (`逸流公寓`), old names, variants (`普雄路29弄逸流公寓13号楼`).
    pub aliases: Vec<String>,
    /// The district's GB/T 2260 code (`310104`), or empty when unknown.
    pub district_code: String,
}

/// A premises (or a road, street or district) that an input may mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The premises id; `None` for a road, street or district.
    pub premises_id: Option<i64>,
    /// The standard address (for a road, the road with its city and district).
    pub standard_address: String,
    /// Confidence from 0 to 1: 1 when everything written was found and agrees.
    pub score: f64,
    /// The level matched.
    pub level: MatchLevel,
    /// Why: what was found, read as an equivalent, or not found.
    pub reasons: Vec<String>,
}

/// No node, or a node that is not a premises.
const NONE: u32 = u32::MAX;

/// Score factors.
const MISSED: f64 = 0.6;
const MISSED_OPTIONAL: f64 = 0.85;
const FUZZY: f64 = 0.85;
const CONFLICT: f64 = 0.7;
const UNEXPLAINED_NAME: f64 = 0.8;
const AMBIGUOUS: f64 = 0.9;
const OTHER_DISTRICT: f64 = 0.5;
const NOT_A_PREMISES: f64 = 0.6;
const STREET_ONLY: f64 = 0.3;
const DISTRICT_ONLY: f64 = 0.2;

/// A node of the token tree: a road, or a token below it.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// The node above, `NONE` for a road.
    parent: u32,
    /// This node's part of the address: the whole head (`上海市徐汇区普雄路`) for a road, the
    /// token (`13号`) below it.
    piece: Sym,
    /// Index into `MatchIndex::ids`, `NONE` for a node that is not a premises.
    entry: u32,
    /// The premises' level (`Road` for a road or a node that is not a premises).
    level: MatchLevel,
}

/// A road node's name and district.
#[derive(Debug, Clone, Copy)]
struct RoadInfo {
    name: Sym,
    district: Sym,
}

/// Premises arranged for matching; see the [module documentation](self).
///
/// ```
/// use yiwang_address::{Gazetteer, MatchEntry, MatchIndex, MatchLevel};
/// let entry = |id, level, address: &str, aliases: &[&str]| MatchEntry {
///     premises_id: id,
///     level,
///     standard_address: address.to_owned(),
///     aliases: aliases.iter().map(|a| a.to_string()).collect(),
///     district_code: "310104".to_owned(),
/// };
/// let index = MatchIndex::build(vec![
///     entry(1, MatchLevel::Compound, "上海市徐汇区普雄路29弄", &["逸流公寓"]),
///     entry(2, MatchLevel::Building, "上海市徐汇区普雄路29弄13号", &[]),
///     entry(3, MatchLevel::Room, "上海市徐汇区普雄路29弄13号602室", &[]),
/// ]);
/// let g = Gazetteer::default();
/// let best = &index.find("逸流公寓13号楼", &g, 5)[0];
/// assert_eq!((best.premises_id, best.level), (Some(2), MatchLevel::Building));
/// // The room written does not exist: the building, with the reason.
/// let best = &index.find("普雄路29弄13号1101室", &g, 5)[0];
/// assert_eq!(best.premises_id, Some(2));
/// assert!(best.reasons.iter().any(|r| r.contains("1101室 not found")));
/// ```
#[derive(Debug, Clone, Default)]
pub struct MatchIndex {
    strings: Interner,
    nodes: Vec<Node>,
    /// Premises ids, by entry index.
    ids: Vec<i64>,
    /// (parent node, token) → child node.
    children: FxMap<u64, u32>,
    /// (parent node, door number) → the node of a range frontage containing it.
    ranges: FxMap<u64, u32>,
    /// Road name → its road nodes (one per district).
    roads: FxMap<Sym, Vec<u32>>,
    /// Road node → its name and district.
    road_info: FxMap<u32, RoadInfo>,
    /// POI or compound name → nodes.
    names: FxMap<Sym, Vec<u32>>,
    /// Normalised alias with numbers → node.
    texts: FxMap<Sym, u32>,
    fuzzy_names: Fuzzy,
    fuzzy_roads: Fuzzy,
    /// Entries whose address has no road before its first number (not indexed by address).
    unplaced: usize,
}

fn key(parent: u32, sym: Sym) -> u64 {
    (u64::from(parent) << 32) | u64::from(sym)
}

/// The level a token implies for a node that is not itself a premises.
fn token_level(token: &str) -> MatchLevel {
    if token.ends_with('弄') {
        MatchLevel::Compound
    } else if token.ends_with('室') {
        MatchLevel::Room
    } else if token.ends_with('层') {
        MatchLevel::Floor
    } else if token.ends_with("单元") {
        MatchLevel::Unit
    } else {
        MatchLevel::Building
    }
}

/// Sizes of a [`MatchIndex`], for logs and memory estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MatchStats {
    /// Premises indexed.
    pub premises: usize,
    /// Entries not indexed by address (no road before the first number); their aliases are.
    pub unplaced: usize,
    /// Nodes of the token tree (premises, roads, and tokens that are not premises).
    pub nodes: usize,
    /// Distinct strings interned.
    pub strings: usize,
    /// Names (POI and compound) indexed.
    pub names: usize,
    /// Estimated heap bytes.
    pub heap_bytes: usize,
}

impl MatchIndex {
    /// Builds the index. Standard addresses are normalised first; an address that repeats one
    /// already indexed keeps the first premises (the registry keeps them unique).
    pub fn build(entries: impl IntoIterator<Item = MatchEntry>) -> MatchIndex {
        let mut index = MatchIndex::default();
        for entry in entries {
            index.insert(entry);
        }
        index.shrink_to_fit();
        index
    }

    /// Adds one premises (as [`build`](Self::build) does for each), for callers that read the
    /// registry in pages.
    pub fn insert(&mut self, entry: MatchEntry) {
        let address = normalize_str(&entry.standard_address);
        let node = match tokens::split(&address) {
            Some(split) => {
                let district = self.strings.intern(&entry.district_code);
                let mut parent = self.road_node(split.head, split.road, district);
                let mut previous = NONE;
                for token in &split.tokens {
                    previous = parent;
                    let sym = self.strings.intern(token);
                    parent = match self.children.get(&key(parent, sym)) {
                        Some(&n) => n,
                        None => {
                            self.push_node(parent, sym, token_level(token), Some(key(parent, sym)))
                        }
                    };
                }
                if let Some((first, last)) = split.tokens.last().and_then(|t| tokens::door_range(t))
                {
                    for n in (first..=last).step_by(2) {
                        let sym = self.strings.intern(&format!("{n}号"));
                        self.ranges.entry(key(previous, sym)).or_insert(parent);
                    }
                }
                Some(parent)
            }
            None => None,
        };
        let node = match node {
            Some(n) => {
                let slot = self.nodes.get_mut(n as usize);
                match slot {
                    Some(slot) if slot.entry == NONE => {
                        slot.entry = u32::try_from(self.ids.len()).unwrap_or(NONE);
                        slot.level = entry.level;
                        self.ids.push(entry.premises_id);
                        n
                    }
                    // The same address twice: the first keeps it.
                    _ => return,
                }
            }
            None => {
                // Not placed by address: a node of its own, reachable by its aliases.
                self.unplaced += 1;
                let piece = self.strings.intern(&address);
                let n = self.push_node(NONE, piece, entry.level, None);
                if let Some(slot) = self.nodes.get_mut(n as usize) {
                    slot.entry = u32::try_from(self.ids.len()).unwrap_or(NONE);
                }
                self.ids.push(entry.premises_id);
                n
            }
        };
        for alias in &entry.aliases {
            let alias = normalize_str(alias);
            if alias.is_empty() {
                continue;
            }
            let sym = self.strings.intern(&alias);
            if alias.chars().any(|c| c.is_ascii_digit()) {
                self.texts.entry(sym).or_insert(node);
            } else {
                let list = self.names.entry(sym).or_default();
                if !list.contains(&node) {
                    list.push(node);
                }
                self.fuzzy_names.add(&alias, sym);
            }
        }
    }

    /// Releases the spare capacity of the node and id tables.
    pub fn shrink_to_fit(&mut self) {
        self.nodes.shrink_to_fit();
        self.ids.shrink_to_fit();
    }

    fn push_node(
        &mut self,
        parent: u32,
        piece: Sym,
        level: MatchLevel,
        child_key: Option<u64>,
    ) -> u32 {
        let n = u32::try_from(self.nodes.len()).unwrap_or(NONE);
        self.nodes.push(Node {
            parent,
            piece,
            entry: NONE,
            level,
        });
        if let Some(k) = child_key {
            self.children.insert(k, n);
        }
        n
    }

    /// The node of `road` in `district`, created if new.
    fn road_node(&mut self, head: &str, road: &str, district: Sym) -> u32 {
        let name = self.strings.intern(road);
        if let Some(&n) = self.roads.get(&name).and_then(|nodes| {
            nodes.iter().find(|n| {
                self.road_info
                    .get(n)
                    .is_some_and(|i| i.district == district)
            })
        }) {
            return n;
        }
        let piece = self.strings.intern(head);
        let n = self.push_node(NONE, piece, MatchLevel::Road, None);
        self.roads.entry(name).or_default().push(n);
        self.road_info.insert(n, RoadInfo { name, district });
        self.fuzzy_roads.add(road, name);
        n
    }

    /// Sizes of the index.
    pub fn stats(&self) -> MatchStats {
        let map = |entries: usize, bytes: usize| entries * (bytes + 1) * 8 / 7;
        let heap_bytes = self.strings.bytes()
            + self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.ids.capacity() * 8
            + map(self.children.capacity(), 12)
            + map(self.ranges.capacity(), 12)
            + map(self.names.capacity(), 28)
            + self.names.values().map(|v| v.capacity() * 4).sum::<usize>()
            + map(self.texts.capacity(), 8)
            + map(self.fuzzy_names.len() + self.fuzzy_roads.len(), 36);
        MatchStats {
            premises: self.ids.len(),
            unplaced: self.unplaced,
            nodes: self.nodes.len(),
            strings: self.strings.len(),
            names: self.names.len(),
            heap_bytes,
        }
    }

    /// Parses `input` with `gazetteer` and returns at most `limit` candidates, best first (by
    /// score, then the deeper level, then the smaller id). See the [module
    /// documentation](self) for the equivalences and the invariant.
    pub fn find(&self, input: &str, gazetteer: &Gazetteer, limit: usize) -> Vec<Candidate> {
        self.find_parsed(&parse(input, gazetteer), limit)
    }

    /// [`find`](Self::find) for an address already parsed.
    pub fn find_parsed(&self, parsed: &Parsed, limit: usize) -> Vec<Candidate> {
        let mut query = Query::new(parsed, &self.strings);
        // A compound name the parser took for a road (`长桥三村10号`) is looked up as a name.
        if let Some(road) = query.road
            && !self
                .strings
                .get(road)
                .is_some_and(|s| self.roads.contains_key(&s))
        {
            query.names.push(Name {
                text: road,
                written: false,
            });
        }
        let mut found = Found::default();
        self.by_alias_text(parsed, &mut found);
        self.by_road(&query, &mut found);
        self.by_names(&query, &mut found);
        let mut out = found.into_candidates(self, &query);
        if out.is_empty() {
            out.extend(fallback(parsed));
        }
        out.truncate(limit);
        out
    }

    /// The whole input (or the input without its city and district) is an alias.
    fn by_alias_text(&self, parsed: &Parsed, found: &mut Found) {
        let text = parsed.normalized.as_str();
        let body = tokens::strip_admin(text);
        for t in [text, body] {
            let Some(sym) = self.strings.get(t) else {
                continue;
            };
            if let Some(&node) = self.texts.get(&sym) {
                found.add(node, 1.0, vec![format!("alias {t}")]);
                return;
            }
        }
    }

    /// Anchored at the road written.
    fn by_road(&self, query: &Query<'_>, found: &mut Found) {
        let Some(road) = query.road else {
            return;
        };
        let (syms, factor, reason) = match self
            .strings
            .get(road)
            .filter(|s| self.roads.contains_key(s))
        {
            Some(sym) => (vec![sym], 1.0, None),
            None => {
                let near = self.fuzzy_roads.near(road, &self.strings);
                let reason = |s: Sym| format!("road {road} read as {}", self.strings.resolve(s));
                let reasons: Vec<String> = near.iter().map(|&s| reason(s)).collect();
                if near.is_empty() {
                    return;
                }
                (near, FUZZY, Some(reasons))
            }
        };
        for (i, sym) in syms.iter().enumerate() {
            for &node in self.roads.get(sym).map_or(&[][..], Vec::as_slice) {
                let mut trace = Trace::new(factor);
                if let Some(r) = reason.as_ref().and_then(|r| r.get(i)) {
                    trace.reasons.push(r.clone());
                }
                trace
                    .reasons
                    .push(format!("road {}", self.strings.resolve(*sym)));
                let end = self.descend(node, query, &mut trace);
                found.add(end, trace.factor, trace.reasons);
            }
        }
    }

    /// Anchored at each POI or compound name written (exact, else one char off).
    fn by_names(&self, query: &Query<'_>, found: &mut Found) {
        for name in query.names.iter().map(|n| n.text) {
            let exact = self
                .strings
                .get(name)
                .filter(|s| self.names.contains_key(s));
            let (syms, factor) = match exact {
                Some(sym) => (vec![sym], 1.0),
                None => (self.fuzzy_names.near(name, &self.strings), FUZZY),
            };
            let anchors: Vec<(Sym, u32)> = syms
                .iter()
                .flat_map(|s| {
                    self.names
                        .get(s)
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .map(move |&n| (*s, n))
                })
                .collect();
            let consistent = anchors
                .iter()
                .filter(|(_, n)| self.road_agrees(*n, query) != Some(false))
                .count();
            for &(sym, anchor) in &anchors {
                let mut trace = Trace::new(factor);
                let found_name = self.strings.resolve(sym);
                if factor < 1.0 {
                    trace
                        .reasons
                        .push(format!("name {name} read as {found_name} (one char off)"));
                } else {
                    trace.reasons.push(format!("name {found_name}"));
                }
                match self.road_agrees(anchor, query) {
                    Some(false) => {
                        trace.factor *= CONFLICT;
                        trace.reasons.push(format!(
                            "{found_name} is on {}, not on the road written ({})",
                            self.road_name(anchor),
                            query.road.unwrap_or_default()
                        ));
                    }
                    _ if consistent > 1 => {
                        trace.factor *= AMBIGUOUS;
                        trace
                            .reasons
                            .push(format!("{consistent} premises go by {found_name}"));
                    }
                    _ => {}
                }
                let end = self.descend(anchor, query, &mut trace);
                found.add(end, trace.factor, trace.reasons);
            }
        }
    }

    /// Whether the road of `node` is the road written (`None` when no road is written).
    fn road_agrees(&self, node: u32, query: &Query<'_>) -> Option<bool> {
        let road = query.road?;
        Some(self.road_name(node) == road)
    }

    /// The road name above `node` (empty for a node not placed on a road).
    fn road_name(&self, node: u32) -> &str {
        let root = self.ancestors(node).last().unwrap_or(node);
        self.road_info
            .get(&root)
            .map_or("", |i| self.strings.resolve(i.name))
    }

    /// The district code above `node` (empty when unknown).
    fn district_of(&self, node: u32) -> &str {
        let root = self.ancestors(node).last().unwrap_or(node);
        self.road_info
            .get(&root)
            .map_or("", |i| self.strings.resolve(i.district))
    }

    /// `node` and the nodes above it, nearest first.
    fn ancestors(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(Some(node), |&n| {
            self.nodes
                .get(n as usize)
                .map(|x| x.parent)
                .filter(|&p| p != NONE)
        })
    }

    fn child(&self, parent: u32, sym: Option<Sym>) -> Option<u32> {
        self.children.get(&key(parent, sym?)).copied()
    }

    /// Follows the written steps down from `start`, skipping steps that `start` or a node above
    /// it already is; returns the deepest node reached.
    fn descend(&self, start: u32, query: &Query<'_>, trace: &mut Trace) -> u32 {
        let mut cur = start;
        let mut missed_floor: Option<&Step> = None;
        for step in &query.steps {
            // Already on the path of the anchor (`逸流公寓` is `29弄`, and `29弄` is written).
            if step.keys.iter().flatten().any(|k| {
                self.ancestors(cur)
                    .any(|n| self.nodes.get(n as usize).is_some_and(|x| x.piece == *k))
            }) {
                continue;
            }
            let hit = step.keys.iter().find_map(|k| self.child(cur, *k));
            if let Some(n) = hit {
                let piece = self
                    .strings
                    .resolve(self.nodes.get(n as usize).map_or(0, |x| x.piece));
                // `13号楼` read as the door `13号` (a bare room number is not worth a reason).
                if step.kind == StepKind::Building && piece != step.written {
                    trace
                        .reasons
                        .push(format!("{} read as {piece}", step.written));
                }
                cur = n;
                continue;
            }
            if let Some(n) = step
                .keys
                .first()
                .and_then(|k| k.and_then(|k| self.ranges.get(&key(cur, k))))
            {
                trace.reasons.push(format!(
                    "{} lies in {}",
                    step.written,
                    self.strings
                        .resolve(self.nodes.get(*n as usize).map_or(0, |x| x.piece))
                ));
                cur = *n;
                continue;
            }
            match step.kind {
                StepKind::Room if !query.has(StepKind::Floor) => {
                    // `88号1203室`: the room under the floor its number implies.
                    let via_floor = step
                        .floor
                        .and_then(|f| self.child(cur, Some(f)))
                        .and_then(|f| step.keys.first().and_then(|k| self.child(f, *k)));
                    if let Some(n) = via_floor {
                        trace
                            .reasons
                            .push(format!("floor taken from room {}", step.written));
                        cur = n;
                        continue;
                    }
                }
                StepKind::Floor => {
                    missed_floor = Some(step);
                    continue;
                }
                StepKind::Unit => {
                    trace.factor *= MISSED_OPTIONAL;
                    trace
                        .reasons
                        .push(format!("{} not in the registry; ignored", step.written));
                    continue;
                }
                _ => {}
            }
            trace.factor *= MISSED;
            trace.reasons.push(format!(
                "{} not found in {}",
                step.written,
                self.address(cur)
            ));
            break;
        }
        if let Some(floor) = missed_floor {
            let implied = floor.floor_number.is_some_and(|f| {
                let piece = self
                    .strings
                    .resolve(self.nodes.get(cur as usize).map_or(0, |x| x.piece));
                let room = piece.strip_suffix('室').and_then(|r| r.parse::<u32>().ok());
                room.is_some_and(|r| r / 100 == f)
            });
            if implied {
                trace
                    .reasons
                    .push(format!("{} implied by the room number", floor.written));
            } else {
                trace.factor *= MISSED_OPTIONAL;
                trace
                    .reasons
                    .push(format!("{} not in the registry; ignored", floor.written));
            }
        }
        cur
    }

    /// The standard address of a node: its pieces from the road down.
    fn address(&self, node: u32) -> String {
        let mut pieces: Vec<&str> = self
            .ancestors(node)
            .filter_map(|n| self.nodes.get(n as usize))
            .map(|x| self.strings.resolve(x.piece))
            .collect();
        pieces.reverse();
        pieces.concat()
    }

    /// The candidate for `node`, or for the nearest node above it that is a premises or a road.
    fn candidate(
        &self,
        node: u32,
        mut score: f64,
        mut reasons: Vec<String>,
        query: &Query<'_>,
    ) -> Option<Candidate> {
        let mut at = node;
        for n in self.ancestors(node) {
            let x = self.nodes.get(n as usize)?;
            at = n;
            if x.entry != NONE || x.parent == NONE {
                break;
            }
        }
        if at != node {
            score *= NOT_A_PREMISES;
            reasons.push(format!(
                "{} is not a premises in the registry",
                self.address(node)
            ));
        }
        let x = self.nodes.get(at as usize)?;
        let district = self.district_of(at);
        if let Some(written) = query.district_code
            && !district.is_empty()
            && district != written
        {
            score *= OTHER_DISTRICT;
            reasons.push(format!(
                "in district {district}, not in the district written ({written})"
            ));
        }
        // Names written that nothing on the path answers to.
        for name in query.names.iter().filter(|n| n.written).map(|n| n.text) {
            let answered = self
                .strings
                .get(name)
                .and_then(|s| self.names.get(&s))
                .is_some_and(|ns| self.ancestors(at).any(|a| ns.contains(&a)))
                || reasons.iter().any(|r| r.starts_with("name "));
            if !answered {
                score *= UNEXPLAINED_NAME;
                reasons.push(format!("{name} not found on this address"));
            }
        }
        let (premises_id, level) = match x.entry {
            NONE => (None, MatchLevel::Road),
            e => (self.ids.get(e as usize).copied(), x.level),
        };
        Some(Candidate {
            premises_id,
            standard_address: self.address(at),
            score: (score * 1000.0).round() / 1000.0,
            level,
            reasons,
        })
    }
}

/// A district- or street-level candidate when no road or name was found.
fn fallback(parsed: &Parsed) -> Option<Candidate> {
    let district = parsed.district.as_deref()?;
    let street = parsed.get(Label::Street).next();
    let (address, level, score) = match street {
        Some(s) => (
            format!("{district}{}", s.text),
            MatchLevel::Street,
            STREET_ONLY,
        ),
        None => (district.to_owned(), MatchLevel::District, DISTRICT_ONLY),
    };
    Some(Candidate {
        premises_id: None,
        standard_address: address,
        score,
        level,
        reasons: vec![format!(
            "no road or name of the registry found; {level} only"
        )],
    })
}

/// What a step of the descent matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepKind {
    Lane,
    SubLane,
    Door,
    Building,
    Unit,
    Floor,
    Room,
}

/// One written component below the road, with the tokens it may be, best first.
#[derive(Debug)]
struct Step {
    kind: StepKind,
    written: String,
    keys: [Option<Sym>; 2],
    /// For a room: the floor its number implies (`1203室` → `12层`).
    floor: Option<Sym>,
    /// For a floor: its number.
    floor_number: Option<u32>,
}

/// The parts of a parsed input the matcher uses.
#[derive(Debug)]
struct Query<'p> {
    road: Option<&'p str>,
    steps: Vec<Step>,
    names: Vec<Name<'p>>,
    district_code: Option<&'p str>,
}

impl<'p> Query<'p> {
    fn new(parsed: &'p Parsed, strings: &Interner) -> Query<'p> {
        let first = |label| parsed.get(label).next().map(|c| c.text.as_str());
        let sym = |s: &str| strings.get(s);
        let door = first(Label::Door);
        let mut steps = Vec::new();
        if let Some(t) = first(Label::Lane) {
            steps.push(Step::new(StepKind::Lane, t, [sym(t), None]));
        }
        if let Some(t) = first(Label::SubLane) {
            steps.push(Step::new(StepKind::SubLane, t, [sym(t), None]));
        }
        if let Some(t) = door {
            steps.push(Step::new(StepKind::Door, t, [sym(t), None]));
        }
        // `10号楼之一`: the parser leaves `之一` after the building.
        let ordinal = parsed
            .components
            .windows(2)
            .find(|w| w[0].label == Label::Building && is_ordinal(&w[1].text))
            .map(|w| w[1].text.as_str());
        if let Some(t) = first(Label::Building) {
            let stem = t
                .strip_suffix("号楼")
                .or_else(|| t.chars().all(|c| c.is_ascii_digit()).then_some(t));
            let as_building = stem.map_or_else(|| t.to_owned(), |s| format!("{s}号楼"));
            let as_door = stem.map(|s| format!("{s}号{}", ordinal.unwrap_or_default()));
            let (b, d) = (sym(&as_building), as_door.as_deref().and_then(sym));
            // `13号楼` with no door written is the door `13号`.
            let keys = if door.is_none() { [d, b] } else { [b, d] };
            steps.push(Step::new(StepKind::Building, t, keys));
        }
        if let Some(t) = first(Label::Unit) {
            let k = if t.ends_with("单元") {
                t.to_owned()
            } else {
                format!("{t}单元")
            };
            steps.push(Step::new(StepKind::Unit, t, [sym(&k), None]));
        }
        if let Some(t) = first(Label::Floor) {
            let mut step = Step::new(StepKind::Floor, t, [sym(t), None]);
            step.floor_number = t.strip_suffix('层').and_then(|n| n.parse().ok());
            steps.push(step);
        }
        if let Some(t) = first(Label::Room) {
            let k = if t.ends_with('室') {
                t.to_owned()
            } else {
                format!("{t}室")
            };
            let number: Option<u32> = k.strip_suffix('室').and_then(|n| n.parse().ok());
            let mut step = Step::new(StepKind::Room, t, [sym(&k), None]);
            step.floor = number
                .filter(|n| *n >= 100)
                .and_then(|n| sym(&format!("{}层", n / 100)));
            steps.push(step);
        }
        let names = parsed
            .components
            .iter()
            .filter_map(|c| {
                let written = matches!(c.label, Label::Poi | Label::SubPoi);
                // A zone (`…园区`, `…科技园`) may be registered as a place's name too.
                let loose = matches!(c.label, Label::Community | Label::DevZone | Label::Other);
                let t = c.text.as_str();
                let usable = !t.chars().any(|c| c.is_ascii_digit())
                    && !is_ordinal(t)
                    && t.chars().count() >= if written { 2 } else { fuzzy::MIN_CHARS };
                ((written || loose) && usable).then_some(Name { text: t, written })
            })
            .collect();
        Query {
            road: first(Label::Road),
            steps,
            names,
            // Only a district the input writes can disagree with the registry; an inferred one
            // (from a road name the gazetteer places elsewhere too) is no evidence against it.
            district_code: parsed
                .district_code
                .as_deref()
                .filter(|_| parsed.get(Label::District).next().is_some()),
        }
    }

    fn has(&self, kind: StepKind) -> bool {
        self.steps.iter().any(|s| s.kind == kind)
    }
}

/// Whether `text` is the ordinal of a door squeezed in after another (`之一`).
fn is_ordinal(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (
            Some('之'),
            Some('一' | '二' | '三' | '四' | '五' | '1'..='5'),
            None
        )
    )
}

/// A name written (a POI) or a stretch of text that may be one.
#[derive(Debug, Clone, Copy)]
struct Name<'p> {
    text: &'p str,
    /// Labelled a POI by the parser: a path that does not explain it is penalised.
    written: bool,
}

impl Step {
    fn new(kind: StepKind, written: &str, keys: [Option<Sym>; 2]) -> Step {
        Step {
            kind,
            written: written.to_owned(),
            keys,
            floor: None,
            floor_number: None,
        }
    }
}

/// The running score and reasons of one descent.
struct Trace {
    factor: f64,
    reasons: Vec<String>,
}

impl Trace {
    fn new(factor: f64) -> Trace {
        Trace {
            factor,
            reasons: Vec::new(),
        }
    }
}

/// Nodes found so far, each with its best score and reasons.
#[derive(Default)]
struct Found {
    hits: Vec<(u32, f64, Vec<String>)>,
}

impl Found {
    fn add(&mut self, node: u32, score: f64, reasons: Vec<String>) {
        match self.hits.iter_mut().find(|(n, _, _)| *n == node) {
            Some(hit) if hit.1 >= score => {}
            Some(hit) => *hit = (node, score, reasons),
            None => self.hits.push((node, score, reasons)),
        }
    }

    fn into_candidates(self, index: &MatchIndex, query: &Query<'_>) -> Vec<Candidate> {
        let mut out: Vec<Candidate> = Vec::with_capacity(self.hits.len());
        for (node, score, reasons) in self.hits {
            let Some(c) = index.candidate(node, score, reasons, query) else {
                continue;
            };
            match out
                .iter_mut()
                .find(|o| o.standard_address == c.standard_address)
            {
                Some(o) if o.score >= c.score => {}
                Some(o) => *o = c,
                None => out.push(c),
            }
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.level.cmp(&b.level))
                .then(a.premises_id.cmp(&b.premises_id))
        });
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
