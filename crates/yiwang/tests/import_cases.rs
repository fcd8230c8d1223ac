//! `yiwang import cases` as a user runs it: CSV and XLSX, a row-level report, one transaction,
//! and a second import that adds nothing; and `serve --mqtt` refusing a bad broker URL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use serde_json::Value;
use yiwang_store::{CaseQuery, Store};

fn yiwang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yiwang"))
        .args(args)
        .env_remove("YIWANG_DATABASE_URL")
        .env("YIWANG_LOG", "warn")
        .output()
        .unwrap()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("yiwang_cli_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn case_count(db: &str) -> u64 {
    let out = yiwang(&["stats", "--db", db, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    stats["cases"].as_u64().expect("stats has cases")
}

fn read_report(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn rejected_lines(report: &Value) -> Vec<u64> {
    report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hotline_orders_import_from_csv_and_xlsx_once() {
    let dir = temp_dir("import_cases");
    let db = dir.join("y.db").display().to_string();
    let out = yiwang(&[
        "demo",
        "--scale",
        "0.003",
        "--seed",
        "11",
        "--no-serve",
        "--db",
        &db,
        "--demo-password",
        "demo-password",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::connect(&format!("sqlite://{db}")).await.unwrap();
    let building = store.buildings_with_points().await.unwrap().remove(0);
    let address = building.standard_address.clone();
    store.close().await;
    let before = case_count(&db);

    let csv = dir.join("orders.csv");
    std::fs::write(
        &csv,
        format!(
            "order_no,received_at,request_type,text,address,category_code,department,state,closed_at,satisfaction,reply\n\
             GD-IMPORT-1,2025-03-04 09:30,投诉,导入测试甲：楼道堆物堵塞消防通道,{address},,区房管局,closed,2025-03-06 16:00,满意,已清理\n\
             GD-IMPORT-2,2025-04-01T08:15:00+08:00,求助,导入测试乙：路灯不亮,{address},,,open,,,\n\
             GD-IMPORT-3,yesterday,投诉,时间不对,{address},,,open,,,\n\
             GD-IMPORT-4,2025-03-04 09:30,投诉,已结案却没有结案时间,{address},,,closed,,,\n\
             GD-IMPORT-1,2025-03-04 09:30,投诉,重复的工单号,{address},,,open,,,\n\
             GD-IMPORT-5,2025-03-04 09:30,闲聊,未知诉求类型,{address},,,open,,,\n\
             GD-IMPORT-6,2025-05-05 10:00,建议,\"导入测试丙：多行文本，\n含逗号\",{address},,,open,,,\n\
             GD-IMPORT-7,2025-05-05 10:00,投诉,井盖还是路面塌陷,{address},0401,,open,,,\n"
        ),
    )
    .unwrap();
    let report = dir.join("report.json");
    let csv_arg = csv.display().to_string();
    let report_arg = report.display().to_string();
    let out = yiwang(&[
        "import",
        "cases",
        &csv_arg,
        "--db",
        &db,
        "--report",
        &report_arg,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "rows were rejected: {stderr}");
    for needle in [
        format!("{csv_arg}:4: `received_at`"),
        format!("{csv_arg}:5: a closed order needs `closed_at`"),
        format!("{csv_arg}:6: `order_no` `GD-IMPORT-1` appears earlier"),
        format!("{csv_arg}:7: `request_type` `闲聊`"),
        format!("{csv_arg}:10: subclass code `0401`"),
    ] {
        assert!(stderr.contains(&needle), "{stderr}\nshould say {needle}");
    }
    let r = read_report(&report);
    assert_eq!(r["accepted"], 3, "{r}");
    assert_eq!(rejected_lines(&r), [4, 5, 6, 7, 10]);
    assert_eq!(case_count(&db), before + 3);

    let store = Store::connect(&format!("sqlite://{db}")).await.unwrap();
    let imported: Vec<_> = store
        .cases(&CaseQuery {
            source: Some("hotline".to_owned()),
            limit: 100_000,
            ..CaseQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.text.starts_with("导入测试"))
        .collect();
    store.close().await;
    assert_eq!(imported.len(), 3);
    let closed = imported.iter().find(|c| c.text.contains("甲")).unwrap();
    assert_eq!(closed.state, "closed");
    assert_eq!(closed.premises_id, Some(building.id), "address matched");
    assert!(closed.grid_code.is_some());
    assert_eq!(closed.department_code.as_deref(), Some("XH-FGJ"));
    assert_eq!(closed.satisfaction.as_deref(), Some("satisfied"));
    assert_eq!(closed.reply.as_deref(), Some("已清理"));
    assert_eq!(closed.created_at.to_rfc3339(), "2025-03-04T01:30:00+00:00");
    assert_eq!(
        closed.closed_at.unwrap().to_rfc3339(),
        "2025-03-06T08:00:00+00:00"
    );
    let open = imported.iter().find(|c| c.text.contains("乙")).unwrap();
    assert_eq!(
        (open.state.as_str(), open.parent_id),
        ("received", None),
        "an old order is merged into no later case: {open:?}"
    );
    assert!(open.due_at.is_some());
    let multi = imported.iter().find(|c| c.text.contains("丙")).unwrap();
    assert_eq!(multi.text, "导入测试丙：多行文本，\n含逗号");

    // Again: nothing new.
    let out = yiwang(&[
        "import",
        "cases",
        &csv_arg,
        "--db",
        &db,
        "--report",
        &report_arg,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let r = read_report(&report);
    assert_eq!(
        (r["accepted"].as_u64(), r["already_imported"].as_u64()),
        (Some(0), Some(3)),
        "{r}"
    );
    assert_eq!(case_count(&db), before + 3);

    // XLSX, date cells included: a dry run writes nothing, then the import keeps the good row.
    let xlsx = dir.join("orders.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "order_no",
        "received_at",
        "request_type",
        "text",
        "address",
        "state",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::parse_from_str("2025-06-01 14:20:00").unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm");
    sheet.write_string(1, 0, "GD-XLSX-1").unwrap();
    sheet
        .write_datetime_with_format(1, 1, &date, &format)
        .unwrap();
    for (c, v) in [
        (2, "咨询"),
        (3, "导入测试丁：表格工单"),
        (4, address.as_str()),
        (5, "open"),
    ] {
        sheet.write_string(1, c, v).unwrap();
    }
    for (c, v) in [
        (0, "GD-XLSX-2"),
        (1, "2025-06-01 14:20"),
        (2, "咨询"),
        (3, ""),
        (4, address.as_str()),
        (5, "open"),
    ] {
        sheet.write_string(2, c, v).unwrap();
    }
    book.save(&xlsx).unwrap();
    let xlsx_arg = xlsx.display().to_string();
    let out = yiwang(&[
        "import",
        "cases",
        &xlsx_arg,
        "--db",
        &db,
        "--dry-run",
        "--report",
        &report_arg,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{xlsx_arg}:3: `text` is empty")),
        "{stderr}"
    );
    let r = read_report(&report);
    assert_eq!(r["accepted"], 1, "{r}");
    assert_eq!(case_count(&db), before + 3, "a dry run writes nothing");
    let out = yiwang(&["import", "cases", &xlsx_arg, "--db", &db]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(case_count(&db), before + 4);

    // A file without the required columns is one line of error.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "order_no,text\nX,y\n").unwrap();
    let out = yiwang(&["import", "cases", &bad.display().to_string(), "--db", &db]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("lacks column(s) received_at"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_refuses_a_bad_broker_url_in_one_line() {
    let dir = temp_dir("mqtt_url");
    let db = dir.join("y.db").display().to_string();
    let not_pem = dir.join("ca.txt");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    let not_pem = not_pem.display().to_string();
    for (args, needle) in [
        (vec!["http://127.0.0.1:1883"], "must start with mqtt://"),
        (vec!["mqtt://127.0.0.1:99999"], "is not a port"),
        (
            vec!["mqtt://127.0.0.1", "--mqtt-ca", &not_pem],
            "--mqtt-ca is for a TLS broker",
        ),
        (
            vec!["mqtts://127.0.0.1", "--mqtt-ca", &not_pem],
            "holds no certificate",
        ),
    ] {
        let mut argv = vec!["serve", "--db", &db, "--mqtt"];
        argv.extend(args);
        let out = yiwang(&argv);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(needle), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
