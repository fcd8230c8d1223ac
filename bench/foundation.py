#!/usr/bin/env python3
"""Measures the foundation figures of docs/PERFORMANCE.md.

For each scale and backend: twin generation time and peak RSS (`/usr/bin/time -v yiwang demo
--no-serve`), database size, server start time (spawn → first 200 from /healthz) and the server's
peak RSS after a login and a few reads. Prints a Markdown table.

Usage: python3 bench/foundation.py [--scales 0.1 1] [--backends sqlite postgres]
Needs a release build (`cargo build --release -p yiwang`) and, for PostgreSQL, a server where
`postgres` may create databases (YIWANG_BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432).
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# PostgreSQL keeps no key file beside the database: the benchmark districts are sealed with this
# one (generated data, never real persons).
os.environ.setdefault("YIWANG_DATA_KEY", "be" * 32)
BIN = os.environ.get("YIWANG_BIN", os.path.join(ROOT, "target", "release", "yiwang"))
PG = os.environ.get("YIWANG_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "bench-password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(db, sql):
    return subprocess.run(["psql", f"{PG}/{db}", "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def timed(cmd):
    out = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", out.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    return seconds, rss


def request(url, data=None, token=None):
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def serve_figures(db_args):
    port = free_port()
    start = time.monotonic()
    proc = subprocess.Popen([BIN, "serve", *db_args, "--port", str(port)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
            break
        except OSError:
            if time.monotonic() - start > 60:
                proc.kill()
                raise SystemExit("server did not start")
            time.sleep(0.01)
    started = time.monotonic() - start
    token = request(f"{base}/api/v1/auth/login", {"username": "admin", "password": PASSWORD})["token"]
    request(f"{base}/api/v1/stats", token=token)
    request(f"{base}/api/v1/grids?level=community", token=token)
    request(f"{base}/api/v1/premises?prefix=%E4%B8%8A%E6%B5%B7%E5%B8%82&limit=500", token=token)
    with open(f"/proc/{proc.pid}/status") as f:
        hwm = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    return started, hwm


def measure(scale, backend):
    work = tempfile.mkdtemp(prefix="yiwang-bench-")
    try:
        if backend == "sqlite":
            path = os.path.join(work, "y.db")
            db_args = ["--db", path]
        else:
            name = f"yiwang_bench_{str(scale).replace('.', '_')}"
            psql("postgres", f"DROP DATABASE IF EXISTS {name}")
            psql("postgres", f"CREATE DATABASE {name}")
            db_args = ["--database-url", f"{PG}/{name}"]
        gen_s, gen_rss = timed([BIN, "demo", "--scale", str(scale), *db_args, "--no-serve", "--demo-password", PASSWORD])
        if backend == "sqlite":
            size = sum(os.path.getsize(os.path.join(work, f)) for f in os.listdir(work))
        else:
            size = int(psql("postgres", f"SELECT pg_database_size('{name}')"))
        stats = json.loads(subprocess.run([BIN, "stats", *db_args, "--json"], capture_output=True, text=True, check=True).stdout)
        start_s, serve_rss = serve_figures(db_args)
        if backend == "postgres":
            psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return dict(scale=scale, backend=backend, gen_s=gen_s, gen_rss=gen_rss, size=size, start_s=start_s,
                    serve_rss=serve_rss, persons=stats["persons"], premises=stats["rooms"] + stats["buildings"] + stats["compounds"])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", type=float, default=[0.1, 1.0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    print("| scale | backend | persons | generate + load (s) | peak RSS generating (MiB) | database size (MiB) | server start (s) | server peak RSS (MiB) |")
    print("|---|---|---|---|---|---|---|---|")
    for scale in args.scales:
        for backend in args.backends:
            r = measure(scale, backend)
            print(f"| {r['scale']:g} | {r['backend']} | {r['persons']:,} | {r['gen_s']:.1f} | {r['gen_rss'] / 1024:.0f} | "
                  f"{r['size'] / 2**20:.0f} | {r['start_s']:.2f} | {r['serve_rss'] / 1024:.0f} |", flush=True)


if __name__ == "__main__":
    main()
