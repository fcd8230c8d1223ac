#!/usr/bin/env python3
"""Registry imports at district scale (docs/PERFORMANCE.md, issue "three registries").

1. Generates a scale-S twin once (cached in /tmp) and exports its persons, housing and units
   unmasked to CSV (the same column schema a source would send).
2. Generates the same district without registries (`yiwang demo --without-registries`), copies
   it fresh for each run, and times `yiwang import persons|housing|units` into it, each with full
   validation (GB 11643, GB 32100, phones, dates), address matching to the premises registry,
   ID sealing and the change set, in one transaction per file.
   The scale-1 twin registers 60 k units; the target counts 120 k, so the units file is grown
   with branch offices (new, valid GB 32100 codes) at the same addresses (--units).
3. Times a weekly re-import of the same snapshot (an empty change set) and of one with 5% of
   phones changed and 1% of persons gone.
4. Anchor, same run, same files: the sqlite3 shell's `.import --csv` of each CSV into an empty
   table (no checks at all): the floor of just getting the rows into SQLite.

5. With --pg URL, the same three imports into PostgreSQL (a fresh copy of a template database
   generated once without registries).

Usage: python3 bench/registries.py [--scale 1] [--fresh] [--units 120000] [--pg postgres://postgres@127.0.0.1:5432]
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


def quiet_env():
    """The environment for a SQLite run: warnings only, no database URL or key from outside."""
    env = dict(os.environ, YIWANG_LOG="warn")
    env.pop("YIWANG_DATABASE_URL", None)
    env.pop("YIWANG_DATA_KEY", None)
    return env


def yiwang(*args):
    return run([BIN, *args], env=quiet_env())


def yiwang_measured(*args):
    """Runs yiwang under GNU time: (seconds, peak RSS in MB or None)."""
    if not os.path.exists("/usr/bin/time"):
        secs, _ = yiwang(*args)
        return secs, None
    secs, out = run(["/usr/bin/time", "-f", "maxrss_kb=%M", BIN, *args], env=quiet_env())
    rss = [l for l in out.stderr.splitlines() if l.startswith("maxrss_kb=")]
    return secs, (round(int(rss[-1].split("=")[1]) / 1024) if rss else None)


def rm_db(path):
    for suffix in ["", "-wal", "-shm", ".key"]:
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def org_check(body8):
    """GB 11714 check character of an 8-character organisation code body."""
    value = lambda c: int(c) if c.isdigit() else ord(c) - ord("A") + 10
    c = 11 - sum(value(ch) * w for ch, w in zip(body8, ORG_WEIGHTS)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc(head8, body8):
    """A GB 32100 code from its first 8 characters and an organisation code body."""
    first17 = head8 + body8 + org_check(body8)
    c = 31 - sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS)) % 31
    return first17 + USCC_CHARS[0 if c == 31 else c]


def grow_units(src, dst, target):
    """Copies `src` and adds branch offices of its units until `dst` has `target` rows."""
    with open(src, encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    taken = {r[0] for r in rows}
    extra, n = [], 0
    while len(rows) + len(extra) < target:
        base = rows[n % len(rows)]
        body = f"B{n:07d}"
        code = uscc(base[0][:8], body)
        n += 1
        if code in taken:
            continue
        taken.add(code)
        extra.append([code, base[1] + "分公司", *base[2:]])
    with open(dst, "w", encoding="utf-8", newline="") as g:
        writer = csv.writer(g)
        writer.writerow(header)
        writer.writerows(rows + extra)


def psql(url, sql):
    run(["psql", f"{url}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql])


def postgres_imports(a, files, rows):
    """The same three imports into PostgreSQL: a district without registries is generated once
    as a template database, and each run imports into a fresh copy of it."""
    key = "ab" * 32
    tpl, db = f"yiwang_bench_tpl_s{a.scale}", f"yiwang_bench_run_s{a.scale}"
    env = dict(os.environ, YIWANG_LOG="warn", YIWANG_DATA_KEY=key)
    env.pop("YIWANG_DATABASE_URL", None)
    # The template is usable once it holds the district (a failed generation leaves it empty).
    have = subprocess.run(["psql", f"{a.pg}/{tpl}", "-tAc", "SELECT count(*) > 0 FROM premises"],
                          capture_output=True, text=True)
    if a.fresh or have.returncode != 0 or have.stdout.strip() != "t":
        print("generating the district without registries on PostgreSQL …", file=sys.stderr)
        psql(a.pg, f"DROP DATABASE IF EXISTS {tpl}")
        psql(a.pg, f"CREATE DATABASE {tpl}")
        run([BIN, "demo", "--scale", a.scale, "--no-serve", "--without-registries",
             "--database-url", f"{a.pg}/{tpl}", "--demo-password", "bench-password"], env=env)
    psql(a.pg, f"DROP DATABASE IF EXISTS {db}")
    psql(a.pg, f"CREATE DATABASE {db} TEMPLATE {tpl}")
    out, total = {}, 0.0
    for k in KINDS:
        report = f"/tmp/yiwang-pg-report-{k}.json"
        secs, _ = run([BIN, "import", k, files[k], "--database-url", f"{a.pg}/{db}", "--source", "公安",
                       "--report", report], env=env)
        r = json.load(open(report, encoding="utf-8"))
        assert r["accepted"] == rows[k] and not r["rejected"], r
        out[k] = {"seconds": round(secs, 2), "rows_per_s": round(rows[k] / secs)}
        total += secs
        print(f"postgres import {k:<8} {rows[k]:>9,} rows  {secs:6.2f} s  {rows[k] / secs:>9,.0f} rows/s",
              file=sys.stderr)
    out["total_seconds"] = round(total, 2)
    print(f"postgres import total {total:6.2f} s", file=sys.stderr)
    psql(a.pg, f"DROP DATABASE IF EXISTS {db}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="1")
    ap.add_argument("--fresh", action="store_true", help="regenerate the cached twins and files")
    ap.add_argument("--units", type=int, default=120_000, help="units rows to import (the target's 120 k)")
    ap.add_argument("--pg", metavar="URL", help="also import into PostgreSQL at URL (e.g. "
                    "postgres://postgres@127.0.0.1:5432), into a copy of a template database")
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
    # The target counts 120 k units; the twin registers half that at scale 1, so the
    # benchmark adds branch offices (分公司) of its units at the same addresses, each with a new,
    # valid USCC, until the file holds --units rows.
    exported = sum(1 for _ in open(files["units"], encoding="utf-8")) - 1
    if exported < a.units:
        grown = os.path.join(work, f"units-{a.units}.csv")
        if not os.path.exists(grown):
            grow_units(files["units"], grown, a.units)
        files["units"] = grown
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
        secs, rss = yiwang_measured("import", k, files[k], "--db", target, "--source", "公安", "--report", report)
        r = json.load(open(report, encoding="utf-8"))
        assert r["accepted"] == rows[k] and not r["rejected"], r
        results["imports"][k] = {"seconds": round(secs, 2), "rows_per_s": round(rows[k] / secs),
                                 "peak_rss_mb": rss}
        total += secs
        print(f"import {k:<8} {rows[k]:>9,} rows  {secs:6.2f} s  {rows[k] / secs:>9,.0f} rows/s  "
              f"peak RSS {rss} MB", file=sys.stderr)
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
    if a.pg:
        results["postgres"] = postgres_imports(a, files, rows)
    results["machine"] = f"{platform.machine()}, {os.cpu_count()} cores"
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
