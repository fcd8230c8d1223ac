#!/usr/bin/env python3
"""住所云 verification latency (docs/PERFORMANCE.md, issue "three registries": p99 < 20 ms).

Runs on the district `bench/registries.py` left behind (persons, housing and units imported at
scale S): imports attestations of two ends for 20,000 premises through the CLI, serves the database
with the release binary, and has C keep-alive clients POST /api/v1/premises/verify for D seconds
with addresses drawn from the registry (a tenth of them written without 上海市, so the fuzzy
matcher works too). Anchor, same run and clients: GET /healthz, the floor of a round trip.

Usage: python3 bench/verify.py [--scale 1] [--seconds 15] [--clients 4]
"""
import argparse
import http.client
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("YIWANG_BIN", os.path.join(ROOT, "target", "release", "yiwang"))
PASSWORD = "bench-password"


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def load(port, token, bodies, seconds, clients, path, method):
    latencies, errors = [], []
    stop = time.time() + seconds

    def client(seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        mine = []
        while time.time() < stop:
            body = json.dumps(rng.choice(bodies)) if bodies else None
            t = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            r.read()
            mine.append((time.perf_counter() - t) * 1000)
            if r.status != 200:
                errors.append(r.status)
        latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="1")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--clients", type=int, default=4)
    a = ap.parse_args()
    work = f"/tmp/yiwang-registries-s{a.scale}"
    db = os.path.join(work, "run.db")
    if not os.path.exists(db):
        sys.exit(f"{db} is missing: run `python3 bench/registries.py --scale {a.scale}` first")
    con = sqlite3.connect(db)
    premises = con.execute(
        "SELECT standard_address, kind FROM premises WHERE kind IN ('building', 'room') ORDER BY id"
    ).fetchall()
    con.close()
    rng = random.Random(7)
    attested = rng.sample(premises, 20000)
    csv_path = os.path.join(work, "attestations.csv")
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write("end,address,fact,value,evidence,attested_at,attester\n")
        for address, _ in attested:
            f.write(f"物业,{address},存在,是,台账,2026-11-01,某物业公司\n")
            f.write(f"管理,{address},存在,是,,2026-11-02,网格员\n")
    env = dict(os.environ, YIWANG_LOG="warn", YIWANG_DEMO_PASSWORD=PASSWORD)
    t = time.perf_counter()
    subprocess.run([BIN, "import", "attestations", csv_path, "--db", db, "--source", "bench"],
                   check=True, env=env, capture_output=True)
    print(f"import attestations 40,000 rows: {time.perf_counter() - t:.2f} s", file=sys.stderr)

    port = 18000 + os.getpid() % 1000
    server = subprocess.Popen([BIN, "demo", "--db", db, "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 180
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                sys.exit("the server did not start")
            time.sleep(0.5)
        c = http.client.HTTPConnection("127.0.0.1", port)
        c.request("POST", "/api/v1/auth/login", json.dumps({"username": "admin", "password": PASSWORD}),
                  {"Content-Type": "application/json"})
        token = json.loads(c.getresponse().read())["token"]
        sample = rng.sample(premises, 4000) + rng.sample(attested, 1000)
        bodies = [{"address": a.removeprefix("上海市") if i % 10 == 0 else a} for i, (a, _) in enumerate(sample)]
        results = {"clients": a.clients, "seconds": a.seconds}
        for name, path, method, b in [("healthz (anchor)", "/healthz", "GET", None),
                                      ("verify", "/api/v1/premises/verify", "POST", bodies)]:
            lat, errors = load(port, token, b, a.seconds, a.clients, path, method)
            row = {"requests": len(lat), "per_s": round(len(lat) / a.seconds),
                   "p50_ms": round(percentile(lat, 50), 2), "p99_ms": round(percentile(lat, 99), 2),
                   "max_ms": round(max(lat), 2), "errors": len(errors)}
            results[name] = row
            print(f"{name:<17} {row['per_s']:>6}/s  p50 {row['p50_ms']:6.2f} ms  p99 {row['p99_ms']:6.2f} ms"
                  f"  errors {row['errors']}", file=sys.stderr)
        print(json.dumps(results, ensure_ascii=False, indent=2))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
