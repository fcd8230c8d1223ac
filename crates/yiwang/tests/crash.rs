//! Nothing acknowledged is lost: a server killed with SIGKILL in the middle of intake load still
//! has, after a restart, every case it answered 201 for (SQLite, the embedded default: the
//! group commit is flushed before any case of the group is acknowledged).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

const PASSWORD: &str = "crash-test-password";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yiwang"));
    c.env_remove("YIWANG_DATABASE_URL")
        .env("YIWANG_LOG", "warn");
    c
}

fn serve(db: &str, port: u16) -> Child {
    bin()
        .args(["serve", "--db", db, "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

async fn call(
    client: &Http,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<(u16, Value), String> {
    let mut req = hyper::Request::builder().method(method).uri(url);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let req = req
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let resp = client.request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

async fn wait_up(client: &Http, base: &str) {
    let start = Instant::now();
    while call(client, "GET", &format!("{base}/healthz"), None, None)
        .await
        .is_err()
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "server did not come up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn login(client: &Http, base: &str, user: &str) -> String {
    let (status, body) = call(
        client,
        "POST",
        &format!("{base}/api/v1/auth/login"),
        None,
        Some(json!({"username": user, "password": PASSWORD})),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_cases_survive_sigkill() {
    let dir = std::env::temp_dir().join(format!("yiwang_crash_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("y.db").display());
    let demo = bin()
        .args([
            "demo",
            "--scale",
            "0.003",
            "--db",
            &db,
            "--no-serve",
            "--demo-password",
            PASSWORD,
        ])
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let address = {
        let store = yiwang_store::Store::connect(&db).await.unwrap();
        let b = store.buildings_with_points().await.unwrap().remove(0);
        store.close().await;
        b.standard_address
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let client: Http = Client::builder(TokioExecutor::new()).build_http();
    let mut server = serve(&db, port);
    wait_up(&client, &base).await;
    let token = login(&client, &base, "intake_operator").await;

    let acked = Arc::new(Mutex::new(Vec::<i64>::new()));
    let mut workers = Vec::new();
    for w in 0..16 {
        let (client, base, token, acked, address) = (
            client.clone(),
            base.clone(),
            token.clone(),
            acked.clone(),
            address.clone(),
        );
        workers.push(tokio::spawn(async move {
            for n in 0.. {
                let body =
                    json!({"text": format!("第{w}-{n}号来电：路灯不亮"), "address": address});
                match call(
                    &client,
                    "POST",
                    &format!("{base}/api/v1/cases"),
                    Some(&token),
                    Some(body),
                )
                .await
                {
                    Ok((201, v)) => acked.lock().unwrap().push(v["id"].as_i64().unwrap()),
                    Ok((status, v)) => panic!("intake answered {status}: {v}"),
                    // The server is gone.
                    Err(_) => return,
                }
            }
        }));
    }
    let start = Instant::now();
    while acked.lock().unwrap().len() < 300 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "intake too slow"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().unwrap(); // SIGKILL: no shutdown, no flush, no goodbye.
    server.wait().unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 300);

    let mut server = serve(&db, port);
    wait_up(&client, &base).await;
    let token = login(&client, &base, "shift_leader").await;
    let mut missing = Vec::new();
    for id in &acked {
        let (status, _) = call(
            &client,
            "GET",
            &format!("{base}/api/v1/cases/{id}"),
            Some(&token),
            None,
        )
        .await
        .unwrap();
        if status != 200 {
            missing.push(*id);
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged cases lost: {missing:?}",
        missing.len(),
        acked.len()
    );
}
