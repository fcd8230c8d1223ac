//! Known names: divisions from facts, plus roads and points of interest added at run time.

use std::collections::{HashMap, HashSet};

use super::facts::{BEIJING_DISTRICTS, CITIES, PREFECTURES, PROVINCES, SHANGHAI_DISTRICTS};
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
/// divisions and their short forms, the prefecture-level divisions, the districts of Shanghai and
/// Beijing, Shanghai's 234 streets and towns, and the roads of Xuhui. [`add_road`](Self::add_road)
/// and [`add_poi`](Self::add_poi) add names at run time (from the premises registry). Names are
/// stored normalised, so they match [`normalize`](crate::normalize)d text.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    names: HashMap<String, Vec<Entry>>,
    first_chars: HashSet<char>,
    max_chars: usize,
    districts: HashMap<String, String>,
}

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
        for (code, full, short) in SHANGHAI_DISTRICTS {
            let province = Some("上海市");
            g.insert(full, Kind::District, full, false, Some(code), province);
            g.insert(short, Kind::District, full, true, Some(code), province);
            g.districts.insert((*code).to_owned(), (*full).to_owned());
        }
        for (code, full) in BEIJING_DISTRICTS {
            g.insert(
                full,
                Kind::District,
                full,
                false,
                Some(code),
                Some("北京市"),
            );
            g.districts.insert((*code).to_owned(), (*full).to_owned());
        }
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
        g
    }
}

impl Gazetteer {
    /// A gazetteer with no names at all.
    pub fn empty() -> Self {
        Gazetteer {
            names: HashMap::new(),
            first_chars: HashSet::new(),
            max_chars: 0,
            districts: HashMap::new(),
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

    /// The meanings of exactly `name`, empty if unknown.
    pub fn get(&self, name: &str) -> &[Entry] {
        self.names.get(name).map_or(&[], Vec::as_slice)
    }

    /// The longest name in chars, and whether any name starts with `c`: bounds for scanning.
    pub(super) fn scan_bounds(&self, c: char) -> usize {
        if self.first_chars.contains(&c) {
            self.max_chars
        } else {
            0
        }
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
        let Some(first) = name.chars().next() else {
            return;
        };
        let entry = Entry {
            kind,
            canonical: canonical.to_owned(),
            short,
            district_code: district_code.map(str::to_owned),
            province,
        };
        let list = self.names.entry(name.to_owned()).or_default();
        if !list.contains(&entry) {
            list.push(entry);
        }
        self.first_chars.insert(first);
        self.max_chars = self.max_chars.max(name.chars().count());
    }
}
