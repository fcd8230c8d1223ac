//! Checking one row of a registry file. Every check is on the row alone; the reason for a
//! refusal names the column and says what would be accepted, so a clerk can fix the file.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{AttestationEnd, AttestationFact, RegistryKind};
use crate::model::{HousingUse, PersonType};
use crate::validate::id_number::{Sex, validate_id_number};
use crate::validate::phone::normalize_phone;
use crate::validate::uscc::validate_uscc;

/// Longest name, address, value or attester, in characters.
const MAX_TEXT: usize = 200;
/// Largest floor area of one room taken as plausible, in m².
const MAX_AREA_M2: f64 = 10_000.0;
/// Largest staff count taken as plausible.
const MAX_STAFF: i64 = 1_000_000;

/// One data row of a file: its line (the header is line 1) and its cells under the file's
/// lower-case column names.
///
/// A district's file is millions of rows, so a row is two allocations: its cell texts end to
/// end, and where each ends; the column names are shared by every row of the file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableRow {
    /// Line in the file (CSV: where the record starts; XLSX: the sheet row).
    pub line: u64,
    header: Arc<[String]>,
    text: Box<str>,
    ends: Box<[u32]>,
}

impl TableRow {
    /// A row of `cells` under `header` (cells past the header's end are dropped; a shorter
    /// row lacks the rest).
    #[must_use]
    pub fn new<'c>(
        line: u64,
        header: &Arc<[String]>,
        cells: impl IntoIterator<Item = &'c str>,
    ) -> TableRow {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(header.len());
        for cell in cells.into_iter().take(header.len()) {
            text.push_str(cell);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        TableRow {
            line,
            header: Arc::clone(header),
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// A row from `(column, cell)` pairs (tests and small tables).
    #[must_use]
    pub fn from_pairs(line: u64, pairs: &[(&str, &str)]) -> TableRow {
        let header: Arc<[String]> = pairs.iter().map(|(c, _)| (*c).to_owned()).collect();
        TableRow::new(line, &header, pairs.iter().map(|(_, v)| *v))
    }

    /// The cell under `column` as written (the first such column), if the row has it.
    #[must_use]
    pub fn get(&self, column: &str) -> Option<&str> {
        let i = self.header.iter().position(|c| c == column)?;
        self.cell(i)
    }

    /// Every cell with its column, in file order.
    pub fn cells(&self) -> impl Iterator<Item = (&str, &str)> {
        self.header
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((c.as_str(), self.cell(i)?)))
    }

    fn cell(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text.get(start..end)
    }
}

/// A checked 实有人口 row.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    /// The ID number, upper-case.
    pub id_number: String,
    /// `resident_id` or `passport`.
    pub id_kind: String,
    /// Full name.
    pub name: String,
    /// 户籍 / 来沪 / 境外.
    pub person_type: PersonType,
    /// `male` or `female`.
    pub sex: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// ISO 3166 alpha-3.
    pub nationality: String,
    /// Canonical phone number.
    pub phone: Option<String>,
    /// Where the person lives, as written.
    pub address: String,
    /// When the person moved in.
    pub move_in_date: Option<NaiveDate>,
}

/// A checked 实有房屋 row.
#[derive(Debug, Clone, PartialEq)]
pub struct HousingRow {
    /// The room, as written.
    pub address: String,
    /// 自住 / 出租 / 空置 / 商用.
    pub use_kind: HousingUse,
    /// Floor area in m².
    pub area_m2: f64,
    /// The owner's ID number, upper-case.
    pub owner_id_number: Option<String>,
    /// Rooms (间), if given.
    pub rooms: Option<u32>,
}

/// A checked 实有单位 row.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    /// Unified social credit code, upper-case.
    pub uscc: String,
    /// Registered name.
    pub name: String,
    /// Registered address, as written.
    pub address: String,
    /// Industry.
    pub industry: String,
    /// Staff count.
    pub staff: i64,
    /// Date of registration.
    pub registered_at: NaiveDate,
}

/// A checked 住所云 attestation row.
#[derive(Debug, Clone, PartialEq)]
pub struct AttestationRow {
    /// Which end attests.
    pub end: AttestationEnd,
    /// The premises, as written.
    pub address: String,
    /// What is attested.
    pub fact: AttestationFact,
    /// The attested value.
    pub value: String,
    /// What it rests on.
    pub evidence: Option<String>,
    /// When.
    pub attested_at: NaiveDate,
    /// Who.
    pub attester: String,
}

/// A checked row of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckedRow {
    /// 实有人口.
    Person(PersonRow),
    /// 实有房屋.
    Housing(HousingRow),
    /// 实有单位.
    Unit(UnitRow),
    /// 住所云 attestation.
    Attestation(AttestationRow),
}

impl CheckedRow {
    /// The address the row is about, as written.
    #[must_use]
    pub fn address(&self) -> &str {
        match self {
            CheckedRow::Person(r) => &r.address,
            CheckedRow::Housing(r) => &r.address,
            CheckedRow::Unit(r) => &r.address,
            CheckedRow::Attestation(r) => &r.address,
        }
    }
}

/// Checks one row of a `kind` file as of `today`; the error is the reason, naming the column.
pub fn check_row(
    kind: RegistryKind,
    row: &TableRow,
    today: NaiveDate,
) -> Result<CheckedRow, String> {
    let cells = Cells(row);
    match kind {
        RegistryKind::Persons => check_person(&cells, today).map(CheckedRow::Person),
        RegistryKind::Housing => check_housing(&cells, today).map(CheckedRow::Housing),
        RegistryKind::Units => check_unit(&cells, today).map(CheckedRow::Unit),
        RegistryKind::Attestations => check_attestation(&cells, today).map(CheckedRow::Attestation),
    }
}

struct Cells<'a>(&'a TableRow);

impl Cells<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    fn required(&self, name: &str) -> Result<&str, String> {
        self.get(name).ok_or_else(|| format!("`{name}` is empty"))
    }

    fn text(&self, name: &str) -> Result<String, String> {
        let v = self.required(name)?;
        if v.chars().count() > MAX_TEXT {
            return Err(format!("`{name}` is longer than {MAX_TEXT} characters"));
        }
        Ok(v.to_owned())
    }

    fn date(&self, name: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
        self.get(name)
            .map(|v| {
                let d = parse_date(v).map_err(|e| format!("`{name}`: {e}"))?;
                if d > today {
                    return Err(format!("`{name}` {d} is in the future"));
                }
                Ok(d)
            })
            .transpose()
    }
}

/// Reads `YYYY-MM-DD` (also with `/`, or `YYYYMMDD`); a time after the date (as spreadsheets
/// write date cells) is ignored.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let day = s.trim().split([' ', 'T']).next().unwrap_or_default();
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(day, format) {
            return Ok(d);
        }
    }
    Err(format!("`{s}` is not a date (YYYY-MM-DD)"))
}

fn one_of<T: Copy>(
    name: &str,
    value: &str,
    all: &[T],
    ids: impl Fn(T) -> [&'static str; 2],
) -> Result<T, String> {
    all.iter()
        .copied()
        .find(|v| ids(*v).contains(&value))
        .ok_or_else(|| {
            let accepted: Vec<String> = all
                .iter()
                .map(|v| {
                    let [id, zh] = ids(*v);
                    format!("{zh} ({id})")
                })
                .collect();
            format!("`{name}` `{value}` is not one of {}", accepted.join(", "))
        })
}

fn check_person(c: &Cells<'_>, today: NaiveDate) -> Result<PersonRow, String> {
    let id_number = c.required("id_number")?.to_uppercase();
    let name = c.text("name")?;
    let person_type = one_of("type", c.required("type")?, PersonType::ALL, |t| {
        [t.as_str(), t.name_zh()]
    })?;
    let address = c.text("address")?;
    let id_kind = match c.get("id_kind") {
        Some(k @ ("resident_id" | "passport")) => k.to_owned(),
        Some(other) => {
            return Err(format!(
                "`id_kind` `{other}` is not resident_id or passport"
            ));
        }
        None if person_type == PersonType::Overseas && id_number.len() != 18 => {
            "passport".to_owned()
        }
        None => "resident_id".to_owned(),
    };
    let given_sex = c
        .get("sex")
        .map(|s| match s {
            "男" | "male" | "M" | "m" => Ok("male"),
            "女" | "female" | "F" | "f" => Ok("female"),
            other => Err(format!("`sex` `{other}` is not 男/女 (male/female)")),
        })
        .transpose()?;
    let given_birth = c.date("birth_date", today)?;
    let (sex, birth_date) = if id_kind == "resident_id" {
        let info =
            validate_id_number(&id_number, today).map_err(|e| format!("`id_number`: {e}"))?;
        let sex = match info.sex {
            Sex::Male => "male",
            Sex::Female => "female",
        };
        if given_sex.is_some_and(|s| s != sex) {
            return Err(format!(
                "`sex` disagrees with the ID number, which says {sex}"
            ));
        }
        if given_birth.is_some_and(|b| b != info.birth_date) {
            return Err(format!(
                "`birth_date` disagrees with the ID number, which says {}",
                info.birth_date
            ));
        }
        (sex, info.birth_date)
    } else {
        if person_type != PersonType::Overseas {
            return Err("a passport is only accepted for 境外 (overseas) persons; 户籍 and 来沪 need a GB 11643 ID number".to_owned());
        }
        let n = id_number.chars().count();
        if !(5..=20).contains(&n) || !id_number.chars().all(|ch| ch.is_ascii_alphanumeric()) {
            return Err(
                "`id_number`: a passport or permit number has 5 to 20 letters and digits"
                    .to_owned(),
            );
        }
        let sex = given_sex.ok_or("`sex` is required for a passport holder")?;
        let birth = given_birth.ok_or("`birth_date` is required for a passport holder")?;
        (sex, birth)
    };
    let nationality = c.get("nationality").unwrap_or("CHN").to_uppercase();
    if nationality.len() != 3 || !nationality.chars().all(|ch| ch.is_ascii_uppercase()) {
        return Err(format!(
            "`nationality` `{nationality}` is not an ISO 3166 alpha-3 code (e.g. CHN)"
        ));
    }
    if id_kind == "resident_id" && nationality != "CHN" {
        return Err(
            "`nationality`: a GB 11643 ID number belongs to a Chinese citizen (CHN)".to_owned(),
        );
    }
    let phone = c
        .get("phone")
        .map(|p| normalize_phone(p).map_err(|e| format!("`phone`: {e}")))
        .transpose()?;
    let move_in_date = c.date("move_in_date", today)?;
    if move_in_date.is_some_and(|m| m < birth_date) {
        return Err("`move_in_date` is before the date of birth".to_owned());
    }
    Ok(PersonRow {
        id_number,
        id_kind,
        name,
        person_type,
        sex: sex.to_owned(),
        birth_date,
        nationality,
        phone,
        address,
        move_in_date,
    })
}

fn check_housing(c: &Cells<'_>, today: NaiveDate) -> Result<HousingRow, String> {
    let address = c.text("address")?;
    let use_kind = one_of("use", c.required("use")?, HousingUse::ALL, |u| {
        [u.as_str(), u.name_zh()]
    })?;
    let area = c.required("area_m2")?;
    let area_m2: f64 = area
        .parse()
        .map_err(|_| format!("`area_m2` `{area}` is not a number"))?;
    if !(area_m2 > 0.0 && area_m2 <= MAX_AREA_M2) {
        return Err(format!(
            "`area_m2` {area_m2} is not between 0 and {MAX_AREA_M2} m²"
        ));
    }
    let owner_id_number = c
        .get("owner_id_number")
        .map(|id| {
            let id = id.to_uppercase();
            validate_id_number(&id, today)
                .map(|_| id)
                .map_err(|e| format!("`owner_id_number`: {e}"))
        })
        .transpose()?;
    let rooms = c
        .get("rooms")
        .map(|r| match r.parse::<u32>() {
            Ok(n @ 1..=50) => Ok(n),
            _ => Err(format!("`rooms` `{r}` is not a whole number from 1 to 50")),
        })
        .transpose()?;
    Ok(HousingRow {
        address,
        use_kind,
        area_m2,
        owner_id_number,
        rooms,
    })
}

fn check_unit(c: &Cells<'_>, today: NaiveDate) -> Result<UnitRow, String> {
    let uscc = c.required("uscc")?.to_uppercase();
    validate_uscc(&uscc).map_err(|e| format!("`uscc`: {e}"))?;
    let staff_text = c.required("staff")?;
    let staff: i64 = staff_text
        .parse()
        .map_err(|_| format!("`staff` `{staff_text}` is not a whole number"))?;
    if !(0..=MAX_STAFF).contains(&staff) {
        return Err(format!("`staff` {staff} is not between 0 and {MAX_STAFF}"));
    }
    Ok(UnitRow {
        uscc,
        name: c.text("name")?,
        address: c.text("address")?,
        industry: c.text("industry")?,
        staff,
        registered_at: c
            .date("registered_at", today)?
            .ok_or("`registered_at` is empty")?,
    })
}

fn check_attestation(c: &Cells<'_>, today: NaiveDate) -> Result<AttestationRow, String> {
    Ok(AttestationRow {
        end: one_of("end", c.required("end")?, AttestationEnd::ALL, |e| {
            [e.as_str(), e.name_zh()]
        })?,
        address: c.text("address")?,
        fact: one_of("fact", c.required("fact")?, AttestationFact::ALL, |f| {
            [f.as_str(), f.name_zh()]
        })?,
        value: c.text("value")?,
        evidence: c.get("evidence").map(str::to_owned),
        attested_at: c
            .date("attested_at", today)?
            .ok_or("`attested_at` is empty")?,
        attester: c.text("attester")?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::validate::id_number::make_id_number;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn row(pairs: &[(&str, &str)]) -> TableRow {
        TableRow::from_pairs(2, pairs)
    }

    /// Checks a row and compares the outcome, `Ok` summarised or the reason.
    fn check(kind: RegistryKind, pairs: &[(&str, &str)], expect: &str) {
        let got = match check_row(kind, &row(pairs), today()) {
            Ok(CheckedRow::Person(p)) => {
                format!("ok {} {} {} {:?}", p.sex, p.birth_date, p.id_kind, p.phone)
            }
            Ok(CheckedRow::Housing(h)) => {
                format!("ok {} {} {:?}", h.use_kind, h.area_m2, h.owner_id_number)
            }
            Ok(CheckedRow::Unit(u)) => format!("ok {} {}", u.uscc, u.staff),
            Ok(CheckedRow::Attestation(a)) => format!("ok {} {} {}", a.end, a.fact, a.attested_at),
            Err(reason) => reason,
        };
        assert_eq!(got, expect, "{pairs:?}");
    }

    #[test]
    fn persons() {
        let birth = NaiveDate::from_ymd_opt(1990, 5, 17).unwrap();
        let id = make_id_number("310104", birth, 123).unwrap();
        let mut bad_check = id.clone();
        bad_check.replace_range(17.., if id.ends_with('0') { "1" } else { "0" });
        let base = [
            ("id_number", id.as_str()),
            ("name", "张三"),
            ("type", "户籍"),
            ("address", "天钥桥路100弄3号201室"),
        ];
        check(
            RegistryKind::Persons,
            &base,
            "ok male 1990-05-17 resident_id None",
        );
        let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&str, &str)> {
            let mut v = base.to_vec();
            for (k, val) in extra {
                v.retain(|(key, _)| key != k);
                v.push((k, val));
            }
            v
        };
        check(
            RegistryKind::Persons,
            &with(&[("phone", "138 0013 8000")]),
            "ok male 1990-05-17 resident_id Some(\"13800138000\")",
        );
        check(
            RegistryKind::Persons,
            &with(&[("phone", "12345")]),
            "`phone`: phone number 12345 is neither a mobile number (11 digits starting 13–19) nor a Shanghai landline (021 + 8 digits)",
        );
        check(
            RegistryKind::Persons,
            &with(&[("type", "本地")]),
            "`type` `本地` is not one of 户籍 (registered), 来沪 (migrant), 境外 (overseas)",
        );
        check(
            RegistryKind::Persons,
            &with(&[("sex", "女")]),
            "`sex` disagrees with the ID number, which says male",
        );
        check(
            RegistryKind::Persons,
            &with(&[("name", " ")]),
            "`name` is empty",
        );
        check(
            RegistryKind::Persons,
            &with(&[("move_in_date", "1980-01-01")]),
            "`move_in_date` is before the date of birth",
        );
        check(
            RegistryKind::Persons,
            &with(&[("move_in_date", "2030-01-01")]),
            "`move_in_date` 2030-01-01 is in the future",
        );
        check(
            RegistryKind::Persons,
            &with(&[("nationality", "USA")]),
            "`nationality`: a GB 11643 ID number belongs to a Chinese citizen (CHN)",
        );
        let bad: &'static str = Box::leak(bad_check.into_boxed_str());
        let reason = check_row(
            RegistryKind::Persons,
            &row(&with(&[("id_number", bad)])),
            today(),
        )
        .unwrap_err();
        assert!(reason.starts_with("`id_number`: "), "{reason}");
        check(
            RegistryKind::Persons,
            &[
                ("id_number", "E12345678"),
                ("name", "John Smith"),
                ("type", "境外"),
                ("address", "x"),
                ("sex", "男"),
                ("birth_date", "1985/03/02"),
                ("nationality", "gbr"),
            ],
            "ok male 1985-03-02 passport None",
        );
        check(
            RegistryKind::Persons,
            &[
                ("id_number", "E12345678"),
                ("name", "John Smith"),
                ("type", "境外"),
                ("address", "x"),
                ("sex", "男"),
            ],
            "`birth_date` is required for a passport holder",
        );
        check(
            RegistryKind::Persons,
            &[
                ("id_number", "E12345678"),
                ("name", "李四"),
                ("type", "来沪"),
                ("address", "x"),
                ("id_kind", "passport"),
            ],
            "a passport is only accepted for 境外 (overseas) persons; 户籍 and 来沪 need a GB 11643 ID number",
        );
    }

    #[test]
    fn housing_units_and_attestations() {
        check(
            RegistryKind::Housing,
            &[("address", "a"), ("use", "出租"), ("area_m2", "45.5")],
            "ok rented 45.5 None",
        );
        check(
            RegistryKind::Housing,
            &[("address", "a"), ("use", "rented"), ("area_m2", "0")],
            "`area_m2` 0 is not between 0 and 10000 m²",
        );
        check(
            RegistryKind::Housing,
            &[("address", "a"), ("use", "出借"), ("area_m2", "1")],
            "`use` `出借` is not one of 自住 (owner_occupied), 出租 (rented), 空置 (vacant), 商用 (commercial)",
        );
        check(
            RegistryKind::Housing,
            &[("address", "a"), ("use", "空置"), ("area_m2", "十")],
            "`area_m2` `十` is not a number",
        );
        let uscc = crate::validate::uscc::make_uscc('9', '1', "310104", "MA1FL4XQ").unwrap();
        let unit = |staff: &'static str, code: &str| -> Vec<(&'static str, String)> {
            vec![
                ("uscc", code.to_owned()),
                ("name", "上海某某科技有限公司".into()),
                ("address", "a".into()),
                ("industry", "I".into()),
                ("staff", staff.into()),
                ("registered_at", "2019-07-01 00:00:00".into()),
            ]
        };
        fn as_ref<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
            v.iter().map(|(k, s)| (*k, s.as_str())).collect()
        }
        check(
            RegistryKind::Units,
            &as_ref(&unit("12", &uscc.to_lowercase())),
            &format!("ok {uscc} 12"),
        );
        check(
            RegistryKind::Units,
            &as_ref(&unit("-1", &uscc)),
            "`staff` -1 is not between 0 and 1000000",
        );
        check(
            RegistryKind::Units,
            &as_ref(&unit("3.5", &uscc)),
            "`staff` `3.5` is not a whole number",
        );
        let reason = check_row(
            RegistryKind::Units,
            &row(&as_ref(&unit("1", "91310104MA1FL4XQ0X"))),
            today(),
        )
        .unwrap_err();
        assert!(reason.starts_with("`uscc`: "), "{reason}");
        let att = [
            ("end", "物业"),
            ("address", "a"),
            ("fact", "存在"),
            ("value", "是"),
            ("attested_at", "20261101"),
            ("attester", "某物业公司"),
        ];
        check(
            RegistryKind::Attestations,
            &att,
            "ok property exists 2026-11-01",
        );
        let mut bad = att.to_vec();
        bad[0] = ("end", "居委");
        check(
            RegistryKind::Attestations,
            &bad,
            "`end` `居委` is not one of 审批 (approval), 管理 (management), 物业 (property), 营商 (business)",
        );
        bad[0] = ("end", "management");
        bad[4] = ("attested_at", "11/01/2026");
        check(
            RegistryKind::Attestations,
            &bad,
            "`attested_at`: `11/01/2026` is not a date (YYYY-MM-DD)",
        );
    }
}
