#!/usr/bin/env bash
# FerretDB v1 (MongoDB wire protocol) with its SQLite backend. Sourced by infra/local/stack (after lib.sh).
#
# - Built from the Go module github.com/FerretDB/FerretDB@$FERRETDB_VERSION (no binary download): the
#   module source is copied to $SG_CACHE/ferretdb-src and build/version/version.txt is written (the
#   module zip lacks it; the binary panics without it). Binary: $SG_CACHE/ferretdb-<version>/ferretdb.
#   Needs Go >= 1.24 (`go` on PATH or /usr/local/go/bin/go) and network access to the Go module proxy.
# - Runs with --handler=sqlite, data in $SG_STATE/data/ferretdb/ (one .sqlite file per database),
#   listening on 127.0.0.1:${MONGODB_PORT:-27017}; no auth, telemetry disabled, debug/metrics HTTP
#   listener disabled (--debug-addr=-) so several instances can run side by side.
# - Readiness = a real MongoDB `hello` over OP_MSG (infra/local/conf/ferretdb/hello_probe.py, python3
#   stdlib only); falls back to "port open" when python3 is missing.

FERRETDB_VERSION=1.24.2
FERRETDB_BIN="$SG_CACHE/ferretdb-$FERRETDB_VERSION/ferretdb"
FERRETDB_CONF_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../conf/ferretdb" && pwd)"

ferretdb_port() { echo "${MONGODB_PORT:-27017}"; }

_ferretdb_go() {
  if command -v go >/dev/null 2>&1; then command -v go
  elif [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go
  else sg_die "ferretdb: Go toolchain not found (need go >= 1.24 on PATH or /usr/local/go/bin/go)"; fi
}

_ferretdb_build() {
  [ -x "$FERRETDB_BIN" ] && return 0 # another builder finished while we waited for the lock
  local go mod json dir src="$SG_CACHE/ferretdb-src" t0=$SECONDS
  go=$(_ferretdb_go)
  mod="github.com/FerretDB/FerretDB@v$FERRETDB_VERSION"
  sg_log "ferretdb: building v$FERRETDB_VERSION from Go module $mod ($("$go" version | cut -d' ' -f3))"
  # Run outside any go.mod; -mod=mod so `go mod download` works in module-less mode.
  json=$(cd "$SG_CACHE" && GOFLAGS=-mod=mod "$go" mod download -json "$mod") ||
    sg_die "ferretdb: go mod download $mod failed"
  dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n 1)
  [ -n "$dir" ] && [ -d "$dir" ] || sg_die "ferretdb: module dir not found in go mod download output"
  rm -rf "$src"
  cp -r "$dir" "$src"
  chmod -R u+w "$src" # the module cache is read-only
  printf 'v%s\n' "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  printf 'smartgrid-local\n' >"$src/build/version/package.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$src" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false "$go" build -trimpath -ldflags='-s -w' \
      -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) || sg_die "ferretdb: go build failed"
  "$FERRETDB_BIN.tmp" --version >/dev/null || sg_die "ferretdb: built binary does not run"
  mv -f "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  sg_log "ferretdb: built $FERRETDB_BIN in $((SECONDS - t0))s"
}

ferretdb_install() {
  [ -x "$FERRETDB_BIN" ] && return 0
  mkdir -p "$SG_CACHE"
  if command -v flock >/dev/null 2>&1; then
    ( flock 9; _ferretdb_build ) 9>"$SG_CACHE/ferretdb.lock"
  else
    _ferretdb_build
  fi
}

ferretdb_running() { sg_pid_alive ferretdb; }

ferretdb_ready() {
  local port; port=$(ferretdb_port)
  if command -v python3 >/dev/null 2>&1; then
    python3 "$FERRETDB_CONF_DIR/hello_probe.py" "$port" 2>/dev/null
  else
    sg_port_open "$port"
  fi
}

ferretdb_start() {
  local port; port=$(ferretdb_port)
  if ferretdb_running && ferretdb_ready; then return 0; fi
  sg_settle ferretdb 15
  ferretdb_install
  if ! ferretdb_running; then
    sg_port_open "$port" && sg_die "ferretdb: port $port already in use by another process (set MONGODB_PORT)"
    sg_dirs ferretdb
    mkdir -p "$SG_STATE/run/ferretdb-state"
    printf '\n[%s] starting FerretDB v%s on 127.0.0.1:%s\n' "$(date -u +%FT%TZ)" "$FERRETDB_VERSION" "$port" >>"$(sg_logfile ferretdb)"
    FERRETDB_TELEMETRY=disable setsid nohup "$FERRETDB_BIN" \
      --handler=sqlite \
      --sqlite-url="file:$SG_STATE/data/ferretdb/" \
      --listen-addr="127.0.0.1:$port" \
      --state-dir="$SG_STATE/run/ferretdb-state" \
      --debug-addr=- \
      --telemetry=disable \
      --log-level=info \
      </dev/null >>"$(sg_logfile ferretdb)" 2>&1 &
    echo $! >"$(sg_pidfile ferretdb)"
  fi
  sg_wait ferretdb 60
}

ferretdb_stop() {
  sg_kill ferretdb 30
  sg_wait_port_free "$(ferretdb_port)" 30
}
