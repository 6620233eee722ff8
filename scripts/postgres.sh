#!/usr/bin/env bash
# Makes sure a PostgreSQL server is running on 127.0.0.1:5432 with a role `accolade`
# (password `accolade`, LOGIN, CREATEDB) for the storage tests, then prints its URL:
#   postgres://accolade:accolade@127.0.0.1:5432/postgres
# On a fresh Debian machine (as root) it installs Debian's postgresql and starts the `main`
# cluster. Idempotent; when all is already up it only checks the role and prints the URL.
# Progress goes to stderr, so `URL="$(bash scripts/postgres.sh)"` captures only the URL.
set -euo pipefail

HOST=127.0.0.1
PORT=5432
URL="postgres://accolade:accolade@${HOST}:${PORT}/postgres"

log() { echo "postgres.sh: $*" >&2; }

role_ready() {
  command -v psql >/dev/null 2>&1 &&
    [ "$(PGPASSWORD=accolade PGCONNECT_TIMEOUT=3 psql -h "$HOST" -p "$PORT" -U accolade -d postgres \
      -qtAX -c "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>/dev/null)" = "t" ]
}

# Quick path: server up and role usable.
if role_ready; then
  echo "$URL"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "PostgreSQL is not ready on ${HOST}:${PORT} with role accolade, and setting it up needs root"
  exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
fi

# The newest installed version's `main` cluster (created by the package; created here if not).
version="$(pg_lsclusters --no-header 2>/dev/null | awk '$2 == "main" { print $1 }' | sort -V | tail -n 1)"
if [ -z "$version" ]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  log "creating cluster ${version}/main"
  pg_createcluster --port "$PORT" "$version" main >&2
fi
cluster_port="$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')"
if [ "$cluster_port" != "$PORT" ]; then
  log "cluster ${version}/main listens on port ${cluster_port}, not ${PORT}"
  exit 1
fi
status="$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main" { print $4 }')"
if [ "$status" != "online" ]; then
  log "starting cluster ${version}/main"
  pg_ctlcluster "$version" main start >&2
fi

for _ in $(seq 1 60); do
  pg_isready -q -h "$HOST" -p "$PORT" && break
  sleep 0.5
done
if ! pg_isready -q -h "$HOST" -p "$PORT"; then
  log "PostgreSQL did not become ready on ${HOST}:${PORT}"
  exit 1
fi

log "ensuring role accolade"
runuser -u postgres -- psql -p "$PORT" -qtAX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'accolade') THEN
    CREATE ROLE accolade LOGIN CREATEDB PASSWORD 'accolade';
  ELSE
    ALTER ROLE accolade LOGIN CREATEDB PASSWORD 'accolade';
  END IF;
END
$$;
SQL

if ! role_ready; then
  log "role accolade cannot log in over TCP on ${HOST}:${PORT} (check pg_hba.conf)"
  exit 1
fi
echo "$URL"
