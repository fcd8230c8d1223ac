//! Entity-level evaluation of the parser on labelled corpora (no data is embedded).
//!
//! ```text
//! cargo run --release -p yiwang-address --example eval -- /work/shared/data/address
//! ```
//!
//! Reads `ccks2021_train.conll` (one char and a BIOES tag per line), `lilu2019_train.txt` and
//! `lilu2019_dev.txt` (one token and a BIO tag per line; a token may be a run of digits) from the
//! folder, parses each address, maps the components to the CCKS labels and prints exact-span
//! precision, recall and F1 per label and micro-averaged; district accuracy (the parsed district
//! agrees with the gold district span on its first two chars) with the district written, and
//! with the province, city and district spans deleted from the input (Shanghai districts only,
//! since only they can be inferred; an address with another province or city written, such as
//! 舟山市普陀区, is not Shanghai's); and throughput.
//!
//! With `--errors` after the folder, also prints the commonest confusions per file: for each
//! gold entity missed, the predicted entity with the same span (`road→poi`), or one overlapping
//! it (`road~poi`, a boundary error), or none (`road→∅`), with a few examples each. With
//! `--speed` instead, only measures the throughput, over five seconds; with `--dump`, prints
//! the gold and predicted entities of every address, one per line.

/// The allocator of the `yiwang` binary, so the throughput is the one the CLI and server get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use yiwang_address::{Component, Gazetteer, Label, ccks_components, ccks_label, parse};

/// One gold address: its text and entities `(label, start, end)` in chars.
struct Item {
    text: String,
    gold: Vec<(String, usize, usize)>,
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!(
            "usage: eval <folder with ccks2021_train.conll, lilu2019_train.txt, lilu2019_dev.txt>"
        );
        return ExitCode::from(2);
    };
    let dir = Path::new(&dir);
    if !dir.is_dir() {
        eprintln!(
            "eval: {} is not a folder (expected the address corpora)",
            dir.display()
        );
        return ExitCode::from(2);
    }
    let flag = std::env::args().nth(2);
    let errors = flag.as_deref() == Some("--errors");
    // `--speed`: only the throughput, over five seconds (for profiling and steadier figures).
    let speed_only = flag.as_deref() == Some("--speed");
    let gaz = Gazetteer::default();
    let mut all = Vec::new();
    for (file, lilu) in [
        ("ccks2021_train.conll", false),
        ("lilu2019_train.txt", true),
        ("lilu2019_dev.txt", true),
    ] {
        let path = dir.join(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("eval: cannot read {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let items = read_items(&text);
        if flag.as_deref() == Some("--dump") {
            dump(file, &items, &gaz, lilu);
            continue;
        }
        if speed_only {
            all.extend(items.into_iter().map(|i| i.text));
            continue;
        }
        println!("\n== {file}: {} addresses ==", items.len());
        evaluate(&items, &gaz, lilu, errors);
        if errors {
            confusions(&items, &gaz, lilu);
        }
        all.extend(items.into_iter().map(|i| i.text));
    }
    // `EVAL_SECONDS=0` parses each address once (for counting instructions under callgrind).
    let seconds = std::env::var("EVAL_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if speed_only { 5.0 } else { 1.0 });
    throughput(&all, &gaz, seconds);
    ExitCode::SUCCESS
}

/// `--dump`: one line per address, tab-separated: the file, the text, the gold and the
/// predicted entities as `label:start:end` joined by spaces, and the district found (for
/// analysis with other tools).
fn dump(file: &str, items: &[Item], gaz: &Gazetteer, lilu: bool) {
    let spans = |v: &[(String, usize, usize)]| {
        v.iter()
            .map(|(l, s, e)| format!("{l}:{s}:{e}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for item in items {
        let (pred, district) = predict(&item.text, gaz, lilu);
        println!(
            "{file}\t{}\t{}\t{}\t{}",
            item.text,
            spans(&item.gold),
            spans(&pred),
            district.unwrap_or_default()
        );
    }
}

/// Reads `token tag` lines separated by blank lines.
fn read_items(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut tokens: Vec<(String, String)> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !tokens.is_empty() {
                items.push(item(&tokens));
                tokens.clear();
            }
            continue;
        }
        let (tok, tag) = match line.rsplit_once(' ') {
            Some((t, g)) if !t.is_empty() => (t, g),
            _ => (line, "O"),
        };
        tokens.push((tok.to_owned(), tag.to_owned()));
    }
    items
}

/// Builds the text and gold entities from tagged tokens.
fn item(tokens: &[(String, String)]) -> Item {
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut open: Option<(String, usize)> = None;
    let mut pos = 0;
    for (tok, tag) in tokens {
        let len = tok.chars().count();
        let (prefix, label) = match tag.split_once('-') {
            Some((p, l)) => (p, l.to_lowercase()),
            None => ("O", String::new()),
        };
        let continues =
            matches!(prefix, "I" | "E") && open.as_ref().is_some_and(|(l, _)| *l == label);
        if !continues {
            if let Some((l, s)) = open.take() {
                gold.push((l, s, pos));
            }
            if prefix != "O" {
                open = Some((label.clone(), pos));
            }
        }
        text.push_str(tok);
        pos += len;
        if matches!(prefix, "E" | "S")
            && let Some((l, s)) = open.take()
        {
            gold.push((l, s, pos));
        }
    }
    if let Some((l, s)) = open.take() {
        gold.push((l, s, pos));
    }
    Item { text, gold }
}

/// The predicted entities of `text`, in the CCKS scheme or adapted to Li & Lu's labels (a road
/// right after a road is `subroad`, its number `subroadno`; a door number in a village is a
/// `roadno`; `distance` is `assist`; a division
/// written twice is `redundant` but for the last time; a sub-POI inside a building, after its house, cell, floor
/// or room number, is a `person`). CCKS leaves redundant text unannotated (its guideline: 实际标注
/// 系统中无需对此片段标注redundant标记; the corpus has none), so none is predicted there.
fn predict(
    text: &str,
    gaz: &Gazetteer,
    lilu: bool,
) -> (Vec<(String, usize, usize)>, Option<String>) {
    let parsed = parse(text, gaz);
    let mut out = Vec::new();
    let mut prev: Option<&str> = None;
    // The label before `prev`, to see a place, a direction and a name (`邮局旁沙发垫厂`).
    let mut before_prev: Option<&str> = None;
    // Li & Lu label the connector between two roads (`assist`), which CCKS leaves out.
    let components: Vec<(&str, &Component)> = if lilu {
        let mut before = Vec::new();
        let mut out = Vec::new();
        for c in &parsed.components {
            out.push((ccks_label(c.label, &c.text, &before), c));
            before.push(c.label);
        }
        out
    } else {
        ccks_components(&parsed)
    };
    // Of a division written twice, Li & Lu keep the one written in full (`浙江省` over `浙江`).
    // Of two written alike, they keep the later when the address starts again from its first
    // division (`浙江省杭州市浙江省杭州市…`, `崇溪镇云南省…崇溪镇`), else the earlier
    // (`…西湖区西湖区`, `浙江省宁波市慈溪市宁波市慈溪市`); the others are `redundant`.
    let full = |t: &str| t.ends_with(['省', '市', '区', '县', '镇']) || t.ends_with("街道");
    let is_division = |l: &str| matches!(l, "prov" | "city" | "district" | "town");
    let first = components.iter().position(|(l, _)| is_division(l));
    let restarts = |k: usize, m: usize| {
        first
            .and_then(|f| components.get(f))
            .is_some_and(|(fl, fc)| {
                components
                    .get(k + 1..=m)
                    .unwrap_or_default()
                    .iter()
                    .any(|(l, c)| l == fl && c.text == fc.text)
            })
    };
    let mut kept = vec![true; components.len()];
    for (k, (l, c)) in components.iter().enumerate() {
        if !is_division(l) {
            continue;
        }
        for (m, (l2, c2)) in components.iter().enumerate().skip(k + 1) {
            if l2 != l {
                continue;
            }
            let earlier_goes = match (full(&c.text), full(&c2.text)) {
                (true, false) => false,
                (false, true) => true,
                _ => restarts(k, m),
            };
            let gone = if earlier_goes { k } else { m };
            if let Some(x) = kept.get_mut(gone) {
                *x = false;
            }
        }
    }
    let mut prev_component: Option<Label> = None;
    for (k, (label, c)) in components.iter().enumerate() {
        let after = prev_component.replace(c.label);
        let mut l = *label;
        if lilu {
            let division = matches!(l, "prov" | "city" | "district" | "town");
            let again = !kept.get(k).copied().unwrap_or(true);
            l = match (l, prev) {
                (_, _) if division && again => "redundant",
                ("road", Some("road" | "subroad")) => "subroad",
                ("roadno", Some("subroad")) => "subroadno",
                // A lane with a door after it (`西源路1弄61号`) is mostly a sub-road and its
                // number in Li & Lu; a lane before anything else, the road's number.
                ("roadno", _)
                    if c.label == Label::Lane
                        && components
                            .get(k + 1)
                            .is_some_and(|(_, n)| n.label == Label::Door) =>
                {
                    "subroad"
                }
                ("houseno", Some("subroad")) if c.label == Label::Door => "subroadno",
                // Li & Lu number a village's doors as roads (5组6号 is roadno).
                ("houseno", _)
                    if c.label == Label::Door
                        && matches!(after, Some(Label::Community | Label::Group)) =>
                {
                    "roadno"
                }
                // A park is a point of interest in Li & Lu, and so its doors are houses.
                ("roadno", _)
                    if c.label == Label::Door
                        && after == Some(Label::DevZone)
                        && k > 0
                        && components.get(k - 1).is_some_and(|(_, p)| is_park(&p.text)) =>
                {
                    "houseno"
                }
                // So are the doors after a place named like a village (`…村`, `石岸头`, `西行桥`).
                ("houseno", _)
                    if c.label == Label::Door
                        && matches!(after, Some(Label::Poi | Label::SubPoi))
                        && k > 0
                        && components.get(k - 1).is_some_and(|(_, p)| {
                            p.text
                                .ends_with(['村', '头', '桥', '庄', '山', '塘', '浜', '岭'])
                        }) =>
                {
                    "roadno"
                }
                // A natural village in a village (`新界村老屋头`) is a point of interest.
                ("community", Some("community")) => "poi",
                ("subpoi", Some("houseno" | "cellno" | "floorno" | "roomno" | "person")) => {
                    "person"
                }
                ("distance", _) => "assist",
                // A section of a road (`新路中段`) is a sub-road in Li & Lu.
                ("assist", Some("road")) if c.text.ends_with('段') => "subroad",
                // A place named beside another (`邮局旁沙发垫厂`) is a sub-POI in Li & Lu, a
                // POI in CCKS.
                ("poi" | "subpoi", Some("assist")) if before_prev == Some("poi") => "subpoi",
                // Li & Lu have two levels of names; a third is a `person`.
                ("poi" | "subpoi", Some("assist")) if before_prev == Some("subpoi") => "person",
                ("subpoi", Some("subpoi")) => "person",
                // Li & Lu label a row of shops in a market (`106街`) `cellno`.
                ("road", _) if c.label == Label::SubPoi => "cellno",
                ("others", _) if c.text == "中国" => "country",
                // Li & Lu never use `otherinfo`; what they cannot place is `redundant`.
                ("others", _) => "redundant",
                // Li & Lu keep `devzone` for development zones (开发区, 高新区) and label
                // industrial parks (工业区, 工业园区, 科技园) as points of interest, with what is
                // inside them as sub-POIs.
                ("devzone", _) if is_park(&c.text) => "poi",
                ("poi", Some("poi")) => "subpoi",
                ("village_group", _) => "road",
                // Li & Lu label the connector and the crossing word of `A路与B路交叉口` as
                // `assist`.
                ("intersection", _) => "assist",
                (l, _) => l,
            };
        } else if l == "redundant" {
            continue;
        }
        // A crossing between two roads leaves the second one the `subroad`.
        if l != "redundant" && *label != "intersection" {
            before_prev = prev.replace(l);
        }
        // A door with its sub-number (`1154-131号`) is one element in yiwang and in CCKS; Li & Lu
        // label the number, the dash and the sub-number apart.
        if lilu
            && l == "roadno"
            && let Some(dash) = sub_number_dash(text, c)
        {
            out.push(("roadno".to_owned(), c.start, dash));
            out.push(("redundant".to_owned(), dash, dash + 1));
            out.push(("houseno".to_owned(), dash + 1, c.end));
            continue;
        }
        out.push((l.to_owned(), c.start, c.end));
    }
    if lilu {
        out = merge_lettered_zones(text, out);
    }
    (out, parsed.district)
}

/// Li & Lu write a lettered zone into the name of the compound before it (`福润苑B区` is one
/// `poi`), where yiwang and CCKS read a sub-POI (`B区`).
fn merge_lettered_zones(
    text: &str,
    entities: Vec<(String, usize, usize)>,
) -> Vec<(String, usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let lettered = |s: usize, e: usize| {
        e == s + 2
            && chars.get(s).is_some_and(|c| c.is_ascii_alphabetic())
            && chars.get(s + 1) == Some(&'区')
    };
    let mut out: Vec<(String, usize, usize)> = Vec::with_capacity(entities.len());
    for (label, s, e) in entities {
        if let Some(last) = out.last_mut()
            && last.0 == "poi"
            && last.2 == s
            && label == "subpoi"
            && lettered(s, e)
        {
            last.2 = e;
            continue;
        }
        out.push((label, s, e));
    }
    out
}

/// The char offset in `text` of the dash of a door with a sub-number (`1154-131号`, `1100-A`),
/// not a range (`1-3号`).
fn sub_number_dash(text: &str, c: &Component) -> Option<usize> {
    let chars: Vec<char> = text.chars().collect();
    let span = chars.get(c.start..c.end)?;
    let at = span.iter().position(|&ch| ch == '-')?;
    let number = |part: &[char]| -> Option<u64> {
        let digits: String = part.iter().take_while(|ch| ch.is_ascii_digit()).collect();
        (digits.len() == part.iter().filter(|ch| ch.is_ascii_alphanumeric()).count())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let (a, b) = (span.get(..at)?, span.get(at + 1..)?);
    let range = matches!((number(a), number(b)), (Some(x), Some(y)) if x < y && y < 2 * x + 10);
    (!range && !b.contains(&'-')).then_some(c.start + at)
}

/// An industrial park rather than a development zone.
fn is_park(name: &str) -> bool {
    [
        "工业区",
        "工业园区",
        "工业园",
        "产业园",
        "科技园",
        "园区",
        "物流园",
        "创业园",
        "电商园",
        "软件园",
        "经济园",
        "科创园",
    ]
    .iter()
    .any(|s| name.ends_with(s))
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn prf(self) -> (f64, f64, f64) {
        let p = ratio(self.tp, self.tp + self.fp);
        let r = ratio(self.tp, self.tp + self.fn_);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// First two chars, for comparing district names written in different forms.
fn head2(s: &str) -> String {
    s.chars().take(2).collect()
}

const SHANGHAI: [&str; 16] = [
    "黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "浦东", "金山",
    "松江", "青浦", "奉贤", "崇明",
];

fn evaluate(items: &[Item], gaz: &Gazetteer, lilu: bool, errors: bool) {
    let mut by_label: BTreeMap<String, Counts> = BTreeMap::new();
    let (mut dist_n, mut dist_ok) = (0usize, 0usize);
    let (mut sh_n, mut sh_ok, mut om_n, mut om_ok) = (0usize, 0usize, 0usize, 0usize);
    for item in items {
        let (pred, district) = predict(&item.text, gaz, lilu);
        for g in &item.gold {
            let c = by_label.entry(g.0.clone()).or_default();
            if pred.contains(g) {
                c.tp += 1;
            } else {
                c.fn_ += 1;
            }
        }
        for p in &pred {
            if !item.gold.contains(p) {
                by_label.entry(p.0.clone()).or_default().fp += 1;
            }
        }
        let chars: Vec<char> = item.text.chars().collect();
        let span = |s: usize, e: usize| {
            chars
                .get(s..e)
                .unwrap_or_default()
                .iter()
                .collect::<String>()
        };
        let Some(gd) = item.gold.iter().find(|g| g.0 == "district") else {
            continue;
        };
        let gold_d = head2(&span(gd.1, gd.2));
        dist_n += 1;
        let ok = district.as_deref().map(head2) == Some(gold_d.clone());
        dist_ok += usize::from(ok);
        // Shanghai: a Shanghai district name, and no province or city but Shanghai written
        // (舟山市普陀区 is not 上海市普陀区).
        let elsewhere = item.gold.iter().any(|g| {
            matches!(g.0.as_str(), "prov" | "city") && !span(g.1, g.2).starts_with(['上', '沪'])
        });
        if SHANGHAI.contains(&gold_d.as_str()) && !elsewhere {
            sh_n += 1;
            sh_ok += usize::from(ok);
            if errors && !ok {
                println!("shanghai written: {} → {district:?}", item.text);
            }
            // Delete the province, city and district spans and parse again.
            let drop: Vec<(usize, usize)> = item
                .gold
                .iter()
                .filter(|g| matches!(g.0.as_str(), "prov" | "city" | "district"))
                .map(|g| (g.1, g.2))
                .collect();
            let rest: String = chars
                .iter()
                .enumerate()
                .filter(|(k, _)| !drop.iter().any(|&(s, e)| *k >= s && *k < e))
                .map(|(_, c)| *c)
                .collect();
            let inferred = parse(&rest, gaz).district;
            om_n += 1;
            let ok = inferred.as_deref().map(head2).as_deref() == Some(gold_d.as_str());
            om_ok += usize::from(ok);
            if errors && !ok {
                println!("shanghai omitted: {rest} → {inferred:?} (gold {gold_d})");
            }
        }
    }
    println!(
        "{:<14} {:>6} {:>7} {:>7} {:>7}",
        "label", "gold", "P", "R", "F1"
    );
    let mut total = Counts::default();
    let mut rows: Vec<(&String, &Counts)> = by_label.iter().collect();
    rows.sort_by_key(|(_, c)| std::cmp::Reverse(c.tp + c.fn_));
    for (label, c) in rows {
        let (p, r, f) = c.prf();
        println!("{label:<14} {:>6} {p:>7.3} {r:>7.3} {f:>7.3}", c.tp + c.fn_);
        total.tp += c.tp;
        total.fp += c.fp;
        total.fn_ += c.fn_;
    }
    let (p, r, f) = total.prf();
    println!(
        "{:<14} {:>6} {p:>7.3} {r:>7.3} {f:>7.3}",
        "micro",
        total.tp + total.fn_
    );
    println!(
        "district accuracy, written: {:.1}% of {dist_n}; Shanghai written: {:.1}% of {sh_n}; Shanghai omitted (prov/city/district deleted): {:.1}% of {om_n}",
        100.0 * ratio(dist_ok, dist_n),
        100.0 * ratio(sh_ok, sh_n),
        100.0 * ratio(om_ok, om_n),
    );
}

/// Prints the commonest kinds of missed gold entities, with examples.
fn confusions(items: &[Item], gaz: &Gazetteer, lilu: bool) {
    // `EVAL_EXAMPLES=20` shows more examples per kind.
    let max_examples: usize = std::env::var("EVAL_EXAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    // `EVAL_LABEL=houseno` shows only the misses of that label, and its false positives
    // (`poi⇢houseno`: a predicted houseno where gold has a poi with the same span).
    let only = std::env::var("EVAL_LABEL").ok();
    let mut kinds: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for item in items {
        let (pred, _) = predict(&item.text, gaz, lilu);
        let chars: Vec<char> = item.text.chars().collect();
        let span =
            |s: usize, e: usize| -> String { chars.get(s..e).unwrap_or_default().iter().collect() };
        let mut misses = Vec::new();
        for g in &item.gold {
            if pred.contains(g) || only.as_ref().is_some_and(|l| *l != g.0) {
                continue;
            }
            let same = pred.iter().find(|p| p.1 == g.1 && p.2 == g.2);
            let overlap = pred.iter().find(|p| p.1 < g.2 && g.1 < p.2);
            misses.push(match (same, overlap) {
                (Some(p), _) => (format!("{}→{}", g.0, p.0), String::new(), g),
                (None, Some(p)) => (format!("{}~{}", g.0, p.0), span(p.1, p.2), g),
                (None, None) => (format!("{}→∅", g.0), String::new(), g),
            });
        }
        for p in pred.iter().filter(|p| !item.gold.contains(p)) {
            if only.as_ref().is_none_or(|l| *l != p.0) {
                continue;
            }
            let same = item.gold.iter().find(|g| p.1 == g.1 && p.2 == g.2);
            let overlap = item.gold.iter().find(|g| p.1 < g.2 && g.1 < p.2);
            misses.push(match (same, overlap) {
                (Some(g), _) => (format!("{}⇢{}", g.0, p.0), String::new(), p),
                (None, Some(g)) => (format!("{}⇝{}", g.0, p.0), span(g.1, g.2), p),
                (None, None) => (format!("∅⇢{}", p.0), String::new(), p),
            });
        }
        for (key, shown, g) in misses {
            let e = kinds.entry(key).or_default();
            e.0 += 1;
            if e.1.len() < max_examples {
                let gold = item
                    .gold
                    .iter()
                    .map(|g| format!("{}:{}", g.0, span(g.1, g.2)))
                    .collect::<Vec<_>>()
                    .join(" ");
                let predicted = pred
                    .iter()
                    .map(|p| format!("{}:{}", p.0, span(p.1, p.2)))
                    .collect::<Vec<_>>()
                    .join(" ");
                e.1.push(format!(
                    "[{}] {shown}\n      gold {gold}\n      pred {predicted}",
                    span(g.1, g.2)
                ));
            }
        }
    }
    let mut rows: Vec<_> = kinds.into_iter().collect();
    rows.sort_by_key(|(_, (n, _))| std::cmp::Reverse(*n));
    println!("-- missed gold entities --");
    for (key, (n, examples)) in rows.iter().take(30) {
        println!("{n:>6} {key}");
        for e in examples {
            println!("    {e}");
        }
    }
}

/// Parses every address repeatedly for at least a second, on one thread.
fn throughput(texts: &[String], gaz: &Gazetteer, seconds: f64) {
    let start = Instant::now();
    let mut n = 0usize;
    let mut components = 0usize;
    loop {
        for t in texts {
            components += parse(t, gaz).components.len();
            n += 1;
        }
        if start.elapsed().as_secs_f64() >= seconds {
            break;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "\nthroughput: {:.0} addresses/s ({n} parses, {components} components, one thread)",
        n as f64 / secs
    );
}
