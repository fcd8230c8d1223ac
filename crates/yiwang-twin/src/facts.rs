//! Real public facts the twin is built on: streets with centroids and areas, residents'
//! committees, road names (DESIGN §4). Everything else is synthesised.

/// A street or town of Xuhui with the centroid (WGS-84) and area of its real boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreetFact {
    /// 9-digit division code.
    pub code: &'static str,
    /// Official name.
    pub name: &'static str,
    /// Centroid longitude.
    pub lon: f64,
    /// Centroid latitude.
    pub lat: f64,
    /// Area in km².
    pub km2: f64,
}

/// The 13 streets/towns of Xuhui District (310104).
pub const STREETS: [StreetFact; 13] = [
    StreetFact {
        code: "310104003",
        name: "天平路街道",
        lon: 121.44542,
        lat: 31.20666,
        km2: 2.68,
    },
    StreetFact {
        code: "310104004",
        name: "湖南路街道",
        lon: 121.44283,
        lat: 31.21447,
        km2: 1.72,
    },
    StreetFact {
        code: "310104007",
        name: "斜土路街道",
        lon: 121.45924,
        lat: 31.19185,
        km2: 3.22,
    },
    StreetFact {
        code: "310104008",
        name: "枫林路街道",
        lon: 121.44713,
        lat: 31.19162,
        km2: 2.66,
    },
    StreetFact {
        code: "310104010",
        name: "长桥街道",
        lon: 121.44064,
        lat: 31.14209,
        km2: 5.89,
    },
    StreetFact {
        code: "310104011",
        name: "田林街道",
        lon: 121.41938,
        lat: 31.18068,
        km2: 4.10,
    },
    StreetFact {
        code: "310104012",
        name: "虹梅路街道",
        lon: 121.40018,
        lat: 31.17237,
        km2: 4.46,
    },
    StreetFact {
        code: "310104013",
        name: "康健新村街道",
        lon: 121.41104,
        lat: 31.15816,
        km2: 4.02,
    },
    StreetFact {
        code: "310104014",
        name: "徐家汇街道",
        lon: 121.43102,
        lat: 31.19230,
        km2: 4.06,
    },
    StreetFact {
        code: "310104015",
        name: "凌云路街道",
        lon: 121.41933,
        lat: 31.13986,
        km2: 3.54,
    },
    StreetFact {
        code: "310104016",
        name: "龙华街道",
        lon: 121.45218,
        lat: 31.16695,
        km2: 6.17,
    },
    StreetFact {
        code: "310104017",
        name: "漕河泾街道",
        lon: 121.43246,
        lat: 31.16323,
        km2: 5.21,
    },
    StreetFact {
        code: "310104103",
        name: "华泾镇",
        lon: 121.44987,
        lat: 31.12063,
        km2: 7.26,
    },
];

/// District code and name.
pub const DISTRICT: (&str, &str) = ("310104", "徐汇区");

/// Number of 片区 in the district (2023 government work report).
pub const AREA_COUNT: usize = 64;

/// A residents' committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeFact {
    /// Street code.
    pub street_code: &'static str,
    /// 12-digit code.
    pub code: &'static str,
    /// Name, e.g. 上海新村居委会.
    pub name: &'static str,
}

const COMMITTEES_TSV: &str = include_str!("../data/committees.tsv");
const ROADS_TXT: &str = include_str!("../data/roads.txt");

/// The 312 residents' committees, in code order.
pub fn committees() -> Vec<CommitteeFact> {
    COMMITTEES_TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some(CommitteeFact {
                street_code: f.next()?,
                code: f.next()?,
                name: f.next()?,
            })
        })
        .collect()
}

/// The road names of Xuhui.
pub fn roads() -> Vec<&'static str> {
    ROADS_TXT
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
}

/// Area codes of people's birthplaces for 来沪 residents (GB/T 2260 codes of common origins).
pub const MIGRANT_AREA_CODES: &[&str] = &[
    "320102", "320106", "320282", "320481", "320902", "321002", "330102", "330106", "330206",
    "330302", "340102", "340104", "340202", "341302", "342401", "360102", "362201", "370102",
    "370202", "410102", "410105", "411302", "420102", "420106", "430102", "430104", "440103",
    "440304", "500103", "510104", "510107", "511302", "350102", "350203", "130102", "140105",
    "210102", "220102", "230102", "610102",
];

/// Area codes of Shanghai districts for 户籍 residents (mostly Xuhui).
pub const SHANGHAI_AREA_CODES: &[&str] = &[
    "310104", "310104", "310104", "310104", "310101", "310105", "310106", "310107", "310115",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carries_312_committees_of_13_streets() {
        let all = committees();
        assert_eq!(all.len(), 312);
        for street in &STREETS {
            let n = all.iter().filter(|c| c.street_code == street.code).count();
            assert!(n > 0, "{} has no committee", street.name);
        }
        assert!(
            all.iter()
                .all(|c| c.code.len() == 12 && c.code.starts_with(c.street_code))
        );
    }

    #[test]
    fn carries_road_names() {
        let roads = roads();
        assert!(roads.len() > 100);
        assert!(
            roads.iter().all(|r| r.ends_with('路')
                || r.ends_with('街')
                || r.ends_with('道')
                || r.ends_with('弄')
                || r.ends_with("公路")),
            "{roads:?}"
        );
    }
}
