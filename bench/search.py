#!/usr/bin/env python3
"""Case search at district scale (docs/PERFORMANCE.md, issue "case loop", deliverable 7).

Generates the scale-S twin once (cached in /tmp), serves a copy of it with the release binary,
reads from the log how long filling the search index took, and times `GET /api/v1/cases?q=…`
(first page of 50, with the total) for a few queries, 30 times each, against the same queue
without `q`. Anchor in the same run: SQLite's own `LIKE` scan over the case texts with the same
words (Python's sqlite3 on the same file); its count must equal the search's total.

Usage: python3 bench/search.py [--scale 1] [--fresh]
"""
import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("YIWANG_BIN", os.path.join(ROOT, "target", "release", "yiwang"))
PASSWORD = "bench-password"
# (query, the same words as SQL LIKE conditions)
QUERIES = [
    ("井盖", ["text LIKE '%井盖%'"]),
    ("垃圾 气味", ["text LIKE '%垃圾%'", "text LIKE '%气味%'"]),
    ("占道经营 -夜间", ["text LIKE '%占道经营%'", "text NOT LIKE '%夜间%'"]),
    ("噪音", ["text LIKE '%噪音%'"]),
    ("违章搭建", ["text LIKE '%违章搭建%'"]),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="1")
    ap.add_argument("--fresh", action="store_true")
    a = ap.parse_args()
    work = f"/tmp/yiwang-search-s{a.scale}"
    if a.fresh and os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work, exist_ok=True)
    source, db = os.path.join(work, "source.db"), os.path.join(work, "run.db")
    env = dict(os.environ, YIWANG_LOG="info")
    env.pop("YIWANG_DATABASE_URL", None)
    env.pop("YIWANG_DATA_KEY", None)
    if not os.path.exists(source):
        print(f"generating the scale-{a.scale} twin …", file=sys.stderr)
        subprocess.run([BIN, "demo", "--scale", a.scale, "--no-serve", "--db", source,
                        "--demo-password", PASSWORD], env=env, check=True, capture_output=True)
    for suffix in ["", ".key"]:
        shutil.copy(source + suffix, db + suffix)
    port = free_port()
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([BIN, "serve", "--db", db, "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        text = open(log.name, encoding="utf-8").read()
        found = re.search(r"case search index ready cases=(\d+) seconds=([\d.]+)", text)
        indexed, seconds = (int(found[1]), float(found[2])) if found else (None, None)
        print(f"search index filled at start-up: {indexed} cases in {seconds} s", file=sys.stderr)
        login = urllib.request.Request(
            base + "/api/v1/auth/login",
            data=json.dumps({"username": "shift_leader", "password": PASSWORD}).encode(),
            headers={"content-type": "application/json"})
        token = json.load(urllib.request.urlopen(login))["token"]

        def timed(path):
            ms = []
            body = None
            for _ in range(30):
                t = time.perf_counter()
                r = urllib.request.urlopen(urllib.request.Request(
                    base + path, headers={"authorization": "Bearer " + token}))
                body = json.load(r)
                ms.append((time.perf_counter() - t) * 1000)
            ms.sort()
            return body, ms

        results = {"scale": a.scale, "indexed": indexed, "index_seconds": seconds, "queries": []}
        _, ms = timed("/api/v1/cases?limit=50")
        results["anchor_queue"] = {"p50_ms": round(percentile(ms, 0.5), 1), "max_ms": round(ms[-1], 1)}
        print(f"{'(no q) queue':<16} p50 {percentile(ms, 0.5):6.1f} ms  max {ms[-1]:6.1f} ms",
              file=sys.stderr)
        con = sqlite3.connect(db)
        for query, like in QUERIES:
            body, ms = timed("/api/v1/cases?limit=50&q=" + urllib.parse.quote(query))
            t = time.perf_counter()
            count = con.execute(f"SELECT COUNT(*) FROM cases WHERE {' AND '.join(like)}").fetchone()[0]
            like_ms = (time.perf_counter() - t) * 1000
            assert count == body["total"], (query, count, body["total"])
            results["queries"].append({"q": query, "total": body["total"],
                                       "p50_ms": round(percentile(ms, 0.5), 1),
                                       "p90_ms": round(percentile(ms, 0.9), 1),
                                       "max_ms": round(ms[-1], 1), "like_ms": round(like_ms, 1)})
            print(f"{query:<16} total {body['total']:>6}  p50 {percentile(ms, 0.5):6.1f} ms  "
                  f"p90 {percentile(ms, 0.9):6.1f} ms  max {ms[-1]:6.1f} ms  LIKE {like_ms:6.1f} ms",
                  file=sys.stderr)
        print(json.dumps(results, ensure_ascii=False, indent=2))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
