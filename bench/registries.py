#!/usr/bin/env python3
"""Registry imports at district scale (docs/PERFORMANCE.md, issue "three registries").

1. Generates a scale-S twin once (cached in /tmp) and exports its persons, housing and units
   unmasked to CSV (the same column schema a source would send).
2. Generates the same district without registries (`yiwang demo --without-registries`), copies
   it fresh for each run, and times `yiwang import persons|housing|units` into it, each with full
   validation (GB 11643, GB 32100, phones, dates), address matching to the premises registry,
   ID sealing and the change set, in one transaction per file.
3. Times a weekly re-import of the same snapshot (an empty change set) and of one with 5% of
   phones changed and 1% of persons gone.
4. Anchor, same run, same files: the sqlite3 shell's `.import --csv` of each CSV into an empty
   table (no checks at all): the floor of just getting the rows into SQLite.

Usage: python3 bench/registries.py [--scale 1] [--fresh]
"""
import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("YIWANG_BIN", os.path.join(ROOT, "target", "release", "yiwang"))
KINDS = ["persons", "housing", "units"]


def run(args, **kw):
    started = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"failed ({out.returncode}): {' '.join(args)}\n{out.stderr[-3000:]}")
    return elapsed, out


def yiwang(*args):
    env = dict(os.environ, YIWANG_LOG="warn")
    env.pop("YIWANG_DATABASE_URL", None)
    env.pop("YIWANG_DATA_KEY", None)
    return run([BIN, *args], env=env)


def rm_db(path):
    for suffix in ["", "-wal", "-shm", ".key"]:
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="1")
    ap.add_argument("--fresh", action="store_true", help="regenerate the cached twins and files")
    a = ap.parse_args()
    work = f"/tmp/yiwang-registries-s{a.scale}"
    if a.fresh and os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work, exist_ok=True)
    source, template, target = (os.path.join(work, n) for n in ["source.db", "template.db", "run.db"])
    files = {k: os.path.join(work, f"{k}.csv") for k in KINDS}
    if not os.path.exists(source):
        print(f"generating the scale-{a.scale} twin …", file=sys.stderr)
        yiwang("demo", "--scale", a.scale, "--no-serve", "--db", source, "--demo-password", "bench-password")
    for k in KINDS:
        if not os.path.exists(files[k]):
            yiwang("export", k, files[k], "--db", source, "--unmasked", "--reason", "benchmark input")
    if not os.path.exists(template):
        print("generating the district without registries …", file=sys.stderr)
        yiwang("demo", "--scale", a.scale, "--no-serve", "--without-registries", "--db", template,
               "--demo-password", "bench-password")
    rows = {k: sum(1 for _ in open(files[k], encoding="utf-8")) - 1 for k in KINDS}

    # Weekly variants of the persons file: 5% of phones changed, 1% of persons gone.
    weekly = os.path.join(work, "persons-week.csv")
    with open(files["persons"], encoding="utf-8") as f, open(weekly, "w", encoding="utf-8", newline="") as g:
        reader, writer = csv.reader(f), csv.writer(g)
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            if i % 100 == 0:
                continue
            if i % 20 == 1:
                row[4] = f"139{i % 100000000:08d}"
            writer.writerow(row)

    rm_db(target)
    shutil.copy(template, target)
    shutil.copy(template + ".key", target + ".key")
    results = {"scale": a.scale, "rows": rows, "imports": {}, "anchor": {}}
    total = 0.0
    for k in KINDS:
        report = os.path.join(work, f"report-{k}.json")
        secs, _ = yiwang("import", k, files[k], "--db", target, "--source", "公安", "--report", report)
        r = json.load(open(report, encoding="utf-8"))
        assert r["accepted"] == rows[k] and not r["rejected"], r
        results["imports"][k] = {"seconds": round(secs, 2), "rows_per_s": round(rows[k] / secs)}
        total += secs
        print(f"import {k:<8} {rows[k]:>9,} rows  {secs:6.2f} s  {rows[k] / secs:>9,.0f} rows/s", file=sys.stderr)
    results["imports"]["total_seconds"] = round(total, 2)
    print(f"import total   {sum(rows.values()):>9,} rows  {total:6.2f} s", file=sys.stderr)

    report = os.path.join(work, "report-again.json")
    secs, _ = yiwang("import", "persons", files["persons"], "--db", target, "--source", "公安", "--report", report)
    r = json.load(open(report, encoding="utf-8"))
    assert r["unchanged"] == rows["persons"] and r["added"] == r["changed"] == r["gone"] == 0, r
    results["reimport_unchanged_persons_seconds"] = round(secs, 2)
    print(f"re-import persons, unchanged: {secs:6.2f} s", file=sys.stderr)
    secs, _ = yiwang("import", "persons", weekly, "--db", target, "--source", "公安", "--report", report)
    r = json.load(open(report, encoding="utf-8"))
    results["weekly_persons"] = {"seconds": round(secs, 2), "changed": r["changed"], "gone": r["gone"]}
    print(f"weekly persons ({r['changed']:,} changed, {r['gone']:,} gone): {secs:6.2f} s", file=sys.stderr)

    anchor_db = os.path.join(work, "anchor.db")
    for k in KINDS:
        rm_db(anchor_db)
        secs, _ = run(["sqlite3", anchor_db, ".mode csv", f".import {files[k]} {k}"])
        results["anchor"][k] = {"seconds": round(secs, 2), "rows_per_s": round(rows[k] / secs)}
        print(f"anchor sqlite3 .import {k:<8} {secs:6.2f} s  {rows[k] / secs:>9,.0f} rows/s", file=sys.stderr)
    rm_db(anchor_db)
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
