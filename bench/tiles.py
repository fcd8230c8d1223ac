#!/usr/bin/env python3
"""Tile latency under concurrent load on loopback (docs/PERFORMANCE.md, issue "grid and map").

Serves a scale-S twin (generated once into --db if the file does not exist) with the release
binary, lists every tile z12–z16 of every layer over Xuhui, and drives them with wrk
(`apt-get install wrk`): 1 thread, 8 connections, 20 s, then prints wrk's latency distribution.

Usage: python3 bench/tiles.py [--scale 1] [--db /tmp/yiwang-bench-s1.db] [--seconds 20]
"""
import argparse
import json
import math
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("YIWANG_BIN", os.path.join(ROOT, "target", "release", "yiwang"))
LAYERS = ["streets", "areas", "communities", "micro_grids", "building_groups", "buildings", "cases"]
BBOX = (121.39, 31.11, 121.48, 31.23)


def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def paths():
    out = []
    for z in range(12, 17):
        x0, y0 = tile(BBOX[0], BBOX[3], z)
        x1, y1 = tile(BBOX[2], BBOX[1], z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                out += [f"/tiles/{layer}/{z}/{x}/{y}.mvt" for layer in LAYERS]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="1")
    ap.add_argument("--db", default="/tmp/yiwang-bench-s1.db")
    ap.add_argument("--seconds", type=int, default=20)
    args = ap.parse_args()
    if not os.path.exists(args.db):
        subprocess.run([BIN, "demo", "--scale", args.scale, "--db", args.db, "--no-serve", "--demo-password", "bench-password"], check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([BIN, "serve", "--db", args.db, "--port", str(port)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        req = urllib.request.Request(base + "/api/v1/auth/login", json.dumps({"username": "admin", "password": "bench-password"}).encode(),
                                     {"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(req))["token"]
        tiles = paths()
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(tiles))
        env = dict(os.environ, TILES_FILE=f.name, TOKEN=token)
        out = subprocess.run(["wrk", "-t1", "-c8", f"-d{args.seconds}s", "--latency", "-s", os.path.join(ROOT, "bench", "tiles.lua"), base],
                             env=env, capture_output=True, text=True, check=True).stdout
        print(f"{len(tiles)} distinct tiles (z12–z16 × {len(LAYERS)} layers) over scale {args.scale}")
        print(out)
        os.unlink(f.name)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
