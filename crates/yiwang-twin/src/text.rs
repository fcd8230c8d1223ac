//! Deterministic generators of believable Chinese text for the synthetic Xuhui twin.
//!
//! Every function takes a caller-supplied random number generator and draws from it in a fixed
//! order, so the output is a pure function of the generator state: seeding the same
//! generator yields the same names, addresses and case texts on every run and platform.
//! All word lists and templates are written for this project.

use rand::Rng;
use rand::seq::SliceRandom;

/// Picks one element of a non-empty list, or `""` if the list is empty.
fn pick<'a>(rng: &mut impl Rng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or("")
}

/// Picks one `|`-separated part of `s`.
fn pick_part<'a>(rng: &mut impl Rng, s: &'a str) -> &'a str {
    let n = s.split('|').count().max(1);
    s.split('|').nth(rng.gen_range(0..n)).unwrap_or("")
}

/// Picks one character of `s` (which must not be empty; falls back to `华`).
fn pick_char(rng: &mut impl Rng, s: &str) -> char {
    let n = s.chars().count().max(1);
    s.chars().nth(rng.gen_range(0..n)).unwrap_or('华')
}

/// Picks an item from `(weight, item)` pairs in proportion to the weights.
fn pick_weighted<'a, T>(rng: &mut impl Rng, items: &'a [(u32, T)]) -> Option<&'a T> {
    let total: u32 = items.iter().map(|(w, _)| *w).sum();
    if total == 0 {
        return None;
    }
    let mut r = rng.gen_range(0..total);
    for (w, item) in items {
        if r < *w {
            return Some(item);
        }
        r -= *w;
    }
    None
}

/// Writes 1..=99 as a Chinese numeral (`12` → `十二`).
fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = ((n / 10) as usize % 10, (n % 10) as usize);
    match tens {
        0 => DIGITS[ones].to_string(),
        1 => format!("十{}", DIGITS[ones]),
        _ => format!("{}十{}", DIGITS[tens], DIGITS[ones]),
    }
}

// ---------------------------------------------------------------------------------------------
// Personal names
// ---------------------------------------------------------------------------------------------

/// Single-character surnames in tiers; the number is the relative weight of each character.
/// The tiers follow national frequency, with common Shanghai surnames given a boost.
#[rustfmt::skip]
const SURNAME_TIERS: &[(u32, &str)] = &[
    (70, "王李张"), (55, "刘陈"), (30, "杨黄赵吴周徐"), (20, "孙马朱胡郭何林高罗"), (16, "沈顾陆钱蒋俞姚"),
    (9, "郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡余杜叶程苏魏吕丁任卢金"),
    (5, "姜崔钟谭汪范石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺毛郝龚邵万严武戴莫孔汤"),
    (3, "施庄翁奚凌闵乔倪祝费殷柏戚浦"),
];

/// Two-character surnames; together they make up about 2% of generated names.
#[rustfmt::skip]
pub const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "司徒", "夏侯", "尉迟",
];

const MALE_GIVEN: &str = "伟强磊军勇杰涛明斌超辉华建国峰俊浩宇鹏毅晨健文博翔昊凯志鑫洋平海林刚东荣亮成飞龙彬诚轩睿哲瑞铭晖德炜栋立新";
const FEMALE_GIVEN: &str = "芳娜敏静丽艳娟霞秀英玲婷雪琳慧颖洁萍燕红倩佳欣怡萱雯梅莉蓉晶菁蕾薇琪璐婉瑶悦妍佩雅君琴梦馨蓓岚";
const NEUTRAL_GIVEN: &str = "文嘉子安宁一晓思家雨若清佳春秋乐天";

/// A Chinese personal name: surname by realistic frequency (about 2% compound surnames such as
/// 欧阳 or 诸葛) and a one- or two-character given name from a list suited to the sex.
pub fn chinese_name(rng: &mut impl Rng, male: bool) -> String {
    let mut name = String::new();
    if rng.gen_bool(0.02) {
        name.push_str(pick(rng, COMPOUND_SURNAMES));
    } else {
        let tier = pick_weighted(rng, &weighted_surname_tiers())
            .copied()
            .unwrap_or("王");
        name.push(pick_char(rng, tier));
    }
    let own = if male { MALE_GIVEN } else { FEMALE_GIVEN };
    let len = if rng.gen_bool(0.72) { 2 } else { 1 };
    for i in 0..len {
        let source = if i == 0 && rng.gen_bool(0.15) {
            NEUTRAL_GIVEN
        } else {
            own
        };
        name.push(pick_char(rng, source));
    }
    name
}

/// Surname tiers weighted by per-character weight times the number of characters.
fn weighted_surname_tiers() -> [(u32, &'static str); SURNAME_TIERS.len()] {
    let mut out = [(0, ""); SURNAME_TIERS.len()];
    for (slot, (w, chars)) in out.iter_mut().zip(SURNAME_TIERS) {
        *slot = (w * chars.chars().count() as u32, *chars);
    }
    out
}

/// A foreign national's name as written in Latin letters, with the nationality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignName {
    /// Latin-script name, given name first and family name in capitals (`"Kenji TANAKA"`);
    /// Singaporean names put the family name first (`"TAN Wei Ming"`).
    pub name: String,
    /// ISO 3166-1 alpha-3 code of the nationality, e.g. `"JPN"`.
    pub nationality: &'static str,
}

/// Name lists of one nationality: male given, female given, family names (all `|`-separated)
/// and whether the family name comes first.
struct NameSet(&'static str, &'static str, &'static str, bool);

const EN_MALE: &str = "James|John|Michael|David|Robert|William|Daniel|Matthew|Andrew|Thomas|Christopher|Ryan|Benjamin|Samuel|Ethan|Oliver|Jack|Liam|Noah|Lucas";
const EN_FEMALE: &str = "Mary|Jennifer|Emily|Sarah|Jessica|Elizabeth|Emma|Olivia|Sophie|Charlotte|Hannah|Grace|Chloe|Amelia|Laura|Rachel|Megan";
const EN_FAMILY: &str = "SMITH|JOHNSON|WILLIAMS|BROWN|JONES|MILLER|DAVIS|WILSON|TAYLOR|ANDERSON|THOMAS|MOORE|MARTIN|CLARK|LEWIS|WALKER|HALL|YOUNG|KING|WRIGHT|SCOTT|GREEN|BAKER|EVANS|ROBERTS|CAMPBELL|MITCHELL";

/// Nationalities weighted toward Shanghai's largest foreign communities.
#[rustfmt::skip]
const NATIONALITIES: &[(u32, &str)] = &[
    (26, "JPN"), (18, "KOR"), (16, "USA"), (7, "GBR"), (7, "FRA"),
    (7, "DEU"), (7, "SGP"), (5, "CAN"), (4, "AUS"), (3, "ITA"),
];

fn name_set(nationality: &str) -> NameSet {
    match nationality {
        "JPN" => NameSet(
            "Kenji|Takashi|Hiroshi|Yuto|Haruto|Daisuke|Shota|Kazuki|Ryo|Satoshi|Naoki|Yusuke|Takumi|Koji",
            "Yuki|Aiko|Sakura|Yui|Haruka|Mei|Naoko|Emi|Ayaka|Misaki|Rina|Keiko|Yoko|Mariko",
            "TANAKA|SATO|SUZUKI|TAKAHASHI|WATANABE|ITO|YAMAMOTO|NAKAMURA|KOBAYASHI|KATO|YOSHIDA|YAMADA|SASAKI|MATSUMOTO|INOUE|KIMURA|HAYASHI|SHIMIZU",
            false,
        ),
        "KOR" => NameSet(
            "Min-jun|Seo-jun|Ji-ho|Do-yoon|Jae-won|Hyun-woo|Sung-min|Dong-hyun|Joon-young|Tae-yang",
            "Seo-yeon|Ji-woo|Ha-eun|Soo-ah|Min-seo|Ye-jin|Hye-jin|Eun-ji|Ji-hye|Yoo-na",
            "KIM|LEE|PARK|CHOI|JUNG|KANG|CHO|YOON|JANG|LIM|HAN|SHIN",
            false,
        ),
        "FRA" => NameSet(
            "Pierre|Louis|Nicolas|Julien|Antoine|Thomas|Hugo|Mathieu|Olivier|Lucas",
            "Marie|Camille|Julie|Claire|Sophie|Lea|Manon|Chloe|Elise|Amelie",
            "MARTIN|BERNARD|DUBOIS|THOMAS|ROBERT|RICHARD|PETIT|DURAND|LEROY|MOREAU|LAURENT|LEFEBVRE|GIRARD",
            false,
        ),
        "DEU" => NameSet(
            "Lukas|Felix|Maximilian|Jonas|Tobias|Stefan|Michael|Andreas|Florian|Sebastian",
            "Anna|Lena|Laura|Julia|Katharina|Sarah|Hannah|Lea|Johanna|Sabine",
            "MUELLER|SCHMIDT|SCHNEIDER|FISCHER|WEBER|MEYER|WAGNER|BECKER|SCHULZ|HOFFMANN|KOCH|RICHTER|KLEIN|WOLF",
            false,
        ),
        "ITA" => NameSet(
            "Marco|Luca|Giuseppe|Francesco|Alessandro|Andrea|Matteo|Lorenzo|Davide|Stefano",
            "Giulia|Francesca|Chiara|Sara|Martina|Valentina|Elena|Alessia|Federica|Silvia",
            "ROSSI|RUSSO|FERRARI|ESPOSITO|BIANCHI|ROMANO|COLOMBO|RICCI|MARINO|GRECO|BRUNO|GALLO|CONTI",
            false,
        ),
        "SGP" => NameSet(
            "Wei Ming|Jun Jie|Zhi Hao|Kok Leong|Boon Hock|Wee Kiat|Jian Hong|Kah Wai",
            "Hui Min|Mei Ling|Xin Yi|Siew Ling|Li Ting|Shu Fen|Pei Shan|Jia Hui",
            "TAN|LIM|LEE|NG|ONG|WONG|GOH|CHUA|CHAN|KOH|TEO|ANG",
            true,
        ),
        _ => NameSet(EN_MALE, EN_FEMALE, EN_FAMILY, false),
    }
}

/// A foreign resident's name in Latin script with an ISO 3166 alpha-3 nationality, weighted
/// toward JPN, KOR and USA.
pub fn foreign_name(rng: &mut impl Rng, male: bool) -> ForeignName {
    let nationality = pick_weighted(rng, NATIONALITIES).copied().unwrap_or("JPN");
    let NameSet(m, f, family, family_first) = name_set(nationality);
    let given = pick_part(rng, if male { m } else { f });
    let family = pick_part(rng, family);
    let name = if family_first {
        format!("{family} {given}")
    } else {
        format!("{given} {family}")
    };
    ForeignName { name, nationality }
}

// ---------------------------------------------------------------------------------------------
// Estates, offices, companies and shops
// ---------------------------------------------------------------------------------------------

/// Two-character place-like and auspicious words used to build estate and office names.
#[rustfmt::skip]
const PLACE_WORDS: &[&str] = &[
    "汇翠", "东兴", "馨宁", "锦江", "梅陇", "华悦", "景福", "汇康", "嘉禾", "春申", "明珠", "翠湖",
    "紫薇", "金桂", "银杏", "丽景", "怡然", "宜山", "康乐", "永嘉", "长乐", "安福", "宝庆", "宛平",
    "南丹", "桂林", "钦州", "漕宝", "虹漕", "田东", "华滨", "龙华", "枫林", "天钥", "斜土", "日晖",
    "瑞金", "建国", "嘉善", "零陵", "东安", "万航", "和平", "富润", "祥和", "吉庆", "瑞丰", "恒盛",
    "宏润", "金汇", "盛世", "君悦", "御景", "星河", "云锦", "蓝湾", "碧云", "绿洲", "春江", "秋水",
    "青松", "翠竹", "兰亭", "荷塘", "桃源", "芳华", "清涟", "玉兰", "香樟", "海棠", "紫藤", "丹桂",
    "凤凰", "麒麟", "鸿福", "隆昌", "永福", "新华", "建业", "光华", "振兴", "兴业", "民生", "安居",
    "乐居", "湖滨", "滨江", "江南", "浦南", "沪闵", "华亭", "松风", "竹韵", "锦绣", "阳光", "东方",
    "春晖", "晨光", "朝晖", "金秋", "望江", "观澜", "听涛", "临江", "水岸", "柳溪", "梅溪", "樱花",
    "家和", "福寿", "长寿", "康宁", "常青", "怡景", "泰和", "嘉利", "新桥", "古美", "航华", "龙吴",
    "长桥", "华泾", "凌云", "罗秀", "上中", "百色", "田林", "漕溪", "乐山", "蒲汇", "肇嘉", "襄阳",
    "永康", "高安", "武康", "岳阳", "吴兴", "衡山", "余庆", "复兴", "汾阳", "宝石", "紫金", "银都",
    "金都", "名都", "世纪", "南方", "东南", "西岸", "北斗", "星辰", "明月", "清风", "白云", "碧水",
    "蓝天", "聚福", "汇福", "百合", "牡丹", "芙蓉", "杜鹃", "茉莉", "书香", "文华", "博雅", "汇宁",
    "汇佳", "汇嘉", "景泰", "景华", "景秀", "徐汇", "虹梅", "康健", "华富", "天平", "湖南", "龙川",
];

/// First and second characters combined into further two-character words.
const WORD_HEAD: &str =
    "汇华景嘉锦翠馨瑞祥康丽金银宏盛恒泰安永福富美雅清明新兴隆鑫润雍昌和宜德鸿博君尚凯文";
const WORD_TAIL: &str = "翠宁悦福康和祥景泰华盛丰安乐都湾轩阁峰林涛辉源晖馨茂荣佳铭韵澜湖岸晟璟";

/// Districts of real-style numbered workers' villages (田林十二村, 康健三村).
#[rustfmt::skip]
const VILLAGE_PLACES: &[&str] = &[
    "田林", "康健", "长桥", "龙华", "漕河泾", "徐家汇", "华泾", "凌云", "梅陇", "日晖", "宛南", "田东",
    "汇站", "上中", "龙山", "东安", "双峰", "航天", "罗城", "华富", "桂林", "钦州",
];

/// Every estate name ends with one of these.
#[rustfmt::skip]
pub const ESTATE_SUFFIXES: &[&str] = &[
    "新村", "村", "花园", "苑", "公寓", "小区", "名邸", "佳园", "大楼", "家园", "华庭",
];

/// Suffix forms used after a place word, with relative weights.
#[rustfmt::skip]
const ESTATE_FORMS: &[(u32, &str)] = &[
    (14, "新村"), (16, "花园"), (10, "苑"), (4, "东苑"), (4, "南苑"),
    (3, "西苑"), (3, "北苑"), (4, "雅苑"), (10, "公寓"), (9, "小区"),
    (5, "名邸"), (6, "佳园"), (6, "大楼"), (5, "家园"), (4, "华庭"),
];

/// A two-character place-like word: a listed word or a combination of auspicious characters.
fn place_word(rng: &mut impl Rng) -> String {
    if rng.gen_bool(0.35) {
        pick(rng, PLACE_WORDS).to_string()
    } else {
        let mut w = String::new();
        w.push(pick_char(rng, WORD_HEAD));
        w.push(pick_char(rng, WORD_TAIL));
        w
    }
}

/// A Shanghai residential compound name: `…新村`, numbered villages like `田林十二村`, `…花园`,
/// `…苑`, `…公寓`, `…小区`, `…名邸`, `…佳园`, `…大楼`, `…家园`, `…华庭`.
/// The result always ends with one of [`ESTATE_SUFFIXES`].
pub fn estate_name(rng: &mut impl Rng) -> String {
    if rng.gen_bool(0.1) {
        let place = pick(rng, VILLAGE_PLACES);
        let n = rng.gen_range(1..=22);
        return format!("{place}{}村", chinese_number(n));
    }
    let word = place_word(rng);
    let form = pick_weighted(rng, ESTATE_FORMS).copied().unwrap_or("新村");
    format!("{word}{form}")
}

#[rustfmt::skip]
const OFFICE_FORMS: &[(u32, &str)] = &[
    (18, "大厦"), (10, "广场"), (10, "中心"), (6, "商务楼"),
    (6, "科技园"), (5, "国际"), (4, "金融中心"), (4, "国际广场"),
    (4, "商务中心"), (4, "科技大厦"), (3, "创意园"), (3, "企业天地"),
];

/// An office tower or commercial complex name: `…大厦`, `…广场`, `…中心`, `…商务楼`,
/// `…科技园`, `…国际`, `…金融中心` and similar.
pub fn office_name(rng: &mut impl Rng) -> String {
    let word = place_word(rng);
    let form = pick_weighted(rng, OFFICE_FORMS).copied().unwrap_or("大厦");
    format!("{word}{form}")
}

/// Industry sections in the style of GB/T 4754, as used on business licences.
#[rustfmt::skip]
pub const INDUSTRIES: &[&str] = &[
    "信息传输、软件和信息技术服务业", "科学研究和技术服务业", "批发和零售业", "租赁和商务服务业",
    "金融业", "住宿和餐饮业", "文化、体育和娱乐业", "教育", "卫生和社会工作", "房地产业", "制造业",
    "居民服务、修理和其他服务业", "建筑业", "交通运输、仓储和邮政业",
    "电力、热力、燃气及水生产和供应业", "水利、环境和公共设施管理业",
];

/// Per industry: a keyword of the section name, business-scope words for company names and
/// (possibly empty) shop kinds for sole proprietorships.
#[rustfmt::skip]
const INDUSTRY_WORDS: &[(&str, &str, &str)] = &[
    ("软件", "信息科技|网络科技|软件技术|数据科技|智能科技|信息技术服务", ""),
    ("科学研究", "生物科技|检测技术|工程技术|环境科技|医药科技|工程设计咨询", ""),
    ("批发", "贸易|商贸|国际贸易|实业|食品销售|电子商务", "便利店|食品店|百货商店|水果店|烟杂店"),
    ("租赁", "商务咨询|企业管理咨询|人力资源|广告|会务服务|企业管理", ""),
    ("金融", "投资管理|资产管理|融资租赁|保险代理|股权投资管理", ""),
    ("餐饮", "餐饮管理|酒店管理|餐饮|食品", "餐饮店|面馆|小吃店|饮品店|点心店"),
    ("文化", "文化传播|体育发展|影视文化|艺术发展|文化传媒", ""),
    ("教育", "教育科技|教育信息咨询|文化艺术培训", ""),
    ("卫生", "门诊部|医疗管理|养老服务|健康管理", ""),
    ("房地产", "房地产经纪|物业管理|置业|房地产开发|不动产经纪", ""),
    ("制造", "机械设备|电子|精密仪器|新材料|服饰", ""),
    ("居民服务", "家政服务|汽车维修|美容美发|洗衣服务|保洁服务", "理发店|洗衣店|家电维修部|美容店|修鞋店"),
    ("建筑", "建筑装饰工程|建设工程|装饰设计工程|机电安装工程", ""),
    ("交通运输", "物流|货运代理|供应链管理|快递服务", ""),
    ("电力", "能源科技|新能源|节能技术|电力工程", ""),
    ("水利", "环境工程|园林绿化|市政养护工程", ""),
];

/// A company name matching `industry` (one of [`INDUSTRIES`]; unknown names get a generic
/// trading or consulting company): usually `上海` + trade name + business scope + `有限公司`,
/// sometimes a joint-stock company, partnership or branch, and for retail, catering and
/// resident services sometimes a sole proprietorship such as `上海市徐汇区梅陇餐饮店`.
pub fn company_name(rng: &mut impl Rng, industry: &str) -> String {
    let (scope, shops) = INDUSTRY_WORDS
        .iter()
        .find(|(key, _, _)| industry.contains(key))
        .map(|(_, scope, shops)| (*scope, *shops))
        .unwrap_or(("实业|商务咨询|科技|贸易", ""));
    let brand = place_word(rng);
    if !shops.is_empty() && rng.gen_bool(0.3) {
        return format!("上海市徐汇区{brand}{}", pick_part(rng, shops));
    }
    let scope = pick_part(rng, scope);
    let roll = rng.gen_range(0..100);
    match roll {
        0..=4 => format!("上海{brand}{scope}股份有限公司"),
        5..=11 => format!("上海{brand}{scope}有限公司徐汇分公司"),
        12..=15 if industry.contains("金融") => format!("上海{brand}{scope}合伙企业（有限合伙）"),
        _ => format!("上海{brand}{scope}有限公司"),
    }
}

#[rustfmt::skip]
const SHOP_BRANDS: &[&str] = &[
    "益民", "惠民", "便民", "好邻", "金鑫", "阿福", "家乐", "美华", "新华", "光明", "永福", "福满",
    "鑫源", "佳佳", "乐购", "好又多", "康宁", "仁和", "百姓", "同心", "小杨", "阿英", "东东", "美美",
    "红星", "万家", "天天", "老街", "春风", "如意", "吉祥", "丰收", "一品", "金桥", "兴旺", "旺角",
];
#[rustfmt::skip]
const SHOP_KINDS: &[&str] = &[
    "便利店", "理发店", "药房", "大药房", "水果店", "烟杂店", "五金店", "洗衣店", "花店", "眼镜店",
    "面包房", "咖啡", "茶饮", "生鲜超市", "超市", "修车铺", "干洗店", "文具店", "美甲店", "房产",
    "面馆", "小吃店", "点心店", "熟食店", "菜店", "烟酒店", "手机维修", "快餐",
];
#[rustfmt::skip]
const FOOD_KINDS: &[&str] = &[
    "面馆", "馄饨店", "生煎", "小吃", "大饼油条", "烧腊", "熟食", "馒头店", "点心", "排骨年糕",
];

/// A street-front shop name: `老王面馆`, `陈记馄饨店`, `益民便利店`, `阿福理发店`, `仁和药房`.
pub fn shop_name(rng: &mut impl Rng) -> String {
    match rng.gen_range(0..10) {
        0..=1 => {
            let surname = pick_char(rng, "王李张刘陈杨黄赵吴周徐孙朱沈顾陆钱");
            format!("老{surname}{}", pick(rng, FOOD_KINDS))
        }
        2 => {
            let surname = pick_char(rng, "王李张刘陈杨黄赵吴周徐孙朱沈顾陆");
            format!("{surname}记{}", pick(rng, FOOD_KINDS))
        }
        3 => format!("{}{}", place_word(rng), pick(rng, SHOP_KINDS)),
        _ => format!("{}{}", pick(rng, SHOP_BRANDS), pick(rng, SHOP_KINDS)),
    }
}

// ---------------------------------------------------------------------------------------------
// Case texts
// ---------------------------------------------------------------------------------------------

/// Rules for case texts: `|`-separated keywords matched against the subclass name (first match
/// wins, so more specific keys come first), `|`-separated situation templates and
/// `|`-separated handling actions. Placeholders: `{p}` place, `{s}` subclass name, `{t}` a
/// leading time cue, `{d}` a trailing duration cue, `{n}` a night-time cue. A template starting
/// with `*` is a resident's own complaint and is never phrased as a grid worker's report.
#[rustfmt::skip]
const CASE_RULES: &[(&str, &str, &str)] = &[
    ("井盖|箅子", "{p}人行道上一处{s}缺失，只剩一个黑洞，行人夜间经过很危险{d}|{p}门口的{s}破损松动，车辆驶过时哐当作响{d}|{t}{p}路口的{s}下沉移位，与路面有明显高差，电动车经过容易摔倒", "设置警示标志并补装{s}，现已完好平整|更换破损的{s}并调整标高|对{s}进行复位加固，消除响动"),
    ("消防设施|消火栓", "{p}的室外消火栓被车撞歪，有漏水现象{d}|{t}{p}楼道内的灭火器箱空了，灭火器不知去向|{p}路边消火栓的栓盖丢失，阀门锈蚀严重", "修复消火栓并恢复供水压力|补齐灭火器并张贴检查标签|更换栓盖并对阀门进行除锈保养"),
    ("电力设施|配电", "{p}路边的配电箱箱门敞开，里面电线裸露，小孩路过很危险|{t}{p}的变电箱外壳锈穿，下雨天有异响{d}", "关闭并加锁配电箱门，整理裸露线缆|更换锈蚀箱体并完成绝缘检测"),
    ("信号灯", "{p}路口的{s}坏了，一直黄灯闪烁，早高峰车辆和行人抢行很乱|{t}{p}的行人过街信号灯绿灯时间太短，老人还没走到一半就变灯了", "抢修信号机，信号灯已恢复正常运行|优化信号配时，延长行人绿灯时间"),
    ("路灯", "{t}{p}一段的路灯晚上一直不亮，黑灯瞎火的，老人晚上出门不安全|{p}门口的路灯白天也亮着，浪费电{d}|{p}有一根路灯杆被车撞后倾斜，灯罩也掉了", "更换损坏灯具，路灯已恢复正常照明|调整路灯控制时间并检修线路|扶正并加固路灯杆，更换灯罩"),
    ("停车场", "{p}的公共停车场道闸坏了，车辆进出要人工抬杆{d}|{p}的停车场地面划线模糊，收费标识不清，经常发生剐蹭", "修复停车场道闸系统|重新施划停车泊位线并更新收费公示牌"),
    ("公交站|站亭", "{p}的公交站亭顶棚玻璃碎了，下雨天乘客没地方躲{d}|{t}{p}公交站的电子站牌黑屏，看不到到站信息", "更换站亭破损玻璃|修复电子站牌，已恢复显示"),
    ("标志牌|路名牌|指示牌", "{p}路口的{s}被树枝遮挡，开车根本看不见|{p}的{s}歪倒在地上{d}|{p}的{s}字迹褪色，外地人经常走错路", "修剪遮挡枝叶，{s}已清晰可见|扶正并重新固定{s}|更换褪色的{s}"),
    ("护栏", "{p}的{s}被车撞坏了一段，断口很锋利{d}|{t}{p}有几段{s}倾倒在机动车道上，影响通行", "更换受损护栏并恢复连续|扶正并加固倾倒的护栏"),
    ("厕所", "{p}附近的公共厕所异味很重，洗手池没水{d}|{t}{p}公厕的隔间门锁坏了好几个，一直没人修|*{p}的公共厕所晚上九点就关门了，附近夜班工人没地方上厕所", "对公厕进行深度保洁并修复供水|更换损坏门锁并加强日常巡检|调整公厕开放时间"),
    ("满溢", "{p}门口的垃圾箱满溢，垃圾散落一地，招来不少苍蝇{d}|{t}{p}的垃圾箱一到下午就塞满，周边一片狼藉", "清运满溢垃圾并冲洗周边地面|增加该点位的清运频次"),
    ("垃圾间|垃圾箱|垃圾桶|垃圾房", "{p}的{s}门坏了关不上，气味飘到住户家里{d}|{p}路边的{s}破了个大洞，垃圾漏在地上|{t}{p}的{s}没有按时开放，居民只能把垃圾放在门口", "修复{s}并进行消杀|更换破损的{s}|督促物业按时开放{s}"),
    ("违章张贴|悬挂", "{p}沿街有商户在人行道上方悬挂大幅横幅广告，未经审批{d}|{t}{p}多家店铺在外墙张贴大幅宣传海报，影响街面市容", "责令商户拆除违规悬挂的横幅|督促店主清除违规张贴物"),
    ("占道广告", "{p}人行道上摆着好几块落地广告牌，挡住了盲道{d}|{t}{p}有商家每天把易拉宝和广告架摆到人行道上", "清除占道广告牌并对商户进行教育|暂扣占道广告架并要求商户签订承诺书"),
    ("招牌|牌匾", "{p}一家店铺的招牌一角脱落，悬在半空，刮风时晃得厉害|{t}{p}沿街的广告灯箱破损，里面的电线露出来了", "督促店主拆除松动招牌并重新安装加固|责令修复破损灯箱并整理线路"),
    ("小广告", "{p}的电线杆和楼道墙上贴满了开锁、办证小广告{d}|{t}{p}小区单元门上被人用油漆喷了很多电话号码|{p}的公交站亭上贴满了小广告，刚清理过又被贴上", "清除小广告并对涉及号码进行停机处理|铲除喷涂广告并恢复墙面|清除小广告并加强巡查"),
    ("散发", "{t}{p}地铁口经常有人拦路发健身、培训传单，传单丢得满地都是|{p}附近有人往停放的车辆和电动车上塞小卡片{d}", "劝离散发人员并清理地面传单|对散发人员进行劝阻教育"),
    ("树挂", "{p}的行道树上挂满了晾衣绳和塑料袋|{t}{p}有居民在树上拉绳晾被子、挂杂物", "清除树上悬挂物|清除树挂并对相关居民进行劝导"),
    ("古树", "{p}的古树树干开裂，周围还有人堆放杂物{d}|*{t}{p}有人在古树保护范围内挖土种菜，担心伤到树根", "清理保护范围内的杂物并对古树进行加固养护|制止违规行为并恢复保护范围"),
    ("行道树|树木", "{p}的行道树枝杈伸进居民窗户，影响采光{d}|{p}一棵行道树被风吹得严重倾斜，随时可能倒在路上|{t}{p}有一棵行道树枯死了，一直没人处理", "对行道树进行修剪|扶正并加固倾斜树木|移除枯死树木并安排补种"),
    ("毁绿|占绿", "{p}绿化带里有人开垦种菜，草坪被挖得坑坑洼洼{d}|{t}{p}有商家把绿地铺成硬地用来停车", "清除违规种植并恢复绿化|督促商家拆除硬化地面并补种绿植"),
    ("绿地脏乱", "{p}的公共绿地里有很多烟头、塑料瓶和狗粪{d}|{t}{p}绿化带里堆满了枯枝和生活垃圾", "清理绿地内垃圾并加强保洁|清运枯枝和杂物"),
    ("绿地|绿化", "{p}的绿地围栏损坏，草坪大面积枯黄{d}|{p}绿地里的喷灌管道破裂，水一直往外冒", "修复绿地围栏并补植草皮|关闭阀门并修复喷灌管道"),
    ("宣传栏", "{p}的{s}玻璃碎了，里面的公告都被雨淋湿了|{t}{p}的{s}支架锈断，整个栏体向人行道倾斜", "更换宣传栏玻璃|加固宣传栏支架"),
    ("人防|地下室", "{p}的{s}入口长期敞开，里面堆满杂物，还有人在里面住{d}|{t}{p}的{s}积水发臭，蚊子很多", "清理杂物并封闭入口，清退违规居住人员|抽排积水并进行消杀"),
    ("防汛墙", "{p}河边的防汛墙出现裂缝，有渗水现象{d}|{t}{p}一段防汛墙顶部压顶破损，有人在上面攀爬", "对裂缝进行封堵修复|修复压顶并设置警示标志"),
    ("搭建|乱建", "{p}有住户在楼顶用彩钢板搭了一间房{d}|*{t}{p}底楼住户把院子围起来加盖了一间，还往外扩了一米多|{p}有人在公共绿地上搭建简易棚屋堆放杂物", "拆除违法搭建部分，恢复原状|责令当事人限期自行拆除，现已拆除完毕|拆除简易棚屋并清理杂物"),
    ("暴露垃圾|积存垃圾|渣土", "{p}路边堆着一大堆装修垃圾和渣土，好几天没人清运{d}|{t}{p}的空地上积存了大量生活垃圾，气味很大|{p}围墙外有人偷倒建筑垃圾，堆得越来越高", "完成清运并冲洗地面|清运积存垃圾并进行消杀|清运建筑垃圾并在点位加设监控"),
    ("道路不洁|路面不洁", "{p}人行道上油污很多，走路打滑{d}|{t}{p}一段路上的落叶和垃圾没人扫", "对路面进行冲洗保洁|加强该路段保洁频次并完成清扫"),
    ("水域|河道", "{p}旁边的河道里漂着大量垃圾和水草，水面发黑发臭{d}|{t}{p}附近河面上有死鱼和泡沫漂浮", "打捞水面漂浮物|打捞漂浮物并对水质进行检测"),
    ("遗撒", "{p}路面上有渣土车遗撒的泥浆，下雨后一片泥泞|{t}{p}有运输车辆沿路遗撒砂石，车辆经过尘土飞扬", "冲洗遗撒路面并对运输单位立案查处|清扫遗撒物并约谈运输企业"),
    ("废弃车辆|僵尸车", "{p}路边停着一辆落满灰尘的僵尸车，轮胎都瘪了{d}|{t}{p}有好几辆废弃的共享单车和电动车堆在角落", "张贴告知单，到期后已将车辆拖移|清理废弃车辆"),
    ("废弃家具|大件", "{p}楼道口有人扔了旧沙发和床垫{d}|{t}{p}的垃圾厢房旁堆了不少废弃家具和旧电器", "清运废弃家具|清运大件垃圾并引导居民预约回收"),
    ("外立面", "{p}临街建筑外墙面砖脱落，墙面发黑{d}|{t}{p}沿街楼房的外墙被人乱涂乱画", "督促产权单位修复外墙|清洗涂鸦并恢复墙面"),
    ("油烟", "*{p}楼下饭店的油烟直排，家里窗户都不敢开{d}|*{t}{p}一家烧烤店没装油烟净化器，油烟熏进居民家里|{p}沿街餐饮店的排烟管道直接对着居民楼", "督促店家安装油烟净化设施并定期清洗|责令店家整改，现已加装净化器|督促商户调整排烟口方向"),
    ("乱倒|乱排|污水", "{p}有饭店把泔水直接倒进雨水井{d}|{t}{p}有洗车店把污水排到路面上，地面结了一层油污", "责令商户停止乱排并接入污水管网|对洗车店进行处罚并清洗路面"),
    ("道路破损|路面破损", "{p}人行道地砖松动翘起，下雨天一踩一脚泥水{d}|{t}{p}车行道上有个大坑，电动车经过很危险|{p}的盲道被破坏了一大段", "修复破损的人行道地砖|对路面坑洞进行修补|修复盲道"),
    ("塌陷", "{p}路面突然塌陷出一个坑，旁边已经有人放了锥桶|{t}{p}路面出现下沉开裂，越来越明显", "设置围挡并完成塌陷路面抢修|对下沉路面进行开挖检测并修复"),
    ("施工扰民", "*{p}旁边的工地{n}还在施工，打桩声吵得睡不着|*{t}{p}有工地夜里开挖掘机作业，噪声特别大", "责令工地停止夜间施工并核查夜间施工许可|约谈施工单位并调整作业时间"),
    ("扬尘", "{p}工地裸土没有覆盖，风一吹灰尘漫天{d}|{t}{p}工地出入口没有冲洗设施，车辆带泥上路", "督促工地覆盖裸土并开启喷淋|责令工地设置车辆冲洗设施"),
    ("施工废弃", "{p}施工结束后留下大量废料和包装物没有清理{d}|{t}{p}有施工队把废弃水泥袋和钢筋堆在路边", "督促施工单位清运废弃料|清运施工废弃物并恢复路面"),
    ("施工占道", "{p}的施工围挡超出审批范围，把人行道全占了{d}|{t}{p}施工材料堆在车行道上，早晚高峰堵车", "督促施工单位收缩围挡|清理占道的施工材料"),
    ("掘路", "{p}有施工队在开挖路面，现场没有公示牌{d}|{t}{p}有人在人行道上挖沟铺管，没看到任何许可", "责令停止无证掘路并恢复路面|对施工单位立案查处并恢复路面"),
    ("自来水管|水管", "{p}路边自来水管爆裂，水往外喷{d}|{t}{p}小区里的地下水管漏水，路面一直是湿的", "关闸抢修破裂水管，已恢复供水|更换漏水管段"),
    ("燃气", "{p}附近闻到很重的煤气味，怀疑燃气管道破了|{p}有施工挖断了燃气管，现场有嘶嘶的漏气声", "关闭阀门并抢修破裂管道，复检无泄漏|抢修燃气管道并恢复供气"),
    ("下水道|化粪池", "{p}下水道堵塞，污水从窨井里冒出来{d}|{t}{p}楼下化粪池满了，污水流到路上", "疏通堵塞管道|抽排化粪池并疏通管道"),
    ("积水", "{p}一下雨就积水，水深没过脚踝{d}|{p}路口积水很深，车辆开过去溅人一身", "疏通周边雨水管道，积水已退去|清掏雨水口并加装排水泵"),
    ("架空线|线缆", "{p}上方的架空线缆垂得很低，货车经过会挂到{d}|{t}{p}有一根通信线缆断了，一截挂在半空", "抬升并整理架空线缆|修复断裂线缆并绑扎固定"),
    ("群发|聚集", "{p}门口聚集了几十名人员拉横幅讨薪，情绪激动|{p}有一批业主聚集在售楼处门口，要求开发商给说法", "会同相关部门到场疏导，人员已劝散|组织双方协商，人员已有序离开"),
    ("火灾|火情", "{p}有住户阳台冒出浓烟，疑似失火|{p}楼道里堆了大量纸板和电动车，存在火灾隐患{d}", "配合消防部门处置，现场无人员伤亡|清理楼道堆物并开展消防安全宣传"),
    ("游商|无照", "{t}{p}有流动摊贩推着三轮车卖水果，随地摆摊|{p}地铁口每天傍晚有人摆地摊卖小商品{d}", "劝离游商并加强该点位巡查|对无照经营人员进行教育劝离"),
    ("流浪|乞讨", "{p}天桥下有一名流浪人员长期滞留{d}|{t}{p}有人跪地乞讨，拉住行人要钱", "联系救助管理站将其护送至站|会同公安劝离乞讨人员"),
    ("废品", "{p}路边有人占道收废品，纸板、旧电器堆了一大片{d}|{t}{p}有废品回收点把货物堆在人行道上分拣", "清除占道废品并对经营者进行教育|责令收购点将物品收回店内"),
    ("店外经营|占道经营|出店", "{p}沿街商铺把货架摆到人行道上，行人只能走车道{d}|{t}{p}有饭店在门口摆桌子，晚上占了半条人行道", "责令商户将物品收回店内|对店外经营商户进行教育并签订承诺书"),
    ("非机动车乱停|非机动车停放|单车", "{p}门口共享单车乱停，堵住了人行道{d}|{t}{p}小区门口电动车停得乱七八糟，救护车都进不来", "整理乱停车辆并通知运营企业清运|整理非机动车并施划停放区"),
    ("机动车乱停|乱停|违停", "{p}有车辆长期停在人行道上{d}|{t}{p}路边双向都停满了车，只剩一条车道|*{p}有车把小区出入口堵住了，打电话也找不到车主", "对违停车辆张贴告知单并拖离|劝离违停车辆并增设隔离桩|联系车主将车挪走"),
    ("商业噪", "*{p}有商铺门口放大喇叭循环播放促销广告，吵得不行{d}|*{t}{p}一家KTV{n}还在唱歌，声音传到居民楼", "责令商户停止使用高音喇叭|督促商户关闭门窗并降低音量"),
    ("黑车", "{p}地铁站出口有黑车司机拉客{d}|{t}{p}有人开私家车在医院门口揽客", "会同交警开展联合整治|对拉客人员进行劝离"),
    ("烧烤", "*{p}有人{n}在路边支摊露天烧烤，烟熏火燎|{t}{p}有夜市摊贩露天烧烤，地面满是油渍", "取缔露天烧烤摊点|暂扣烧烤器具并清理地面"),
    ("晾挂", "{p}沿街居民在行道树和护栏上晾衣服被子{d}|{t}{p}有商户把拖把、抹布挂在店外", "劝导居民收回晾挂物|督促商户收回晾挂物"),
    ("堆物|堆料", "{p}路边堆放大量建材和杂物，占用人行道{d}|{t}{p}楼道里堆满了纸箱和旧家具，过道只剩一条缝", "清理堆物并恢复通行|督促清理楼道堆物"),
    ("群租", "*{p}有一套房子隔成好几间，住了十几个人，进进出出很吵{d}|{t}{p}有房东把客厅隔断出租，楼道里堆满了电动车|*{p}楼上那户是群租房，卫生间一直漏水到楼下", "拆除违规隔断，恢复原始房型|责令房东整改并清退超员人员|对群租房进行整治，现已拆除隔断"),
    ("噪声|噪音|扰民", "*{p}楼上住户{n}还在敲敲打打，严重影响休息{d}|*{t}{p}有人每天晚上在楼下跳广场舞，音响开得很大|*{p}有人{n}还在楼下喝酒喧哗", "上门劝导当事人，噪声已停止|与广场舞团队协商，调整活动时间并降低音量|劝导相关人员停止喧哗"),
    ("加装电梯", "{p}的居民想加装电梯，但低楼层住户不同意，协调了很久|*{t}{p}加装电梯的施工一直停着，围挡占了通道", "组织居民召开协调会，签署加装意见|督促施工方复工并压缩围挡范围"),
    ("电梯", "{p}的电梯又坏了，老人只能爬楼{d}|{t}{p}的电梯运行时抖得厉害，前天还困过人", "督促维保单位修复电梯并进行安全检测|更换故障部件，电梯已恢复运行"),
    ("物业", "*{p}的物业管理很差，楼道灯坏了没人修，保安经常不在岗{d}|{t}{p}的物业随意涨停车费，也不公示收支", "约谈物业公司并督促整改|督促物业公示收费标准"),
    ("消防通道", "{p}的消防通道被车辆和杂物堵住{d}|{t}{p}的消防通道上被人装了地锁", "清理消防通道堵塞物|拆除违规地锁"),
    ("渗漏|漏水", "*{p}楼上卫生间漏水，渗到楼下天花板{d}|*{t}{p}外墙渗水，雨天屋里墙面发霉", "协调上下楼住户完成防水维修|督促物业完成外墙防水修缮"),
    ("小区环境", "{p}小区里垃圾乱堆，绿化没人修剪{d}|{t}{p}小区内道路坑洼，路灯也不亮", "督促物业开展环境整治|修补小区道路并修复路灯"),
    ("充电", "{p}有住户从楼上拉飞线给电动车充电{d}|{t}{p}楼道里有人给电动车充电，存在火灾隐患", "拆除飞线并引导居民到充电桩充电|清理楼道内充电车辆并宣传消防知识"),
    ("水质|供水", "*{p}家里的自来水发黄，有异味{d}|{t}{p}的水箱很久没有清洗，水里有杂质", "清洗二次供水水箱，水质检测合格|冲洗管道并检测水质"),
    ("停电|供电", "{p}整栋楼突然停电了，已经好几个小时|{t}{p}经常跳闸停电", "抢修故障线路，已恢复供电|更换老化电缆，供电已稳定"),
    ("食品", "*{p}有一家小吃店卫生条件很差，后厨苍蝇乱飞|{t}{p}有店铺出售过期食品", "对店铺进行检查并责令整改|下架过期食品并立案调查"),
    ("犬|遛狗", "*{p}有人遛狗不牵绳，还把狗粪留在草坪上{d}|*{t}{p}楼上养的狗{n}还一直叫", "对养犬人进行劝导教育|上门劝导，要求文明养犬"),
    ("装修", "{p}有住户装修时敲掉了承重墙{d}|*{t}{p}有住户装修{n}还在施工，周末也不停", "责令停止违规装修并恢复原状|督促装修人员按规定时间作业"),
    ("停车", "*{p}小区车位不够，外来车辆随意进出占位{d}|{t}{p}的停车收费标准不公示，物业乱收费", "督促物业加强车辆进出管理|督促公示停车收费标准"),
];

/// Fallback for subclass names no rule knows.
const GENERIC_RULE: (&str, &str, &str) = (
    "",
    "{p}存在{s}问题{d}|{t}{p}出现{s}情况，影响周边居民|{p}附近的{s}问题一直没有解决",
    "完成现场处置|会同相关部门处置完毕",
);

#[rustfmt::skip]
const LEAD_CUES: &[&str] = &[
    "近一周来，", "最近几天，", "这段时间，", "从上周开始，", "连日来，", "近半个月以来，",
];
#[rustfmt::skip]
const TRAIL_CUES: &[&str] = &[
    "，已经持续三天了", "，已有一周多", "，反映过几次仍未解决", "，至今无人处理", "，前天就这样了", "，情况越来越严重",
];
const NIGHT_CUES: &[&str] = &["每天晚上十点以后", "每到深夜", "凌晨一两点", "晚上十一点多"];
#[rustfmt::skip]
const CITIZEN_OPENERS: &[&str] = &[
    "市民来电反映：", "居民反映，", "有居民投诉称，", "市民通过随申办反映：",
    "热心市民拍照反映：", "来电人反映：", "居民向居委会反映：",
];
#[rustfmt::skip]
const GRID_OPENERS: &[&str] = &[
    "网格员巡查发现：", "网格员日常巡查时发现，", "城管队员巡查发现：", "监督员上报：",
];
#[rustfmt::skip]
const CITIZEN_TAILS: &[&str] = &[
    "", "希望相关部门尽快处理。", "请尽快派人来看看。",
    "存在安全隐患，要求尽快处理。", "希望有关部门管一管。", "之前打过电话，一直没人管。",
];
const GRID_TAILS: &[&str] = &["", "已拍照取证，请相关部门处置。", "请责任单位尽快处置。"];

/// The rule whose keywords match `subclass_name`, if any.
fn find_rule(subclass_name: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    CASE_RULES
        .iter()
        .find(|(keys, _, _)| keys.split('|').any(|k| subclass_name.contains(k)))
}

/// Replaces placeholders in `template`; returns the text and whether it is citizen-only.
fn fill(rng: &mut impl Rng, template: &str, subclass: &str, place: &str) -> (String, bool) {
    let (citizen_only, template) = match template.strip_prefix('*') {
        Some(rest) => (true, rest),
        None => (false, template),
    };
    let s = if subclass.is_empty() {
        "市容环境"
    } else {
        subclass
    };
    let text = template
        .replace("{t}", pick(rng, LEAD_CUES))
        .replace("{d}", pick(rng, TRAIL_CUES))
        .replace("{n}", pick(rng, NIGHT_CUES))
        .replace("{s}", s)
        .replace("{p}", place);
    (text, citizen_only)
}

/// The situation clause of a case (no opener, no final stop) and whether it is citizen-only.
fn case_body(rng: &mut impl Rng, subclass_name: &str, place: &str) -> (String, bool) {
    let (_, texts, _) = find_rule(subclass_name).unwrap_or(&GENERIC_RULE);
    let template = pick_part(rng, texts);
    fill(rng, template, subclass_name, place)
}

/// A resident's complaint or a grid worker's report about `subclass_name` (a 部件/事件
/// subclass such as `上水井盖`, `暴露垃圾`, `噪声扰民`) at `place` (`田林路200弄`), in one to
/// three sentences of natural Chinese with a varied opening and time cues. Unknown subclass
/// names get a generic text that mentions the name; the place always appears in the text.
pub fn case_text(rng: &mut impl Rng, subclass_name: &str, place: &str) -> String {
    let (body, citizen_only) = case_body(rng, subclass_name, place);
    let grid = !citizen_only && rng.gen_bool(0.35);
    let (opener, tail) = if grid {
        (pick(rng, GRID_OPENERS), pick(rng, GRID_TAILS))
    } else {
        (pick(rng, CITIZEN_OPENERS), pick(rng, CITIZEN_TAILS))
    };
    format!("{opener}{body}。{tail}")
}

// ---------------------------------------------------------------------------------------------
// 12345 hotline orders
// ---------------------------------------------------------------------------------------------

/// Consultation topics and the questions callers ask about them.
#[rustfmt::skip]
const CONSULT_TOPICS: &[(&str, &str)] = &[
    ("居住证办理", "想了解办理上海市居住证需要准备哪些材料、在哪里办理|居住证快到期了，想问续签的流程和需要的材料"),
    ("医保", "想了解异地就医备案的流程和报销比例|咨询灵活就业人员如何缴纳职工医保"),
    ("入学", "孩子明年上小学，想了解对口学校和入学信息登记的时间|咨询非沪籍子女在徐汇区入学需要满足哪些条件"),
    ("公积金", "咨询租房提取公积金的条件和额度|想了解公积金贷款额度如何计算"),
    ("养老金", "咨询退休后养老金领取资格认证怎么办理|想了解今年养老金调整后的发放时间"),
    ("落户", "咨询人才引进落户需要准备哪些材料|想了解投靠子女落户的条件"),
    ("垃圾分类", "咨询大件垃圾和装修垃圾应该如何预约清运|想了解小区垃圾定时定点投放的规定"),
    ("人才公寓", "想了解人才公寓的申请条件和租金标准|咨询人才公寓申请需要提交哪些证明"),
    ("社保卡", "咨询社保卡遗失后补办的流程|想了解社保卡金融功能如何激活"),
    ("营业执照", "咨询个体工商户营业执照的办理流程|想了解公司注册地址变更需要哪些材料"),
    ("老年综合津贴", "咨询老年综合津贴的申领条件和发放标准|想了解长者食堂的位置和就餐优惠"),
    ("生育津贴", "咨询生育津贴的申领流程和所需材料|想了解新生儿参加居民医保的手续"),
];

/// Topics a complaint, report or request for help is about when the caller gives none.
#[rustfmt::skip]
const COMPLAINT_TOPICS: &[&str] = &[
    "噪声扰民", "群租", "油烟扰民", "机动车乱停放", "暴露垃圾", "住宅小区违法搭建",
    "施工扰民", "非机动车充电", "物业服务", "不文明养犬", "占道经营", "渗漏水",
];
#[rustfmt::skip]
const HELP_TOPICS: &[&str] = &[
    "自来水管破裂", "停电", "下水道堵塞或破损", "电梯故障", "道路积水",
];

#[rustfmt::skip]
const SUGGESTIONS: &[&str] = &[
    "在{p}附近增设非机动车停放点，方便周边居民", "在{p}的公交站增设候车座椅，方便周边居民", "在{p}周边增设一座公共厕所，方便周边居民",
    "推进{p}所在小区加装电梯，方便周边居民", "延长{p}附近社区食堂的营业时间，方便周边居民", "在{p}附近的路口增设行人过街信号灯，方便周边居民",
    "在{p}周边增设健身步道和休息座椅，方便周边居民",
];
const TOPIC_SUGGESTIONS: &str =
    "加强{p}周边{x}问题的治理，增加巡查频次|针对{p}一带{x}问题反复出现的情况，建立长效管理机制";

const GENERIC_QUESTIONS: &str =
    "想了解{x}问题应该向哪个部门反映、一般如何处理|咨询{x}方面的相关政策规定";
const PRAISED_DEEDS: &str =
    "热心帮助独居老人办理各项事务|及时协调解决了楼道堆物问题|深夜上门帮助处理水管爆裂";

/// Request type keyword, opening and `|`-separated closing demands of complaint-like orders.
#[rustfmt::skip]
const HOTLINE_FRAMES: &[(&str, &str, &str)] = &[
    ("投诉", "来电人投诉：", "要求相关部门尽快处理。|来电人情绪激动，要求给予答复。|希望尽快解决，并要求回电。"),
    ("举报", "来电人举报：", "请相关部门依法查处。|来电人要求对其个人信息保密。|请核实处理。"),
    ("求助", "来电人求助：", "请相关部门尽快协助解决。|情况紧急，请尽快派人到场。"),
];

/// A 12345 hotline work order of the given request type (`咨询`, `查询`, `求助`, `投诉`,
/// `举报`, `建议`, `表扬`, `催办`, `其他`) about `topic` (free text such as `噪声扰民`; when
/// empty an everyday topic is chosen, e.g. 居住证办理, 医保 or 入学 for consultations) at
/// `place`, which always appears in the text.
pub fn hotline_text(
    rng: &mut impl Rng,
    request_type_name: &str,
    topic: &str,
    place: &str,
) -> String {
    let kind = request_type_name;
    if kind.contains("咨询") || kind.contains("查询") {
        let (topic, question) = consult_question(rng, topic);
        return match rng.gen_range(0..3) {
            0 => format!("市民来电咨询：本人住在{place}，{question}，请相关部门答复。"),
            1 => format!("来电人称其居住在{place}，{question}，希望得到明确答复。"),
            _ => format!("来电人咨询{topic}相关事宜：{question}。来电人地址：{place}。"),
        };
    }
    if kind.contains("建议") {
        let text = if topic.is_empty() {
            pick(rng, SUGGESTIONS).replace("{p}", place)
        } else {
            let t = pick_part(rng, TOPIC_SUGGESTIONS);
            t.replace("{p}", place).replace("{x}", topic)
        };
        return format!("来电人建议{text}。");
    }
    if kind.contains("表扬") {
        let deed = pick_part(rng, PRAISED_DEEDS);
        return format!("来电人表扬{place}所在居委会的工作人员{deed}，特来电致谢。");
    }
    let defaults = if kind.contains("求助") {
        HELP_TOPICS
    } else {
        COMPLAINT_TOPICS
    };
    let topic = if topic.is_empty() {
        pick(rng, defaults)
    } else {
        topic
    };
    if kind.contains("催办") {
        return format!(
            "来电人称此前反映的{topic}问题（地址：{place}）至今未得到解决，要求加快办理并回电。"
        );
    }
    let (body, _) = case_body(rng, topic, place);
    let (_, lead, demand) = HOTLINE_FRAMES
        .iter()
        .find(|(k, _, _)| kind.contains(k))
        .copied()
        .unwrap_or((
            "",
            "来电人反映：",
            "希望相关部门了解并处理。|请相关部门核实。",
        ));
    format!("{lead}{body}。{}", pick_part(rng, demand))
}

/// The topic name and one question for a consultation about `topic` (or a random topic).
fn consult_question<'a>(rng: &mut impl Rng, topic: &'a str) -> (&'a str, String) {
    if topic.is_empty() {
        let (name, questions) = CONSULT_TOPICS.choose(rng).copied().unwrap_or(("医保", ""));
        return (name, pick_part(rng, questions).to_string());
    }
    match CONSULT_TOPICS
        .iter()
        .find(|(k, _)| topic.contains(k) || k.contains(topic))
    {
        Some((_, questions)) => (topic, pick_part(rng, questions).to_string()),
        None => {
            let q = pick_part(rng, GENERIC_QUESTIONS);
            (topic, q.replace("{x}", topic))
        }
    }
}

const REPLY_OPENERS: &str = "经现场核查，情况属实。|接单后，处置人员立即赶赴现场。|经核实，";
const REPLY_WHEN: &str = "已于当日|已于次日上午|已于接单后两小时内|已于当天下午|已于三个工作日内";
const REPLY_CLOSINGS: &str =
    "已电话回复来电人，来电人表示满意。|已告知诉求人处理结果，对方表示认可。|";
const REPLY_OBSTACLES: &str = "该处产权单位不明确|该问题属历史遗留问题|该问题涉及多个部门职责交叉|修缮工程需纳入明年计划|相关维修资金尚未落实";

/// The handling department's reply to a case about `subclass_name`. With `satisfied` the reply
/// reports the problem fixed and the caller content; otherwise it explains why the problem
/// persists or could not be fully solved and records the caller's dissatisfaction.
pub fn handling_reply(rng: &mut impl Rng, subclass_name: &str, satisfied: bool) -> String {
    let (_, _, fixes) = find_rule(subclass_name).unwrap_or(&GENERIC_RULE);
    let s = if subclass_name.is_empty() {
        "相关设施"
    } else {
        subclass_name
    };
    let fix = pick_part(rng, fixes).replace("{s}", s);
    let open = pick_part(rng, REPLY_OPENERS);
    let when = pick_part(rng, REPLY_WHEN);
    if satisfied {
        return format!("{open}{when}{fix}。{}", pick_part(rng, REPLY_CLOSINGS));
    }
    match rng.gen_range(0..3) {
        0 => format!("{open}{when}{fix}，但问题反复出现，来电人对处理结果不满意。"),
        1 => format!(
            "经现场核查，{}，暂无法彻底解决，已向来电人做好解释，来电人表示不满意。",
            pick_part(rng, REPLY_OBSTACLES)
        ),
        _ => "处置人员多次上门未遇当事人，已张贴告知书，来电人对处理进度不满意。".to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::collections::BTreeSet;

    /// Subclass names of `event_categories.csv` (shared taxonomy), one line.
    const TAXONOMY: &str = "上水井盖 污水井盖 雨水井盖 雨水箅子 电信井盖 燃气井盖 消防设施 电力设施 路灯 停车场 公交站亭 交通标志牌 交通护栏 路名牌 交通信号灯 公共厕所 垃圾间 垃圾箱 广告牌匾 古树名木 行道树 绿地 宣传栏 人防工事 公房地下室 防汛墙 私搭乱建 暴露垃圾 积存垃圾渣土 道路不洁 水域不洁 绿地脏乱 废弃车辆 废弃家具设备 非装饰性树挂 道路破损 油烟污染 乱倒乱排污水 建筑物外立面污损 垃圾箱满溢 占绿毁绿 非法小广告 违章张贴悬挂广告牌匾 占道广告牌 街头散发广告 广告招牌破损 施工扰民 工地扬尘 道路遗撒 施工废弃料 施工占道 无证掘路 路面塌陷 自来水管破裂 燃气管道破裂 下水道堵塞或破损 道路积水 架空线缆损坏 群发性事件 火灾险情 无照经营游商 流浪乞讨 占道废品收购 店外经营 机动车乱停放 非机动车乱停放 乱堆物堆料 商业噪音 黑车拉客 露天烧烤 沿街晾挂 占道经营 群租 噪声扰民 油烟扰民 电梯故障 物业服务 加装电梯 住宅小区违法搭建 停车管理 消防通道堵塞 渗漏水 小区环境 非机动车充电 二次供水水质 停电 食品安全 不文明养犬 违规装修";

    fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    fn is_cjk(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
    }

    #[test]
    fn chinese_names_are_two_to_four_cjk_chars_with_some_compound_surnames() {
        let mut r = rng(1);
        let mut compound = 0;
        let mut lengths = BTreeSet::new();
        for i in 0..3000 {
            let name = chinese_name(&mut r, i % 2 == 0);
            let n = name.chars().count();
            assert!((2..=4).contains(&n), "{name}");
            assert!(name.chars().all(is_cjk), "{name}");
            lengths.insert(n);
            if COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s)) {
                compound += 1;
            }
        }
        assert!(
            (20..=120).contains(&compound),
            "compound surnames: {compound}"
        );
        assert!(lengths.contains(&2) && lengths.contains(&3));
    }

    #[test]
    fn common_surnames_dominate() {
        let mut r = rng(2);
        let names: Vec<String> = (0..2000).map(|_| chinese_name(&mut r, true)).collect();
        let count = |c: char| names.iter().filter(|n| n.starts_with(c)).count();
        assert!(count('王') > count('孔') * 3);
        assert!(count('沈') > 0 && count('顾') > 0);
    }

    #[test]
    fn foreign_names_are_latin_and_weighted_toward_japan() {
        let mut r = rng(3);
        let mut by_nat = std::collections::BTreeMap::new();
        for i in 0..2000 {
            let f = foreign_name(&mut r, i % 3 == 0);
            assert!(
                f.name
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-')
            );
            assert!(f.name.contains(' ') && f.name.chars().any(|c| c.is_ascii_uppercase()));
            assert_eq!(f.nationality.len(), 3);
            *by_nat.entry(f.nationality).or_insert(0) += 1;
        }
        assert!(by_nat["JPN"] > by_nat["ITA"] * 3);
        assert!(by_nat.len() >= 8);
    }

    #[test]
    fn estate_names_end_with_suffix_and_rarely_collide() {
        let mut r = rng(4);
        let mut set = BTreeSet::new();
        let mut numbered = 0;
        for _ in 0..1000 {
            let e = estate_name(&mut r);
            assert!(ESTATE_SUFFIXES.iter().any(|s| e.ends_with(s)), "{e}");
            assert!(e.chars().count() >= 3 && e.chars().all(is_cjk), "{e}");
            if e.ends_with('村') && !e.ends_with("新村") {
                numbered += 1;
            }
            set.insert(e);
        }
        assert!(set.len() > 900, "distinct: {}", set.len());
        assert!(numbered > 30);
    }

    #[test]
    fn offices_companies_and_shops() {
        let mut r = rng(5);
        let offices: BTreeSet<String> = (0..500).map(|_| office_name(&mut r)).collect();
        assert!(offices.len() > 450);
        assert!(offices.iter().all(|o| o.chars().all(is_cjk)));
        for industry in INDUSTRIES {
            for _ in 0..30 {
                let c = company_name(&mut r, industry);
                assert!(c.starts_with("上海"), "{c}");
                assert!(
                    c.ends_with("公司")
                        || c.ends_with("（有限合伙）")
                        || c.starts_with("上海市徐汇区"),
                    "{c}"
                );
            }
        }
        let food: Vec<String> = (0..200)
            .map(|_| company_name(&mut r, "住宿和餐饮业"))
            .collect();
        assert!(food.iter().any(|c| c.starts_with("上海市徐汇区")));
        assert!(
            food.iter()
                .any(|c| c.contains("餐饮") || c.contains("酒店"))
        );
        let it = company_name(&mut r, "信息传输、软件和信息技术服务业");
        assert!(
            ["信息", "网络", "软件", "数据", "智能"]
                .iter()
                .any(|k| it.contains(k)),
            "{it}"
        );
        assert!(company_name(&mut r, "未知行业").ends_with("公司"));
        let shops: BTreeSet<String> = (0..300).map(|_| shop_name(&mut r)).collect();
        assert!(shops.len() > 200);
        assert!(shops.iter().any(|s| s.starts_with('老')));
    }

    #[test]
    fn every_taxonomy_subclass_has_its_own_rule_and_mentions_place() {
        let mut r = rng(6);
        for name in TAXONOMY.split(' ') {
            assert!(find_rule(name).is_some(), "no rule for {name}");
            let mut openers = BTreeSet::new();
            for _ in 0..20 {
                let t = case_text(&mut r, name, "田林路200弄");
                assert!(t.contains("田林路200弄"), "{t}");
                assert!(!t.contains('{') && !t.contains('*'), "{t}");
                let sentences = t.matches('。').count();
                assert!((1..=3).contains(&sentences), "{t}");
                openers.insert(t.chars().take(4).collect::<String>());
            }
            assert!(openers.len() >= 2, "{name}");
        }
    }

    #[test]
    fn rules_match_the_intended_subclass() {
        let key = |n: &str| find_rule(n).map(|r| r.0).unwrap_or("");
        assert_eq!(key("非机动车乱停放"), key("非机动车停放"));
        assert_ne!(key("机动车乱停放"), key("非机动车乱停放"));
        assert_ne!(key("违章张贴悬挂广告牌匾"), key("广告牌匾"));
        assert_ne!(key("污水井盖"), key("乱倒乱排污水"));
        assert_ne!(key("施工扰民"), key("噪声扰民"));
        assert_ne!(key("加装电梯"), key("电梯故障"));
        assert_ne!(key("绿地脏乱"), key("绿地"));
        assert!(case_text(&mut rng(7), "路灯", "漕溪北路88号").contains("灯"));
    }

    #[test]
    fn every_template_has_place_and_two_variants() {
        for (keys, texts, fixes) in CASE_RULES {
            assert!(texts.split('|').count() >= 2, "{keys}");
            assert!(fixes.split('|').count() >= 2, "{keys}");
            assert!(texts.split('|').all(|t| t.contains("{p}")), "{keys}");
        }
    }

    #[test]
    fn unknown_subclass_gets_generic_text() {
        let mut r = rng(8);
        let t = case_text(&mut r, "井喷式外卖", "漕溪北路88号");
        assert!(
            t.contains("漕溪北路88号") && t.contains("井喷式外卖"),
            "{t}"
        );
        assert!(!case_text(&mut r, "", "漕溪北路88号").contains("{"));
        assert!(!handling_reply(&mut r, "井喷式外卖", true).is_empty());
    }

    #[test]
    fn hotline_orders_for_every_type() {
        let mut r = rng(9);
        for kind in [
            "咨询", "查询", "求助", "投诉", "举报", "建议", "表扬", "催办", "其他",
        ] {
            for topic in ["", "噪声扰民", "居住证办理", "广场舞"] {
                let t = hotline_text(&mut r, kind, topic, "漕溪北路88号");
                assert!(t.contains("漕溪北路88号"), "{kind} {topic}: {t}");
                assert!(
                    !t.contains('{') && !t.contains('*') && t.ends_with('。'),
                    "{t}"
                );
            }
        }
        let consult: BTreeSet<String> = (0..100)
            .map(|_| hotline_text(&mut r, "咨询", "", "田林路200弄"))
            .collect();
        assert!(consult.iter().any(|t| t.contains("居住证")));
        assert!(consult.iter().any(|t| t.contains("入学")));
        assert!(hotline_text(&mut r, "投诉", "噪声扰民", "x").contains("来电人投诉"));
    }

    #[test]
    fn handling_replies() {
        let mut r = rng(10);
        for name in TAXONOMY.split(' ') {
            let ok = handling_reply(&mut r, name, true);
            assert!(
                !ok.is_empty() && !ok.contains('{') && !ok.contains("不满意"),
                "{ok}"
            );
            let bad = handling_reply(&mut r, name, false);
            assert!(bad.contains("不满意"), "{bad}");
        }
        assert!(handling_reply(&mut r, "上水井盖", true).contains("上水井盖"));
    }

    #[test]
    fn deterministic_for_a_seed() {
        let run = |seed| {
            let mut r = rng(seed);
            let mut out = vec![chinese_name(&mut r, true), foreign_name(&mut r, false).name];
            out.push(estate_name(&mut r));
            out.push(office_name(&mut r));
            out.push(company_name(&mut r, INDUSTRIES[0]));
            out.push(shop_name(&mut r));
            out.push(case_text(&mut r, "群租", "田林路200弄"));
            out.push(hotline_text(&mut r, "咨询", "", "田林路200弄"));
            out.push(handling_reply(&mut r, "群租", false));
            out
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number(3), "三");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(21), "二十一");
    }
}
