#!/usr/bin/env python3
"""yiwang's map and grid lookups beside the anchors of issue "grid and map", in one run on one
machine (docs/PERFORMANCE.md):

* **Vector tiles**: yiwang's `/tiles/{layer}/{z}/{x}/{y}.mvt` and MapLibre Martin serving the same
  geometries from PostGIS, each driven by wrk over the same 4,284 tiles (z12–z16 × 7 layers over
  Xuhui, as bench/tiles.py), 1 thread, 8 connections.
* **Point → areas**: MapIt answers a point with one PostGIS query (`ST_Contains` over a GiST
  index of every area's polygon, then the areas' names); that query is run here with pgbench over
  the same five grid levels, beside yiwang's `GET /api/v1/locate` under wrk (random points over
  the district's box, as the spatial benchmark draws them).

Both servers read the same scale-S twin: it is generated once into PostgreSQL (`yiwang demo`),
and its grid cells, buildings and open cases are copied into PostGIS tables (`anchor_*`, EPSG:3857
for Martin as its documentation recommends, with GiST indexes) in the same database.

Needs: PostgreSQL with PostGIS (`apt-get install postgresql-15-postgis-3`), wrk and pgbench, the
release build (`cargo build --release -p yiwang`), and Martin (`cargo install martin@1.14.0
--locked --no-default-features --features postgres`; pass its path with --martin). Nothing is
downloaded at run time.

Usage: python3 bench/geo_anchors.py [--pg postgres://postgres@127.0.0.1:5432] [--scale 1]
                                    [--martin PATH] [--seconds 15]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiles import BBOX, LAYERS, paths  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("YIWANG_BIN", os.path.join(ROOT, "target", "release", "yiwang"))
os.environ.setdefault("YIWANG_DATA_KEY", "be" * 32)
PASSWORD = "bench-password"

# yiwang's layer → the grid level (or table) it draws.
LEVELS = {
    "streets": "street",
    "areas": "area",
    "communities": "community",
    "micro_grids": "micro_grid",
    "building_groups": "building_group",
}

POSTGIS_TABLES = """
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS anchor_cells;
CREATE TABLE anchor_cells AS
  SELECT code, name, level, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326) AS geom FROM grids;
CREATE INDEX anchor_cells_geom ON anchor_cells USING gist (geom);
"""


def layer_table(layer, level):
    return f"""
DROP TABLE IF EXISTS anchor_{layer};
CREATE TABLE anchor_{layer} AS
  SELECT code, name, ST_Transform(geom, 3857)::geometry(Geometry, 3857) AS geom
  FROM anchor_cells WHERE level = '{level}';
CREATE INDEX anchor_{layer}_geom ON anchor_{layer} USING gist (geom);
"""


POINT_TABLES = """
DROP TABLE IF EXISTS anchor_buildings;
CREATE TABLE anchor_buildings AS
  SELECT id, name, standard_address,
         ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3857)::geometry(Point, 3857) AS geom
  FROM premises WHERE kind = 'building' AND lon IS NOT NULL AND lat IS NOT NULL;
CREATE INDEX anchor_buildings_geom ON anchor_buildings USING gist (geom);
DROP TABLE IF EXISTS anchor_cases;
CREATE TABLE anchor_cases AS
  SELECT id, state, due_at < now() AS overdue,
         ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3857)::geometry(Point, 3857) AS geom
  FROM cases WHERE lon IS NOT NULL AND lat IS NOT NULL AND state NOT IN ('closed', 'rejected', 'merged');
CREATE INDEX anchor_cases_geom ON anchor_cases USING gist (geom);
ANALYZE;
"""

# MapIt's point query: every area whose polygon holds the point (MapIt: `Area.objects.filter(
# polygons__polygon__contains=point)`), here over the five grid levels.
PGBENCH_SCRIPT = f"""
\\set x random(0, 1000000)
\\set y random(0, 1000000)
SELECT level, code, name FROM anchor_cells
 WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint({BBOX[0]} + (:x / 1000000.0) * {BBOX[2] - BBOX[0]},
                                                 {BBOX[1]} + (:y / 1000000.0) * {BBOX[3] - BBOX[1]}), 4326));
"""

LOCATE_LUA = f"""
local token = os.getenv("TOKEN")
function request()
  local lon = {BBOX[0]} + math.random() * {BBOX[2] - BBOX[0]}
  local lat = {BBOX[1]} + math.random() * {BBOX[3] - BBOX[1]}
  return wrk.format("GET", string.format("/api/v1/locate?lon=%.6f&lat=%.6f", lon, lat),
    {{ ["Authorization"] = "Bearer " .. token }})
end
"""


def psql(url, sql):
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds=300):
    for _ in range(seconds * 10):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{url} did not answer")


def wrk(base, script, seconds, env):
    out = subprocess.run(["wrk", "-t1", "-c8", f"-d{seconds}s", "--latency", "-s", script, base],
                         env=dict(os.environ, **env), capture_output=True, text=True, check=True).stdout
    return summary(out)


def summary(out):
    """p50, p99 and requests/s (and non-2xx count) from wrk's --latency output."""
    got = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "99%"):
            got[parts[0]] = parts[1]
        if line.startswith("Requests/sec:"):
            got["rps"] = float(parts[1])
        if "Non-2xx" in line:
            got["non2xx"] = int(parts[-1])
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--scale", default="1")
    ap.add_argument("--martin", default=shutil.which("martin"))
    ap.add_argument("--seconds", type=int, default=15)
    args = ap.parse_args()
    for tool in ("wrk", "pgbench", "psql"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: apt-get install wrk postgresql-client")
    if not args.martin or not os.path.exists(args.martin):
        sys.exit("Martin is needed for the tile anchor: cargo install martin@1.14.0 --locked "
                 "--no-default-features --features postgres, then --martin PATH")
    name = f"yiwang_anchor_s{args.scale.replace('.', '_')}"
    url = f"{args.pg}/{name}"
    exists = subprocess.run(["psql", f"{args.pg}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            capture_output=True, text=True).stdout.strip() == "1"
    if not exists:
        psql(f"{args.pg}/postgres", f"CREATE DATABASE {name}")
        subprocess.run([BIN, "demo", "--scale", args.scale, "--database-url", url, "--no-serve",
                        "--demo-password", PASSWORD], check=True)
    psql(url, POSTGIS_TABLES + "".join(layer_table(l, lv) for l, lv in LEVELS.items()) + POINT_TABLES)

    tiles = paths()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tile_file = os.path.join(tmp, "yiwang.txt")
        with open(tile_file, "w") as f:
            f.write("\n".join(tiles))
        martin_file = os.path.join(tmp, "martin.txt")
        with open(martin_file, "w") as f:
            # /tiles/{layer}/{z}/{x}/{y}.mvt → /anchor_{layer}/{z}/{x}/{y}
            f.write("\n".join("/anchor_" + p[len("/tiles/"):-len(".mvt")] for p in tiles))
        locate_lua = os.path.join(tmp, "locate.lua")
        with open(locate_lua, "w") as f:
            f.write(LOCATE_LUA)
        pgbench_file = os.path.join(tmp, "contains.sql")
        with open(pgbench_file, "w") as f:
            f.write(PGBENCH_SCRIPT)
        tiles_lua = os.path.join(ROOT, "bench", "tiles.lua")

        # yiwang over the same database.
        port = free_port()
        server = subprocess.Popen([BIN, "serve", "--database-url", url, "--port", str(port)], stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(base + "/healthz")
            req = urllib.request.Request(base + "/api/v1/auth/login", json.dumps({"username": "admin", "password": PASSWORD}).encode(),
                                         {"Content-Type": "application/json"})
            token = json.load(urllib.request.urlopen(req))["token"]
            results["yiwang tiles"] = wrk(base, tiles_lua, args.seconds, {"TILES_FILE": tile_file, "TOKEN": token})
            results["yiwang /api/v1/locate"] = wrk(base, locate_lua, args.seconds, {"TOKEN": token})
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

        # Martin over PostGIS, same tiles (its own in-memory tile cache at its default size).
        port = free_port()
        martin = subprocess.Popen([args.martin, "--listen-addresses", f"127.0.0.1:{port}", "--auto-bounds", "calc", url],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(base + "/health")
            catalog = json.load(urllib.request.urlopen(base + "/catalog"))
            missing = [l for l in LAYERS if f"anchor_{l}" not in catalog.get("tiles", {})]
            if missing:
                sys.exit(f"Martin does not publish {missing}: {sorted(catalog.get('tiles', {}))}")
            results["Martin tiles (PostGIS)"] = wrk(base, tiles_lua, args.seconds, {"TILES_FILE": martin_file, "TOKEN": "-"})
        finally:
            martin.send_signal(signal.SIGTERM)
            martin.wait(timeout=30)

        # MapIt's query with one client connection, and with 8 as wrk drives yiwang.
        for clients in (1, 8):
            out = subprocess.run(["pgbench", "-n", f"-c{clients}", "-j1", f"-T{args.seconds}", "-f", pgbench_file, url],
                                 capture_output=True, text=True, check=True).stdout
            tps = [l for l in out.splitlines() if l.startswith("tps")]
            lat = [l for l in out.splitlines() if l.startswith("latency average")]
            results[f"PostGIS ST_Contains (MapIt's point query), pgbench -c{clients}"] = {
                "rps": float(tps[0].split()[2]) if tps else None,
                "avg": lat[0].split("=")[1].strip() + " (mean)" if lat else None,
            }

    print(f"scale {args.scale}; {len(tiles)} distinct tiles (z12–z16 × {len(LAYERS)} layers); wrk -t1 -c8 -d{args.seconds}s")
    print(f"{'what':<58} {'p50':>9} {'p99':>9} {'req/s':>10}")
    for what, r in results.items():
        p50 = r.get("50%", r.get("avg", "—"))
        print(f"{what:<58} {p50:>9} {r.get('99%', '—'):>9} {r.get('rps') or 0:>10.0f}" +
              (f"   non-2xx {r['non2xx']}" if r.get("non2xx") else ""))


if __name__ == "__main__":
    main()
