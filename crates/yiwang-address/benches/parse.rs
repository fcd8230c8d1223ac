//! Parsing throughput on one core over a built-in mix of addresses.
//!
//! `cargo bench -p yiwang-address --bench parse`. Each iteration normalises (or parses) every
//! address of the mix once; divan reports the time per iteration and, with the item counter,
//! addresses per second. The mix is written for this bench (no corpus text): Shanghai addresses
//! with and without the city and district, written in full or short, with lanes, doors,
//! buildings, units, floors and rooms in the forms people use (Chinese numerals, full-width
//! digits, `幢`/`栋`, `12-3-1001`, `B1`, `3F`), national addresses from province down to the
//! room, direction and distance phrases, and some noise. The global allocator is mimalloc, as in
//! the `yiwang` binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// The allocator of the `yiwang` binary, so the figures are the ones the CLI and server get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use divan::{Bencher, black_box, counter::ItemsCount};
use yiwang_address::{Gazetteer, normalize, parse};

fn main() {
    divan::main();
}

/// Addresses written for this bench.
const MIX: &[&str] = &[
    "上海市徐汇区宛平南路500弄9号660室",
    "徐汇区漕溪北路88号12层1203室",
    "漕溪北路88号十二楼",
    "沪徐汇区天钥桥路123号",
    "上海徐汇虹桥路1号港汇广场一座2301",
    "上海市闵行区七宝镇七莘路3655弄21号302室",
    "浦东新区张江镇祖冲之路887弄73号",
    "上海市浦东新区世纪大道100号环球金融中心58层",
    "田林十二村２幢二〇一号房",
    "长宁区仙霞路99号尚嘉中心B1层",
    "静安区南京西路1266号恒隆广场3F",
    "黄浦区延安中路1000号",
    "上海市杨浦区五角场街道国定路335号2号楼3单元501室",
    "宝山区友谊路街道牡丹江路1508弄12支弄3号",
    "嘉定区安亭镇墨玉南路888号",
    "松江区九亭镇沪亭北路218号12-3-1001",
    "上海市普陀区长寿路街道长寿路155号近西康路",
    "徐家汇街道虹桥路1号",
    "梅陇三村45号204室",
    "上海市卢湾区淮海中路222号",
    "闸北区共和新路1999弄5号楼",
    "浙江省杭州市余杭区五常街道文一西路969号阿里巴巴西溪园区",
    "浙江杭州西湖区文三路477号华星科技大厦12楼",
    "江苏省南京市鼓楼区中山北路30号",
    "广东省深圳市南山区科技园科苑路15号科兴科学园B栋3单元1102",
    "北京市海淀区中关村大街27号",
    "北京朝阳区建国路88号SOHO现代城A座2008",
    "四川省成都市武侯区人民南路四段1号",
    "湖北省武汉市洪山区珞喻路1037号华中科技大学东校区",
    "河南省郑州市金水区花园路与农业路交叉口东北角",
    "浙江省宁波市鄞州区首南街道天童南路588号宁波文化广场往南100米",
    "广西壮族自治区南宁市青秀区民族大道136号",
    "新疆维吾尔自治区乌鲁木齐市天山区解放北路",
    "山东省青岛市市南区香港中路10号颐和国际A座2501室",
    "云南省昆明市五华区翠湖南路2号云南大学旁边",
    "浙江省温州市平阳县海西镇宋埠村5组",
    "内蒙古自治区呼和浩特市新城区锡林郭勒北路",
    "福建省厦门市思明区厦禾路(近火车站)",
    "陕西省西安市雁塔区小寨东路126号百隆广场负一层",
    "重庆市渝中区解放碑步行街8号,,,",
    "湖南省长沙市岳麓区麓山南路932号中南大学",
    "辽宁省大连市中山区人民路 9 号",
    "天津市和平区南京路189号津汇广场2座1506",
    "吉林省长春市朝阳区人民大街5088号",
    "上海市青浦区徐泾镇崧泽大道6000号国家会展中心",
    "奉贤区南桥镇解放东路88弄3号楼1单元601室",
];

#[divan::bench]
fn parse_mix(bencher: Bencher) {
    let gaz = Gazetteer::default();
    bencher.counter(ItemsCount::new(MIX.len())).bench_local(|| {
        for a in MIX {
            black_box(parse(black_box(a), &gaz));
        }
    });
}

#[divan::bench]
fn normalize_mix(bencher: Bencher) {
    bencher.counter(ItemsCount::new(MIX.len())).bench_local(|| {
        for a in MIX {
            black_box(normalize(black_box(a)));
        }
    });
}

/// A 10 KB input: the mix repeated, separated by commas.
#[divan::bench]
fn parse_10kb(bencher: Bencher) {
    let gaz = Gazetteer::default();
    let mut long = String::new();
    while long.len() < 10 * 1024 {
        for a in MIX {
            long.push_str(a);
            long.push('，');
        }
    }
    bencher.bench_local(|| black_box(parse(black_box(&long), &gaz)));
}

/// 10 KB of one repeated element, the worst cases for the segmenter's look-arounds.
#[divan::bench(args = ["路", "旁", "浙江省", "1号", "-"])]
fn parse_10kb_repeated(bencher: Bencher, unit: &str) {
    let gaz = Gazetteer::default();
    let text = unit.repeat(10 * 1024 / unit.len());
    bencher.bench_local(|| black_box(parse(black_box(&text), &gaz)));
}

#[divan::bench]
fn gazetteer_default() -> Gazetteer {
    Gazetteer::default()
}
