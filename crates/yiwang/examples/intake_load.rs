//! Intake load: POSTs cases to a running server from many keep-alive connections for a while,
//! then prints throughput and latency percentiles as JSON, and (optionally) the ids of every
//! case the server acknowledged, one per line, so a crash test can check none was lost.
//!
//! `cargo run --release -p yiwang --example intake_load -- --url http://127.0.0.1:8080 \
//!    --token T --addresses FILE [--seconds 20] [--connections 32] [--acked OUT]`
//! (`bench/intake.py` starts the server and runs this.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

struct Args {
    url: String,
    token: String,
    addresses: Vec<String>,
    seconds: u64,
    connections: usize,
    acked: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        url: String::new(),
        token: String::new(),
        addresses: Vec::new(),
        seconds: 20,
        connections: 32,
        acked: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => a.url = value,
            "--token" => a.token = value,
            "--addresses" => {
                a.addresses = std::fs::read_to_string(&value)
                    .expect("addresses file")
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            "--seconds" => a.seconds = value.parse().expect("seconds"),
            "--connections" => a.connections = value.parse().expect("connections"),
            "--acked" => a.acked = Some(value),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(
        !a.url.is_empty() && !a.addresses.is_empty(),
        "--url and --addresses are required"
    );
    a
}

const TEXTS: &[&str] = &[
    "门口垃圾堆了好几天没人清",
    "小区门口有人乱停车堵住了出口",
    "楼下饭店油烟很大",
    "晚上施工噪音太吵",
    "人行道地砖松动",
    "路灯不亮好几天了",
    "楼道里有人飞线充电",
    "请问居住证怎么办理",
];

#[tokio::main]
async fn main() {
    let args = Arc::new(args());
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(args.connections)
        .build_http();
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let run = format!(
        "{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_millis()
    );
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.connections {
        let (client, args, stop, counter, run) = (
            client.clone(),
            args.clone(),
            stop.clone(),
            counter.clone(),
            run.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut acked = Vec::new();
            let mut errors = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let n = counter.fetch_add(1, Ordering::Relaxed) as usize;
                let address = &args.addresses[n % args.addresses.len()];
                let body = serde_json::json!({
                    "text": format!("{address}{}（第{n}号来电）", TEXTS[n % TEXTS.len()]),
                    "address": address,
                    "request_type": "投诉",
                    "reporter_phone": format!("139{:08}", n % 100_000_000),
                });
                let request = hyper::Request::post(format!("{}/api/v1/cases", args.url))
                    .header("authorization", format!("Bearer {}", args.token))
                    .header("content-type", "application/json")
                    .header("idempotency-key", format!("load-{run}-{n}"))
                    .body(Full::new(Bytes::from(body.to_string())))
                    .unwrap();
                let t = Instant::now();
                match client.request(request).await {
                    Ok(response) => {
                        let status = response.status();
                        let bytes = response.into_body().collect().await.map(|b| b.to_bytes());
                        latencies.push(t.elapsed());
                        match (status.as_u16(), bytes) {
                            (200 | 201, Ok(bytes)) => {
                                let v: serde_json::Value =
                                    serde_json::from_slice(&bytes).unwrap_or_default();
                                if let Some(id) = v["id"].as_i64() {
                                    acked.push(id);
                                }
                            }
                            _ => errors += 1,
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        // The server is gone (a crash test): stop this worker.
                        break;
                    }
                }
            }
            (latencies, acked, errors)
        }));
    }
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut acked = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, a, e) = w.await.unwrap();
        latencies.extend(l);
        acked.extend(a);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    if let Some(path) = &args.acked {
        let mut f = std::fs::File::create(path).unwrap();
        for id in &acked {
            writeln!(f, "{id}").unwrap();
        }
    }
    println!(
        "{}",
        serde_json::json!({
            "connections": args.connections,
            "seconds": (elapsed * 10.0).round() / 10.0,
            "acknowledged": acked.len(),
            "errors": errors,
            "cases_per_second": (acked.len() as f64 / elapsed).round(),
            "p50_ms": (pct(0.50) * 100.0).round() / 100.0,
            "p90_ms": (pct(0.90) * 100.0).round() / 100.0,
            "p99_ms": (pct(0.99) * 100.0).round() / 100.0,
            "max_ms": (pct(1.0) * 100.0).round() / 100.0,
        })
    );
}
