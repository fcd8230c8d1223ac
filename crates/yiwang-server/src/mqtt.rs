//! Sensor alerts over MQTT (物联感知): each alert becomes a case with source `sensor`.
//!
//! The subscriber listens on `{prefix}/sensors/{sensor_id}/alert` (prefix `yiwang`) with QoS 1
//! and a persistent session, and acknowledges a message only once its case is committed (or the
//! message is refused for good), so an acknowledged alert is never lost and an unacknowledged one
//! comes again. The idempotency key `mqtt:{sensor_id}:{alert_id}` turns a redelivery into the case
//! made the first time. The payload (JSON):
//!
//! ```json
//! {"alert_id": "a-1", "kind": "smoke", "premises_id": 42, "lon": 121.43, "lat": 31.18,
//!  "value": 0.8, "at": "2026-11-27T10:00:00+08:00", "text": "3楼走廊"}
//! ```
//!
//! `alert_id` and `kind` are required (kinds: [`SENSOR_CATEGORIES`]); the place is
//! `premises_id`, else `lon`/`lat` (WGS-84). A bad payload is logged (topic's sensor id and the
//! reason, never the payload) and counted, and acknowledged: sending it again would not mend it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS, TlsConfiguration, Transport};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use yiwang_core::intake::{SENSOR_CATEGORIES, sensor_category};
use yiwang_core::model::CaseSource;
use yiwang_store::{IdempotencyKey, Intake, NewCase, StoreError};

use crate::AppState;
use crate::desk::IntakeRequest;

/// Where the broker is, how to log in and how to subscribe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttConfig {
    /// Broker host name or address.
    pub host: String,
    /// Broker port (1883, or 8883 with TLS, unless the URL says otherwise).
    pub port: u16,
    /// Whether to speak TLS (`mqtts://`), checking the broker's certificate against
    /// [`MqttConfig::ca_file`] or the system's roots.
    pub tls: bool,
    /// PEM file of the certificate authorities to trust instead of the system's (a broker with
    /// a private CA).
    pub ca_file: Option<std::path::PathBuf>,
    /// User name to log in with.
    pub username: Option<String>,
    /// Its password (from the URL or `YIWANG_MQTT_PASSWORD`); never logged.
    pub password: Option<Secret>,
    /// Client id; with the persistent session, the broker keeps unacknowledged alerts for it
    /// while yiwang is away.
    pub client_id: String,
    /// First topic level: alerts arrive on `{prefix}/sensors/{sensor_id}/alert`.
    pub topic_prefix: String,
}

/// A password: compared and used, but shown as `***` by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Decodes `%XX` escapes (for user names and passwords with `@`, `:` or `/` in them).
fn percent_decoded(s: &str, url: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("MQTT URL `{url}`: a `%` not followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("MQTT URL `{url}`: the escapes are not UTF-8"))
}

impl MqttConfig {
    /// Reads `mqtt://[USER[:PASSWORD]@]HOST[:PORT]` (also `tcp://`), or `mqtts://…` (also
    /// `ssl://`) for TLS, with client id `yiwang` and topic prefix `yiwang`. User and password
    /// may be percent-encoded; no path or query.
    pub fn from_url(url: &str) -> Result<MqttConfig, String> {
        let (rest, tls) = if let Some(r) = url
            .strip_prefix("mqtt://")
            .or_else(|| url.strip_prefix("tcp://"))
        {
            (r, false)
        } else if let Some(r) = url
            .strip_prefix("mqtts://")
            .or_else(|| url.strip_prefix("ssl://"))
        {
            (r, true)
        } else {
            return Err(format!(
                "MQTT URL `{url}` must start with mqtt:// (or tcp://), or mqtts:// for TLS"
            ));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let (user_info, rest) = match rest.rsplit_once('@') {
            Some((user, rest)) => (Some(user), rest),
            None => (None, rest),
        };
        if rest.is_empty() || rest.contains(['/', '?', '#']) {
            return Err(format!(
                "MQTT URL `{url}` must be mqtt://[USER[:PASSWORD]@]HOST[:PORT] (no path or query)"
            ));
        }
        let (username, password) = match user_info {
            None => (None, None),
            Some(info) => {
                let (user, password) = match info.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (info, None),
                };
                if user.is_empty() {
                    return Err(format!("MQTT URL `{url}` has an empty user name"));
                }
                (
                    Some(percent_decoded(user, url)?),
                    password
                        .map(|p| percent_decoded(p, url).map(Secret))
                        .transpose()?,
                )
            }
        };
        let default_port = if tls { 8883 } else { 1883 };
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || rest.starts_with('[') => {
                let port = port
                    .parse::<u16>()
                    .map_err(|_| format!("MQTT URL `{url}`: `{port}` is not a port"))?;
                (host, port)
            }
            _ => (rest, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("MQTT URL `{url}` names no host"));
        }
        Ok(MqttConfig {
            host: host.to_owned(),
            port,
            tls,
            ca_file: None,
            username,
            password,
            client_id: "yiwang".to_owned(),
            topic_prefix: "yiwang".to_owned(),
        })
    }

    /// The client's TLS settings: the CA file's certificates, or the system's roots.
    fn tls_config(&self) -> Result<rustls::ClientConfig, String> {
        let mut roots = rustls::RootCertStore::empty();
        match &self.ca_file {
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("cannot read the MQTT CA file {}: {e}", path.display()))?;
                let mut added = 0;
                for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                    let cert = cert.map_err(|e| {
                        format!("the MQTT CA file {} is not PEM: {e}", path.display())
                    })?;
                    roots
                        .add(cert)
                        .map_err(|e| format!("a certificate in {}: {e}", path.display()))?;
                    added += 1;
                }
                if added == 0 {
                    return Err(format!(
                        "the MQTT CA file {} holds no certificate",
                        path.display()
                    ));
                }
            }
            None => {
                let found = rustls_native_certs::load_native_certs();
                for cert in found.certs {
                    // A system certificate rustls cannot read is skipped, as browsers do.
                    let _ = roots.add(cert);
                }
                if roots.is_empty() {
                    return Err("no system CA certificates found for MQTT over TLS; give the broker's CA with --mqtt-ca".to_owned());
                }
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS settings: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth())
    }

    /// Whether the settings can be used (the CA file reads, TLS can be set up): to refuse a bad
    /// configuration at start-up rather than in the subscriber's log.
    pub fn check(&self) -> Result<(), String> {
        self.options().map(|_| ())
    }

    /// The client options: where, who, and over what.
    fn options(&self) -> Result<MqttOptions, String> {
        let mut options = MqttOptions::new(&self.client_id, &self.host, self.port);
        options
            .set_keep_alive(Duration::from_secs(30))
            .set_clean_session(false)
            .set_manual_acks(true)
            .set_max_packet_size(64 * 1024, 64 * 1024);
        if let Some(user) = &self.username {
            let password = self.password.as_ref().map_or("", |p| p.0.as_str());
            options.set_credentials(user, password);
        }
        if self.tls {
            options.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(
                Arc::new(self.tls_config()?),
            )));
        }
        Ok(options)
    }

    /// The subscription: every sensor's alerts.
    pub fn topic_filter(&self) -> String {
        format!("{}/sensors/+/alert", self.topic_prefix)
    }
}

/// What the subscriber has done since it started.
#[derive(Debug, Default)]
pub struct MqttStats {
    /// Alerts received (redeliveries included).
    pub received: AtomicU64,
    /// Cases made.
    pub created: AtomicU64,
    /// Redeliveries answered with the case made before.
    pub replayed: AtomicU64,
    /// Alerts refused: bad payload, unknown kind or place, a reused `alert_id`.
    pub rejected: AtomicU64,
    /// Connections made (the first and every reconnect).
    pub connections: AtomicU64,
}

/// An alert as sensors send it.
/// Unknown fields are ignored, so sensors may send more (battery, firmware…).
#[derive(Debug, Deserialize)]
struct AlertPayload {
    alert_id: String,
    kind: String,
    premises_id: Option<i64>,
    lon: Option<f64>,
    lat: Option<f64>,
    value: Option<f64>,
    at: Option<DateTime<Utc>>,
    text: Option<String>,
}

/// Longest accepted sensor or alert id.
const MAX_ID: usize = 100;
/// Longest accepted alert text, in characters.
const MAX_TEXT: usize = 500;
/// Tries to store one alert before leaving it unacknowledged for the broker to send again.
const STORE_TRIES: u32 = 5;

/// What became of one message.
#[derive(Debug, PartialEq)]
enum Outcome {
    Created(i64),
    Replayed(i64),
    /// Refused for good: acknowledged, never a case.
    Rejected(String),
    /// The store failed: left unacknowledged.
    Failed(String),
}

/// A running subscriber.
#[derive(Debug)]
pub struct MqttSubscriber {
    /// Its counters.
    pub stats: Arc<MqttStats>,
    task: tokio::task::JoinHandle<()>,
}

impl MqttSubscriber {
    /// Stops it at once, without a DISCONNECT: the broker keeps the session and queues alerts
    /// for the next subscriber with the same client id. Alerts in hand and not yet acknowledged
    /// are sent again then.
    pub fn abort(&self) {
        self.task.abort();
    }
}

/// Starts the subscriber on the runtime; it runs until the process ends (or
/// [`MqttSubscriber::abort`]), reconnecting with backoff (1 s doubling to 30 s) when the broker
/// is away.
pub fn spawn(state: AppState, config: MqttConfig) -> MqttSubscriber {
    let stats = Arc::new(MqttStats::default());
    let task = tokio::spawn(run(state, config, stats.clone()));
    MqttSubscriber { stats, task }
}

async fn run(state: AppState, config: MqttConfig, stats: Arc<MqttStats>) {
    let options = match config.options() {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, "MQTT subscriber not started");
            return;
        }
    };
    let (client, mut events) = AsyncClient::new(options, 256);
    let filter = config.topic_filter();
    let mut backoff = Duration::from_secs(1);
    tracing::info!(host = %config.host, port = config.port, tls = config.tls, user = ?config.username, topic = %filter, "MQTT subscriber starting");
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                backoff = Duration::from_secs(1);
                stats.connections.fetch_add(1, Ordering::Relaxed);
                tracing::info!(host = %config.host, port = config.port, "MQTT connected");
                if let Err(e) = client.subscribe(&filter, QoS::AtLeastOnce).await {
                    tracing::warn!(error = %e, "MQTT subscribe request failed");
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                stats.received.fetch_add(1, Ordering::Relaxed);
                let (state, client, stats, prefix) = (
                    state.clone(),
                    client.clone(),
                    stats.clone(),
                    config.topic_prefix.clone(),
                );
                tokio::spawn(async move {
                    handle(&state, &client, &stats, &prefix, publish).await;
                });
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, retry_in_s = backoff.as_secs(), "MQTT connection lost");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}

async fn handle(
    state: &AppState,
    client: &AsyncClient,
    stats: &MqttStats,
    prefix: &str,
    publish: Publish,
) {
    let sensor = sensor_id(prefix, &publish.topic).unwrap_or("?").to_owned();
    let mut outcome = take_in(state, prefix, &publish, Utc::now()).await;
    let mut tries = 1;
    let mut wait = Duration::from_millis(200);
    while let Outcome::Failed(_) = outcome {
        if tries >= STORE_TRIES {
            break;
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
        tries += 1;
        outcome = take_in(state, prefix, &publish, Utc::now()).await;
    }
    match &outcome {
        Outcome::Created(id) => {
            stats.created.fetch_add(1, Ordering::Relaxed);
            tracing::info!(sensor = %sensor, case_id = id, "sensor alert taken in");
        }
        Outcome::Replayed(id) => {
            stats.replayed.fetch_add(1, Ordering::Relaxed);
            tracing::info!(sensor = %sensor, case_id = id, "sensor alert seen before");
        }
        Outcome::Rejected(reason) => {
            stats.rejected.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(sensor = %sensor, reason = %reason, "sensor alert refused");
        }
        Outcome::Failed(reason) => {
            tracing::error!(sensor = %sensor, reason = %reason, "sensor alert not stored; left for the broker to send again");
            return;
        }
    }
    if let Err(e) = client.ack(&publish).await {
        tracing::warn!(sensor = %sensor, error = %e, "MQTT acknowledgement not sent");
    }
}

/// The sensor id in `{prefix}/sensors/{sensor_id}/alert`.
fn sensor_id<'t>(prefix: &str, topic: &'t str) -> Option<&'t str> {
    let rest = topic.strip_prefix(prefix)?.strip_prefix("/sensors/")?;
    let id = rest.strip_suffix("/alert")?;
    (!id.is_empty() && id.len() <= MAX_ID && !id.contains('/')).then_some(id)
}

/// A checked alert, ready to be placed.
#[derive(Debug, PartialEq)]
struct Alert {
    sensor_id: String,
    alert_id: String,
    kind: &'static yiwang_core::intake::SensorCategory,
    premises_id: Option<i64>,
    point: Option<(f64, f64)>,
    value: Option<f64>,
    at: Option<DateTime<Utc>>,
    text: Option<String>,
}

/// Checks topic and payload; the error is the reason, without the payload's text.
fn parse_alert(prefix: &str, topic: &str, payload: &[u8]) -> Result<Alert, String> {
    let sensor = sensor_id(prefix, topic)
        .ok_or_else(|| format!("topic is not {prefix}/sensors/{{sensor_id}}/alert"))?;
    let p: AlertPayload = serde_json::from_slice(payload)
        .map_err(|e| format!("payload is not an alert: {}", json_reason(&e)))?;
    let alert_id = p.alert_id.trim();
    if alert_id.is_empty() || alert_id.len() > MAX_ID {
        return Err(format!("`alert_id` must be 1–{MAX_ID} bytes"));
    }
    let kind = sensor_category(&p.kind).ok_or_else(|| {
        let known: Vec<&str> = SENSOR_CATEGORIES.iter().map(|c| c.alert_kind).collect();
        format!("`kind` is not one of: {}", known.join(", "))
    })?;
    let point = match (p.lon, p.lat) {
        (Some(lon), Some(lat)) => {
            if !(lon.is_finite()
                && lat.is_finite()
                && (-180.0..=180.0).contains(&lon)
                && (-90.0..=90.0).contains(&lat))
            {
                return Err("`lon`/`lat` are not a point on Earth".to_owned());
            }
            Some((lon, lat))
        }
        (None, None) => None,
        _ => return Err("give both `lon` and `lat`, or neither".to_owned()),
    };
    if p.premises_id.is_none() && point.is_none() {
        return Err("no place: give `premises_id` or `lon`/`lat`".to_owned());
    }
    if p.value.is_some_and(|v| !v.is_finite()) {
        return Err("`value` is not a number".to_owned());
    }
    let text = p
        .text
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
        return Err(format!("`text` is longer than {MAX_TEXT} characters"));
    }
    Ok(Alert {
        sensor_id: sensor.to_owned(),
        alert_id: alert_id.to_owned(),
        kind,
        premises_id: p.premises_id,
        point,
        value: p.value,
        at: p.at,
        text,
    })
}

/// The kind of JSON error and its position only: serde's message can quote the payload.
fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "unreadable",
        Category::Syntax => "not JSON",
        Category::Eof => "cut short",
        Category::Data => "a field is missing or of the wrong type",
    };
    format!("{what} (line {} column {})", e.line(), e.column())
}

/// The case text: the alert's label, the sensor, the reading and what the sensor said.
fn case_text(alert: &Alert) -> String {
    let mut text = format!(
        "【物联感知】{}：传感器 {}",
        alert.kind.label, alert.sensor_id
    );
    if let Some(v) = alert.value {
        text.push_str(&format!("，读数 {v}"));
    }
    if let Some(t) = &alert.text {
        text.push('，');
        text.push_str(t);
    }
    text
}

async fn take_in(state: &AppState, prefix: &str, publish: &Publish, now: DateTime<Utc>) -> Outcome {
    let alert = match parse_alert(prefix, &publish.topic, &publish.payload) {
        Ok(a) => a,
        Err(reason) => return Outcome::Rejected(reason),
    };
    let mut point = alert.point;
    let mut premises = None;
    let mut address = None;
    if let Some(id) = alert.premises_id {
        match state.premises_by_id(id).await {
            Ok(Some(m)) => {
                point = point.or(m.point);
                premises = Some((m.premises_id, m.point));
                address = Some(m.standard_address);
            }
            Ok(None) if point.is_some() => {}
            Ok(None) => return Outcome::Rejected(format!("no premises {id} and no lon/lat")),
            Err(e) => return Outcome::Failed(e.to_string()),
        }
    }
    // The sensor's clock, unless it runs ahead of ours.
    let at = alert.at.filter(|t| *t <= now).unwrap_or(now);
    let req = IntakeRequest {
        source: CaseSource::Sensor,
        text: case_text(&alert),
        address,
        point,
        category: Some((alert.kind.kind, alert.kind.subclass_code.to_owned())),
        filing_condition: Some(alert.kind.filing_condition.to_owned()),
        request_type: None,
        priority: None,
        reporter_name: None,
        reporter_phone: None,
        reporter_account_id: None,
        premises,
        attachments: Vec::new(),
    };
    let (case, _) = match state
        .desk
        .prepare(req, &state.grid().locator, &state.store, at)
        .await
    {
        Ok(prepared) => prepared,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let digest = Sha256::digest(&publish.payload);
    let new = NewCase {
        case,
        actor: format!("mqtt:{}", alert.sensor_id),
        idempotency: Some(IdempotencyKey {
            key: format!("mqtt:{}:{}", alert.sensor_id, alert.alert_id),
            request_hash: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }),
        attachments: Vec::new(),
    };
    match state.desk.submit(new).await {
        Ok(Intake::Created(c)) => Outcome::Created(c.id),
        Ok(Intake::Replayed(c)) => Outcome::Replayed(c.id),
        Err(StoreError::Conflict(_)) => Outcome::Rejected(format!(
            "alert_id `{}` was sent before with a different payload",
            alert.alert_id
        )),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn broker_urls() {
        let cases = [
            ("mqtt://127.0.0.1:1883", Ok(("127.0.0.1", 1883))),
            ("mqtt://broker.example", Ok(("broker.example", 1883))),
            ("tcp://10.0.0.5:11883/", Ok(("10.0.0.5", 11883))),
            ("mqtt://[::1]:1884", Ok(("::1", 1884))),
            ("http://127.0.0.1:1883", Err("must start with mqtt://")),
            ("mqtts://broker.example", Ok(("broker.example", 8883))),
            ("mqtt://u:p@host:1883", Ok(("host", 1883))),
            ("mqtt://host/topic", Err("no path or query")),
            ("mqtt://:p@host", Err("empty user name")),
            ("mqtt://u:%zz@host", Err("two hex digits")),
            ("mqtt://host:99999", Err("is not a port")),
            ("mqtt://", Err("no path or query")),
        ];
        for (url, want) in cases {
            match (MqttConfig::from_url(url), want) {
                (Ok(c), Ok((host, port))) => {
                    assert_eq!((c.host.as_str(), c.port), (host, port), "{url}")
                }
                (Err(e), Err(part)) => assert!(e.contains(part), "{url}: {e}"),
                (got, want) => panic!("{url}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn credentials_and_tls_from_urls() {
        let c = MqttConfig::from_url("mqtts://sensor%40gw:p%3Ass@broker.example:8884").unwrap();
        assert!(c.tls);
        assert_eq!(c.username.as_deref(), Some("sensor@gw"));
        assert_eq!(c.password, Some(Secret("p:ss".to_owned())));
        // The password never shows in the configuration's debug form (logs).
        assert!(!format!("{c:?}").contains("p:ss"));
        let c = MqttConfig::from_url("mqtt://gateway@127.0.0.1").unwrap();
        assert_eq!(
            (c.tls, c.username.as_deref(), c.password),
            (false, Some("gateway"), None)
        );
    }

    #[test]
    fn sensor_ids_from_topics() {
        let cases = [
            ("yiwang/sensors/smk-1/alert", Some("smk-1")),
            ("yiwang/sensors//alert", None),
            ("yiwang/sensors/a/b/alert", None),
            ("yiwang/sensors/smk-1/status", None),
            ("other/sensors/smk-1/alert", None),
        ];
        for (topic, want) in cases {
            assert_eq!(sensor_id("yiwang", topic), want, "{topic}");
        }
    }

    #[test]
    fn payloads_are_checked() {
        let topic = "yiwang/sensors/s1/alert";
        // (payload, Ok((alert_id, subclass)) or Err(part of the reason))
        type Case<'a> = (&'a str, Result<(&'a str, &'a str), &'a str>);
        let cases: [Case; 9] = [
            (
                r#"{"alert_id":"a1","kind":"smoke","premises_id":7}"#,
                Ok(("a1", "0491")),
            ),
            (
                r#"{"alert_id":"a2","kind":"water_level","lon":121.43,"lat":31.18,"value":0.3}"#,
                Ok(("a2", "0406")),
            ),
            ("not json", Err("not JSON")),
            (r#"{"alert_id":"a3"}"#, Err("missing")),
            (
                r#"{"alert_id":"a4","kind":"meteor","premises_id":7}"#,
                Err("`kind` is not one of"),
            ),
            (r#"{"alert_id":"a5","kind":"smoke"}"#, Err("no place")),
            (
                r#"{"alert_id":"a6","kind":"smoke","lon":121.4}"#,
                Err("both `lon` and `lat`"),
            ),
            (
                r#"{"alert_id":" ","kind":"smoke","premises_id":7}"#,
                Err("`alert_id` must be"),
            ),
            (
                r#"{"alert_id":"a7","kind":"smoke","premises_id":"13800138000"}"#,
                Err("wrong type"),
            ),
        ];
        for (payload, want) in cases {
            match (parse_alert("yiwang", topic, payload.as_bytes()), want) {
                (Ok(a), Ok((id, code))) => {
                    assert_eq!((a.alert_id.as_str(), a.kind.subclass_code), (id, code))
                }
                (Err(e), Err(part)) => {
                    assert!(e.contains(part), "{payload}: {e}");
                    assert!(!e.contains("13800138000"), "reason quotes the payload: {e}");
                }
                (got, want) => panic!("{payload}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn case_text_names_the_alert_and_sensor() {
        let alert = parse_alert(
            "yiwang",
            "yiwang/sensors/wl-9/alert",
            r#"{"alert_id":"x","kind":"water_level","lon":121.4,"lat":31.2,"value":0.35,"text":"漕溪北路下立交"}"#
                .as_bytes(),
        )
        .expect("valid");
        assert_eq!(
            case_text(&alert),
            "【物联感知】积水水位报警：传感器 wl-9，读数 0.35，漕溪北路下立交"
        );
    }
}
