//! `yiwang demo`: generate the Xuhui twin if the database is empty, create demo accounts, serve.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rand::Rng;
use yiwang_core::role::Role;
use yiwang_store::{NewAccount, Store};
use yiwang_twin::{TwinConfig, generate};

use crate::cli::{DemoArgs, serve};
use crate::load::load;

pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    if !(0.001..=5.0).contains(&args.scale) {
        anyhow::bail!(
            "--scale must be between 0.001 and 5 (1 ≈ the real district), got {}",
            args.scale
        );
    }
    let boundaries = match &args.boundaries {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Some(
                yiwang_geo::parse_feature_collection(&text)
                    .with_context(|| format!("{} is not usable", path.display()))?,
            )
        }
        None => None,
    };
    let (store, vault) = args.db.open_with_vault().await?;
    let quiet = !std::io::stderr().is_terminal();
    if store.is_empty().await? {
        let started = Instant::now();
        let spinner = if quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new_spinner()
        };
        spinner.set_style(
            ProgressStyle::with_template("{spinner} generating Xuhui twin: {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        let config = TwinConfig {
            scale: args.scale,
            seed: args.seed,
            boundaries,
        };
        let twin = tokio::task::spawn_blocking(move || {
            generate(&config, &mut |stage| {
                spinner.set_message(stage.to_owned());
                tracing::debug!(stage, "twin stage");
            })
        })
        .await??;
        let generated = started.elapsed();
        let detail = serde_json::json!({
            "scale": args.scale, "seed": args.seed,
            "boundaries": args.boundaries.as_ref().map(|p| p.display().to_string()),
        });
        let registries = !args.without_registries;
        load(&store, &twin, detail, quiet, &vault, registries).await?;
        store
            .set_meta("twin.scale", &args.scale.to_string())
            .await?;
        store.set_meta("twin.seed", &args.seed.to_string()).await?;
        tracing::info!(
            generate_s = generated.as_secs_f64(),
            total_s = started.elapsed().as_secs_f64(),
            persons = twin.persons.len(),
            premises = twin.premises.len(),
            cases = twin.cases.len(),
            "Xuhui twin ready"
        );
    } else {
        tracing::info!("database already has data; not generating (use a new --db to start over)");
    }
    ensure_demo_accounts(&store, args.demo_password.as_deref()).await?;
    if args.no_serve {
        store.close().await;
        return Ok(());
    }
    serve(store, vault, &args.listen).await
}

/// The organisation a demo account belongs to, so scoped roles have a scope to show.
fn demo_org(role: Role) -> Option<&'static str> {
    match role {
        Role::IntakeOperator | Role::ShiftLeader | Role::Dispatcher => Some("XH-CYZX"),
        Role::DepartmentHandler => Some("XH-CGJ"),
        Role::DepartmentCdo => Some("XH-FGJ"),
        Role::DistrictCdo | Role::ChiefDataExecutive | Role::DataSpecialist => Some("XH-SJJ"),
        Role::StreetOperator | Role::GridWorker | Role::StreetDataAssistant => Some("310104014"),
        Role::Admin
        | Role::PropertyManager
        | Role::BusinessAgency
        | Role::ApprovalOfficer
        | Role::Citizen => None,
    }
}

/// One account per role, username = role identifier. Existing accounts are left alone.
async fn ensure_demo_accounts(store: &Store, password: Option<&str>) -> anyhow::Result<()> {
    let missing: Vec<Role> = {
        let mut missing = Vec::new();
        for role in Role::ALL {
            if store.account_by_username(role.as_str()).await?.is_none() {
                missing.push(*role);
            }
        }
        missing
    };
    if missing.is_empty() {
        return Ok(());
    }
    let password = match password {
        Some(p) => {
            yiwang_core::validate::account::validate_password(p)
                .map_err(|e| anyhow::anyhow!("--demo-password: {e}"))?;
            p.to_owned()
        }
        None => {
            let mut rng = rand::thread_rng();
            const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
            let generated: String = (0..14)
                .map(|_| char::from(CHARS[rng.gen_range(0..CHARS.len())]))
                .collect();
            // Printed once so the operator can log in; it is not stored anywhere in clear.
            println!(
                "demo accounts: username = role identifier (admin, intake_operator, …), password = {generated}"
            );
            generated
        }
    };
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || yiwang_server::auth::hash_password(&password))
            .await?
            .map_err(|e| anyhow::anyhow!(e.detail))?
    };
    for role in missing {
        store
            .create_account(
                &NewAccount {
                    username: role.as_str().to_owned(),
                    display_name: format!("演示{}", role.name_zh()),
                    password_hash: hash.clone(),
                    org_code: demo_org(role).map(str::to_owned),
                    roles: vec![role],
                },
                "system",
            )
            .await?;
    }
    Ok(())
}
