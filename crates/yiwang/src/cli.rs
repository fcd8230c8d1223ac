//! Command-line arguments and dispatch.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use yiwang_core::privacy::IdVault;
use yiwang_core::registry::RegistryKind;
use yiwang_store::Store;

/// yiwang (一网): the data backbone of a city district's digital governance — premises registry
/// (住所云), the three registries (三个实有), the five-level grid, and the 12345 case loop.
#[derive(Debug, Parser)]
#[command(name = "yiwang", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the Xuhui twin into an empty database (skipped if it has data), create one demo
    /// account per role, and serve it.
    Demo(DemoArgs),
    /// Serve the HTTP API and console from an existing database.
    Serve(ServeArgs),
    /// Print counts of every registry and grid level.
    Stats(StatsArgs),
    /// Coordinate tools.
    #[command(subcommand)]
    Geo(GeoCommand),
    /// Grid tools.
    #[command(subcommand)]
    Grid(GridCommand),
    /// Import data into the registries.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export a registry to CSV or XLSX in its import schema (ID numbers and phones masked unless
    /// --unmasked --reason "…", which is audited).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Chinese address tools.
    #[command(subcommand)]
    Address(AddressCommand),
    /// Account tools.
    #[command(subcommand)]
    Accounts(AccountsCommand),
}

/// The account `username`, or the one-line error that there is none.
async fn account_named(
    store: &yiwang_store::Store,
    username: &str,
) -> anyhow::Result<yiwang_store::AccountRecord> {
    store
        .account_by_username(username)
        .await?
        .with_context(|| format!("no account `{username}`"))
}

#[derive(Debug, Subcommand)]
enum AccountsCommand {
    /// Issue an API key to an account (audited) and print it on standard output; the key is
    /// shown only this once (the database keeps its SHA-256). Clients send it as Open311
    /// `api_key`, and what they report is recorded under the account.
    ApiKey {
        /// Username of the account.
        username: String,
        /// What the key is for (e.g. the client application).
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke an account's API key (audited); the key id is the one printed when it was issued
    /// (`GET /api/v1/accounts/{id}/api-keys` lists them).
    RevokeKey {
        /// Username of the account.
        username: String,
        /// Id of the key.
        key_id: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum AddressCommand {
    /// Split addresses (one per line) into labelled components with character spans, and infer
    /// the district when it is not written. Writes JSON lines (or CSV, one row per component).
    Parse {
        /// File with one address per line; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Label set: yiwang (default) or ccks (the CCKS-2021 labels).
        #[arg(long, default_value = "yiwang")]
        scheme: yiwang_address::Scheme,
        /// Output format: jsonl or csv.
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
        format: String,
        /// Also know the roads and POI names of this database's registry (SQLite file).
        #[arg(long, value_name = "PATH", conflicts_with = "database_url")]
        db: Option<PathBuf>,
        /// Also know the roads and POI names of this database's registry (URL).
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
    },
    /// Match addresses (one per line) to the premises registry: for each, the candidates best
    /// first, each with its premises id, standard address, score (0 to 1), level and reasons.
    /// Never returns a level below what was written. Writes JSON lines (or CSV, one row per
    /// candidate).
    Match {
        /// File with one address per line; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Output format: jsonl or csv.
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "csv"])]
        format: String,
        /// Candidates per address.
        #[arg(long, value_name = "N", default_value_t = 5)]
        limit: usize,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import grid boundaries for one level from a GeoJSON FeatureCollection. Changed cells keep
    /// their previous version in the history; every level below is re-derived inside the new
    /// polygons and buildings move to the 楼组 that now contains them. Bad features are reported
    /// (feature number, code, reason) and skipped; the exit status is 1 if any were.
    Boundaries {
        /// The GeoJSON file (Polygon or MultiPolygon features).
        file: PathBuf,
        /// Level of the features: street, area, community, micro_grid or building_group.
        #[arg(long, value_name = "L")]
        level: yiwang_core::model::GridLevel,
        /// Property holding the grid code.
        #[arg(long, value_name = "F", default_value = "code")]
        code_field: String,
        /// Property holding the name.
        #[arg(long, value_name = "F", default_value = "name")]
        name_field: String,
        /// Coordinate system of the file: wgs84, gcj02 or bd09.
        #[arg(long, value_name = "CRS", default_value = "wgs84")]
        crs: yiwang_geo::Crs,
        /// Check and report without writing anything.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import historical 12345 hotline orders from a CSV (UTF-8) or XLSX file (first sheet), the
    /// first row naming the columns: order_no, received_at, request_type, text, address, state
    /// (closed/open), and optionally category_code, category_kind, department, closed_at,
    /// satisfaction, reply (see README). Bad rows are reported as FILE:LINE: reason (line 1 is
    /// the header) and skipped, the good ones imported in one transaction; an order_no imported
    /// before adds nothing. The exit status is 1 if any row was rejected.
    Cases {
        /// The .csv or .xlsx file.
        file: PathBuf,
        /// Check and enrich every row, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write `{"accepted", "already_imported", "unmatched_addresses", "rejected": [{"line",
        /// "reason"}]}` to this file.
        #[arg(long, value_name = "OUT.json")]
        report: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import a snapshot of the actual-population registry (实有人口) from CSV or XLSX: columns
    /// id_number, name, type, address, and optionally phone, move_in_date, id_kind, sex,
    /// birth_date, nationality (see README). The change set against the source's previous
    /// snapshot is stored for review and rollback. Exit status 1 if any row was rejected.
    Persons(RegistryImportArgs),
    /// Import a snapshot of the actual-housing registry (实有房屋): address, use, area_m2,
    /// owner_id_number.
    Housing(RegistryImportArgs),
    /// Import a snapshot of the actual-units registry (实有单位): uscc, name, address, industry,
    /// staff, registered_at.
    Units(RegistryImportArgs),
    /// Import 住所云 attestations: end, address, fact, value, evidence, attested_at, attester.
    Attestations(RegistryImportArgs),
}

/// Arguments of `yiwang import persons|housing|units|attestations`.
#[derive(Debug, Args)]
struct RegistryImportArgs {
    /// The .csv (UTF-8) or .xlsx file; the first row names the columns.
    file: PathBuf,
    /// Who the snapshot comes from (e.g. 公安, 房管, 市场监管, a street office): the change set is
    /// computed against this source's previous snapshot.
    #[arg(long, value_name = "NAME", default_value = "default")]
    source: String,
    /// Check every row and compute the change set, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write the report here: .json (`{"accepted", "rejected": [{"line", "reason"}], …}`) or
    /// .xlsx.
    #[arg(long, value_name = "OUT.json|OUT.xlsx")]
    report: Option<PathBuf>,
    /// Lowest address-match score (0–1) at which an address counts as a premises of the registry.
    #[arg(long, value_name = "S", default_value_t = yiwang_server::registry::DEFAULT_MIN_SCORE)]
    min_score: f64,
    #[command(flatten)]
    db: DbArgs,
}

/// Arguments of `yiwang export persons|housing|units|attestations`.
#[derive(Debug, Args)]
struct RegistryExportArgs {
    /// The .csv or .xlsx file to write, in the import's column schema.
    file: PathBuf,
    /// Write ID numbers and phones in full (needs --reason; audited). Without it they are
    /// masked, and the file is for reading, not for re-import.
    #[arg(long, requires = "reason")]
    unmasked: bool,
    /// Why the unmasked export is needed (kept in the audit log).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// 实有人口.
    Persons(RegistryExportArgs),
    /// 实有房屋.
    Housing(RegistryExportArgs),
    /// 实有单位.
    Units(RegistryExportArgs),
    /// 住所云 attestations.
    Attestations(RegistryExportArgs),
}

#[derive(Debug, Subcommand)]
enum GridCommand {
    /// Check that every grid level tiles its parent (gaps, overlaps, cells outside their parent)
    /// and that every building lies in exactly one 楼组. Exits 1 when it finds problems.
    Check {
        #[command(flatten)]
        db: DbArgs,
        /// Only this level: street, area, community, micro_grid or building_group.
        #[arg(long, value_name = "L")]
        level: Option<yiwang_core::model::GridLevel>,
        /// Write the problems as a GeoJSON FeatureCollection to this file.
        #[arg(long, value_name = "OUT")]
        geojson: Option<PathBuf>,
        /// Print the whole report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum GeoCommand {
    /// Convert a point between WGS-84 (GPS), GCJ-02 (most Chinese map apps) and BD-09 (Baidu);
    /// prints `LON LAT`.
    #[command(allow_negative_numbers = true)]
    Convert {
        /// Coordinate system of the input: wgs84, gcj02 or bd09.
        #[arg(long, value_name = "CRS")]
        from: yiwang_geo::Crs,
        /// Coordinate system of the output: wgs84, gcj02 or bd09.
        #[arg(long, value_name = "CRS")]
        to: yiwang_geo::Crs,
        /// Longitude in degrees.
        lon: f64,
        /// Latitude in degrees.
        lat: f64,
    },
}

/// Where the data lives: a SQLite file (default) or a PostgreSQL server.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// SQLite database file; created if missing.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "data/yiwang.db",
        conflicts_with = "database_url"
    )]
    pub db: PathBuf,
    /// PostgreSQL (postgres://USER@HOST:PORT/DB) or SQLite (sqlite://PATH) URL; overrides --db.
    #[arg(long, value_name = "URL", env = "YIWANG_DATABASE_URL")]
    pub database_url: Option<String>,
    /// File holding the data key (64 hex digits) that seals ID numbers; `YIWANG_DATA_KEY` may
    /// hold the key itself. Without either, a SQLite database uses (and first creates)
    /// `<db>.key` beside it; PostgreSQL needs one of them.
    #[arg(long, value_name = "FILE", env = "YIWANG_DATA_KEY_FILE")]
    pub data_key_file: Option<PathBuf>,
}

impl DbArgs {
    /// The database URL, if one was given: `--database-url`, or a URL passed to `--db` (people
    /// write `--db postgres://…`; taking it as a file name would make a SQLite file named so).
    pub fn url(&self) -> Option<String> {
        self.database_url.clone().or_else(|| {
            let db = self.db.to_string_lossy();
            db.contains("://").then(|| db.into_owned())
        })
    }

    /// Opens the store, creating the SQLite file's folder if needed.
    pub async fn open(&self) -> anyhow::Result<Store> {
        let url = match self.url() {
            Some(url) => url,
            None => {
                if let Some(dir) = self.db.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create folder {}", dir.display()))?;
                }
                format!("sqlite://{}", self.db.display())
            }
        };
        let shown = redact_url(&url);
        Store::connect(&url)
            .await
            .with_context(|| format!("cannot open database {shown}"))
    }
}

impl DbArgs {
    /// Opens the store and the vault that seals its ID numbers (see `--data-key-file`).
    pub async fn open_with_vault(&self) -> anyhow::Result<(Store, IdVault)> {
        let vault = self.vault()?;
        Ok((self.open().await?, vault))
    }

    /// The vault: from `YIWANG_DATA_KEY`, else `--data-key-file`, else `<db>.key` for SQLite.
    pub fn vault(&self) -> anyhow::Result<IdVault> {
        if let Ok(hex) = std::env::var("YIWANG_DATA_KEY")
            && !hex.trim().is_empty()
        {
            return IdVault::from_hex(&hex).context("YIWANG_DATA_KEY");
        }
        if let Some(path) = &self.data_key_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the data key file {}", path.display()))?;
            return IdVault::from_hex(&text).with_context(|| path.display().to_string());
        }
        let sqlite_path = match self.url() {
            None => Some(self.db.clone()),
            Some(url) => url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .map(|rest| PathBuf::from(rest.split('?').next().unwrap_or(rest))),
        };
        let Some(db) = sqlite_path else {
            anyhow::bail!(
                "no data key to seal ID numbers: set YIWANG_DATA_KEY to 64 hex digits (e.g. `openssl rand -hex 32`) or pass --data-key-file"
            );
        };
        let mut key_path = db.into_os_string();
        key_path.push(".key");
        let key_path = PathBuf::from(key_path);
        if key_path.exists() {
            let text = std::fs::read_to_string(&key_path)
                .with_context(|| format!("cannot read the data key file {}", key_path.display()))?;
            return IdVault::from_hex(&text).with_context(|| key_path.display().to_string());
        }
        if let Some(dir) = key_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create folder {}", dir.display()))?;
        }
        let key = IdVault::generate_key_hex();
        write_private(&key_path, &key)
            .with_context(|| format!("cannot write the data key file {}", key_path.display()))?;
        tracing::warn!(
            path = %key_path.display(),
            "generated a new data key for ID numbers; back it up with the database: without it sealed ID numbers cannot be read"
        );
        IdVault::from_hex(&key).context("generated data key")
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

/// Hides a password in a database URL before it is printed.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Where to listen.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to bind.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on.
    #[arg(long, value_name = "P", default_value_t = 8080)]
    pub port: u16,
    /// MQTT broker for sensor alerts: `mqtt://[USER@]HOST[:PORT]` (e.g. `mqtt://127.0.0.1:1883`),
    /// or `mqtts://…` for TLS (port 8883 by default); alerts on `yiwang/sensors/{sensor_id}/alert`
    /// become cases. Without it, no MQTT. The password is best given in `YIWANG_MQTT_PASSWORD`
    /// (a password in the URL shows in process lists).
    #[arg(long, value_name = "URL", env = "YIWANG_MQTT_URL")]
    pub mqtt: Option<String>,
    /// PEM file of the certificate authorities that sign the broker's certificate, for a
    /// `mqtts://` broker with a private CA (default: the system's roots).
    #[arg(long, value_name = "FILE", env = "YIWANG_MQTT_CA")]
    pub mqtt_ca: Option<PathBuf>,
    /// MQTT client id: the broker keeps unacknowledged alerts for it while yiwang is away, so
    /// each instance needs its own.
    #[arg(
        long,
        value_name = "ID",
        env = "YIWANG_MQTT_CLIENT_ID",
        default_value = "yiwang"
    )]
    pub mqtt_client_id: String,
}

impl ListenArgs {
    fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.bind, self.port)
    }

    /// The MQTT subscriber's settings, `None` without `--mqtt`.
    pub fn mqtt_config(&self) -> anyhow::Result<Option<yiwang_server::mqtt::MqttConfig>> {
        let Some(url) = self
            .mqtt
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        else {
            return Ok(None);
        };
        let mut config =
            yiwang_server::mqtt::MqttConfig::from_url(url).map_err(anyhow::Error::msg)?;
        let id = self.mqtt_client_id.trim();
        if id.is_empty() {
            anyhow::bail!("--mqtt-client-id is empty; the broker keeps the session by this id");
        }
        config.client_id = id.to_owned();
        if config.password.is_none()
            && let Ok(password) = std::env::var("YIWANG_MQTT_PASSWORD")
        {
            if config.username.is_none() {
                anyhow::bail!(
                    "YIWANG_MQTT_PASSWORD is set but the MQTT URL names no user: write mqtt://USER@HOST"
                );
            }
            config.password = Some(yiwang_server::mqtt::Secret(password));
        }
        if let Some(ca) = &self.mqtt_ca {
            if !config.tls {
                anyhow::bail!("--mqtt-ca is for a TLS broker; write the URL as mqtts://…");
            }
            if !ca.is_file() {
                anyhow::bail!("--mqtt-ca {}: no such file", ca.display());
            }
            config.ca_file = Some(ca.clone());
        }
        config.check().map_err(anyhow::Error::msg)?;
        Ok(Some(config))
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Size of the twin: 1 ≈ the real district (≈1.1 million residents, about 40 s); the default
    /// starts in seconds.
    #[arg(long, value_name = "S", default_value_t = 0.02)]
    pub scale: f64,
    /// Seed: the same seed and scale give the same district.
    #[arg(long, value_name = "N", default_value_t = 2023)]
    pub seed: u64,
    #[command(flatten)]
    pub db: DbArgs,
    /// GeoJSON FeatureCollection of real street boundaries (WGS-84), one feature per street with a
    /// `code` (9-digit) or `name` property; without it street polygons are synthesised.
    #[arg(long, value_name = "FILE")]
    pub boundaries: Option<PathBuf>,
    #[command(flatten)]
    pub listen: ListenArgs,
    /// Password of every demo account (one per role, username = role identifier); without it a
    /// random one is generated and printed.
    #[arg(long, value_name = "PW", env = "YIWANG_DEMO_PASSWORD")]
    pub demo_password: Option<String>,
    /// Generate and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Generate the district (divisions, grids, premises, departments, cases) but leave the
    /// population, housing and units registries empty, for filling with `yiwang import`.
    #[arg(long)]
    pub without_registries: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    listen: ListenArgs,
}

#[derive(Debug, Args)]
struct StatsArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Demo(args) => crate::demo::run(args).await,
        Command::Serve(args) => {
            // A bad broker URL is an argument error: said before anything is opened.
            args.listen.mqtt_config()?;
            let (store, vault) = args.db.open_with_vault().await?;
            if store.is_empty().await? {
                tracing::warn!(
                    "the database is empty; `yiwang demo` generates the Xuhui twin into it"
                );
            }
            serve(store, vault, &args.listen).await
        }
        Command::Geo(GeoCommand::Convert { from, to, lon, lat }) => {
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                anyhow::bail!(
                    "longitude must be in [-180, 180] and latitude in [-90, 90]; got {lon} {lat}"
                );
            }
            let (x, y) = yiwang_geo::convert(lon, lat, from, to);
            println!("{x:.7} {y:.7}");
            Ok(())
        }
        Command::Grid(GridCommand::Check {
            db,
            level,
            geojson,
            json,
        }) => crate::grid::check(db, level, geojson.as_deref(), json).await,
        Command::Import(ImportCommand::Boundaries {
            file,
            level,
            code_field,
            name_field,
            crs,
            dry_run,
            db,
        }) => {
            let options = yiwang_server::boundaries::BoundaryOptions {
                level,
                code_field,
                name_field,
                crs,
                dry_run,
            };
            crate::boundaries::import(&file, &options, db).await
        }
        Command::Import(ImportCommand::Persons(a)) => {
            import_registry(RegistryKind::Persons, a).await
        }
        Command::Import(ImportCommand::Housing(a)) => {
            import_registry(RegistryKind::Housing, a).await
        }
        Command::Import(ImportCommand::Units(a)) => import_registry(RegistryKind::Units, a).await,
        Command::Import(ImportCommand::Attestations(a)) => {
            import_registry(RegistryKind::Attestations, a).await
        }
        Command::Export(ExportCommand::Persons(a)) => {
            export_registry(RegistryKind::Persons, a).await
        }
        Command::Export(ExportCommand::Housing(a)) => {
            export_registry(RegistryKind::Housing, a).await
        }
        Command::Export(ExportCommand::Units(a)) => export_registry(RegistryKind::Units, a).await,
        Command::Export(ExportCommand::Attestations(a)) => {
            export_registry(RegistryKind::Attestations, a).await
        }
        Command::Import(ImportCommand::Cases {
            file,
            dry_run,
            report,
            db,
        }) => {
            let options = crate::orders::Options { dry_run, report };
            crate::orders::import(&file, &options, db).await
        }
        Command::Address(AddressCommand::Match {
            file,
            format,
            limit,
            db,
        }) => crate::address::match_addresses(file.as_deref(), &format, limit, &db).await,
        Command::Address(AddressCommand::Parse {
            file,
            scheme,
            format,
            db,
            database_url,
        }) => {
            crate::address::parse(
                file.as_deref(),
                scheme,
                &format,
                db.as_deref(),
                database_url.as_deref(),
            )
            .await
        }
        Command::Accounts(AccountsCommand::ApiKey {
            username,
            label,
            db,
        }) => {
            let store = db.open().await?;
            let account = account_named(&store, &username).await?;
            if account.disabled {
                anyhow::bail!("account `{username}` is disabled; its keys would not work");
            }
            let (record, key) =
                yiwang_server::auth::issue_api_key(&store, account.id, &label, "cli").await?;
            eprintln!(
                "API key {}… issued to `{username}` (key id {}); it is shown only now:",
                record.prefix, record.id
            );
            println!("{key}");
            store.close().await;
            Ok(())
        }
        Command::Accounts(AccountsCommand::RevokeKey {
            username,
            key_id,
            db,
        }) => {
            let store = db.open().await?;
            let account = account_named(&store, &username).await?;
            let revoked = store.revoke_api_key(account.id, key_id, "cli").await?;
            store.close().await;
            if !revoked {
                anyhow::bail!("`{username}` has no live API key with id {key_id}");
            }
            eprintln!("API key {key_id} of `{username}` revoked");
            Ok(())
        }
        Command::Stats(args) => {
            let store = args.db.open().await?;
            let stats = store.stats().await?;
            if args.json {
                println!("{}", serde_json::to_string(&stats)?);
            } else {
                let value = serde_json::to_value(&stats)?;
                if let Some(map) = value.as_object() {
                    for (key, count) in map {
                        println!("{key:>16}  {count}");
                    }
                }
            }
            store.close().await;
            Ok(())
        }
    }
}

/// Loads the indexes, starts the MQTT subscriber if a broker is given, and serves.
async fn import_registry(kind: RegistryKind, a: RegistryImportArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&a.min_score) {
        anyhow::bail!("--min-score must be between 0 and 1, got {}", a.min_score);
    }
    let options = crate::registries::ImportOptions {
        source: a.source,
        dry_run: a.dry_run,
        report: a.report,
        min_score: a.min_score,
    };
    crate::registries::import(kind, &a.file, &options, a.db).await
}

async fn export_registry(kind: RegistryKind, a: RegistryExportArgs) -> anyhow::Result<()> {
    let options = crate::registries::ExportOptions {
        unmasked: a.unmasked,
        reason: a.reason,
    };
    crate::registries::export(kind, &a.file, &options, a.db).await
}

pub async fn serve(store: Store, vault: IdVault, listen: &ListenArgs) -> anyhow::Result<()> {
    let mqtt = listen.mqtt_config()?;
    let addr = listen.addr();
    let state = yiwang_server::AppState::load(store, vault).await?;
    match mqtt {
        Some(config) => {
            yiwang_server::mqtt::spawn(state.clone(), config);
        }
        None => {
            tracing::info!("no MQTT broker given (--mqtt / YIWANG_MQTT_URL): sensor alerts are off")
        }
    }
    yiwang_server::serve(state, addr)
        .await
        .with_context(|| format!("cannot serve on {addr}"))
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacts_passwords_in_urls() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://data/y.db"), "sqlite://data/y.db");
    }
}
