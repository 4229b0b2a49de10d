#!/usr/bin/env bash
# Makes sure what the test suite needs is installed and running on this machine:
# PostgreSQL, RabbitMQ, nginx, Chromium, promtool (Debian packages), one database per service.
# Idempotent: installs only what is missing, starts only what is stopped.
# Under CI=true a server that cannot be reached is a hard failure.
set -euo pipefail

log() { echo "[ensure-infra] $*"; }
fail() { echo "[ensure-infra] ERROR: $*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# The browser tests' default browser (tests/browser/conftest.py says why).
command -v chromium-headless-shell >/dev/null 2>&1 || missing+=(chromium-headless-shell)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)  # for promtool: tests/deploy/test_monitoring.py
if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The prometheus package is here for its promtool only. Where nothing denies it (no policy-rc.d that exits
  # 101), its postinst starts a Prometheus server on :9090 and enables it at boot: a server nobody uses,
  # holding a port and scraping itself. Stop it and keep it from starting again.
  if [[ " ${missing[*]} " == *" prometheus "* ]]; then
    if [ -d /run/systemd/system ]; then
      $SUDO systemctl disable --now prometheus.service >/dev/null 2>&1 || true
    else
      $SUDO /etc/init.d/prometheus stop >/dev/null 2>&1 || true
      $SUDO update-rc.d prometheus disable >/dev/null 2>&1 || true
    fi
  fi
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  log "starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || fail "PostgreSQL does not answer on 127.0.0.1:5432"

# Trust auth for the local user postgres is what the tests expect (Debian's default is peer on the socket,
# md5/scram on TCP): a fresh cluster gets a pg_hba rule for loopback.
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1" >/dev/null 2>&1; then
  hba="$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)"
  log "allowing trust auth on loopback in $hba"
  $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main reload
  sleep 1
fi
psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1" >/dev/null || fail "cannot log in to PostgreSQL as postgres"

if ! rabbitmqctl -q status >/dev/null 2>&1; then
  log "starting RabbitMQ"
  $SUDO rabbitmq-server -detached || true
  for _ in $(seq 1 60); do rabbitmqctl -q status >/dev/null 2>&1 && break; sleep 1; done
fi
rabbitmqctl -q status >/dev/null 2>&1 || fail "RabbitMQ does not answer (rabbitmqctl status)"
for _ in $(seq 1 30); do (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done
(echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null || fail "RabbitMQ is not listening on 127.0.0.1:5672"

for service in auth cards billing productions notifier; do
  db="guichet_${service}"
  if [ -z "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "select 1 from pg_database where datname='${db}'")" ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "create database ${db}" >/dev/null
    log "created database ${db}"
  fi
done
# axe-core, injected by the browser tests' accessibility scans: the exact version and integrity hash
# pinned in tests/browser/package-lock.json, installed again only when the lockfile changed.
browser_tests="$(cd "$(dirname "$0")/../../tests/browser" && pwd)"
if [ ! -f "$browser_tests/node_modules/axe-core/axe.min.js" ] || \
   [ "$browser_tests/package-lock.json" -nt "$browser_tests/node_modules/.package-lock.json" ]; then
  log "installing the browser tests' npm packages (npm ci)"
  (cd "$browser_tests" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || fail "npm ci failed in tests/browser"
fi
log "PostgreSQL, RabbitMQ, nginx, Chromium, promtool and axe-core are ready"
