//! The `yiwang` binary as a user runs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use yiwang_store::testing::TestDb;

fn yiwang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yiwang"))
        .args(args)
        .env_remove("YIWANG_DATABASE_URL")
        // PostgreSQL has no file to keep a data key beside: the key comes from the environment.
        .env("YIWANG_DATA_KEY", "5a".repeat(32))
        .env("YIWANG_LOG", "warn")
        .output()
        .unwrap()
}

fn temp_db(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("yiwang_cli_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("y.db").display().to_string()
}

fn stats(db_flag: &str, db: &str) -> Value {
    let out = yiwang(&["stats", db_flag, db, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[track_caller]
fn assert_one_line_error(out: &Output, code: i32, needle: &str) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line, got:\n{stderr}"
    );
    assert!(stderr.contains(needle), "{stderr} should mention {needle}");
}

#[test]
fn bad_arguments_get_one_line_and_a_nonzero_exit() {
    assert_one_line_error(&yiwang(&["demo", "--bogus"]), 2, "--bogus");
    assert_one_line_error(&yiwang(&["stats", "--db"]), 2, "--db");
    assert_one_line_error(&yiwang(&["serve", "--port", "eighty"]), 2, "eighty");
    assert_one_line_error(&yiwang(&["frobnicate"]), 2, "frobnicate");
    assert_one_line_error(
        &yiwang(&[
            "demo",
            "--scale",
            "9",
            "--no-serve",
            "--db",
            &temp_db("scale"),
        ]),
        1,
        "--scale",
    );
    assert_one_line_error(
        &yiwang(&[
            "demo",
            "--boundaries",
            "/nonexistent/streets.geojson",
            "--no-serve",
            "--db",
            &temp_db("b"),
        ]),
        1,
        "/nonexistent/streets.geojson",
    );
    assert_one_line_error(
        &yiwang(&["stats", "--database-url", "mysql://x/y"]),
        1,
        "unsupported database URL",
    );
}

#[test]
fn every_subcommand_explains_itself() {
    for sub in ["demo", "serve", "stats"] {
        let out = yiwang(&[sub, "--help"]);
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("--db") && help.contains("--database-url"),
            "{sub}: {help}"
        );
    }
    let top = String::from_utf8_lossy(&yiwang(&["--help"]).stdout).into_owned();
    assert!(top.contains("demo") && top.contains("serve") && top.contains("stats"));
}

#[test]
fn stats_of_an_empty_database_are_zero() {
    let s = stats("--db", &temp_db("empty"));
    for key in [
        "streets",
        "areas",
        "communities",
        "micro_grids",
        "building_groups",
        "compounds",
        "buildings",
        "rooms",
        "persons",
        "housing",
        "units",
        "departments",
        "cases",
    ] {
        assert_eq!(s[key], 0, "{key}");
    }
}

#[tokio::test]
async fn demo_generates_the_same_district_on_sqlite_and_postgres() {
    let sqlite = temp_db("demo");
    let args = [
        "demo",
        "--scale",
        "0.004",
        "--seed",
        "11",
        "--no-serve",
        "--demo-password",
        "demo-password",
    ];
    let out = yiwang(&[&args[..], &["--db", &sqlite]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let on_sqlite = stats("--db", &sqlite);
    assert_eq!(on_sqlite["streets"], 13);
    assert_eq!(on_sqlite["areas"], 64);
    assert_eq!(on_sqlite["communities"], 312);
    assert!(on_sqlite["persons"].as_i64().unwrap() > 3000);

    // A second run finds data and leaves it alone.
    let again = yiwang(&[&args[..], &["--db", &sqlite]].concat());
    assert!(again.status.success());
    assert_eq!(stats("--db", &sqlite), on_sqlite);

    let pg = TestDb::postgres().await;
    let out = yiwang(&[&args[..], &["--database-url", &pg.url]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stats("--database-url", &pg.url), on_sqlite);
    // A URL given to --db is taken as a URL, not as the name of a new SQLite file.
    assert_eq!(stats("--db", &pg.url), on_sqlite);
    assert!(!std::path::Path::new("postgres:").exists());
    let admin = pg
        .store
        .account_by_username("admin")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(admin.roles, vec![yiwang_core::role::Role::Admin]);
    assert_eq!(
        pg.store.accounts().await.unwrap().len(),
        yiwang_core::role::Role::ALL.len()
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn serve_answers_and_stops_cleanly_on_sigterm() {
    let db = temp_db("serve");
    let out = yiwang(&[
        "demo",
        "--scale",
        "0.002",
        "--no-serve",
        "--db",
        &db,
        "--demo-password",
        "demo-password",
    ]);
    assert!(out.status.success());
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_yiwang"))
        .args(["serve", "--db", &db, "--port", &port.to_string()])
        .env("YIWANG_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let health = loop {
        if let Some(r) = get(port, "/healthz") {
            break r;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not come up"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"status\":\"ok\""));
    let stats = get(port, "/api/v1/stats").unwrap();
    assert!(stats.starts_with("HTTP/1.1 401"), "{stats}");
    assert!(stats.contains("application/problem+json"));

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("shut down cleanly"), "{log}");
    assert!(log.contains("/api/v1/stats"), "request log lines: {log}");
}

#[test]
fn geo_convert_round_trips_and_explains_bad_input() {
    let out = yiwang(&[
        "geo", "convert", "--from", "wgs84", "--to", "gcj02", "121.4365", "31.1884",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let gcj: Vec<f64> = text
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(gcj.len(), 2);
    // In Shanghai GCJ-02 lies a few hundred metres east-south-east of WGS-84.
    assert!(gcj[0] > 121.4365 && gcj[1] < 31.1884, "{text}");
    let back = yiwang(&[
        "geo",
        "convert",
        "--from",
        "gcj02",
        "--to",
        "wgs84",
        &gcj[0].to_string(),
        &gcj[1].to_string(),
    ]);
    let wgs: Vec<f64> = String::from_utf8(back.stdout)
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(
        (wgs[0] - 121.4365).abs() < 5e-7 && (wgs[1] - 31.1884).abs() < 5e-7,
        "{wgs:?}"
    );
    let london = yiwang(&[
        "geo", "convert", "--from", "wgs84", "--to", "gcj02", "-0.1276", "51.5072",
    ]);
    assert_eq!(
        String::from_utf8(london.stdout).unwrap().trim(),
        "-0.1276000 51.5072000"
    );
    assert_one_line_error(
        &yiwang(&["geo", "convert", "--from", "utm", "--to", "wgs84", "1", "2"]),
        2,
        "utm",
    );
    assert_one_line_error(
        &yiwang(&[
            "geo", "convert", "--from", "wgs84", "--to", "gcj02", "200", "31",
        ]),
        1,
        "longitude",
    );
}

#[test]
fn grid_check_reports_a_clean_twin_and_writes_geojson() {
    let db = temp_db("gridcheck");
    let out = yiwang(&[
        "demo",
        "--scale",
        "0.002",
        "--no-serve",
        "--db",
        &db,
        "--demo-password",
        "demo-password",
    ]);
    assert!(out.status.success());
    let geojson = format!("{db}.problems.geojson");
    let out = yiwang(&["grid", "check", "--db", &db, "--geojson", &geojson]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("no gaps, overlaps"), "{stdout}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&geojson).unwrap()).unwrap();
    assert_eq!(written["type"], "FeatureCollection");
    assert_eq!(written["features"], serde_json::json!([]));

    let out = yiwang(&[
        "grid",
        "check",
        "--db",
        &db,
        "--level",
        "building_group",
        "--json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["levels"], serde_json::json!(["building_group"]));
    assert!(report["buildings_checked"].as_u64().unwrap() > 100);
    assert_one_line_error(
        &yiwang(&["grid", "check", "--db", &db, "--level", "ward"]),
        2,
        "ward",
    );
    assert_one_line_error(
        &yiwang(&["grid", "check", "--db", &temp_db("nogrids")]),
        1,
        "no grids",
    );
}

#[tokio::test]
async fn importing_real_street_boundaries_keeps_history_and_rederives_lower_levels() {
    let db = temp_db("boundaries");
    let out = yiwang(&[
        "demo",
        "--scale",
        "0.003",
        "--no-serve",
        "--db",
        &db,
        "--demo-password",
        "demo-password",
    ]);
    assert!(out.status.success());
    let osm = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/xuhui/xuhui_streets_osm.geojson"
    );
    assert!(std::path::Path::new(osm).exists(), "this test needs {osm}");
    // First a file with one good and one broken feature: the good one is imported, the broken one
    // reported with its number and reason, and the exit status says so.
    let mut mixed: Value = serde_json::from_str(&std::fs::read_to_string(osm).unwrap()).unwrap();
    let first = mixed["features"][0].clone();
    let bow_tie = serde_json::json!({"type": "Feature", "properties": {"code": "310104014"},
        "geometry": {"type": "Polygon", "coordinates": [[[121.43, 31.18], [121.44, 31.19], [121.44, 31.18], [121.43, 31.19], [121.43, 31.18]]]}});
    mixed["features"] = serde_json::json!([first, bow_tie]);
    let mixed_path = format!("{db}.mixed.geojson");
    std::fs::write(&mixed_path, mixed.to_string()).unwrap();
    let out = yiwang(&[
        "import",
        "boundaries",
        &mixed_path,
        "--level",
        "street",
        "--db",
        &db,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("2 features: 1 changed or new, 0 unchanged, 1 rejected")
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("feature 2 (310104014): invalid polygon")
    );

    let out = yiwang(&[
        "import",
        "boundaries",
        osm,
        "--level",
        "street",
        "--db",
        &db,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("13 features: 12 changed or new, 1 unchanged, 0 rejected"),
        "{stdout}"
    );
    // Lower levels were re-derived inside the real polygons: the grid tiles again.
    let check = yiwang(&[
        "grid",
        "check",
        "--db",
        &db,
        "--level",
        "micro_grid",
        "--json",
    ]);
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");
    // Importing the same file again changes nothing.
    let again = yiwang(&[
        "import",
        "boundaries",
        osm,
        "--level",
        "street",
        "--db",
        &db,
    ]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 changed or new, 13 unchanged"));
    let store = yiwang_store::Store::connect(&format!("sqlite://{db}"))
        .await
        .unwrap();
    let history = store.grid_history("310104003").await.unwrap();
    assert_eq!(
        history.len(),
        1,
        "the synthetic polygon is kept as version 1"
    );
    assert_eq!(stats("--db", &db)["streets"], 13);

    // A file with a broken feature: the good one is imported, the bad one reported, exit 1.
    let bad = format!("{db}.bad.geojson");
    std::fs::write(&bad, r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"code":"310104014"},"geometry":{"type":"Polygon","coordinates":[[[121.43,31.18],[121.44,31.19],[121.44,31.18],[121.43,31.19],[121.43,31.18]]]}}]}"#).unwrap();
    let out = yiwang(&[
        "import",
        "boundaries",
        &bad,
        "--level",
        "street",
        "--db",
        &db,
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("feature 1 (310104014): invalid polygon"),
        "{stderr}"
    );
    assert_one_line_error(
        &yiwang(&[
            "import",
            "boundaries",
            "/nonexistent.geojson",
            "--level",
            "street",
            "--db",
            &db,
        ]),
        1,
        "/nonexistent.geojson",
    );
}

#[test]
fn address_parse_reads_lines_and_writes_json_lines_or_csv() {
    use std::io::Write as _;
    let run = |args: &[&str], input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yiwang"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(
        &["address", "parse"],
        "上海市徐汇区宛平南路500弄9号660室\n\n漕溪北路88号12层1203室\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "blank lines are skipped");
    assert_eq!(
        lines[0]["components"][2],
        serde_json::json!({"label": "road", "text": "宛平南路", "start": 6, "end": 10})
    );
    assert_eq!(lines[1]["district_code"], "310104");
    let ccks = run(
        &["address", "parse", "--scheme", "ccks", "--format", "csv"],
        "宛平南路500弄9号660室\n",
    );
    let csv = String::from_utf8(ccks.stdout).unwrap();
    assert!(
        csv.starts_with("line,input,label,text,start,end,district,district_code\n"),
        "{csv}"
    );
    assert!(csv.contains(",roadno,500弄,4,8,"), "{csv}");
    assert_one_line_error(&yiwang(&["address", "parse", "--scheme", "bio"]), 2, "bio");
    assert_one_line_error(
        &yiwang(&["address", "parse", "--db", "/nonexistent/y.db"]),
        1,
        "/nonexistent/y.db",
    );
}

#[tokio::test]
async fn address_match_writes_candidates_per_line() {
    let db = temp_db("match");
    let out = yiwang(&[
        "demo",
        "--scale",
        "0.003",
        "--no-serve",
        "--db",
        &db,
        "--demo-password",
        "demo-password",
    ]);
    assert!(out.status.success());
    let store = yiwang_store::Store::connect(&format!("sqlite://{db}"))
        .await
        .unwrap();
    let building = store
        .buildings_with_points()
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.parent_id.is_some())
        .unwrap();
    store.close().await;
    let spoken = building.standard_address.trim_start_matches("上海市徐汇区");
    let file = format!("{db}.addresses.txt");
    std::fs::write(&file, format!("{spoken}\n\n{spoken}9999室\n")).unwrap();

    let out = yiwang(&["address", "match", "--db", &db, "--limit", "2", &file]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "blank lines are skipped");
    assert_eq!(lines[0]["input"], spoken);
    let best = &lines[0]["candidates"][0];
    assert_eq!(best["premises_id"], building.id);
    assert_eq!(best["level"], "building");
    assert_eq!(best["score"], 1.0);
    assert_eq!(
        lines[1]["candidates"][0]["premises_id"], building.id,
        "a room that does not exist gives the building"
    );
    assert!(lines[1]["candidates"].as_array().unwrap().len() <= 2);

    let csv = yiwang(&["address", "match", "--db", &db, "--format", "csv", &file]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.starts_with("line,input,rank,premises_id,standard_address,score,level,reasons\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            ",1,{},{},1,building,",
            building.id, building.standard_address
        )),
        "{csv}"
    );
    assert_one_line_error(
        &yiwang(&["address", "match", "--db", "/nonexistent/y.db"]),
        1,
        "/nonexistent/y.db",
    );
}

#[tokio::test]
async fn accounts_api_key_issues_a_key_shown_once() {
    let db = temp_db("api_key");
    // No such account: one line, non-zero.
    assert_one_line_error(
        &yiwang(&["accounts", "api-key", "nobody", "--db", &db]),
        1,
        "no account `nobody`",
    );
    let store = yiwang_store::Store::connect(&format!("sqlite://{db}"))
        .await
        .unwrap();
    store
        .create_account(
            &yiwang_store::NewAccount {
                username: "citizen_app".into(),
                display_name: "市民App".into(),
                password_hash: "$argon2id$x".into(),
                org_code: None,
                roles: vec![yiwang_core::Role::Citizen],
            },
            "test",
        )
        .await
        .unwrap();
    let out = yiwang(&[
        "accounts",
        "api-key",
        "citizen_app",
        "--label",
        "civicbot",
        "--db",
        &db,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(key.starts_with("yw_") && !key.contains('\n'), "{key}");
    let found = store
        .account_by_api_key(&yiwang_server::auth::token_hash(&key))
        .await
        .unwrap();
    assert_eq!(found.map(|a| a.username), Some("citizen_app".to_owned()));
    let audit = store.audit_entries(1).await.unwrap();
    assert_eq!(
        (audit[0].actor.as_str(), audit[0].action.as_str()),
        ("cli", "api_key.create")
    );

    // Revoked by id: the key no longer finds its account; a second revoke is an error.
    let account = store
        .account_by_username("citizen_app")
        .await
        .unwrap()
        .unwrap();
    let id = store.api_keys_of(account.id).await.unwrap()[0]
        .id
        .to_string();
    let revoke = ["accounts", "revoke-key", "citizen_app", &id, "--db", &db];
    let out = yiwang(&revoke);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = store
        .account_by_api_key(&yiwang_server::auth::token_hash(&key))
        .await
        .unwrap();
    assert!(found.is_none());
    assert_one_line_error(
        &yiwang(&revoke),
        1,
        &format!("`citizen_app` has no live API key with id {id}"),
    );
    store.close().await;
}
