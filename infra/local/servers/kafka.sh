#!/usr/bin/env bash
# Apache Kafka 3.9.1, single node in KRaft combined mode (broker+controller, no ZooKeeper).
# Sourced by infra/local/stack after lib.sh; defines kafka_{install,start,stop,running,ready,port}.
#   KAFKA_PORT             client (PLAINTEXT) port, default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller port, default 9093
#   KAFKA_HEAP             heap: a size ("512m", used as -Xmx) or JVM options ("-Xms1g -Xmx1g"); default 512m
#   KAFKA_JVM_OPTS         extra JVM options (optional)
# Jars come from Maven Central via infra/local/conf/kafka/pom.xml into $SG_CACHE/kafka-3.9.1/lib.
# State: data in $SG_STATE/data/kafka, rendered config in $SG_STATE/run/kafka.properties,
# process output and log4j in $(sg_logfile kafka).

KAFKA_VERSION=3.9.1
_kafka_conf() { echo "$SG_ROOT/infra/local/conf/kafka"; }
_kafka_cport() { echo "${KAFKA_CONTROLLER_PORT:-9093}"; }
_kafka_props() { echo "$SG_STATE/run/kafka.properties"; }

kafka_port() { echo "${KAFKA_PORT:-9092}"; }

_kafka_python() {
  if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; # skips pyenv shims (~0.1s per call)
  elif command -v python3 >/dev/null 2>&1; then command -v python3;
  else sg_die "python3 not found (needed for the kafka readiness probe)"; fi
}

kafka_install() {
  local home pom marker sum lock
  home=$(sg_installdir kafka "$KAFKA_VERSION"); pom="$(_kafka_conf)/pom.xml"; marker="$home/.installed"
  sum=$(sha256sum "$pom" | cut -d' ' -f1)
  if [ -f "$marker" ] && [ "$(cat "$marker")" = "$sum" ]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || sg_die "mvn not found (needed to fetch the Kafka jars from Maven Central)"
  mkdir -p "$SG_CACHE"
  lock="$SG_CACHE/kafka-$KAFKA_VERSION.lock"
  (
    # Serialise against other checkouts installing into the same shared cache.
    flock -w 600 9 || sg_die "timed out waiting for $lock"
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$sum" ]; then exit 0; fi
    sg_log "kafka: fetching kafka_2.13:$KAFKA_VERSION and runtime deps from Maven Central"
    rm -rf "$home/lib.tmp"; mkdir -p "$home"
    mvn -q -B -f "$pom" dependency:copy-dependencies \
      -DoutputDirectory="$home/lib.tmp" -DincludeScope=runtime >"$home/mvn.log" 2>&1 || {
      tail -n 40 "$home/mvn.log" >&2; sg_die "kafka: maven download failed (see $home/mvn.log)"; }
    [ -f "$home/lib.tmp/kafka_2.13-$KAFKA_VERSION.jar" ] || sg_die "kafka: kafka_2.13-$KAFKA_VERSION.jar missing after download"
    rm -rf "$home/lib"; mv "$home/lib.tmp" "$home/lib"
    echo "$sum" >"$marker"
    sg_log "kafka: installed $(ls "$home/lib" | wc -l) jars into $home/lib"
  ) 9>"$lock"
}

# Is PID a kafka.Kafka of this state dir? (guards against stale pid files / pid reuse)
_kafka_is_ours() {
  local pid=$1 props; props=$(_kafka_props)
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -xF 'kafka.Kafka' >/dev/null &&
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -xF -- "$props" >/dev/null
}

# Prints the broker's pid: from the pid file, else (pid file lost) found by its config path.
_kafka_pid() {
  local f pid props c; f=$(sg_pidfile kafka); props=$(_kafka_props)
  if [ -f "$f" ]; then
    pid=$(cat "$f" 2>/dev/null || true)
    if _kafka_is_ours "$pid"; then echo "$pid"; return 0; fi
  fi
  for c in $(grep -laF -- "$props" /proc/[0-9]*/cmdline 2>/dev/null || true); do
    pid=${c#/proc/}; pid=${pid%/cmdline}
    if [ "$pid" != "$$" ] && _kafka_is_ours "$pid"; then
      mkdir -p "$(dirname "$f")"; echo "$pid" >"$f"; echo "$pid"; return 0
    fi
  done
  return 1
}

kafka_running() { _kafka_pid >/dev/null; }

# Real probe: ApiVersions v0 (must answer error 0 with a non-empty API list), then Metadata v1
# (must list at least one broker, i.e. the broker is registered with the KRaft controller).
kafka_ready() {
  # probe_io (shared with the FerretDB probe) from infra/local/conf; no bytecode written there.
  PYTHONPATH="$SG_ROOT/infra/local/conf${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    "$(_kafka_python)" - "$(kafka_port)" <<'PY' 2>/dev/null
import socket, struct, sys
from probe_io import recv_exact
port = int(sys.argv[1])

def call(sock, api_key, version, corr, body=b""):
    cid = b"sg-probe"
    req = struct.pack(">hhih", api_key, version, corr, len(cid)) + cid + body
    sock.sendall(struct.pack(">i", len(req)) + req)
    (size,) = struct.unpack(">i", recv_exact(sock, 4))
    resp = recv_exact(sock, size)
    (rcorr,) = struct.unpack_from(">i", resp, 0)
    if rcorr != corr:
        raise ValueError("correlation id mismatch")
    return resp, 4

with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
    s.settimeout(2)
    resp, off = call(s, 18, 0, 1)                          # ApiVersions v0
    err, n = struct.unpack_from(">hi", resp, off)
    if err != 0 or n <= 0:
        sys.exit(1)
    resp, off = call(s, 3, 1, 2, struct.pack(">i", 0))     # Metadata v1, no topics
    (nbrokers,) = struct.unpack_from(">i", resp, off)
    sys.exit(0 if nbrokers >= 1 else 1)
PY
}

_kafka_render_props() {
  local props data; props=$(_kafka_props); data=$(sg_datadir kafka)
  case "$data" in *'|'*|*'&'*) sg_die "kafka: state dir must not contain '|' or '&': $data";; esac
  sed -e "s|@KAFKA_PORT@|$(kafka_port)|g" -e "s|@KAFKA_CONTROLLER_PORT@|$(_kafka_cport)|g" \
      -e "s|@KAFKA_DATA_DIR@|$data|g" "$(_kafka_conf)/server.properties" >"$props.tmp"
  mv "$props.tmp" "$props"
}

_kafka_jvm_opts() {
  local heap=${KAFKA_HEAP:-512m}
  case "$heap" in -*) ;; *) heap="-Xmx$heap";; esac
  # shellcheck disable=SC2206 # word splitting of the option strings is intended
  local opts=($heap -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$(_kafka_conf)/log4j.properties" "-Dkafka.logs.dir=$SG_STATE/logs"
    ${KAFKA_JVM_OPTS:-})
  printf '%s\n' "${opts[@]}"
}

# Formats the KRaft log dir once (when meta.properties is missing), with a cluster id kept in
# $SG_STATE/data/kafka/cluster.id.
_kafka_format_if_needed() {
  local data idf cid log; data=$(sg_datadir kafka); idf="$data/cluster.id"; log=$(sg_logfile kafka)
  [ -f "$data/logs/meta.properties" ] && return 0
  if [ ! -s "$idf" ]; then
    # Same shape as Kafka's Uuid.randomUuid(): 16 random bytes, url-safe base64, no padding,
    # never starting with '-'.
    "$(_kafka_python)" -c '
import base64, os
while True:
    s = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
    if not s.startswith("-"): print(s); break' >"$idf.tmp"
    mv "$idf.tmp" "$idf"
  fi
  cid=$(cat "$idf")
  sg_log "kafka: formatting KRaft storage in $data/logs (cluster id $cid)"
  "$(sg_java17)" -Xmx256m "-Dlog4j.configuration=file:$(_kafka_conf)/log4j.properties" \
    -cp "$(sg_installdir kafka "$KAFKA_VERSION")/lib/*" kafka.tools.StorageTool format -t "$cid" -c "$(_kafka_props)" \
    >>"$log" 2>&1 || { tail -n 20 "$log" >&2; sg_die "kafka: storage format failed; see $log"; }
}

kafka_start() {
  local port cport java pidf log props i
  kafka_install
  if kafka_running; then
    kafka_ready || sg_wait kafka 90
    return 0
  fi
  port=$(kafka_port); cport=$(_kafka_cport)
  for i in "$port" "$cport"; do
    sg_port_open "$i" && sg_die "kafka: port $i is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
  done
  sg_dirs kafka
  java=$(sg_java17); pidf=$(sg_pidfile kafka); log=$(sg_logfile kafka); props=$(_kafka_props)
  _kafka_render_props
  _kafka_format_if_needed
  rm -f "$pidf"
  printf '\n===== %s starting kafka %s on 127.0.0.1:%s (controller %s) =====\n' \
    "$(date '+%F %T')" "$KAFKA_VERSION" "$port" "$cport" >>"$log"
  local opts=(); mapfile -t opts < <(_kafka_jvm_opts)
  # New session (no controlling terminal, survives the calling shell); the wrapper records its own
  # pid, then execs java, so the pid file holds the JVM's pid whatever setsid does.
  setsid nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' kafka-launch "$pidf" \
    "$java" "${opts[@]}" -cp "$(sg_installdir kafka "$KAFKA_VERSION")/lib/*" kafka.Kafka "$props" >>"$log" 2>&1 </dev/null &
  for i in $(seq 1 50); do [ -s "$pidf" ] && break; sleep 0.1; done
  sg_wait kafka 90
}

kafka_stop() {
  local pid port cport killed=0 i
  port=$(kafka_port); cport=$(_kafka_cport)
  if pid=$(_kafka_pid); then
    echo "$pid" >"$(sg_pidfile kafka)"
    sg_kill kafka 60   # TERM -> controlled shutdown (a few seconds), KILL after 60s
    killed=1
  else
    rm -f "$(sg_pidfile kafka)"
  fi
  for i in "$port" "$cport"; do
    if (( killed )); then sg_wait_port_free "$i" 30
    elif sg_port_open "$i"; then
      sg_log "kafka: port $i is in use by a process that is not this stack's kafka (state dir $SG_STATE)"
      return 1
    fi
  done
}
