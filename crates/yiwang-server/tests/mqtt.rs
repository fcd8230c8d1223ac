//! Sensor alerts through the real Mosquitto at 127.0.0.1:1883: an alert becomes a case at the
//! sensor's premises, a redelivered alert makes no second case, and a malformed payload is
//! refused without stopping the subscriber.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::Api;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use yiwang_core::model::Case;
use yiwang_server::mqtt::{MqttConfig, MqttStats};
use yiwang_store::{Backend, CaseQuery};

const BROKER: (&str, u16) = ("127.0.0.1", 1883);

/// Fails loudly, with how to start it, when the broker is not there.
async fn require_broker() {
    if let Err(e) = tokio::net::TcpStream::connect(BROKER).await {
        panic!(
            "no MQTT broker at {}:{} ({e}). These tests need Mosquitto: install and start it with \
             `apt-get install -y mosquitto && mosquitto -d -p 1883` (or `service mosquitto start`).",
            BROKER.0, BROKER.1
        );
    }
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{tag}-{}-{nanos}", std::process::id())
}

/// A publisher whose event loop runs in the background.
async fn publisher() -> AsyncClient {
    let mut options = MqttOptions::new(unique("yiwang-test-pub"), BROKER.0, BROKER.1);
    options.set_keep_alive(Duration::from_secs(10));
    let (client, mut events) = AsyncClient::new(options, 16);
    tokio::spawn(async move { while events.poll().await.is_ok() {} });
    client
}

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after 20 s waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn sensor_cases(api: &Api, sensor: &str) -> Vec<Case> {
    api.db
        .store
        .cases(&CaseQuery {
            source: Some("sensor".to_owned()),
            limit: 1000,
            ..CaseQuery::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.text.contains(sensor))
        .collect()
}

fn count(stat: &std::sync::atomic::AtomicU64) -> u64 {
    stat.load(Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_become_cases_once_and_bad_payloads_are_refused() {
    require_broker().await;
    let api = Api::new(Backend::Sqlite).await;
    let building = api.first_building().await;
    // A topic prefix and client id of our own: other runs on the broker do not interfere.
    let prefix = unique("yiwang-test");
    let config = MqttConfig {
        client_id: unique("yiwang-test-sub"),
        topic_prefix: prefix.clone(),
        ..MqttConfig::from_url("mqtt://127.0.0.1:1883").unwrap()
    };
    let subscriber = yiwang_server::mqtt::spawn(api.state.clone(), config.clone());
    let stats: &MqttStats = &subscriber.stats;
    wait_until("the subscriber to connect", async || {
        count(&stats.connections) >= 1
    })
    .await;
    // The subscription is sent right after the connection is acknowledged.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let client = publisher().await;

    // An alert at a premises becomes one case there.
    let smoke_sensor = unique("smk");
    let topic = format!("{prefix}/sensors/{smoke_sensor}/alert");
    let payload = serde_json::json!({
        "alert_id": "a-1", "kind": "smoke", "premises_id": building.id, "value": 0.82,
        "at": "2026-11-27T10:00:00+08:00", "text": "三楼走廊烟雾浓度超标"
    })
    .to_string();
    client
        .publish(&topic, QoS::AtLeastOnce, false, payload.clone())
        .await
        .unwrap();
    wait_until("the smoke alert's case", async || {
        !sensor_cases(&api, &smoke_sensor).await.is_empty()
    })
    .await;
    let case = sensor_cases(&api, &smoke_sensor).await.remove(0);
    assert_eq!(case.source.as_str(), "sensor");
    assert_eq!(case.premises_id, Some(building.id));
    assert_eq!(case.category_code.as_deref(), Some("0491"));
    assert_eq!(case.priority, "urgent");
    assert!(case.grid_code.is_some(), "located in a grid: {case:?}");
    assert_eq!(case.created_at.to_rfc3339(), "2026-11-27T02:00:00+00:00");

    // The same alert again (a QoS 1 redelivery) is the case made before.
    client
        .publish(&topic, QoS::AtLeastOnce, false, payload)
        .await
        .unwrap();
    wait_until("the repeated alert to be answered", async || {
        count(&stats.replayed) >= 1
    })
    .await;
    assert_eq!(sensor_cases(&api, &smoke_sensor).await.len(), 1);

    // A malformed payload makes no case and the subscriber goes on.
    let bad_sensor = unique("bad");
    client
        .publish(
            format!("{prefix}/sensors/{bad_sensor}/alert"),
            QoS::AtLeastOnce,
            false,
            "{\"alert_id\": \"x\", \"kind\": ",
        )
        .await
        .unwrap();
    wait_until("the malformed alert to be refused", async || {
        count(&stats.rejected) >= 1
    })
    .await;
    assert!(sensor_cases(&api, &bad_sensor).await.is_empty());

    let water_sensor = unique("wl");
    let (lon, lat) = (building.lon.unwrap(), building.lat.unwrap());
    client
        .publish(
            format!("{prefix}/sensors/{water_sensor}/alert"),
            QoS::AtLeastOnce,
            false,
            serde_json::json!({"alert_id": "w-1", "kind": "water_level", "lon": lon, "lat": lat, "value": 0.3})
                .to_string(),
        )
        .await
        .unwrap();
    wait_until("the water-level alert's case", async || {
        !sensor_cases(&api, &water_sensor).await.is_empty()
    })
    .await;
    let water = sensor_cases(&api, &water_sensor).await.remove(0);
    assert_eq!(water.category_code.as_deref(), Some("0406"));
    assert_eq!(water.premises_id, None);
    assert!(
        water.street_code.is_some(),
        "located by its point: {water:?}"
    );
    assert_eq!(count(&stats.created), 2);
    assert_eq!(count(&stats.rejected), 1);

    // While yiwang is away, the broker keeps the alerts of its persistent session: the next
    // subscriber with the same client id gets them.
    subscriber.abort();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let away_sensor = unique("lift");
    client
        .publish(
            format!("{prefix}/sensors/{away_sensor}/alert"),
            QoS::AtLeastOnce,
            false,
            serde_json::json!({"alert_id": "e-1", "kind": "elevator_trapped", "premises_id": building.id})
                .to_string(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(sensor_cases(&api, &away_sensor).await.is_empty());
    let again = yiwang_server::mqtt::spawn(api.state.clone(), config);
    wait_until("the alert sent while away", async || {
        !sensor_cases(&api, &away_sensor).await.is_empty()
    })
    .await;
    let lift = sensor_cases(&api, &away_sensor).await.remove(0);
    assert_eq!(
        (lift.category_code.as_deref(), lift.priority.as_str()),
        (Some("0604"), "urgent")
    );
    assert_eq!(count(&again.stats.created), 1);
    again.abort();
}

/// Runs `program args…` in `dir`, failing loudly (with how to install it) if it cannot.
fn run_tool(dir: &std::path::Path, program: &str, args: &[&str]) {
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "`{program}` is needed for the MQTT TLS test ({e}): apt-get install -y mosquitto \
                 mosquitto-clients openssl"
            )
        });
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Mosquitto of the test's own on a free port: TLS with a certificate from a CA made here,
/// anonymous clients refused, one user `sensor` with password `s3cret`. Killed on drop.
struct PrivateBroker {
    child: std::process::Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn private_tls_broker() -> PrivateBroker {
    let dir = std::env::temp_dir().join(unique("yiwang-mqtt-tls"));
    std::fs::create_dir_all(&dir).unwrap();
    run_tool(
        &dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=yiwang test CA",
        ],
    );
    run_tool(
        &dir,
        "openssl",
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(dir.join("san.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run_tool(
        &dir,
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "san.cnf",
        ],
    );
    run_tool(
        &dir,
        "mosquitto_passwd",
        &["-c", "-b", "passwd", "sensor", "s3cret"],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // `user root`: run as root (CI), Mosquitto would otherwise drop to a user that cannot read
    // the keys made here; as anyone else the line is ignored.
    let conf = format!(
        "user root\npersistence false\nlistener {port} 127.0.0.1\ncafile ca.pem\ncertfile server.pem\n\
         keyfile server.key\nallow_anonymous false\npassword_file passwd\n"
    );
    std::fs::write(dir.join("mosquitto.conf"), conf).unwrap();
    let child = std::process::Command::new("mosquitto")
        .args(["-c", "mosquitto.conf"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start mosquitto ({e}): apt-get install -y mosquitto"));
    let broker = PrivateBroker { child, port, dir };
    wait_until("the private broker to listen", async || {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    })
    .await;
    broker
}

fn tls_config(broker: &PrivateBroker, password: &str) -> MqttConfig {
    let url = format!("mqtts://sensor@127.0.0.1:{}", broker.port);
    MqttConfig {
        client_id: unique("yiwang-test-tls"),
        topic_prefix: unique("yiwang-tls"),
        ca_file: Some(broker.dir.join("ca.pem")),
        password: Some(yiwang_server::mqtt::Secret(password.to_owned())),
        ..MqttConfig::from_url(&url).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_arrive_over_tls_with_a_password_and_a_wrong_one_is_refused() {
    let broker = private_tls_broker().await;
    let api = Api::new(Backend::Sqlite).await;
    let building = api.first_building().await;

    // A wrong password: the broker refuses the connection, again and again.
    let refused = yiwang_server::mqtt::spawn(api.state.clone(), tls_config(&broker, "wrong"));
    let config = tls_config(&broker, "s3cret");
    let subscriber = yiwang_server::mqtt::spawn(api.state.clone(), config.clone());
    wait_until("the TLS subscriber to connect", async || {
        count(&subscriber.stats.connections) >= 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let sensor = unique("tls-smk");
    let payload =
        serde_json::json!({"alert_id": "t-1", "kind": "smoke", "premises_id": building.id})
            .to_string();
    let topic = format!("{}/sensors/{sensor}/alert", config.topic_prefix);
    let port = broker.port.to_string();
    let ca = broker.dir.join("ca.pem");
    run_tool(
        &broker.dir,
        "mosquitto_pub",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "--cafile",
            ca.to_str().unwrap(),
            "-u",
            "sensor",
            "-P",
            "s3cret",
            "-q",
            "1",
            "-t",
            &topic,
            "-m",
            &payload,
        ],
    );
    wait_until("the alert's case", async || {
        !sensor_cases(&api, &sensor).await.is_empty()
    })
    .await;
    let case = sensor_cases(&api, &sensor).await.remove(0);
    assert_eq!(case.premises_id, Some(building.id));
    assert_eq!(count(&refused.stats.connections), 0);
    subscriber.abort();
    refused.abort();
}
