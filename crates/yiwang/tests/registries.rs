//! `yiwang import persons|housing|units` and `yiwang export …` as a user runs them: an unmasked
//! (audited) export of one district imports cleanly into an empty one, again without change;
//! a masked export does not re-import; the data key is needed to unmask.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn yiwang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yiwang"))
        .args(args)
        .env_remove("YIWANG_DATABASE_URL")
        .env_remove("YIWANG_DATA_KEY")
        .env_remove("YIWANG_DATA_KEY_FILE")
        .env("YIWANG_LOG", "warn")
        .output()
        .unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("yiwang_cli_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn demo(db: &str, extra: &[&str]) {
    let mut args = vec![
        "demo",
        "--scale",
        "0.003",
        "--seed",
        "5",
        "--no-serve",
        "--db",
        db,
    ];
    args.extend_from_slice(extra);
    ok(&yiwang(&args));
}

fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn data_lines(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count() - 1
}

#[test]
fn an_unmasked_export_reimports_cleanly_and_a_masked_one_does_not() {
    let dir = temp_dir("registries");
    let source = dir.join("a.db").display().to_string();
    let target = dir.join("b.db").display().to_string();
    demo(&source, &[]);
    demo(&target, &["--without-registries"]);
    assert!(
        dir.join("a.db.key").exists(),
        "a SQLite database gets its data key beside it"
    );

    let stats = |db: &str| -> Value {
        let out = yiwang(&["stats", "--db", db, "--json"]);
        ok(&out);
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(stats(&target)["persons"], 0);

    for kind in ["persons", "housing", "units"] {
        let file = dir.join(format!("{kind}.csv"));
        let file = file.to_str().unwrap();
        ok(&yiwang(&[
            "export",
            kind,
            file,
            "--db",
            &source,
            "--unmasked",
            "--reason",
            "迁移测试 migration test",
        ]));
        let rows = data_lines(Path::new(file));
        assert!(rows > 0, "{kind}: nothing exported");
        let out_json = dir.join(format!("{kind}.json"));
        let out = yiwang(&[
            "import",
            kind,
            file,
            "--db",
            &target,
            "--source",
            "公安",
            "--report",
            out_json.to_str().unwrap(),
        ]);
        ok(&out);
        let r = report(&out_json);
        assert_eq!(
            r["accepted"].as_u64().unwrap() as usize,
            rows,
            "{kind}: {r}"
        );
        assert_eq!(r["added"].as_u64().unwrap() as usize, rows, "{kind}");
        assert_eq!(r["rejected"], serde_json::json!([]));
        // The same snapshot again: an empty change set.
        ok(&yiwang(&[
            "import",
            kind,
            file,
            "--db",
            &target,
            "--source",
            "公安",
            "--report",
            out_json.to_str().unwrap(),
        ]));
        let again = report(&out_json);
        assert_eq!(
            again["unchanged"].as_u64().unwrap() as usize,
            rows,
            "{kind}"
        );
        assert_eq!(
            (
                again["added"].as_u64(),
                again["changed"].as_u64(),
                again["gone"].as_u64()
            ),
            (Some(0), Some(0), Some(0))
        );
    }
    let (a, b) = (stats(&source), stats(&target));
    for kind in ["persons", "housing", "units"] {
        assert_eq!(a[kind], b[kind], "{kind} counts after the round trip");
    }

    // A masked export is for reading: its ID numbers do not re-import.
    let masked = dir.join("masked.xlsx");
    ok(&yiwang(&[
        "export",
        "persons",
        masked.to_str().unwrap(),
        "--db",
        &source,
    ]));
    let xlsx_report = dir.join("masked-report.xlsx");
    let out = yiwang(&[
        "import",
        "persons",
        masked.to_str().unwrap(),
        "--db",
        &target,
        "--source",
        "街道",
        "--dry-run",
        "--report",
        xlsx_report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("masked.xlsx:2: `id_number`"), "{stderr}");
    assert!(std::fs::read(&xlsx_report).unwrap().starts_with(b"PK"));

    // Unmasking needs a reason, and the database's own key.
    let out = yiwang(&["export", "persons", "x.csv", "--db", &source, "--unmasked"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim().lines().count(),
        1
    );
    let wrong_key = Command::new(env!("CARGO_BIN_EXE_yiwang"))
        .args([
            "export",
            "persons",
            dir.join("y.csv").to_str().unwrap(),
            "--db",
            &source,
        ])
        .args(["--unmasked", "--reason", "test"])
        .env("YIWANG_DATA_KEY", "11".repeat(32))
        .env("YIWANG_LOG", "warn")
        .output()
        .unwrap();
    assert!(!wrong_key.status.success());
    assert!(
        String::from_utf8_lossy(&wrong_key.stderr).contains("data key"),
        "{}",
        String::from_utf8_lossy(&wrong_key.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unmasked_exports_are_audited() {
    let dir = temp_dir("registries_audit");
    let db = dir.join("a.db").display().to_string();
    demo(&db, &[]);
    let file = dir.join("p.csv");
    ok(&yiwang(&[
        "export",
        "persons",
        file.to_str().unwrap(),
        "--db",
        &db,
        "--unmasked",
        "--reason",
        "核查 check",
    ]));
    let store = yiwang_store::Store::connect(&format!("sqlite://{db}"))
        .await
        .unwrap();
    let entries = store.audit_entries(20).await.unwrap();
    let export = entries
        .iter()
        .find(|e| e.action == "registry.export_unmasked")
        .expect("the unmasked export is in the audit log");
    let detail: Value = serde_json::from_str(&export.detail).unwrap();
    assert_eq!(detail["reason"], "核查 check");
    store.close().await;
}

/// SIGKILL at several moments of an import: the registry holds either the whole snapshot or none
/// of it, and the database is intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_midway_leaves_the_previous_state() {
    let dir = temp_dir("registries_kill");
    let source = dir.join("a.db").display().to_string();
    let target = dir.join("b.db").display().to_string();
    let scale = ["demo", "--scale", "0.05", "--seed", "9", "--no-serve"];
    ok(&yiwang(&[&scale[..], &["--db", &source]].concat()));
    ok(&yiwang(
        &[&scale[..], &["--db", &target, "--without-registries"]].concat(),
    ));
    let file = dir.join("persons.csv");
    ok(&yiwang(&[
        "export",
        "persons",
        file.to_str().unwrap(),
        "--db",
        &source,
        "--unmasked",
        "--reason",
        "test",
    ]));
    let rows = data_lines(&file) as i64;
    let count = |db: &str| -> i64 {
        let out = yiwang(&["stats", "--db", db, "--json"]);
        ok(&out);
        let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
        stats["persons"].as_i64().unwrap()
    };
    let mut outcomes = Vec::new();
    for delay_ms in [150u64, 400, 700, 1000, 1400, 2000] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yiwang"))
            .args([
                "import",
                "persons",
                file.to_str().unwrap(),
                "--db",
                &target,
                "--source",
                "公安",
            ])
            .env_remove("YIWANG_DATA_KEY")
            .env("YIWANG_LOG", "warn")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        let held = count(&target);
        assert!(
            held == 0 || held == rows,
            "after a kill at {delay_ms} ms: {held} of {rows} persons"
        );
        outcomes.push((delay_ms, finished, held));
        if held == rows {
            break;
        }
    }
    // At least one kill landed before the commit, so "none of it" was really exercised.
    assert!(
        outcomes
            .iter()
            .any(|&(_, finished, held)| !finished && held == 0),
        "{outcomes:?}"
    );
    let store = yiwang_store::Store::connect(&format!("sqlite://{target}"))
        .await
        .unwrap();
    assert!(store.integrity_ok().await.unwrap());
    store.close().await;
}
