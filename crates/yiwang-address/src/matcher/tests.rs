use super::*;

/// A small registry: a residential lane with a POI name, an office tower with floors, a range
/// frontage, and two compounds sharing a name.
fn index() -> MatchIndex {
    let e = |id: i64, level, address: &str, aliases: &[&str]| MatchEntry {
        premises_id: id,
        level,
        standard_address: format!("上海市徐汇区{address}"),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        district_code: "310104".to_owned(),
    };
    use MatchLevel::*;
    MatchIndex::build(vec![
        e(
            1,
            Compound,
            "普雄路29弄",
            &["逸流公寓", "普雄路29弄逸流公寓"],
        ),
        e(2, Building, "普雄路29弄13号", &["普雄路29弄逸流公寓13号楼"]),
        e(3, Room, "普雄路29弄13号602室", &[]),
        e(4, Building, "普雄路29弄13甲号", &[]),
        e(5, Building, "普雄路29弄14号", &[]),
        e(6, Building, "漕溪北路88号", &["圣爱大厦"]),
        e(7, Floor, "漕溪北路88号12层", &[]),
        e(8, Room, "漕溪北路88号12层1203室", &[]),
        e(9, Building, "田林路18-22号", &["老王面馆"]),
        e(10, Compound, "宛平南路500弄", &["汇翠花园"]),
        e(11, Building, "宛平南路500弄9号", &[]),
        e(12, Room, "宛平南路500弄9号660室", &[]),
        e(13, Compound, "龙华西路100弄", &["汇翠花园"]),
        e(14, Building, "龙华西路100弄9号", &[]),
        e(15, Building, "普雄路13号", &[]),
        e(16, Building, "长乐路100弄3支弄5号", &[]),
        e(17, Building, "普雄路29弄13号之一", &[]),
    ])
}

/// Renders the candidates, one a line: `id level score address | reasons`.
fn render(candidates: &[Candidate]) -> String {
    candidates
        .iter()
        .map(|c| {
            let id = c.premises_id.map_or("-".to_owned(), |i| i.to_string());
            format!(
                "{id} {} {} {} | {}",
                c.level,
                c.score,
                c.standard_address,
                c.reasons.join("; ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn check(input: &str, expect: &str) {
    let got = render(&index().find(input, &Gazetteer::default(), 3));
    assert_eq!(got, expect.trim(), "input: {input}");
}

#[test]
fn full_standard_addresses() {
    check(
        "上海市徐汇区宛平南路500弄9号660室",
        "12 room 1 上海市徐汇区宛平南路500弄9号660室 | road 宛平南路",
    );
    check(
        "漕溪北路88号12层1203室",
        "8 room 1 上海市徐汇区漕溪北路88号12层1203室 | road 漕溪北路",
    );
    check(
        "普雄路29弄",
        "1 compound 1 上海市徐汇区普雄路29弄 | road 普雄路",
    );
    check(
        "普雄路29弄13甲号",
        "4 building 1 上海市徐汇区普雄路29弄13甲号 | road 普雄路",
    );
    check(
        "沪 徐汇区宛平南路五百弄九号六六〇室",
        "12 room 1 上海市徐汇区宛平南路500弄9号660室 | road 宛平南路",
    );
    check(
        "长乐路100弄3支弄5号",
        "16 building 1 上海市徐汇区长乐路100弄3支弄5号 | road 长乐路",
    );
}

#[test]
fn never_below_what_was_written() {
    check(
        "宛平南路500弄9号",
        "11 building 1 上海市徐汇区宛平南路500弄9号 | road 宛平南路",
    );
    check(
        "宛平南路500弄9号1101室",
        "11 building 0.6 上海市徐汇区宛平南路500弄9号 | road 宛平南路; 1101室 not found in 上海市徐汇区宛平南路500弄9号",
    );
    check(
        "普雄路29弄99号602室",
        "1 compound 0.6 上海市徐汇区普雄路29弄 | road 普雄路; 99号 not found in 上海市徐汇区普雄路29弄",
    );
    check("普雄路", "- road 1 上海市徐汇区普雄路 | road 普雄路");
    check(
        "普雄路999号",
        "- road 0.6 上海市徐汇区普雄路 | road 普雄路; 999号 not found in 上海市徐汇区普雄路",
    );
}

#[test]
fn lane_and_number_equivalences() {
    check(
        "普雄路29弄13号楼",
        "2 building 1 上海市徐汇区普雄路29弄13号 | road 普雄路; 13号楼 read as 13号",
    );
    check(
        "普雄路29弄逸流公寓13号楼",
        "2 building 1 上海市徐汇区普雄路29弄13号 | alias 普雄路29弄逸流公寓13号楼",
    );
    check(
        "普雄路29弄逸流公寓13号602",
        "3 room 1 上海市徐汇区普雄路29弄13号602室 | road 普雄路",
    );
    check(
        "逸流公寓13号楼602室",
        "3 room 1 上海市徐汇区普雄路29弄13号602室 | name 逸流公寓; 13号楼 read as 13号",
    );
    check(
        "漕溪北路88号1203室",
        "8 room 1 上海市徐汇区漕溪北路88号12层1203室 | road 漕溪北路; floor taken from room 1203室",
    );
    check(
        "宛平南路500弄9号6楼660室",
        "12 room 1 上海市徐汇区宛平南路500弄9号660室 | road 宛平南路; 6层 implied by the room number",
    );
    check(
        "逸流公寓13号楼之一",
        "17 building 1 上海市徐汇区普雄路29弄13号之一 | name 逸流公寓; 13号楼 read as 13号之一",
    );
    check(
        "逸流公寓14号",
        "5 building 1 上海市徐汇区普雄路29弄14号 | name 逸流公寓",
    );
    check(
        "田林路20号",
        "9 building 1 上海市徐汇区田林路18-22号 | road 田林路; 20号 lies in 18-22号",
    );
}

#[test]
fn names_exact_fuzzy_and_ambiguous() {
    check(
        "圣爱大厦12楼1203室",
        "8 room 1 上海市徐汇区漕溪北路88号12层1203室 | name 圣爱大厦",
    );
    check(
        "逸留公寓13号",
        "2 building 0.85 上海市徐汇区普雄路29弄13号 | name 逸留公寓 read as 逸流公寓 (one char off)",
    );
    check(
        "普熊路29弄13号",
        "2 building 0.85 上海市徐汇区普雄路29弄13号 | road 普熊路 read as 普雄路; road 普雄路",
    );
    check(
        "汇翠花园9号",
        "11 building 0.9 上海市徐汇区宛平南路500弄9号 | name 汇翠花园; 2 premises go by 汇翠花园\n\
         14 building 0.9 上海市徐汇区龙华西路100弄9号 | name 汇翠花园; 2 premises go by 汇翠花园",
    );
    check(
        "宛平南路汇翠花园9号",
        "11 building 1 上海市徐汇区宛平南路500弄9号 | name 汇翠花园\n\
         14 building 0.7 上海市徐汇区龙华西路100弄9号 | name 汇翠花园; 汇翠花园 is on 龙华西路, not on the road written (宛平南路)\n\
         - road 0.48 上海市徐汇区宛平南路 | road 宛平南路; 9号 not found in 上海市徐汇区宛平南路; 汇翠花园 not found on this address",
    );
    check(
        "普雄路逸流公寓13号楼",
        "2 building 1 上海市徐汇区普雄路29弄13号 | name 逸流公寓; 13号楼 read as 13号\n\
         15 building 0.8 上海市徐汇区普雄路13号 | road 普雄路; 13号楼 read as 13号; 逸流公寓 not found on this address",
    );
}

#[test]
fn places_above_the_premises() {
    check(
        "浦东新区普雄路29弄13号",
        "2 building 0.5 上海市徐汇区普雄路29弄13号 | road 普雄路; in district 310104, not in the district written (310115)",
    );
    check(
        "徐汇区徐家汇街道",
        "- street 0.3 徐汇区徐家汇街道 | no road or name of the registry found; street only",
    );
    check(
        "徐汇区",
        "- district 0.2 徐汇区 | no road or name of the registry found; district only",
    );
    check("", "");
}

#[test]
fn levels_round_trip() {
    for level in [
        "room", "floor", "unit", "building", "compound", "road", "street", "district",
    ] {
        assert_eq!(level.parse::<MatchLevel>().unwrap().as_str(), level);
    }
    assert!("lane".parse::<MatchLevel>().is_err());
}

#[test]
fn stats_count_what_was_indexed() {
    let s = index().stats();
    assert_eq!((s.premises, s.unplaced), (17, 0));
    assert!(s.heap_bytes > 0);
}

/// Every standard address of the fixture, cut after each of its tokens and with rooms that do
/// not exist appended: every candidate's address is a prefix of what was written (nothing is
/// added below it), and the best one is the whole of it when the registry has it.
#[test]
fn no_candidate_extends_what_was_written() {
    let index = index();
    let g = Gazetteer::default();
    let addresses: Vec<String> = (0..index.nodes.len() as u32)
        .filter(|&n| index.nodes[n as usize].entry != NONE)
        .map(|n| index.address(n))
        .collect();
    for address in &addresses {
        let split = tokens::split(address).unwrap();
        let mut written = split.head.to_owned();
        for token in &split.tokens {
            written.push_str(token);
            for input in [written.clone(), format!("{written}8888室")] {
                let found = index.find(&input, &g, 5);
                assert!(!found.is_empty(), "{input}");
                for c in &found {
                    assert!(
                        input.starts_with(&c.standard_address),
                        "{input} → {} ({:?})",
                        c.standard_address,
                        c.reasons
                    );
                }
                if addresses.contains(&input) {
                    assert_eq!(found[0].standard_address, input);
                }
            }
        }
    }
}

#[test]
fn long_inputs_are_cheap() {
    let index = index();
    let g = Gazetteer::default();
    let long = "某".repeat(10_000);
    let start = std::time::Instant::now();
    let found = index.find(&format!("普雄路29弄13号{long}"), &g, 5);
    assert_eq!(found[0].premises_id, Some(2));
    assert!(index.find(&long, &g, 5).is_empty());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}
