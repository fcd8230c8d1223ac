#!/usr/bin/env python3
"""Case intake under load, end to end (docs/PERFORMANCE.md, issue "case loop").

Generates a scale-S twin once per backend, serves it with the release binary, and runs the
`intake_load` example against it: N keep-alive connections POST /api/v1/cases for D seconds, each
case a hotline complaint at a real building's address (so every request goes through address
matching, the grid chain, classification, the repeat check and a durable group commit).

With --kill, the server is SIGKILLed in the middle of the load and restarted, and every case the
server acknowledged must be there afterwards.

Usage: python3 bench/intake.py [--backend sqlite|postgres] [--scale 1] [--seconds 20]
                               [--connections 32] [--kill] [--fresh]
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# PostgreSQL keeps no key file beside the database: the benchmark districts are sealed with this
# one (generated data, never real persons).
os.environ.setdefault("YIWANG_DATA_KEY", "be" * 32)
BIN = os.environ.get("YIWANG_BIN", os.path.join(ROOT, "target", "release", "yiwang"))
LOAD = os.path.join(ROOT, "target", "release", "examples", "intake_load")
PASSWORD = "bench-password"


def db_url(backend, scale):
    if backend == "sqlite":
        return f"sqlite:///tmp/yiwang-intake-s{scale}.db"
    return f"postgres://postgres@127.0.0.1:5432/yiwang_intake_s{scale.replace('.', '_')}"


def db_args(url):
    """`--db PATH` for a SQLite file, `--database-url URL` for PostgreSQL."""
    if url.startswith("sqlite://"):
        return ["--db", url.removeprefix("sqlite://")]
    return ["--database-url", url]


def exists(backend, url):
    if backend == "sqlite":
        return os.path.exists(url.removeprefix("sqlite://"))
    name = url.rsplit("/", 1)[1]
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                          f"SELECT 1 FROM pg_database WHERE datname = '{name}'"], capture_output=True, text=True)
    return out.stdout.strip() == "1"


def create_pg(url):
    name = url.rsplit("/", 1)[1]
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True)


def addresses(backend, url, n=50000):
    sql = f"SELECT standard_address FROM premises WHERE kind = 'building' ORDER BY id LIMIT {n}"
    if backend == "sqlite":
        import sqlite3
        rows = sqlite3.connect(url.removeprefix("sqlite://")).execute(sql).fetchall()
        found = [r[0] for r in rows]
    else:
        out = subprocess.run(["psql", url, "-tAc", sql], capture_output=True, text=True, check=True)
        found = [line for line in out.stdout.splitlines() if line]
    # As a caller says it: without 上海市徐汇区; in a fixed random order, so the load spreads over
    # the district rather than piling years of cases onto a few buildings.
    import random
    random.Random(1).shuffle(found)
    return [a.removeprefix("上海市徐汇区") for a in found]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(url, port):
    server = subprocess.Popen([BIN, "serve", *db_args(url), "--port", str(port)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not come up")


def login(base, username):
    req = urllib.request.Request(base + "/api/v1/auth/login",
                                 json.dumps({"username": username, "password": PASSWORD}).encode(),
                                 {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["token"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    ap.add_argument("--scale", default="1")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--kill", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="generate the twin again (earlier runs' cases gone)")
    args = ap.parse_args()
    for path in (BIN, LOAD):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: cargo build --release -p yiwang --bin yiwang --example intake_load")
    url = db_url(args.backend, args.scale)
    if args.fresh and exists(args.backend, url):
        if args.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                path = url.removeprefix("sqlite://") + suffix
                if os.path.exists(path):
                    os.unlink(path)
        else:
            name = url.rsplit("/", 1)[1]
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE {name}"], check=True,
                           capture_output=True)
    if not exists(args.backend, url):
        if args.backend == "postgres":
            create_pg(url)
        subprocess.run([BIN, "demo", "--scale", args.scale, *db_args(url), "--no-serve", "--demo-password", PASSWORD],
                       check=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(addresses(args.backend, url)))
        address_file = f.name
    acked_file = address_file + ".acked"
    port = free_port()
    server, base = start(url, port)
    try:
        token = login(base, "intake_operator")
        load = subprocess.Popen([LOAD, "--url", base, "--token", token, "--addresses", address_file,
                                 "--seconds", str(args.seconds), "--connections", str(args.connections),
                                 "--acked", acked_file], stdout=subprocess.PIPE, text=True)
        if args.kill:
            time.sleep(args.seconds / 2)
            server.send_signal(signal.SIGKILL)
            server.wait()
        result = json.loads(load.communicate()[0])
        result.update(backend=args.backend, scale=args.scale)
        print(json.dumps(result, ensure_ascii=False))
        if args.kill:
            acked = [int(x) for x in open(acked_file).read().split()]
            server, base = start(url, port)
            token = login(base, "shift_leader")
            missing = []
            for case_id in acked:
                req = urllib.request.Request(f"{base}/api/v1/cases/{case_id}", headers={"Authorization": f"Bearer {token}"})
                try:
                    urllib.request.urlopen(req)
                except urllib.error.HTTPError:
                    missing.append(case_id)
            print(json.dumps({"killed_after_s": args.seconds / 2, "acknowledged": len(acked),
                              "missing_after_restart": len(missing)}))
            if missing:
                sys.exit(f"acknowledged cases lost: {missing[:20]}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        os.unlink(address_file)
        if os.path.exists(acked_file):
            os.unlink(acked_file)


if __name__ == "__main__":
    main()
