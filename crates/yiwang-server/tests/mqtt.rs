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
    let building = api
        .db
        .store
        .buildings_with_points()
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the twin has buildings");
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
