#!/usr/bin/env bash
# PostgreSQL (Debian packages) + PostGIS for the local stack. Sourced by infra/local/stack (after lib.sh).
#
# - Binaries come from the Debian packages (postgresql-<major>, postgresql-<major>-postgis-3), installed
#   with apt-get only when missing (needs root). The newest /usr/lib/postgresql/<major>/bin is used.
# - PostgreSQL refuses to run as root, so initdb/pg_ctl run as the `postgres` OS user on
#   $SG_STATE/data/postgres (owned by postgres, mode 0700). Every parent directory of that path must be
#   traversable by postgres: missing o+x is added (chmod o+x, search only, no read) and logged.
# - Listens on 127.0.0.1:${POSTGRES_PORT:-5432} only; unix socket in $SG_STATE/run/postgres (or a short
#   /tmp path when that would exceed the 107-byte socket path limit). TCP uses scram-sha-256; the unix
#   socket allows peer auth for the `postgres` OS user (used for bootstrap) and scram for everyone else.
# - On every start (idempotent): role ${POSTGRES_USER:-smartgrid} / ${POSTGRES_PASSWORD:-smartgrid} is
#   created or its password reset; it is a SUPERUSER (local dev stack only: tests create a database per
#   test file and `CREATE EXTENSION postgis` in it, which needs superuser), database ${POSTGRES_DB:-smartgrid}
#   with the postgis extension.
# - Least-privilege roles (created or reset on every start, password ${SMARTGRID_PG_ROLE_PASSWORD:-smartgrid}):
#   smartgrid_owner owns the database and every table (migrations run as it: POSTGRES_MIGRATION_USER),
#   smartgrid_um and smartgrid_dp are the login roles of user-management and data-processing; the
#   apps grant each exactly what it needs after migrating. None is a superuser or may create roles
#   or databases. Objects the superuser created in the database before the roles existed are handed
#   to smartgrid_owner (REASSIGN OWNED), so later migrations, run as the owner, can alter them.

PG_USER="${POSTGRES_USER:-smartgrid}"
PG_PASSWORD="${POSTGRES_PASSWORD:-smartgrid}"
PG_DB="${POSTGRES_DB:-smartgrid}"
PG_DATA="$SG_STATE/data/postgres"
PG_OWNER_ROLE=smartgrid_owner
PG_APP_ROLES=(smartgrid_um smartgrid_dp)
PG_ROLE_PASSWORD="${SMARTGRID_PG_ROLE_PASSWORD:-smartgrid}"

postgres_port() { echo "${POSTGRES_PORT:-5432}"; }

# Newest installed PostgreSQL major version with a server binary (empty when none).
_pg_major() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin/postgres; do
    [ -x "$d" ] || continue
    d=${d#/usr/lib/postgresql/}; d=${d%%/*}
    if [ -z "$best" ] || [ "$d" -gt "$best" ]; then best=$d; fi
  done
  echo "$best"
}
_pg_bin() { echo "/usr/lib/postgresql/$(_pg_major)/bin"; }

_pg_sockdir() {
  local d="$SG_STATE/run/postgres"
  # sun_path is 108 bytes including "/.s.PGSQL.<port>" and the NUL.
  if [ $(( ${#d} + 18 )) -gt 107 ]; then
    d="/tmp/sg-pg-$(printf '%s' "$SG_STATE" | cksum | cut -d' ' -f1)"
  fi
  echo "$d"
}

_pg_apt_install() {
  [ "$(id -u)" = 0 ] || sg_die "postgres: missing Debian packages ($*); install them as root: apt-get install $*"
  sg_log "postgres: apt-get install $*"
  # Never let the Debian packaging create/start its own 'main' cluster on 5432.
  mkdir -p /etc/postgresql-common/createcluster.d
  [ -f /etc/postgresql-common/createcluster.d/smartgrid.conf ] ||
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/smartgrid.conf
  local log="$SG_CACHE/apt-postgres.log"
  mkdir -p "$SG_CACHE"
  { apt-get -o DPkg::Lock::Timeout=300 update &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@"
  } >"$log" 2>&1 || { tail -n 30 "$log" >&2; sg_die "postgres: apt-get install $* failed; see $log"; }
}

postgres_install() {
  local major
  major=$(_pg_major)
  if [ -z "$major" ]; then
    _pg_apt_install postgresql postgresql-contrib
    major=$(_pg_major)
    [ -n "$major" ] || sg_die "postgres: no server binary under /usr/lib/postgresql/*/bin after install"
  fi
  if ! dpkg -s "postgresql-$major-postgis-3" >/dev/null 2>&1; then
    _pg_apt_install "postgresql-$major-postgis-3" "postgresql-$major-postgis-3-scripts"
  fi
  id postgres >/dev/null 2>&1 || sg_die "postgres: OS user 'postgres' missing (the Debian package creates it)"
}

# Make directory $1 and all its parents searchable by the postgres user (adds o+x where needed).
_pg_make_traversable() {
  local p=$1 parts=() d
  while [ "$p" != / ] && [ -n "$p" ]; do parts=("$p" "${parts[@]}"); p=$(dirname "$p"); done
  for d in "${parts[@]}"; do
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      sg_log "postgres: chmod o+x $d (so the postgres user can reach its data dir)"
      chmod o+x "$d"
    fi
  done
}

_pg_psql_admin() { # psql as the postgres superuser over the unix socket
  runuser -u postgres -- "$(_pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$(_pg_sockdir)" -p "$(postgres_port)" -U postgres "$@"
}

_pg_init() {
  local bin sock
  bin=$(_pg_bin); sock=$(_pg_sockdir)
  sg_dirs postgres
  mkdir -p "$sock"
  chown postgres:postgres "$PG_DATA" "$sock"
  chmod 700 "$PG_DATA"
  touch "$(sg_logfile postgres)"; chown postgres:postgres "$(sg_logfile postgres)"
  _pg_make_traversable "$PG_DATA"
  _pg_make_traversable "$(dirname "$(sg_logfile postgres)")"
  _pg_make_traversable "$sock"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    sg_log "postgres: initdb $PG_DATA (PostgreSQL $(_pg_major))"
    runuser -u postgres -- "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >>"$(sg_logfile postgres)" 2>&1 ||
      sg_die "postgres: initdb failed; see $(sg_logfile postgres)"
    echo "include_if_exists = 'smartgrid.conf'" >>"$PG_DATA/postgresql.conf"
  fi
  # Rewritten on every start so that port/state-dir overrides take effect.
  cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# Managed by infra/local/servers/postgres.sh (rewritten on start).
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 peer
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
host    all       all       ::1/128        scram-sha-256
EOF
  cat >"$PG_DATA/smartgrid.conf" <<EOF
# Managed by infra/local/servers/postgres.sh (rewritten on start).
listen_addresses = '127.0.0.1'
port = $(postgres_port)
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
password_encryption = 'scram-sha-256'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
timezone = 'UTC'
EOF
  chown postgres:postgres "$PG_DATA/pg_hba.conf" "$PG_DATA/smartgrid.conf"
}

_pg_sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }
_pg_sql_ident() { printf '"%s"' "${1//\"/\"\"}"; }

_pg_bootstrap() {
  local u p d
  u=$(_pg_sql_ident "$PG_USER"); p=$(_pg_sql_literal "$PG_PASSWORD"); d=$(_pg_sql_ident "$PG_DB")
  _pg_psql_admin -d postgres >>"$(sg_logfile postgres)" 2>&1 <<EOF || sg_die "postgres: bootstrap (role/db/postgis) failed; see $(sg_logfile postgres)"
SELECT 'CREATE ROLE $u' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $(_pg_sql_literal "$PG_USER")) \gexec
ALTER ROLE $u WITH LOGIN SUPERUSER CREATEDB PASSWORD $p;
SELECT 'CREATE DATABASE $d OWNER $u' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = $(_pg_sql_literal "$PG_DB")) \gexec
EOF
  local r
  for r in "$PG_OWNER_ROLE" "${PG_APP_ROLES[@]}"; do
    _pg_psql_admin -d postgres >>"$(sg_logfile postgres)" 2>&1 <<EOF || sg_die "postgres: role $r failed; see $(sg_logfile postgres)"
SELECT 'CREATE ROLE $(_pg_sql_ident "$r")' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $(_pg_sql_literal "$r")) \gexec
ALTER ROLE $(_pg_sql_ident "$r") WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD $(_pg_sql_literal "$PG_ROLE_PASSWORD");
EOF
  done
  _pg_psql_admin -d "$PG_DB" >>"$(sg_logfile postgres)" 2>&1 <<EOF || sg_die "postgres: handing $PG_DB to $PG_OWNER_ROLE failed; see $(sg_logfile postgres)"
ALTER DATABASE $d OWNER TO $(_pg_sql_ident "$PG_OWNER_ROLE");
REASSIGN OWNED BY $u TO $(_pg_sql_ident "$PG_OWNER_ROLE");
EOF
  _pg_psql_admin -d "$PG_DB" -c 'CREATE EXTENSION IF NOT EXISTS postgis' >>"$(sg_logfile postgres)" 2>&1 ||
    sg_die "postgres: CREATE EXTENSION postgis failed; see $(sg_logfile postgres)"
}

postgres_running() {
  local pid
  [ -f "$PG_DATA/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

postgres_ready() {
  [ -n "$(_pg_major)" ] || return 1
  "$(_pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$(postgres_port)" -t 3 >/dev/null 2>&1
}

postgres_start() {
  local port; port=$(postgres_port)
  if postgres_running && postgres_ready; then return 0; fi
  sg_settle postgres 15
  postgres_install
  if ! postgres_running && sg_port_open "$port"; then
    sg_die "postgres: port $port already in use by another process (set POSTGRES_PORT)"
  fi
  _pg_init
  if ! postgres_running; then
    # pg_ctl removes a stale postmaster.pid itself; -w waits for "ready to accept connections".
    runuser -u postgres -- "$(_pg_bin)/pg_ctl" start -w -t 60 -D "$PG_DATA" -l "$(sg_logfile postgres)" >/dev/null ||
      { tail -n 30 "$(sg_logfile postgres)" >&2 || true; sg_die "postgres: pg_ctl start failed; see $(sg_logfile postgres)"; }
  fi
  sg_wait postgres 60
  _pg_bootstrap
}

postgres_stop() {
  local port; port=$(postgres_port)
  if postgres_running; then
    runuser -u postgres -- "$(_pg_bin)/pg_ctl" stop -w -t 60 -m fast -D "$PG_DATA" >/dev/null ||
      sg_die "postgres: pg_ctl stop failed; see $(sg_logfile postgres)"
  fi
  postgres_running && sg_die "postgres: still running after pg_ctl stop"
  sg_wait_port_free "$port" 30
}
