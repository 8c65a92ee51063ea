#!/usr/bin/env bash
# Shared helpers for the local (no-Docker) server stack. Sourced by infra/local/stack and by
# each infra/local/servers/<name>.sh. Every server script defines, for its NAME:
#   NAME_install   download/build into $SG_CACHE (idempotent, cached outside the repo)
#   NAME_start     start if not running (idempotent); must return only once the server answers
#   NAME_stop      stop it; nothing of it left running or listening afterwards
#   NAME_running   exit 0 when its process is alive
#   NAME_ready     exit 0 when it answers a real probe (not only "port open" where avoidable)
#   NAME_port      print its client port
set -euo pipefail

SG_ROOT="${SG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# Runtime state (data, logs, pids) is per checkout and git-ignored; override to run a second,
# isolated stack (e.g. for a fault test) with other ports.
SG_STATE="${SMARTGRID_STATE_DIR:-$SG_ROOT/.local}"
# Downloads and builds are shared by every checkout on the machine.
SG_CACHE="${SMARTGRID_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/smartgrid}"
SG_JAVA17_HOME="${SMARTGRID_JAVA17_HOME:-}"

sg_log() { printf '[stack] %s\n' "$*" >&2; }
sg_die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

sg_dirs() { # sg_dirs NAME -> creates and prints nothing
  mkdir -p "$(sg_datadir "$1")" "$SG_STATE/logs" "$SG_STATE/run" "$SG_CACHE"
}
sg_datadir() { echo "$SG_STATE/data/$1"; }
sg_logfile() { echo "$SG_STATE/logs/$1.log"; }
sg_pidfile() { echo "$SG_STATE/run/$1.pid"; }
# sg_installdir NAME VERSION -- where NAME's download or build of VERSION lives (shared cache).
sg_installdir() { echo "$SG_CACHE/$1-$2"; }

# Java 17 is required by Cassandra 5.0 and Kafka 3.9 (the machine may default to another JDK).
sg_java17() {
  if [ -n "$SG_JAVA17_HOME" ] && [ -x "$SG_JAVA17_HOME/bin/java" ]; then echo "$SG_JAVA17_HOME/bin/java"; return; fi
  local d
  for d in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk* /usr/lib/jvm/temurin-17*; do
    if [ -x "$d/bin/java" ]; then echo "$d/bin/java"; return; fi
  done
  sg_die "Java 17 not found (set SMARTGRID_JAVA17_HOME)"
}

# Is the pid in NAME's pid file alive and one of this state dir's servers? A pid file left
# behind by a server that died can name a pid the kernel has since given to another process;
# the command line of ours always names a path under $SG_STATE.
sg_pid_alive() { # sg_pid_alive NAME
  local f pid; f=$(sg_pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ -r "/proc/$pid/cmdline" ] &&
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$SG_STATE/"
}

sg_port_open() { # sg_port_open PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# sg_wait NAME TIMEOUT_SECONDS -- waits for NAME_ready; fails naming the server and its log.
sg_wait() {
  local name=$1 timeout=$2 start=$SECONDS
  until "${name}_ready"; do
    # Right after the launch the pid file names a subshell that is about to exec the server;
    # until it has, its command line is not the server's: look again a second later before
    # calling it dead.
    if ! "${name}_running" && { sleep 1; ! "${name}_running"; }; then
      sg_log "last lines of $(sg_logfile "$name"):"; tail -n 30 "$(sg_logfile "$name")" >&2 || true
      sg_die "$name exited during start-up; see $(sg_logfile "$name")"
    fi
    if (( SECONDS - start >= timeout )); then
      sg_log "last lines of $(sg_logfile "$name"):"; tail -n 30 "$(sg_logfile "$name")" >&2 || true
      sg_die "$name not ready after ${timeout}s; see $(sg_logfile "$name")"
    fi
    sleep 1
  done
  sg_log "$name ready on port $("${name}_port") in $((SECONDS - start))s"
}

# sg_settle NAME TIMEOUT -- a process of ours that is alive but not answering may be starting,
# recovering or dying (after a kill -9 its pid stays visible until reaped): give it up to
# TIMEOUT seconds to settle either way before deciding whether a new one must start.
sg_settle() {
  local name=$1 timeout=$2 start=$SECONDS
  while "${name}_running" && ! "${name}_ready" && (( SECONDS - start < timeout )); do sleep 0.5; done
}

# sg_kill NAME TIMEOUT -- TERM, wait, then KILL the process (and its group) in the pid file.
sg_kill() {
  local name=$1 timeout=${2:-30} f pid start=$SECONDS
  f=$(sg_pidfile "$name")
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS - start >= timeout )); then kill -KILL "$pid" 2>/dev/null || true; break; fi
      sleep 0.5
    done
  fi
  rm -f "$f"
}

# sg_wait_port_free PORT TIMEOUT
sg_wait_port_free() {
  local port=$1 timeout=${2:-30} start=$SECONDS
  while sg_port_open "$port"; do
    (( SECONDS - start >= timeout )) && sg_die "port $port still in use after ${timeout}s"
    sleep 0.5
  done
}
