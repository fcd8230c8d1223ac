#!/usr/bin/env python3
"""Open311 GeoReport v2 against real clients from PyPI: civicbot 0.4.0 (creates requests) and
georeport 0.3.1 (reads, JSON and XML).

Creates a venv under target/ with both clients, generates a small demo twin into a temporary
SQLite file, issues an API key with `yiwang accounts api-key`, serves the twin on a free port,
then files a request with civicbot and reads services, a definition, requests and the request
with georeport in both formats. Exits non-zero with a message on the first failure.

Usage: python3 e2e/open311_clients.py [--bin target/debug/yiwang] [--keep]
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "open311-venv")
PINS = ["civicbot==0.4.0", "georeport==0.3.1"]
JURISDICTION = "xuhui.sh.cn"
PHONE = "13812345678"
MASKED = "138****5678"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---------------------------------------------------------------- orchestration (system python)

def venv_python():
    return os.path.join(VENV, "bin", "python")


def ensure_venv():
    python = venv_python()
    probe = "import importlib.metadata as m; assert m.version('civicbot') == '0.4.0' and m.version('georeport') == '0.3.1'"
    if os.path.exists(python) and subprocess.run([python, "-c", probe], capture_output=True).returncode == 0:
        return python
    print(f"open311: creating {os.path.relpath(VENV, ROOT)} with {' '.join(PINS)}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS], check=True)
    return python


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def orchestrate(args):
    binary = os.path.abspath(args.bin)
    check(os.access(binary, os.X_OK), f"no yiwang binary at {binary}; run `cargo build -p yiwang` first")
    python = ensure_venv()
    work = tempfile.mkdtemp(prefix="yiwang-open311-")
    db = os.path.join(work, "open311.db")
    server = None
    try:
        run = lambda *a: subprocess.run([binary, *a], check=True, capture_output=True, text=True)
        try:
            run("demo", "--scale", "0.003", "--db", db, "--no-serve", "--demo-password", "open311-e2e")
            key = run("accounts", "api-key", "citizen", "--label", "open311 e2e", "--db", db).stdout.strip()
        except subprocess.CalledProcessError as e:
            raise Failure(f"`yiwang {' '.join(e.cmd[1:3])}` failed: {e.stderr.strip()}")
        check(key.startswith("yw_"), f"`yiwang accounts api-key` printed no key: {key!r}")
        port = free_port()
        log = open(os.path.join(work, "serve.log"), "w")
        server = subprocess.Popen([binary, "serve", "--db", db, "--port", str(port)], stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            if server.poll() is not None:
                raise Failure(f"`yiwang serve` exited with {server.returncode}; see {log.name}")
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise Failure("`yiwang serve` did not answer /healthz within 60 s")
        result = subprocess.run([python, os.path.abspath(__file__), "--clients", base + "/open311/v2", key])
        if result.returncode != 0:
            raise Failure("the Open311 clients failed (see above)")
        print("open311: civicbot 0.4.0 and georeport 0.3.1 (JSON and XML) work against yiwang", flush=True)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"open311: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- the clients (venv python)

def as_list(value):
    """xmltodict gives a dict for one element and a list for several."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def clients(base, key):
    from civicbot.http import HttpError, HttpTransport, RateLimiter
    from civicbot.open311 import Open311Client
    from civicbot.registry import Endpoint
    from georeport import GeoReport

    # civicbot: checks the payload against the live service list and definition, then POSTs.
    endpoint = Endpoint(id="yiwang", name="yiwang (Xuhui)", base_url=base, write=True)
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    bot = Open311Client(endpoint, transport, jurisdiction_id=JURISDICTION)
    services = bot.list_services()
    codes = {s["service_code"] for s in services}
    check({"event-0102", "component-0101"} <= codes, f"civicbot: services lack event-0102/component-0101 ({len(codes)} codes)")
    existing = bot.list_requests(page_size=50)
    located = [r for r in existing if r.get("lat") is not None]
    lat, lng = (located[0]["lat"], located[0]["long"]) if located else (31.188, 121.437)
    description = f"井盖不平，走路绊脚，请联系我{PHONE}"
    prepared = bot.create_request(
        "component-0101", dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
        lat=lat, lng=lng, description=description, attributes={"condition": "2"},
        first_name="小明", last_name="王")
    response = prepared.response
    check(isinstance(response, list) and len(response) == 1, f"civicbot: POST answered {response!r}")
    request_id = response[0].get("service_request_id")
    check(isinstance(request_id, str) and request_id.isdigit(), f"civicbot: no service_request_id in {response!r}")
    print(f"open311: civicbot filed request {request_id}", flush=True)
    mine = bot.get_request(request_id)
    check(mine["service_request_id"] == request_id, f"civicbot: read back {mine!r}")
    # A report that repeats an open case near by is taken in merged into it (closed, noted).
    status = mine["status"]
    check(status == "open" or (status == "closed" and "duplicate" in mine["status_notes"]),
          f"civicbot: status {status!r} ({mine['status_notes']!r})")
    check(mine["service_code"] == "component-0101", f"civicbot: service_code {mine['service_code']!r}")
    check(MASKED in mine["description"] and PHONE not in mine["description"], f"civicbot: phone not masked: {mine['description']!r}")
    try:
        bot.create_request("component-0101", dry_run=False, confirm="SEND", api_key="yw_not-a-key",
                           lat=lat, lng=lng, description="x")
        raise Failure("civicbot: a bad api_key was accepted")
    except HttpError as e:
        check(e.status == 403, f"civicbot: a bad api_key answered {e.status}, not 403")
    try:
        bot.get_service_definition("event-9999")
        raise Failure("civicbot: an unknown service was found")
    except HttpError as e:
        check(e.status == 404, f"civicbot: an unknown service answered {e.status}, not 404")

    # georeport: every read, in JSON and in XML.
    for fmt in ("json", "xml"):
        geo = GeoReport(base, jurisdiction=JURISDICTION, output_format=fmt)
        listed = as_list(geo.get_service_list())
        check(len(listed) == len(services), f"georeport {fmt}: {len(listed)} services, civicbot saw {len(services)}")
        rubbish = next((s for s in listed if s["service_code"] == "event-0102"), None)
        check(rubbish is not None and rubbish["service_name"] == "暴露垃圾", f"georeport {fmt}: event-0102 is {rubbish!r}")
        definition = geo.get_service_definition("component-0101")
        attributes = definition["attributes"]
        if fmt == "xml":
            attributes = as_list(attributes["attribute"])
        check(attributes[0]["code"] == "condition" and attributes[0]["datatype"] == "singlevaluelist",
              f"georeport {fmt}: definition {definition!r}")
        by_id = geo.get_service_requests(service_request_id=request_id)
        by_id = as_list(by_id)
        check([r["service_request_id"] for r in by_id] == [request_id], f"georeport {fmt}: by id {by_id!r}")
        same = as_list(geo.get_service_requests(service_code="component-0101", status=status))
        check(any(r["service_request_id"] == request_id for r in same), f"georeport {fmt}: request {request_id} not among {status} component-0101")
        check(all(r["status"] == status and r["service_code"] == "component-0101" for r in same),
              f"georeport {fmt}: service_code/status filters ignored")
        one = geo.get_service_request(request_id)
        check(one["service_request_id"] == request_id, f"georeport {fmt}: one request {one!r}")
        check(one["requested_datetime"].endswith("+08:00"), f"georeport {fmt}: time {one['requested_datetime']!r}")
        check(MASKED in one["description"] and PHONE not in str(one), f"georeport {fmt}: phone not masked: {one!r}")
        check(not any("reporter" in k or k == "phone" for k in one), f"georeport {fmt}: personal fields {sorted(one)}")
        print(f"open311: georeport {fmt}: {len(listed)} services, definition, requests and request {request_id} read", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default=os.environ.get("YIWANG_BIN", os.path.join(ROOT, "target", "debug", "yiwang")))
    ap.add_argument("--keep", action="store_true", help="keep the temporary database and server log")
    ap.add_argument("--clients", nargs=2, metavar=("BASE", "KEY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    try:
        if args.clients:
            clients(*args.clients)
        else:
            orchestrate(args)
    except Failure as e:
        print(f"open311: FAILED: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
    except Exception as e:  # a client raised: show what and where
        import traceback
        traceback.print_exc()
        print(f"open311: FAILED: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
