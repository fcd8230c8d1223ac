use proptest::prelude::*;

use super::*;

#[track_caller]
fn check(input: &str, expect: &str) {
    let n = normalize(input);
    assert_eq!(n.text, expect, "normalize({input:?})");
    assert_eq!(
        n.map.len(),
        n.text.chars().count(),
        "map length for {input:?}"
    );
    assert_eq!(
        normalize_str(expect),
        expect,
        "not idempotent on {expect:?}"
    );
}

/// Checks where each char of the normalised text came from, as the input chars they map to.
#[track_caller]
fn check_map(input: &str, expect: &str, sources: &[&str]) {
    let n = normalize(input);
    assert_eq!(n.text, expect);
    let chars: Vec<char> = input.chars().collect();
    let got: Vec<String> = n
        .map
        .iter()
        .map(|&o| chars.get(o).map(char::to_string).unwrap_or_default())
        .collect();
    assert_eq!(got, sources, "map of {input:?}");
}

#[test]
fn width() {
    check("１２号楼", "12号楼");
    check("漕溪北路８８号", "漕溪北路88号");
    check("Ａ座１２０３室", "A座1203室");
    check("徐汇区（近天钥桥路）", "徐汇区(近天钥桥路)");
    check("1号，2号", "1号,2号");
    check("1号、2号", "1号,2号");
    check("宛平南路\u{3000}500弄", "宛平南路500弄");
    check("漕溪北路\u{200B}88号\u{FEFF}", "漕溪北路88号");
    check("ｒｏｏｍ", "room");
}

#[test]
fn whitespace() {
    check("  宛平南路 500 弄  ", "宛平南路500弄");
    check("宛平南路\t500\n弄", "宛平南路500弄");
    check("徐汇 区", "徐汇区");
    check("Room   301", "Room 301");
    check("Tower A 12F", "Tower A 12层");
    check("上海市 徐汇区 漕溪北路 88 号", "上海市徐汇区漕溪北路88号");
    check("12 34", "12 34");
    check("   ", "");
    check("", "");
}

#[test]
fn dashes() {
    check("1～3号", "1-3号");
    check("1~3号", "1-3号");
    check("1—3号", "1-3号");
    check("1–3号", "1-3号");
    check("1－3号", "1-3号");
    check("1——3号", "1-3号");
    check("1 - 3号", "1-3号");
    check("3-5幢", "3-5号楼");
    check("大楼—东区", "大楼—东区");
    check("A~B", "A~B");
    // `一` typed for a dash between digits; elsewhere it is a numeral.
    check("12一7一944", "12-7-944");
    check("B12一1195室", "B12-1195室");
    check("7幢一单元", "7号楼1单元");
}

#[test]
fn numerals() {
    check("三号楼", "3号楼");
    check("十二层", "12层");
    check("二〇一室", "201室");
    check("一零零一室", "1001室");
    check("一百零八弄", "108弄");
    check("两百号", "200号");
    check("一千零一号", "1001号");
    check("十号", "10号");
    check("十五号", "15号");
    check("二十号", "20号");
    check("廿一号", "21号");
    check("卅号", "30号");
    check("七单元", "7单元");
    check("五支弄", "5支弄");
    check("三幢", "3号楼");
    check("第三层", "第3层");
    check("第二十单元", "第20单元");
    check("叁拾贰号", "32号");
    check("幺零幺室", "101室");
    check("地铁七号线", "地铁7号线");
}

#[test]
fn names_keep_their_numerals() {
    check("三林路", "三林路");
    check("五角场", "五角场");
    check("七宝镇", "七宝镇");
    check("九亭", "九亭");
    check("万航渡路", "万航渡路");
    check("一品漫城", "一品漫城");
    check("八佰伴", "八佰伴");
    check("零陵路", "零陵路");
    check("四川北路", "四川北路");
    check("十六铺", "十六铺");
    check("田林十二村", "田林十二村");
    check("梅陇三村", "梅陇三村");
    check("胜利二区", "胜利二区");
    check("万科三期", "万科三期");
    check("第一百货", "第一百货");
    check("第六人民医院", "第六人民医院");
    check("百号", "百号");
    check("一二十号", "一二十号");
    check("田林十二村三号", "田林十二村3号");
    check("三林路二十号", "三林路20号");
}

#[test]
fn buildings() {
    check("3幢", "3号楼");
    check("3栋", "3号楼");
    check("3号幢", "3号楼");
    check("3号栋", "3号楼");
    check("3栋楼", "3号楼");
    check("3#楼", "3号楼");
    check("3号楼", "3号楼");
    check("3座", "3号楼");
    check("A座", "A座");
    check("a座", "A座");
    check("b2座", "B2座");
    check("B栋", "B号楼");
    check("A3号楼", "A3号楼");
    check("a区", "A区");
    check("b单元", "B单元");
    check("3c室", "3C室");
    check("loft座", "loft座");
}

#[test]
fn rooms() {
    check("1204号房", "1204室");
    check("1204房", "1204室");
    check("1204号房间", "1204室");
    check("201号房屋", "201号房屋");
    check("3号房产", "3号房产");
    check("二〇一号房", "201室");
    check("2房1厅", "2室1厅");
}

#[test]
fn floors() {
    check("12F", "12层");
    check("12f", "12层");
    check("12 F", "12层");
    check("12/F", "12层");
    check("12/f", "12层");
    check("3F301室", "3F301室");
    check("3F室", "3F室");
    check("3楼301", "3层301");
    check("3楼301室", "3层301室");
    check("漕溪北路88号8楼", "漕溪北路88号8层");
    check("漕溪北路88号十二楼", "漕溪北路88号12层");
    check("3号楼12楼", "3号楼12层");
    check("3幢8楼", "3号楼8层");
    check("A座8楼", "A座8层");
    check("港汇广场5楼", "港汇广场5层");
    check("百脑汇大厦一楼", "百脑汇大厦1层");
    check("梅陇三村8楼", "梅陇三村8楼");
    check("宛平南路500弄8楼", "宛平南路500弄8楼");
    check("8号楼", "8号楼");
    check("5层楼", "5层楼");
}

#[test]
fn basements() {
    check("B1", "B1层");
    check("b1", "B1层");
    check("B1F", "B1层");
    check("B1楼", "B1层");
    check("b2层", "B2层");
    check("地下一层", "B1层");
    check("地下二楼", "B2层");
    check("负一层", "B1层");
    check("负1楼", "B1层");
    check("-1层", "B1层");
    check("88号-1层", "88号B1层");
    check("港汇广场B2", "港汇广场B2层");
    check("1-3层", "1-3层");
    check("B1栋", "B1号楼");
    check("B1室", "B1室");
    check("B12", "B12");
    check("地下室", "地下室");
    check("-1 Ｆ中", "B1层中");
    check("a负七楼", "a负7楼");
    check("1楼－两层", "1层B2层");
    check("0F 0", "0层0");
}

#[test]
fn city_prefix() {
    check("上海市徐汇区漕溪北路88号", "上海市徐汇区漕溪北路88号");
    check("上海徐汇区漕溪北路88号", "上海市徐汇区漕溪北路88号");
    check("沪徐汇区漕溪北路88号", "上海市徐汇区漕溪北路88号");
    check("上海市市辖区徐汇区", "上海市徐汇区");
    check("上海市辖区徐汇区", "上海市徐汇区");
    check("市辖区徐汇区", "上海市徐汇区");
    check("上海漕溪北路88号", "上海市漕溪北路88号");
    check("上海徐家汇街道", "上海市徐家汇街道");
    check("上海七宝镇", "上海市七宝镇");
    check("上海徐汇漕溪北路88号", "上海市徐汇漕溪北路88号");
    check("上海浦东新区世纪大道", "上海市浦东新区世纪大道");
    check("沪浦东新区", "上海市浦东新区");
    check("中国上海徐汇区", "中国上海市徐汇区");
}

#[test]
fn city_prefix_left_alone() {
    check("上海体育场", "上海体育场");
    check("上海体育场天钥桥路666号", "上海体育场天钥桥路666号");
    check("上海交通大学", "上海交通大学");
    check("上海南站", "上海南站");
    check("上海影城新华路160号", "上海影城新华路160号");
    check("上海浦东发展银行", "上海浦东发展银行");
    check("上海路", "上海路");
    check("上海大道", "上海大道");
    check("沪闵路", "沪闵路");
    check("沪青平公路", "沪青平公路");
    check("沪漕溪北路", "沪漕溪北路");
    check("徐汇区上海体育场", "徐汇区上海体育场");
    check("上海市第六人民医院", "上海市第六人民医院");
}

#[test]
fn obsolete_districts() {
    check("卢湾区建国中路", "黄浦区建国中路");
    check("上海市卢湾区建国中路", "上海市黄浦区建国中路");
    check("上海闸北区", "上海市静安区");
    check("沪南汇区", "上海市浦东新区");
    check("崇明县", "崇明区");
    check("川沙县", "浦东新区");
    check("南市区", "黄浦区");
    check("卢湾体育馆", "卢湾体育馆");
    check("徐汇区卢湾区", "徐汇区卢湾区");
    check("上海县", "上海县");
}

#[test]
fn full_addresses() {
    check(
        "上海 徐汇区 宛平南路五百弄九号六六〇室",
        "上海市徐汇区宛平南路500弄9号660室",
    );
    check(
        "沪卢湾区淮海中路２８３号Ａ座十二楼１２０３房",
        "上海市黄浦区淮海中路283号A座12层1203室",
    );
    check(
        "上海市市辖区徐汇区漕溪北路88号12F",
        "上海市徐汇区漕溪北路88号12层",
    );
    check("田林十二村２幢二〇一号房", "田林十二村2号楼201室");
}

#[test]
fn maps_back_to_the_input() {
    check_map(
        "宛平南路 5 弄",
        "宛平南路5弄",
        &["宛", "平", "南", "路", "5", "弄"],
    );
    check_map("１２号", "12号", &["１", "２", "号"]);
    check_map("三幢", "3号楼", &["三", "幢", "幢"]);
    check_map("十号", "10号", &["十", "十", "号"]);
    check_map("一百零八弄", "108弄", &["一", "百", "八", "弄"]);
    check_map("12号房", "12室", &["1", "2", "房"]);
    check_map(
        "上海徐汇区",
        "上海市徐汇区",
        &["上", "海", "海", "徐", "汇", "区"],
    );
    check_map(
        "沪徐汇区",
        "上海市徐汇区",
        &["沪", "沪", "沪", "徐", "汇", "区"],
    );
    check_map("地下一层", "B1层", &["地", "下", "层"]);
    check_map("B1", "B1层", &["B", "1", "1"]);
    check_map("3/F", "3层", &["3", "F"]);
    check_map("1——3", "1-3", &["1", "—", "3"]);
}

#[test]
fn source_span() {
    let n = normalize("漕溪北路 88 号 十二楼");
    assert_eq!(n.text, "漕溪北路88号12层");
    assert_eq!(n.source_span(4..7), Some(5..9));
    assert_eq!(n.source_span(7..10), Some(10..13));
    assert_eq!(n.source_span(3..3), None);
    assert_eq!(n.source_span(9..11), None);
}

/// Chars people write in addresses, with the variants the normaliser folds.
const ALPHABET: &[char] = &[
    '上', '海', '市', '沪', '辖', '区', '中', '国', '徐', '汇', '浦', '东', '新', '卢', '湾', '闸',
    '北', '南', '崇', '明', '县', '街', '道', '镇', '路', '弄', '支', '号', '楼', '幢', '栋', '座',
    '层', '室', '房', '间', '屋', '单', '元', '村', '第', '地', '下', '负', '大', '厦', '广', '场',
    '体', '育', '林', '田', '宝', '七', '〇', '零', '一', '二', '两', '三', '十', '百', '千', '廿',
    '卅', '八', '佰', '万', '0', '1', '2', '3', '8', '9', '０', '１', '２', 'A', 'a', 'B', 'b',
    'F', 'f', 'Ａ', 'ｂ', 'Ｆ', ' ', '\u{3000}', '\t', '-', '~', '—', '～', '－', '/', '#', '(',
    ')', '（', '）', ',', '、', '，', '\u{200B}',
];

fn address_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

/// The invariants of `map` for `input`.
fn check_invariants(input: &str) -> Result<(), TestCaseError> {
    let n = normalize(input);
    let len = input.chars().count();
    prop_assert_eq!(n.map.len(), n.text.chars().count());
    prop_assert!(
        n.map.windows(2).all(|w| w[0] <= w[1]),
        "map decreases: {:?}",
        n.map
    );
    prop_assert!(
        n.map.iter().all(|&o| o < len),
        "map out of range: {:?}",
        n.map
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn idempotent(input in address_like()) {
        let once = normalize_str(&input);
        let twice = normalize_str(&once);
        prop_assert_eq!(&twice, &once, "input {:?}", input);
    }

    #[test]
    fn map_is_monotone_and_in_range(input in address_like()) {
        check_invariants(&input)?;
    }

    #[test]
    fn never_panics_on_any_string(input in any::<String>()) {
        check_invariants(&input)?;
        let once = normalize_str(&input);
        prop_assert_eq!(normalize_str(&once), once);
    }
}
