//! The segmenter: one left-to-right pass over the normalised text.
//!
//! At each position, in order: separators are skipped (a run with a dash or an underscore is
//! [`Label::Redundant`], as are the dashes of `12-3-1001`); a number with a unit is read (`500弄`, `9甲号`,
//! `18号之一`, `3号楼`, `2单元`, `12层`, `1203室`, `5组`, `100米`; a bare number takes its label
//! from what comes before: `宛平南路500` is a door, `14号1102` a room, `12-3-1001` building,
//! unit and room); a gazetteer name is matched, longest first, and kept only when it fits
//! (a province must come before any city, `南京` in `南京西路` and `湖南` in `湖南路` are not
//! divisions because a road suffix follows, and a repeated division is redundant). Otherwise the
//! text up to the next separator, number or gazetteer name is a *chunk*: direction words are cut
//! from its ends (`近…`, `往南…`, `…旁边`, `…对面`), a connector between roads (`与`) and an
//! intersection word after a road are marked as the intersection, and the rest is split at name suffixes
//! (`街道`, `村`, `路`, `小区`, …, see `lexicon`). A division suffix counts only where that
//! level has not been passed yet; a point-of-interest suffix extends the point of interest up to
//! the last such suffix before a road or division. Text left without a suffix is a road when a
//! door number follows, else a point of interest (or sub-POI after one).

use super::Label;
use super::gazetteer::{Entry, Gazetteer, Kind};
use super::lexicon::{
    ATTACHED, CONNECTORS, CORNERS, DISTANCE_UNITS, INNER_DIRECTIONS, INTERSECTIONS,
    LEADING_DIRECTIONS, MARKETS, NOT_SUFFIXES, NUMBERED_PLACES, RELATIVE_DIRECTIONS, REMARKS,
    ROAD_ENDS, Suffix, TRAILING_DIRECTIONS, char_len, is_close, is_open, is_road_modifier,
    is_separator, one_of, starts_inner_direction,
};

/// A Chinese numeral of one to ten.
fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// How many elements back a division is looked for when deciding whether one repeats it.
const REPEAT_WINDOW: usize = 32;

/// A labelled span of the normalised text (char offsets).
#[derive(Debug, Clone)]
pub(super) struct Seg<'g> {
    pub label: Label,
    pub start: usize,
    pub end: usize,
    pub entry: Option<&'g Entry>,
}

/// The depth of a label in the address hierarchy; 0 for labels that do not move it.
fn rank(label: Label) -> u8 {
    match label {
        Label::Province => 1,
        Label::City => 2,
        Label::District => 3,
        Label::DevZone => 4,
        Label::Street => 5,
        Label::Community => 6,
        Label::Group => 7,
        Label::Road | Label::Intersection => 8,
        Label::Lane => 9,
        Label::SubLane => 10,
        Label::Door => 11,
        Label::Poi => 12,
        Label::SubPoi => 13,
        Label::Building => 14,
        Label::Unit => 15,
        Label::Floor => 16,
        Label::Room => 17,
        Label::Direction | Label::Redundant | Label::Other => 0,
    }
}

/// The rank of a gazetteer kind as a label.
fn kind_label(kind: Kind) -> Label {
    match kind {
        Kind::Province => Label::Province,
        Kind::City => Label::City,
        Kind::District => Label::District,
        Kind::DevZone => Label::DevZone,
        Kind::Street => Label::Street,
        Kind::Road => Label::Road,
        Kind::Poi => Label::Poi,
    }
}

/// Segments the normalised `text`; also returns the byte offset of each char of `text` (and of
/// its end), for slicing the segments out of it.
pub(super) fn segment<'g>(text: &str, gaz: &'g Gazetteer) -> (Vec<Seg<'g>>, Vec<usize>) {
    let mut chars: Vec<char> = Vec::with_capacity(text.len());
    let mut bytes: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for (b, c) in text.char_indices() {
        chars.push(c);
        bytes.push(b);
    }
    bytes.push(text.len());
    let mut p = Parser {
        text,
        chars,
        bytes,
        gaz,
        segs: Vec::with_capacity(16),
        level: 0,
    };
    p.run();
    p.finish()
}

struct Parser<'a, 'g> {
    text: &'a str,
    chars: Vec<char>,
    bytes: Vec<usize>,
    gaz: &'g Gazetteer,
    segs: Vec<Seg<'g>>,
    level: u8,
}

/// A number with its unit, possibly split into several elements (`12-3-1001`).
/// At most five spans (`12-3-1001`: building, filler, unit, filler, room), without allocating.
#[derive(Clone, Copy)]
struct NumTok {
    spans: [(Label, usize, usize); 5],
    len: usize,
}

impl NumTok {
    fn new() -> Self {
        NumTok {
            spans: [(Label::Other, 0, 0); 5],
            len: 0,
        }
    }

    fn push(&mut self, span: (Label, usize, usize)) {
        if let Some(slot) = self.spans.get_mut(self.len) {
            *slot = span;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[(Label, usize, usize)] {
        self.spans.get(..self.len).unwrap_or_default()
    }
}

impl<'g> Parser<'_, 'g> {
    fn n(&self) -> usize {
        self.chars.len()
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// Whether the text from char `i` on starts with `pat` (compared as bytes: a match that
    /// starts on a char boundary ends on one).
    fn starts_with(&self, i: usize, pat: &str) -> bool {
        let Some(&b) = self.bytes.get(i) else {
            return pat.is_empty();
        };
        self.text
            .as_bytes()
            .get(b..)
            .is_some_and(|rest| bytes_start_with(rest, pat.as_bytes()))
    }

    /// Whether the text before char `e` ends with `pat`.
    fn ends_with(&self, e: usize, pat: &str) -> bool {
        let Some(&b) = self.bytes.get(e) else {
            return false;
        };
        self.text.as_bytes().get(..b).is_some_and(|head| {
            head.len() >= pat.len()
                && bytes_start_with(
                    head.get(head.len() - pat.len()..).unwrap_or_default(),
                    pat.as_bytes(),
                )
        })
    }

    /// The label of the last component that places the address (not a direction or filler).
    fn last(&self) -> Option<Label> {
        self.segs
            .iter()
            .rev()
            .map(|s| s.label)
            .find(|l| rank(*l) > 0)
    }

    /// Whether a floor was read since the last road, door or room, so a number now is a room
    /// on it even after a shop's name (`城市广场八楼人人公寓789`).
    fn on_a_floor(&self) -> bool {
        self.segs
            .iter()
            .rev()
            .take(REPEAT_WINDOW)
            .map(|s| s.label)
            .take_while(|l| !matches!(l, Label::Road | Label::Door | Label::Room))
            .any(|l| l == Label::Floor)
    }

    /// Whether the last element read is a door number right after a compound's name
    /// (`武林广场7号`).
    fn door_of_a_compound(&self) -> bool {
        let mut placed = self.segs.iter().rev().filter(|s| rank(s.label) > 0);
        matches!(
            (placed.next(), placed.next()),
            (Some(d), Some(p)) if d.label == Label::Door && matches!(p.label, Label::Poi | Label::SubPoi)
        )
    }

    /// Whether a market or a floor of one was read since the last road, so a numbered `街`
    /// is a row of shops.
    fn in_a_market(&self) -> bool {
        self.on_a_floor()
            || self
                .segs
                .iter()
                .rev()
                .take(REPEAT_WINDOW)
                .take_while(|s| s.label != Label::Road)
                .any(|s| {
                    matches!(s.label, Label::Poi | Label::SubPoi)
                        && MARKETS.iter().any(|m| self.ends_with(s.end, m))
                })
    }

    fn push(&mut self, label: Label, start: usize, end: usize, entry: Option<&'g Entry>) {
        if start >= end {
            return;
        }
        let mut label = label;
        // A point of interest right after another, or inside a building after a compound
        // (`…大厦7楼伊袖专柜`), or at the compound's door (`武林广场7号杭州大厦`), is part of it.
        if label == Label::Poi
            && (matches!(self.segs.last(), Some(s) if matches!(s.label, Label::Poi | Label::SubPoi))
                || (matches!(
                    self.last(),
                    Some(Label::Building | Label::Unit | Label::Floor | Label::Room)
                ) && self.segs.iter().any(|s| s.label == Label::Poi))
                || self.door_of_a_compound())
        {
            label = Label::SubPoi;
        }
        // `市辖区` (the districts of a city, as a whole) places nothing below the city.
        if !(label == Label::District && self.slice(start, end) == "市辖区") {
            self.level = self.level.max(rank(label));
        }
        self.segs.push(Seg {
            label,
            start,
            end,
            entry,
        });
    }

    /// Whether a division with `label` may come after what was read: below it, or a development
    /// zone anywhere before a point of interest (`…余杭镇中泰工业园仙桥路`, `太康路8号顺兴产业园`).
    fn level_fits(&self, label: Label) -> bool {
        rank(label) > self.level || (label == Label::DevZone && self.level < rank(Label::Poi))
    }

    /// Whether a province, city or district written in full after a lower division but before
    /// the road still counts (`天山路街道上海市长宁区天山路`).
    fn late_division(&self, e: &Entry) -> bool {
        !e.short
            && matches!(e.kind, Kind::Province | Kind::City | Kind::District)
            && (self.level < rank(Label::Road) || self.only_names_read())
    }

    /// Whether all that was read since the last division (or from the start) is names without a
    /// known place (`台市椒江区…`: a misspelt city before the district; `温州市AAAA浙江温州市龙湾区`:
    /// a code between two writings of the divisions), so the divisions written next still place
    /// the address.
    fn only_names_read(&self) -> bool {
        let mut names = 0;
        for s in self.segs.iter().rev().take(REPEAT_WINDOW) {
            if s.label.is_admin() {
                break;
            }
            let unplaced = s.entry.is_none()
                && matches!(
                    s.label,
                    Label::Poi | Label::SubPoi | Label::Other | Label::Redundant
                );
            if !unplaced {
                return false;
            }
            names += usize::from(s.label != Label::Redundant);
        }
        names > 0
    }

    /// Whether a division at `start..end` repeats one already read (`浙江省杭州市浙江省`).
    fn repeats(&self, start: usize, end: usize, entry: Option<&Entry>) -> bool {
        let name = self.slice(start, end);
        let canonical = entry.map(|e| e.canonical.as_str());
        // A repeat comes within a few elements; looking no further keeps long inputs linear.
        self.segs.iter().rev().take(REPEAT_WINDOW).any(|s| {
            s.label.is_admin()
                && (self.slice(s.start, s.end) == name
                    || (canonical.is_some() && s.entry.map(|e| e.canonical.as_str()) == canonical))
        })
    }

    fn slice(&self, start: usize, end: usize) -> &str {
        match (self.bytes.get(start), self.bytes.get(end)) {
            (Some(&a), Some(&b)) => self.text.get(a..b).unwrap_or(""),
            _ => "",
        }
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.n() {
            let Some(c) = self.at(i) else { break };
            if is_open(c) {
                i = self.bracket(i);
                continue;
            }
            if is_separator(c) || is_close(c) {
                let mut j = i;
                while self.at(j).is_some_and(|c| is_separator(c) || is_close(c)) {
                    j += 1;
                }
                let fill = (i..j)
                    .filter(|&k| {
                        matches!(
                            self.at(k),
                            Some('-' | '_' | '—' | '－' | '=' | '*' | '/' | '\\' | '|' | '?')
                        )
                    })
                    .count();
                if fill >= 1 {
                    self.push(Label::Redundant, i, j, None);
                }
                i = j;
                continue;
            }
            // `第12层`, `第8栋`: the ordinal is part of the number.
            let ordinal = matches!(c, '第' | '甲' | '乙')
                && self.at(i + 1).is_some_and(|d| d.is_ascii_digit());
            if let Some(tok) = self.number_at(i + usize::from(ordinal)) {
                let mut end = i;
                for (k, &(label, s, e)) in tok.as_slice().iter().enumerate() {
                    self.push(label, if k == 0 { i } else { s }, e, None);
                    end = e;
                }
                i = end.max(i + 1);
                continue;
            }
            // The country before the divisions (`中国浙江省…`) places nothing.
            if self.segs.is_empty() && self.starts_with(i, "中国") && self.gazetteer_admin_at(i + 2)
            {
                self.push(Label::Other, i, i + 2, None);
                i += 2;
                continue;
            }
            if let Some((label, len, entry)) = self.gazetteer_at(i) {
                let restart = label.is_admin() && self.only_names_read();
                self.push(label, i, i + len, Some(entry));
                if restart {
                    self.level = rank(label);
                }
                i += len;
                continue;
            }
            let end = self.chunk_end(i);
            self.chunk(i, end);
            i = end;
        }
    }

    /// A bracket: its content extends the point of interest right before it when it names a
    /// branch (`东阳诚心木线(富阳店)`); otherwise the bracket is a separator.
    fn bracket(&mut self, i: usize) -> usize {
        let close = (i + 1..self.n().min(i + 16)).find(|&k| self.at(k).is_some_and(is_close));
        if let (Some(close), Some(last)) = (close, self.segs.last())
            && matches!(last.label, Label::Poi | Label::SubPoi)
            && last.end == i
            && close > i + 1
            && (i + 1..close).all(|k| {
                self.at(k)
                    .is_some_and(|c| !c.is_ascii_digit() && !is_separator(c) && !is_open(c))
            })
            && !(i + 1..close).any(|k| ROAD_ENDS.iter().any(|r| self.starts_with(k, r)))
            && !LEADING_DIRECTIONS
                .iter()
                .any(|d| self.starts_with(i + 1, d))
        {
            if let Some(last) = self.segs.last_mut() {
                last.end = close + 1;
            }
            return close + 1;
        }
        i + 1
    }

    /// Where the chunk starting at `i` ends: the next separator, bracket, number or gazetteer
    /// name.
    fn chunk_end(&self, i: usize) -> usize {
        let mut j = i + 1;
        while let Some(c) = self.at(j) {
            if is_separator(c) || is_open(c) || is_close(c) {
                break;
            }
            if c.is_ascii_alphanumeric() && (self.number_at(j).is_some() || self.dashed_code_at(j))
            {
                break;
            }
            if matches!(c, '第' | '甲' | '乙')
                && self.at(j + 1).is_some_and(|d| d.is_ascii_digit())
                && self.number_at(j + 1).is_some()
            {
                break;
            }
            // Digits right after a road suffix start its door number (`恒乐路1282飞虎科技`), and
            // after a market its rows and shops (`箱包市场11街182`).
            if c.is_ascii_digit()
                && (ROAD_ENDS.iter().any(|r| self.ends_with(j, r))
                    || MARKETS.iter().any(|m| self.ends_with(j, m)))
            {
                break;
            }
            if let Some((label, len, entry)) = self.gazetteer_at(j) {
                // A short form whose first char ends the name before it (`中国轻纺城东交易区`
                // is not `城东`, a district of Xining's; `石塘路北` not `路北`, Tangshan's) is
                // read as part of that name.
                if entry.short && j >= i + 2 && self.suffix_starts_at(j, |_| true) {
                    j += 1;
                    continue;
                }
                // One name char before a two-char division makes a longer division, read by its
                // suffix: `潼南县` is not `潼` and `南县`, nor `遵义县` `遵` and `义县`.
                // Nor is `环城北路` `环` and the known `城北路`, nor `周王庙镇` `周王` and Chongming's
                // `庙镇`.
                let tail = (j == i + 1 && ((len == 2 && label.is_admin()) || label == Label::Road))
                    || (j == i + 2 && len == 2 && label == Label::Street)
                        && self
                            .at(i)
                            .is_some_and(|c| !c.is_ascii() && !CONNECTORS.contains(&c))
                        && !LEADING_DIRECTIONS.iter().any(|d| self.starts_with(i, d));
                if !tail {
                    break;
                }
            }
            j += 1;
        }
        j
    }

    /// Whether digits at `i` are the first part of a dashed code (`15-1058`), which no name
    /// holds.
    fn dashed_code_at(&self, i: usize) -> bool {
        let mut k = i;
        while self.at(k).is_some_and(|c| c.is_ascii_digit()) {
            k += 1;
        }
        k > i && self.at(k) == Some('-') && self.at(k + 1).is_some_and(|c| c.is_ascii_digit())
    }

    /// A known name at `i` that fits here: its label, length and meaning.
    fn gazetteer_at(&self, i: usize) -> Option<(Label, usize, &'g Entry)> {
        let gaz: &'g Gazetteer = self.gaz;
        let found = gaz.prefixes(self.chars.get(i..).unwrap_or_default());
        for &(len, entries) in found.as_slice().iter().rev() {
            let end = i + len;
            let mut best: Option<&'g Entry> = None;
            for e in entries {
                let label = kind_label(e.kind);
                let fits = match e.kind {
                    // `白银路街道`, `湖南路街道`: a street named after the road.
                    Kind::Road => !self.starts_with(end, "街道"),
                    Kind::Poi => !self.road_follows(end, 1),
                    // A short form repeating a division already read starts a name when one
                    // follows (`巫山县巫山国宾酒店`, `杭州市杭州逸翔化工`).
                    _ if e.short
                        && !self.division_or_break_at(end)
                        && self.repeats(i, end, Some(e)) =>
                    {
                        false
                    }
                    _ => {
                        (self.level_fits(label)
                            || self.repeats(i, end, Some(e))
                            || self.late_division(e))
                            && !(e.short
                                && (self.road_follows(end, 2)
                                    || self.short_blocked(end)
                                    || !self.short_fits(
                                        end,
                                        matches!(e.kind, Kind::District | Kind::Street),
                                    )))
                    }
                };
                if fits && best.is_none_or(|b| e.kind < b.kind) {
                    best = Some(e);
                }
            }
            if let Some(e) = best {
                return Some((kind_label(e.kind), len, e));
            }
        }
        None
    }

    /// Whether a road suffix, possibly after direction or ordinal chars, follows at `i`: then the
    /// name before is part of a road name (`南京西路`, `湖南路`). `路口` is a crossing, no suffix.
    fn road_follows(&self, i: usize, modifiers: usize) -> bool {
        for k in i..=i + modifiers {
            if ROAD_ENDS.iter().any(|r| self.starts_with(k, r))
                && !self.starts_with(k, "街道")
                && !self.starts_with(k, "路口")
            {
                return true;
            }
            if !self.at(k).is_some_and(is_road_modifier) {
                return false;
            }
        }
        false
    }

    /// Whether what follows a short form (`浙江`, `徐汇`) shows it is part of a longer name: a
    /// division suffix or a point-of-interest suffix right after it.
    fn short_blocked(&self, end: usize) -> bool {
        let Some(c) = self.at(end) else {
            return false;
        };
        // Another division follows, full or short (`宁波镇海区`, `宁波镇海骆驼公园`).
        if self.division_or_break_at(end) {
            return false;
        }
        // A division suffix.
        if matches!(
            c,
            '区' | '县' | '市' | '镇' | '乡' | '村' | '州' | '省' | '旗' | '盟'
        ) {
            return true;
        }
        // A Chinese numeral as in the numbered compounds `梅陇三村`, `田林十二村`, `稠山一区`
        // (but not `永康九铃西路`).
        let mut k = end;
        while self.at(k).is_some_and(is_numeral) {
            k += 1;
        }
        if k > end && self.at(k).is_some_and(|n| one_of(n, "村区期街弄坊苑队组")) {
            return true;
        }
        // One name char and a road suffix: the short form starts the road's name (`广宁伯街`).
        if ROAD_ENDS.iter().any(|r| self.starts_with(end + 1, r)) {
            return true;
        }
        self.gaz
            .suffixes
            .starting_with(c)
            .iter()
            .any(|s| self.starts_with(end, s.word))
    }

    /// Whether what follows a short form fits after a division: the end, a separator, a
    /// number, a known division, or a name ending in a division or road suffix before any
    /// point-of-interest suffix (`杭州文三路`, but not `上海交通大学`). A county-level short form
    /// (`poi_ok`) may also come before a point of interest with a name of its own
    /// (`义乌国际商贸城`, `海宁皮革城`, but not `金山公寓`).
    fn short_fits(&self, end: usize, poi_ok: bool) -> bool {
        for k in end..self.n().min(end + 8) {
            let Some(c) = self.at(k) else { return true };
            if is_separator(c) || is_open(c) || c.is_ascii_alphanumeric() {
                return true;
            }
            // Another division, full or short, right after it (`宁波镇海区`, `金华义乌`).
            if k == end && self.division_or_break_at(k) {
                return true;
            }
            let mut best: Option<&Suffix> = None;
            for sfx in self.gaz.suffixes.starting_with(c) {
                if k > end
                    && self.starts_with(k, sfx.word)
                    && best.is_none_or(|b| b.word.len() < sfx.word.len())
                {
                    best = Some(sfx);
                }
            }
            // A one-char suffix right before another suffix (`墅` in `管墅小区`) does not end
            // the name.
            if let Some(sfx) = best
                && sfx.label == Label::Poi
                && sfx.chars == 1
                && self.at(k + 1).is_some_and(|n| {
                    self.gaz
                        .suffixes
                        .starting_with(n)
                        .iter()
                        .any(|x| x.label == Label::Poi && self.starts_with(k + 1, x.word))
                })
            {
                continue;
            }
            if let Some(sfx) = best {
                // `西店镇`: a point-of-interest suffix right before a division suffix is part
                // of a division's name.
                let division_next = sfx.label == Label::Poi
                    && self.at(k + sfx.chars).is_some_and(|n| {
                        self.gaz.suffixes.starting_with(n).iter().any(|d| {
                            d.label.is_admin()
                                && d.label != Label::DevZone
                                && self.starts_with(k + sfx.chars, d.word)
                        })
                    });
                return sfx.label != Label::Poi || division_next || (poi_ok && k >= end + 2);
            }
        }
        true
    }

    /// Whether `i` is the end, a separator, a number or a division name, full or short
    /// (`绍兴绍兴诸暨`).
    fn division_or_break_at(&self, i: usize) -> bool {
        if self
            .at(i)
            .is_none_or(|c| is_separator(c) || is_open(c) || c.is_ascii_alphanumeric())
        {
            return true;
        }
        let found = self.gaz.prefixes(self.chars.get(i..).unwrap_or_default());
        found
            .as_slice()
            .iter()
            .any(|&(len, entries)| len >= 2 && entries.iter().any(|e| e.kind <= Kind::Street))
    }

    /// Whether a division name from the gazetteer starts at `i`: a full name, or the short
    /// form of a city (`浙江台州…`).
    fn gazetteer_admin_at(&self, i: usize) -> bool {
        let found = self.gaz.prefixes(self.chars.get(i..).unwrap_or_default());
        found.as_slice().iter().any(|&(len, entries)| {
            len >= 2
                && entries
                    .iter()
                    .any(|e| (!e.short && e.kind <= Kind::Street) || e.kind == Kind::City)
        })
    }

    /// A number and its unit at `i`, with the labels they get here.
    fn number_at(&self, i: usize) -> Option<NumTok> {
        let tok = self.number_unit_at(i)?;
        let &[(label, start, end)] = tok.as_slice() else {
            return Some(tok);
        };
        Some(self.split_code(label, start, end).unwrap_or(tok))
    }

    /// A code read as one element that holds several: dashed parts before a unit
    /// (`1482-5-797室` is building, unit and room; `3-680室` building and room), or a building
    /// letter before a room number (`8A1071` after a compound; `B1025` stays whole), or a
    /// building before its floor (`174-8楼`). A range stays whole
    /// (`306-316室`), and so does a door with its sub-number (`1154-131号`, as the CCKS guideline
    /// has it).
    fn split_code(&self, label: Label, start: usize, end: usize) -> Option<NumTok> {
        let mut j = start;
        while self
            .at(j)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            j += 1;
        }
        let (parts, count) = split_dashes(&self.chars, start, j);
        let [first, second, _] = parts;
        let mut tok = NumTok::new();
        if count == 1 {
            // `8A1071`: one or two digits and a letter, then a room number of three or four
            // digits. A letter alone before the room (`B1025`, `A165` in a mall) is part of the
            // room's number.
            if label != Label::Room {
                return None;
            }
            let letter =
                (start..j).find(|&k| self.at(k).is_some_and(|c| c.is_ascii_alphabetic()))?;
            let digits = j - (letter + 1);
            let plain = (letter + 1..j).all(|k| self.at(k).is_some_and(|c| c.is_ascii_digit()))
                && (start..letter).all(|k| self.at(k).is_some_and(|c| c.is_ascii_digit()));
            if !plain || !(1..=2).contains(&(letter - start)) || !(3..=4).contains(&digits) {
                return None;
            }
            tok.push((Label::Building, start, letter + 1));
            tok.push((Label::Room, letter + 1, end));
            return Some(tok);
        }
        let labels: &[Label] = match (count, label) {
            (3, Label::Room | Label::Door) => &[Label::Building, Label::Unit, Label::Room],
            (2, Label::Room) if !self.is_range(first, second) => &[Label::Building, Label::Room],
            (2, Label::Unit) => &[Label::Building, Label::Unit],
            // `174-8楼`, `a7-10楼`: the building, then its floor; `3-5楼` is a range of floors.
            (3, Label::Floor) => &[Label::Building, Label::Unit, Label::Floor],
            (2, Label::Floor) if !self.is_range(first, second) => &[Label::Building, Label::Floor],
            _ => return None,
        };
        for (k, (&(s, e), &l)) in parts.iter().zip(labels).enumerate() {
            if k > 0 {
                tok.push((Label::Redundant, s - 1, s));
            }
            // The last part takes the unit written after the code.
            let e = if k + 1 == count { end } else { e };
            tok.push((l, s, e));
        }
        Some(tok)
    }

    /// Whether two numbers `a-b` are a range: both digits, the second the greater but not by
    /// much.
    fn is_range(&self, a: (usize, usize), b: (usize, usize)) -> bool {
        // The letters of a block may lead both numbers, or only the first (`CD2601-CD2866`,
        // `A267-268`).
        let letters = |(s, e): (usize, usize)| {
            (s..e)
                .take_while(|&k| self.at(k).is_some_and(|c| c.is_ascii_alphabetic()))
                .count()
        };
        let (la, lb) = (letters(a), letters(b));
        // Letters on the first only lead shop numbers (`A267-268`), not a building before its
        // floor (`a7-10楼`).
        let same = (lb == 0 && (la == 0 || self.digits(b.0, b.1) >= 3))
            || (la == lb && (0..la).all(|k| self.at(a.0 + k) == self.at(b.0 + k)));
        if !same {
            return false;
        }
        let number = |(s, e): (usize, usize)| -> Option<u64> {
            let mut n: u64 = 0;
            let s = s + letters((s, e));
            for k in s..e {
                let d = self.at(k)?.to_digit(10)?;
                n = n.checked_mul(10)?.checked_add(u64::from(d))?;
            }
            (e > s).then_some(n)
        };
        // Near each other: `306-316`, `9-11`, but not `3-680` (building 3, room 680).
        matches!((number(a), number(b)), (Some(x), Some(y)) if x < y && y < 2 * x + 10)
    }

    /// A number and its unit at `i` as one element, with the label it gets here.
    fn number_unit_at(&self, i: usize) -> Option<NumTok> {
        let c = self.at(i)?;
        if !c.is_ascii_alphanumeric() {
            return None;
        }
        let mut j = i;
        while let Some(c) = self.at(j) {
            let dash =
                c == '-' && j > i && self.at(j + 1).is_some_and(|d| d.is_ascii_alphanumeric());
            if !(c.is_ascii_alphanumeric() || dash) {
                break;
            }
            j += 1;
        }
        let code_has_digit = (i..j).any(|k| self.at(k).is_some_and(|c| c.is_ascii_digit()));
        let mut k = j;
        if self.at(k).is_some_and(|c| one_of(c, "甲乙丙")) && self.at(k + 1) == Some('号') {
            k += 1;
        }
        let last = self.last();
        let one = |label: Label, end: usize| {
            let mut tok = NumTok::new();
            tok.push((label, i, end));
            Some(tok)
        };
        if self.starts_with(k, "支弄") {
            return one(Label::SubLane, k + 2);
        }
        // `4号院`, `1号厂房`, `七号桥`: a yard, a works, a bridge named by its number.
        for noun in NUMBERED_PLACES {
            if self.starts_with(k + 1, noun) {
                return one(Label::Poi, k + 1 + char_len(noun));
            }
        }
        // `5号门`: a gate of a market or a park, named by its number.
        if self.starts_with(k, "号门") && !self.at(k + 2).is_some_and(|c| one_of(c, "面牌市口"))
        {
            return one(Label::SubPoi, k + 2);
        }
        if self.starts_with(k, "弄") {
            return one(Label::Lane, k + 1);
        }
        if self.starts_with(k, "号楼") {
            return one(Label::Building, k + 2);
        }
        if self.starts_with(k, "号") {
            if ROAD_ENDS.iter().any(|r| self.starts_with(k + 1, r)) || self.starts_with(k + 1, "线")
            {
                return None;
            }
            let mut end = k + 1;
            if self.at(end) == Some('之')
                && self
                    .at(end + 1)
                    .is_some_and(|c| one_of(c, "一二三四五六七八九"))
            {
                end += 2;
            }
            let digits = self.digits(i, j);
            let label = match last {
                // `83幢2号` is the second unit, `83幢1227号` room 1227.
                Some(Label::Building) if digits <= 2 => Label::Unit,
                Some(Label::Building | Label::Unit | Label::Floor) => Label::Room,
                // A shop in a mall or a tower: `…广场1039号`, `…8楼伊袖专柜12号`.
                Some(Label::Poi | Label::SubPoi) if digits >= 4 || self.on_a_floor() => Label::Room,
                _ => Label::Door,
            };
            return one(label, end);
        }
        // A row of shops in a market (`国际商贸城四区九楼106街`), not a road.
        if self.starts_with(j, "街") && code_has_digit && self.in_a_market() {
            return one(Label::SubPoi, j + 1);
        }
        for (unit, label) in [
            ("单元", Label::Unit),
            ("幢", Label::Building),
            ("栋", Label::Building),
            ("座", Label::Building),
            ("#", Label::Building),
            ("层", Label::Floor),
            ("室", Label::Room),
            ("户", Label::Room),
            // `11组团`: a cluster of a compound, not a villagers' group.
            ("组团", Label::SubPoi),
            ("组", Label::Group),
            ("队", Label::Group),
            // `321巷`: a numbered alley; `6409店`, `4564档`: a shop.
            ("巷", Label::Road),
            // `104国道`, `G320国道`: a national, provincial or county highway.
            ("国道", Label::Road),
            ("省道", Label::Road),
            ("县道", Label::Road),
            ("店", Label::Room),
            ("铺", Label::Room),
            ("档", Label::Room),
            ("期", Label::SubPoi),
            ("区", Label::SubPoi),
        ] {
            // `1245店面` is a room and the word for a shop front.
            let shop_front = unit == "店" && self.at(j + 1).is_some_and(|c| one_of(c, "面铺"));
            if self.starts_with(j, unit) && !shop_front {
                return one(label, j + char_len(unit));
            }
        }
        if self.starts_with(j, "楼") {
            // `7楼` is a floor; `A楼` (letters only) a building.
            let floor = code_has_digit;
            return one(if floor { Label::Floor } else { Label::Building }, j + 1);
        }
        if code_has_digit {
            for unit in DISTANCE_UNITS {
                if self.starts_with(j, unit) {
                    return one(Label::Direction, j + char_len(unit));
                }
            }
        }
        // A bare code: only numbers, and only before a separator or the end.
        let next = self.at(j);
        let bare_ok = next.is_none_or(|c| is_separator(c) || is_open(c) || is_close(c));
        // After a road, digits right before a name are its door number without `号`
        // (`恒乐路1282飞虎科技`, `振港路172-53华莱士`).
        let door_before_name = last == Some(Label::Road)
            && self.at(i).is_some_and(|c| c.is_ascii_digit())
            && (i..j).all(|k| self.at(k).is_some_and(|c| c.is_ascii_digit() || c == '-'))
            && next.is_some_and(|c| !c.is_ascii() && !is_separator(c));
        if door_before_name {
            return one(Label::Door, j);
        }
        let (parts, count) = split_dashes(&self.chars, i, j);
        // Before a name, a code is still a number when it cannot be part of the name: dashed
        // parts in a compound (`皇都花苑15-1058电联`), or a room number after a compound, a floor
        // or a building (`国际商贸城一楼1245店面`).
        let before_name = next.is_some_and(|c| !c.is_ascii())
            && (i..j).all(|k| self.at(k).is_some_and(|c| c.is_ascii_digit() || c == '-'))
            && matches!(
                last,
                Some(Label::Poi | Label::SubPoi | Label::Building | Label::Unit | Label::Floor)
            )
            && (count >= 2 || self.digits(i, j) >= 3);
        if !code_has_digit || !(bare_ok || before_name) {
            return None;
        }
        // Room numbers carry the floor (`1102`, three or four digits); building and unit
        // numbers are short: `63-36` is building 63, unit 36; `8-895` building 8, room 895.
        let short = |k: usize| parts.get(k).is_some_and(|&(s, e)| self.digits(s, e) <= 2);
        let labels: &[Label] = match (count, last) {
            (3, _) => &[Label::Building, Label::Unit, Label::Room],
            // A range of rooms or shops (`万达广场C座1220-1221`).
            (2, Some(Label::Poi | Label::SubPoi | Label::Building | Label::Floor))
                if self.is_range(parts[0], parts[1])
                    && parts.get(1).is_some_and(|&(s, e)| self.digits(s, e) >= 3) =>
            {
                return one(Label::Room, j);
            }
            (2, Some(Label::Road)) => return one(Label::Door, j),
            (2, Some(Label::Building)) => &[Label::Unit, Label::Room],
            (2, _) if short(1) => &[Label::Building, Label::Unit],
            (2, _) => &[Label::Building, Label::Room],
            (1, Some(Label::Building)) if short(0) => &[Label::Unit],
            // A room in a tower or a mall (`汇金大厦852`), or on a floor read before.
            (1, Some(Label::Poi | Label::SubPoi | Label::DevZone))
                if self.digits(i, j) >= 3 || self.on_a_floor() =>
            {
                &[Label::Room]
            }
            (1, Some(Label::Road | Label::Lane | Label::SubLane | Label::Community)) => {
                &[Label::Door]
            }
            (
                1,
                Some(
                    Label::Door
                    | Label::Building
                    | Label::Unit
                    | Label::Floor
                    | Label::Room
                    | Label::Intersection,
                ),
            ) => &[Label::Room],
            (1, Some(Label::Poi | Label::SubPoi | Label::DevZone)) => &[Label::Building],
            _ => return one(Label::Other, j),
        };
        // The dashes between the parts are fillers.
        let mut tok = NumTok::new();
        for (k, (&(s, e), &l)) in parts.iter().zip(labels).enumerate() {
            if k > 0 {
                tok.push((Label::Redundant, s - 1, s));
            }
            tok.push((l, s, e));
        }
        Some(tok)
    }

    /// Reads the chunk `i..end`: directions, connectors, intersections, then names.
    fn chunk(&mut self, i: usize, end: usize) {
        let mut s = i;
        if self
            .segs
            .last()
            .is_some_and(|l| l.label == Label::Road && l.end == i)
        {
            s = self.after_road(s, end);
        }
        // `对面`, `附近` after what places it, before a name of two chars or more.
        if !self.segs.is_empty()
            && let Some(e) = self.direction_before_name(s, end, RELATIVE_DIRECTIONS)
        {
            s = e;
        }
        for w in LEADING_DIRECTIONS {
            if !self.starts_with(s, w) {
                continue;
            }
            let e = s + char_len(w);
            let followed = e < end
                || self
                    .at(e)
                    .is_some_and(|c| !is_separator(c) && !is_open(c) && !is_close(c));
            if e <= end && followed {
                self.push(Label::Direction, s, e, None);
                s = e;
                break;
            }
        }
        let mut e = end;
        let mut remark = None;
        for w in REMARKS {
            if !self.ends_with(e, w) {
                continue;
            }
            let k = char_len(w);
            if e >= s + k {
                remark = Some((e - k, e));
                e -= k;
                break;
            }
        }
        // A direction word inside the chunk, between two names (`邮局旁沙发垫厂`,
        // `隆华精编厂院内亚士力…`): the names on either side are read apart.
        if let Some((a, b)) = self.inner_direction(s, e) {
            self.chunk(s, a);
            self.push(Label::Direction, a, b, None);
            self.chunk(b, e);
            if let Some((a, b)) = remark {
                self.push(Label::Redundant, a, b, None);
            }
            return;
        }
        let mut tail = None;
        for w in TRAILING_DIRECTIONS {
            if !self.ends_with(e, w) {
                continue;
            }
            let k = char_len(w);
            let has_anchor = e >= s + k && (e > s + k || !self.segs.is_empty());
            if has_anchor {
                tail = Some((e - k, e));
                e -= k;
                break;
            }
        }
        if s < e {
            self.names(s, e, end);
        }
        if let Some((a, b)) = tail {
            self.push(Label::Direction, a, b, None);
        }
        if let Some((a, b)) = remark {
            self.push(Label::Redundant, a, b, None);
        }
    }

    /// The first direction word strictly inside `s..e` with a name of at least two chars on
    /// either side, the one before ending a point of interest.
    fn inner_direction(&self, s: usize, e: usize) -> Option<(usize, usize)> {
        for k in s + 2..e.saturating_sub(2) {
            if !self.at(k).is_some_and(starts_inner_direction) {
                continue;
            }
            for w in INNER_DIRECTIONS {
                if !self.starts_with(k, w) {
                    continue;
                }
                let len = char_len(w);
                // A word of two chars or more that only means a direction (`对面`, `隔壁`)
                // needs no suffix before it; `旁`, `院内`, `楼下` need one (`邮局旁`).
                let plain = RELATIVE_DIRECTIONS.contains(w);
                if k + len + 2 <= e && (plain || self.poi_suffix_before(s, k)) {
                    return Some((k, k + len));
                }
            }
        }
        None
    }

    /// Whether a point-of-interest suffix ends `s..k` (`邮局`, `…精编厂`).
    fn poi_suffix_before(&self, s: usize, k: usize) -> bool {
        // Suffixes are at most five chars: look no further back (keeps long inputs linear).
        (k.saturating_sub(5).max(s)..k).any(|j| {
            self.at(j).is_some_and(|c| {
                self.gaz.suffixes.starting_with(c).iter().any(|sfx| {
                    sfx.label == Label::Poi
                        && j + sfx.chars == k
                        && j - s >= sfx.min_core
                        && self.starts_with(j, sfx.word)
                })
            })
        })
    }

    /// One of `words` at `s` with a name of two chars or more after it within `..end`: pushed
    /// as a direction; returns where the name starts.
    fn direction_before_name(&mut self, s: usize, end: usize, words: &[&str]) -> Option<usize> {
        let w = words.iter().find(|w| self.starts_with(s, w))?;
        let e = s + char_len(w);
        (e + 2 <= end).then(|| {
            self.push(Label::Direction, s, e, None);
            e
        })
    }

    /// What may follow a road within `..end`: a connector to a second road (dropped), an
    /// intersection word, a bare direction (`北`). Returns where the rest starts.
    fn after_road(&mut self, i: usize, end: usize) -> usize {
        let mut s = i;
        // `人民大街号龙鑫药业`: a `号` with its number left out.
        if self.at(s) == Some('号') && s + 1 < end {
            self.push(Label::Redundant, s, s + 1, None);
            s += 1;
        }
        if self.at(s).is_some_and(|c| CONNECTORS.contains(&c))
            && !self.at(s + 1).is_some_and(|c| one_of(c, "叉汇界口"))
            && (s + 2..=self.n().min(s + 12)).any(|k| {
                // County roads are numbered lines (`十新线`, `杭富线`).
                ROAD_ENDS.iter().any(|r| self.ends_with(k, r)) || self.ends_with(k, "线")
            })
        {
            // `A路与B路`: the two roads cross here, whether or not `交叉口` follows.
            self.push(Label::Intersection, s, s + 1, None);
            return s + 1;
        }
        for w in INTERSECTIONS {
            let e = s + char_len(w);
            if self.starts_with(s, w) && e <= end {
                self.push(Label::Intersection, s, e, None);
                s = e;
                break;
            }
        }
        // `环城西路北段`, `鄞州大道东段`: a section of the road.
        if s + 2 <= end
            && self.at(s).is_some_and(|c| one_of(c, "东西南北中"))
            && self.at(s + 1) == Some('段')
        {
            self.push(Label::Direction, s, s + 2, None);
            s += 2;
        }
        // A corner or a relative direction before a name (`港元路东南角兄弟智谷`).
        for words in [CORNERS, RELATIVE_DIRECTIONS] {
            if let Some(e) = self.direction_before_name(s, end, words) {
                return e;
            }
        }
        if s > i && s < end && self.at(s).is_some_and(|c| one_of(c, "东西南北")) {
            let mut e = s + 1;
            if self.at(e).is_some_and(|c| one_of(c, "侧面边")) {
                e += 1;
            }
            if e == end || self.at(e).is_some_and(|c| c.is_ascii_digit()) {
                self.push(Label::Direction, s, e, None);
                s = e;
            }
        }
        s
    }

    /// Splits `s..e` (a chunk without numbers or known names) at name suffixes; `chunk_end` is
    /// where the whole chunk ends.
    fn names(&mut self, s: usize, e: usize, chunk_end: usize) {
        let mut start = s;
        let mut poi_end: Option<usize> = None;
        let mut j = s;
        while j < e {
            // `…厂内`, `…城院内`: inside the place just named.
            if poi_end == Some(j)
                && let Some(w) = ["院内", "内"].iter().find(|w| self.starts_with(j, w))
            {
                self.push(Label::Poi, start, j, None);
                self.push(Label::Direction, j, j + char_len(w), None);
                poi_end = None;
                start = j + char_len(w);
                j = start;
                continue;
            }
            // `下西坑村路口`: the crossing at a place just named.
            if j == start
                && !self.segs.is_empty()
                && let Some(w) = ["十字路口", "交叉路口", "交叉口", "路口"]
                    .iter()
                    .find(|w| self.starts_with(j, w))
            {
                self.push(Label::Intersection, j, j + char_len(w), None);
                start = j + char_len(w);
                j = start;
                continue;
            }
            // `空港宾馆北楼`, `新天地东区`, `尚城花园北苑`: a part of the place just named.
            if poi_end == Some(j)
                && j + 2 <= e
                && self.at(j).is_some_and(|c| one_of(c, "东西南北中前后正"))
                && self.at(j + 1).is_some_and(|c| one_of(c, "区楼苑园门座院"))
            {
                self.push(Label::Poi, start, j, None);
                self.push(Label::SubPoi, j, j + 2, None);
                poi_end = None;
                start = j + 2;
                j = start;
                continue;
            }
            // `鞋都二期`, `格兰云天三期`: a phase of the compound named before it.
            if j >= start + 2
                && let Some(k) = self.phase_at(j, e)
            {
                self.push(Label::Poi, start, j, None);
                self.push(Label::SubPoi, j, k, None);
                poi_end = None;
                start = k;
                j = k;
                continue;
            }
            match self.suffix_at(start, j, e) {
                Some((Label::Poi, len)) => {
                    // A second name with its own suffix after a complete one is a part of it
                    // (`春江景园龙祥园`, `新天地商务中心尚座西楼`): the first ends at its suffix.
                    // A campus, branch or the mall of a name stays in it
                    // (`浙江大学紫金港校区`, `杭州大厦购物中心`).
                    if let Some(pe) = poi_end
                        && pe - start >= 3
                        && (j >= pe + 2
                            || (j == pe + 1
                                && self.at(j).is_some_and(|c| {
                                    matches!(c, '苑' | '园' | '阁' | '居' | '庭' | '府')
                                })))
                        && !ATTACHED.iter().any(|w| self.ends_with(j + len, w))
                    {
                        self.push(Label::Poi, start, pe, None);
                        start = pe;
                    }
                    poi_end = Some(j + len);
                    j += len;
                }
                Some((label, len)) => {
                    // `杭州湾工业园区`, `长城工业区`: a zone named after a place whose name ends
                    // like a compound's.
                    let zone_of_place = label == Label::DevZone && poi_end == Some(j);
                    if let Some(pe) = poi_end.take()
                        && !zone_of_place
                    {
                        self.push(Label::Poi, start, pe, None);
                        start = pe;
                        continue;
                    }
                    if label == Label::Road {
                        start = self.place_before_road(start, j);
                    }
                    if label == Label::Community && len == 1 && self.at(j) == Some('村') {
                        start = self.place_before_village(start, j);
                    }
                    self.push(label, start, j + len, None);
                    start = j + len;
                    if label == Label::Road {
                        start = self.after_road(start, e);
                    }
                    j = start;
                }
                None => j += 1,
            }
        }
        if let Some(pe) = poi_end {
            self.push(Label::Poi, start, pe, None);
            start = pe;
        }
        if start < e {
            self.leftover(start, e, chunk_end);
        }
    }

    /// The end of a phase written in Chinese numerals at `j` (`二期`), within `..e`.
    fn phase_at(&self, j: usize, e: usize) -> Option<usize> {
        let mut k = j;
        while k < e && self.at(k).is_some_and(is_numeral) {
            k += 1;
        }
        (k > j && k < e && self.at(k) == Some('期')).then_some(k + 1)
    }

    /// A road name is two chars and its modifiers (`朝阳东路`, `中山东一路`); a longer name before a
    /// road suffix carries a place in front (`临平朝阳东路`, `大舜纽扣南路`): the place is read as
    /// the town, the village, or a point of interest (`华伦智圣服饰聚成路`), whichever level is
    /// still open, and the road starts after it. Returns where the road starts.
    fn place_before_road(&mut self, start: usize, suffix: usize) -> usize {
        let mut core_end = suffix;
        while core_end > start && self.at(core_end - 1).is_some_and(is_road_modifier) {
            core_end -= 1;
        }
        if core_end < start + 4 {
            return start;
        }
        let road = core_end - 2;
        let label = if road - start >= 4 {
            Label::Poi
        } else {
            self.open_place_label()
        };
        self.push(label, start, road, None);
        road
    }

    /// The label of a place written in front of a name: the town, the village or a point of
    /// interest, whichever level is still open.
    fn open_place_label(&self) -> Label {
        if self.level < rank(Label::Street) {
            Label::Street
        } else if self.level < rank(Label::Community) {
            Label::Community
        } else {
            Label::Poi
        }
    }

    /// A village's name is two or three chars (`凤亭村`, `盛家塘村`); four or more before `村`
    /// carry a place in front (`石婆桥凤亭村`, `乔司吴家村`), read as the town, the village or a
    /// point of interest, whichever level is still open; the village keeps the last two chars.
    /// Returns where the village starts.
    fn place_before_village(&mut self, start: usize, suffix: usize) -> usize {
        if suffix < start + 4 {
            return start;
        }
        let village = suffix - 2;
        self.push(self.open_place_label(), start, village, None);
        village
    }

    /// Whether a name suffix that `fits` starts at `i` (`城`, `小区`, `镇`, `路`).
    fn suffix_starts_at(&self, i: usize, fits: impl Fn(&Suffix) -> bool) -> bool {
        self.at(i).is_some_and(|c| {
            self.gaz
                .suffixes
                .starting_with(c)
                .iter()
                .any(|s| fits(s) && self.starts_with(i, s.word))
        })
    }

    /// The name suffix at `j` that ends a name starting at `start`, within `..e`.
    fn suffix_at(&self, start: usize, j: usize, e: usize) -> Option<(Label, usize)> {
        let mut best: Option<(Label, usize)> = None;
        let first = self.at(j)?;
        // County roads are named by two places' first chars and `线` (`张陈线`, `甬临线`).
        if first == '线'
            && j == start + 2
            && (start..j).all(|k| self.at(k).is_some_and(|c| !c.is_ascii() && c != '专'))
            && self.level < rank(Label::Poi)
        {
            return Some((Label::Road, 1));
        }
        if matches!(first, '园' | '部' | '市' | '组')
            && NOT_SUFFIXES.iter().any(|w| self.starts_with(j, w))
        {
            return None;
        }
        for sfx in self.gaz.suffixes.starting_with(first) {
            let len = sfx.chars;
            if j + len > e || j - start < sfx.min_core || !self.starts_with(j, sfx.word) {
                continue;
            }
            if best.is_some_and(|(_, l)| l >= len) {
                continue;
            }
            let end = j + len;
            let ok = match sfx.label {
                Label::Road => {
                    !self.starts_with(end, "街道")
                        && !self.starts_with(end, "镇")
                        // `古墩路口` is the road and its crossing; `下西坑村路口` and `十字路口`
                        // name no road.
                        && (!self.starts_with(end, "口")
                            || (j - start >= 2
                                && !self
                                    .at(j - 1)
                                    .is_some_and(|c| one_of(c, "村镇乡区字场城园苑"))))
                        && (j - start >= 2
                            || (start..j).any(|k| self.at(k).is_some_and(|c| !is_road_modifier(c))))
                        // `红街公寓`: a compound named after the road, with no name of its own.
                        && !self
                            .suffix_starts_at(end, |s| s.label == Label::Poi && s.chars >= 2)
                }
                Label::Poi => {
                    !self.road_follows(end, 1)
                        && !self.at(end).is_some_and(|c| {
                            self.gaz.suffixes.starting_with(c).iter().any(|s| {
                                s.label.is_admin()
                                    && s.label != Label::DevZone
                                    && self.starts_with(end, s.word)
                            })
                        })
                }
                // `诚信一区`, `东升北区`: parts of a compound, not districts (those known are
                // read from the gazetteer; `颍东区` is one).
                Label::District
                    if sfx.word == "区"
                        && self.at(j - 1).is_some_and(|c| {
                            is_numeral(c) || (one_of(c, "东西南北") && j - start >= 3)
                        }) =>
                {
                    false
                }
                Label::Community if sfx.word == "村" && j > start => {
                    // `梅陇三村`, `田林十二村`: numbered compounds (新村), not villages; with one
                    // char before the numeral, a village (`和一村`).
                    let mut k = j;
                    while k > start && self.at(k - 1).is_some_and(is_numeral) {
                        k -= 1;
                    }
                    let numbered = k < j && k >= start + 2;
                    !numbered
                        && (rank(Label::Community) > self.level || self.repeats(start, end, None))
                        && !self.road_follows(end, 1)
                }
                // `街道` names a street wherever it is written (`运河镇亭趾街道`,
                // `拱康路康桥街道`); `汉中路街道西大街` is a street's name before a road.
                Label::Street if sfx.word.starts_with("街道") || sfx.word.starts_with("街办") => {
                    true
                }
                label => {
                    (self.level_fits(label) || self.repeats(start, end, None))
                        // `大唐镇路` may be a road's name.
                        && !self.road_follows(end, 1)
                }
            };
            if ok {
                best = Some((sfx.label, len));
            }
        }
        best
    }

    /// Text with no suffix: a road before a door number, else a point of interest.
    fn leftover(&mut self, s: usize, e: usize, chunk_end: usize) {
        let next_number = self.number_at(chunk_end);
        let door_follows = e == chunk_end
            && next_number
                .as_ref()
                .and_then(|t| t.as_slice().first().copied())
                .is_some_and(|(l, _, _)| matches!(l, Label::Door | Label::Lane));
        let single = e - s == 1 && !self.at(s).is_some_and(|c| c.is_ascii_alphanumeric());
        // One char left after a name ends that name (`小园山`, where `园` looked like a suffix).
        if single
            && let Some(last) = self.segs.last_mut()
            && matches!(last.label, Label::Poi | Label::SubPoi)
            && last.end == s
            && last.entry.is_none()
        {
            last.end = e;
            return;
        }
        // A name with no suffix right after a village (村, not an urban 社区, whose numbered
        // names are roads: `顾家桥社区河西北9号`), before a door number, is a natural village in
        // it (`新界村老屋头8号`).
        let in_village = self.segs.last().is_some_and(|l| {
            l.label == Label::Community && l.end == s && self.ends_with(l.end, "村")
        });
        // Right after a town it is a village of the town's (`草塔镇横畈塘000号`).
        let in_town = self.segs.last().is_some_and(|l| {
            l.label == Label::Street && l.end == s && !self.ends_with(l.end, "街道")
        });
        let label = if single {
            // `14号楼南7楼`, `5楼西`, `村口`, `街上`: a direction from the place before.
            if self.at(s).is_some_and(|c| one_of(c, "东西南北上下内外口")) && !self.segs.is_empty()
            {
                Label::Direction
            } else {
                Label::Other
            }
        } else if door_follows && (in_village || in_town) && (2..=4).contains(&(e - s)) {
            // `五组`, `后咀组`: a villagers' group.
            if self.ends_with(e, "组") {
                Label::Group
            } else {
                Label::Community
            }
        } else if door_follows
            && self.level < rank(Label::Road)
            && e - s >= 2
            && !self.numbered_compound(e)
        {
            Label::Road
        } else {
            Label::Poi
        };
        self.push(label, s, e, None);
    }

    /// Whether the name ending at `e` is a numbered compound (`梅陇三村`, `田林十二村`), whose
    /// numbers are its buildings, not doors on a road.
    fn numbered_compound(&self, e: usize) -> bool {
        e >= 2 && self.at(e - 1) == Some('村') && self.at(e - 2).is_some_and(is_numeral)
    }

    /// Merges neighbouring redundant spans (in place).
    fn finish(self) -> (Vec<Seg<'g>>, Vec<usize>) {
        let Parser {
            mut segs,
            chars,
            bytes,
            ..
        } = self;
        segs.dedup_by(|seg, prev| {
            let merge = prev.label == Label::Redundant
                && seg.label == Label::Redundant
                && (prev.end..seg.start).all(|k| chars.get(k).is_some_and(|&c| is_separator(c)));
            if merge {
                prev.end = seg.end;
            }
            merge
        });
        (segs, bytes)
    }
}

impl Parser<'_, '_> {
    /// How many ASCII digits `i..j` holds.
    fn digits(&self, i: usize, j: usize) -> usize {
        (i..j)
            .filter(|&k| self.at(k).is_some_and(|c| c.is_ascii_digit()))
            .count()
    }
}

/// Whether `hay` starts with `pat`: a loop that most often stops at the first byte, where a call
/// to `memcmp` would cost more than the comparison.
fn bytes_start_with(hay: &[u8], pat: &[u8]) -> bool {
    hay.len() >= pat.len() && hay.iter().zip(pat).all(|(a, b)| a == b)
}

/// The dash-separated parts of the code `i..j`.
/// The first three are kept; the count is of all of them.
fn split_dashes(chars: &[char], i: usize, j: usize) -> ([(usize, usize); 3], usize) {
    let mut parts = [(0, 0); 3];
    let mut count = 0;
    let mut start = i;
    for k in i..=j {
        if k == j || chars.get(k) == Some(&'-') {
            if let Some(slot) = parts.get_mut(count) {
                *slot = (start, k);
            }
            count += 1;
            start = k + 1;
        }
    }
    (parts, count)
}
