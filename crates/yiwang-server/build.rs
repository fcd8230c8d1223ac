//! Embeds the built browser console (`web/dist`, made by `npm run build` in `web/`) into the
//! binary: writes `$OUT_DIR/console_assets.rs`, a table of every file with its content type.
//! Without a built console the build stops with one line saying how to make it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs, process};

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pbf" => "application/x-protobuf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_none_or(|e| e != "map" && e != "gz") {
            files.push(path);
        }
    }
    Ok(())
}

fn fail(message: &str) -> ! {
    println!("cargo::error={message}");
    process::exit(1);
}

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let dist = manifest.join("../../web/dist");
    println!("cargo::rerun-if-changed={}", dist.display());
    if !dist.join("index.html").is_file() {
        fail(
            "the browser console is not built (web/dist/index.html is missing): run `make web` \
             (npm ci && npm run build in web/), or any `make` target, then build again",
        );
    }
    let mut files = Vec::new();
    if let Err(e) = walk(&dist, &mut files) {
        fail(&format!("cannot read {}: {e}", dist.display()));
    }
    files.sort();
    let mut out = String::from("/// Every file of the built console.\n");
    out.push_str("pub(crate) static CONSOLE_ASSETS: &[ConsoleFile] = &[\n");
    for file in &files {
        let Ok(relative) = file.strip_prefix(&dist) else {
            continue;
        };
        let web_path = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let absolute = fs::canonicalize(file).unwrap_or_else(|_| file.clone());
        let mut gz = file.clone().into_os_string();
        gz.push(".gz");
        let gz = PathBuf::from(gz);
        let gzip = if gz.is_file() {
            let gz = fs::canonicalize(&gz).unwrap_or(gz);
            format!("Some(include_bytes!({:?}))", gz.display().to_string())
        } else {
            "None".to_owned()
        };
        let _ = writeln!(
            out,
            "    ConsoleFile {{ path: {web_path:?}, content_type: {:?}, bytes: include_bytes!({:?}), gzip: {gzip} }},",
            content_type(file),
            absolute.display().to_string()
        );
    }
    out.push_str("];\n");
    let target = PathBuf::from(env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR is not set")))
        .join("console_assets.rs");
    if let Err(e) = fs::write(&target, out) {
        fail(&format!("cannot write {}: {e}", target.display()));
    }
}
