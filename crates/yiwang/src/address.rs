//! `yiwang address parse` and `yiwang address match`.

use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use yiwang_address::{Gazetteer, Scheme, parse as parse_address, to_wire};
use yiwang_store::Store;

/// Quotes a CSV field when it needs it (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub async fn parse(
    file: Option<&Path>,
    scheme: Scheme,
    format: &str,
    db: Option<&Path>,
    database_url: Option<&str>,
) -> anyhow::Result<()> {
    let url = match (db, database_url) {
        (Some(path), _) => {
            anyhow::ensure!(path.exists(), "no database at {}", path.display());
            Some(format!("sqlite://{}", path.display()))
        }
        (None, Some(url)) => Some(url.to_owned()),
        (None, None) => None,
    };
    let gazetteer = match url {
        Some(url) => {
            let store = Store::connect(&url)
                .await
                .context("cannot open the database")?;
            let g = yiwang_server::gazetteer(&store).await?;
            store.close().await;
            g
        }
        None => Gazetteer::default(),
    };
    let (reader, bar) = open_lines(file, "parsing")?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    if format == "csv" {
        writeln!(
            out,
            "line,input,label,text,start,end,district,district_code"
        )?;
    }
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("line {} is not UTF-8 text", n + 1))?;
        bar.inc(line.len() as u64 + 1);
        let address = line.trim();
        if address.is_empty() {
            continue;
        }
        let wire = to_wire(&parse_address(address, &gazetteer), scheme);
        if format == "csv" {
            for c in &wire.components {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    n + 1,
                    csv_field(&wire.input),
                    c.label,
                    csv_field(&c.text),
                    c.start,
                    c.end,
                    csv_field(wire.district.as_deref().unwrap_or("")),
                    wire.district_code.as_deref().unwrap_or("")
                )?;
            }
        } else {
            serde_json::to_writer(&mut out, &wire)?;
            writeln!(out)?;
        }
    }
    bar.finish_and_clear();
    out.flush()?;
    Ok(())
}

/// `yiwang address match`: each line's candidates in the registry of `db`, best first.
pub async fn match_addresses(
    file: Option<&Path>,
    format: &str,
    limit: usize,
    db: &crate::cli::DbArgs,
) -> anyhow::Result<()> {
    anyhow::ensure!(limit >= 1, "--limit must be at least 1");
    if db.url().is_none() {
        anyhow::ensure!(
            db.db.exists(),
            "no database at {} (create one with `yiwang demo`, or give --database-url)",
            db.db.display()
        );
    }
    let store = db.open().await?;
    let gazetteer = yiwang_server::gazetteer(&store).await?;
    let index = yiwang_server::match_index(&store).await?;
    store.close().await;
    let (reader, bar) = open_lines(file, "matching")?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    if format == "csv" {
        writeln!(
            out,
            "line,input,rank,premises_id,standard_address,score,level,reasons"
        )?;
    }
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("line {} is not UTF-8 text", n + 1))?;
        bar.inc(line.len() as u64 + 1);
        let address = line.trim();
        if address.is_empty() {
            continue;
        }
        let candidates = index.find(address, &gazetteer, limit);
        if format == "csv" {
            if candidates.is_empty() {
                writeln!(out, "{},{},,,,,,", n + 1, csv_field(address))?;
            }
            for (rank, c) in candidates.iter().enumerate() {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    n + 1,
                    csv_field(address),
                    rank + 1,
                    c.premises_id.map(|id| id.to_string()).unwrap_or_default(),
                    csv_field(&c.standard_address),
                    c.score,
                    c.level,
                    csv_field(&c.reasons.join("; "))
                )?;
            }
        } else {
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({ "input": address, "candidates": candidates }),
            )?;
            writeln!(out)?;
        }
    }
    bar.finish_and_clear();
    out.flush()?;
    Ok(())
}

/// The lines of `file` (standard input for none or `-`) and a progress bar over its bytes, shown
/// on a terminal only, labelled `verb`.
fn open_lines(file: Option<&Path>, verb: &str) -> anyhow::Result<(Box<dyn BufRead>, ProgressBar)> {
    let Some(path) = file.filter(|p| *p != Path::new("-")) else {
        return Ok((Box::new(std::io::stdin().lock()), ProgressBar::hidden()));
    };
    let reader = Box::new(std::io::BufReader::new(
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?,
    ));
    if !std::io::stderr().is_terminal() {
        return Ok((reader, ProgressBar::hidden()));
    }
    let bar = ProgressBar::new(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {verb} [{{bar:32}}] {{binary_bytes}}/{{binary_total_bytes}} {{per_sec}} eta {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    Ok((reader, bar))
}
