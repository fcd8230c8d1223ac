#!/usr/bin/env bash
# Makes sure everything `make test` needs is here, installing what Debian can provide, and fails
# loudly (never skips) when something cannot be had.
set -euo pipefail

say() { printf '\033[1mtest-deps:\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mtest-deps: %s\033[0m\n' "$*" >&2; exit 1; }

apt_install() {
  local runner=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to install $* (apt-get install $*)"
    runner=(sudo)
  fi
  say "installing $* from Debian"
  "${runner[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq "$@"
}

# Browser half: Debian's Chromium (Playwright must not download its own browser).
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium fonts-wqy-zenhei
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing; the browser half of the suite cannot run"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  apt_install fonts-wqy-zenhei || say "WARNING: no Chinese font; screenshots will show boxes (tests still check the text)"
fi

command -v node >/dev/null || die "Node.js is missing; install it (apt-get install nodejs npm) to run the browser half"

# PostgreSQL half: the server at YIWANG_TEST_POSTGRES_URL must answer.
url="${YIWANG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v pg_isready >/dev/null; then
  if ! pg_isready -q -d "$url"; then
    if command -v pg_ctlcluster >/dev/null && [ "$(id -u)" -eq 0 ]; then
      say "starting the local PostgreSQL cluster"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      sleep 2
    fi
    pg_isready -q -d "$url" || die "PostgreSQL does not answer at $url; start it (README, Services) or set YIWANG_TEST_POSTGRES_URL"
  fi
else
  say "pg_isready not found; the PostgreSQL tests will report if $url does not answer"
fi
# MQTT half: Mosquitto at 127.0.0.1:1883 (the sensor-alert test of yiwang-server).
mqtt_up() { (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; }
if ! mqtt_up; then
  command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || apt_install mosquitto
  say "starting Mosquitto on 127.0.0.1:1883"
  PATH="$PATH:/usr/sbin" mosquitto -d -p 1883 || true
  sleep 1
  mqtt_up || die "no MQTT broker answers at 127.0.0.1:1883; start Mosquitto (README, Services)"
fi
say "Chromium, Node.js, PostgreSQL and Mosquitto are ready"
