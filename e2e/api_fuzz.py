#!/usr/bin/env python3
"""Property-based API testing with schemathesis (PyPI) over the OpenAPI document, the Open311
endpoints included: no request, however odd, may get a server error (5xx), and every response
must match the documented status codes.

Creates a venv under target/ with schemathesis, serves a small demo twin on a free port, logs in
as a shift leader (who may read and act on cases) and runs schemathesis against
/api/v1/openapi.json with that bearer token. Exits non-zero on the first failure.

Usage: python3 e2e/api_fuzz.py [--bin target/debug/yiwang] [--max-examples 25]
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "schemathesis-venv")
PIN = "schemathesis==4.32.5"
PASSWORD = "fuzz-password"


def ensure_venv():
    st = os.path.join(VENV, "bin", "schemathesis")
    python = os.path.join(VENV, "bin", "python")
    probe = "import importlib.metadata as m; assert m.version('schemathesis') == '4.32.5'"
    if os.path.exists(st) and subprocess.run([python, "-c", probe], capture_output=True).returncode == 0:
        return st
    print(f"api-fuzz: creating {os.path.relpath(VENV, ROOT)} with {PIN}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PIN], check=True)
    return st


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "yiwang"))
    ap.add_argument("--max-examples", type=int, default=25)
    args = ap.parse_args()
    st = ensure_venv()
    tmp = tempfile.mkdtemp(prefix="yiwang-fuzz-")
    db = os.path.join(tmp, "y.db")
    env = dict(os.environ, YIWANG_LOG="warn")
    subprocess.run([args.bin, "demo", "--scale", "0.003", "--db", db, "--no-serve", "--demo-password", PASSWORD],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([args.bin, "serve", "--db", db, "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        req = urllib.request.Request(base + "/api/v1/auth/login",
                                     json.dumps({"username": "shift_leader", "password": PASSWORD}).encode(),
                                     {"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(req))["token"]
        cmd = [st, "run", f"{base}/api/v1/openapi.json", "--url", base,
               "-H", f"Authorization: Bearer {token}",
               "--checks", "not_a_server_error",
               "--max-examples", str(args.max_examples),
               # Logging out would end the session the rest of the run uses.
               "--exclude-path", "/api/v1/auth/logout",
               "--workers", "1", "--seed", "1"]
        result = subprocess.run(cmd)
        if result.returncode != 0:
            sys.exit("api-fuzz: schemathesis found server errors (see above)")
        print("api-fuzz: no server error over the OpenAPI document")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
