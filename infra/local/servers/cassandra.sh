#!/usr/bin/env bash
# Apache Cassandra 5.0 single local node (no Docker), sourced by infra/local/stack after lib.sh.
# Jars come from Maven Central (org.apache.cassandra:cassandra-all + runtime deps, via the pom in
# infra/local/conf/cassandra) into $SG_CACHE/cassandra-<version>/lib; it runs on Java 17.
# Env: CASSANDRA_PORT (CQL, 9042), CASSANDRA_STORAGE_PORT (7000), CASSANDRA_JMX_PORT (7199,
# bound to 127.0.0.1), CASSANDRA_HEAP (2G), CASSANDRA_VERSION (5.0.9).
# Data: $SG_STATE/data/cassandra/{data,commitlog,hints,...}, rendered config in .../conf.

CASSANDRA_VERSION="${CASSANDRA_VERSION:-5.0.9}"
_cassandra_conf_src="$SG_ROOT/infra/local/conf/cassandra"

_cassandra_storage_port() { echo "${CASSANDRA_STORAGE_PORT:-7000}"; }
_cassandra_jmx_port() { echo "${CASSANDRA_JMX_PORT:-7199}"; }

cassandra_port() { echo "${CASSANDRA_PORT:-9042}"; }

cassandra_install() {
  local home lib tmp
  home=$(sg_installdir cassandra "$CASSANDRA_VERSION"); lib="$home/lib"
  [ -f "$home/.installed" ] && return 0
  command -v mvn >/dev/null 2>&1 || sg_die "cassandra: mvn (Maven) is needed to fetch the jars"
  sg_log "cassandra: fetching cassandra-all $CASSANDRA_VERSION and its runtime dependencies (Maven Central)"
  mkdir -p "$home"
  tmp="$home/lib.tmp.$$"
  rm -rf "$tmp"
  # JAVA_HOME for Maven itself: any JDK works, Java 17 is the one we know exists.
  JAVA_HOME="$(dirname "$(dirname "$(sg_java17)")")" \
    mvn -q -B -f "$_cassandra_conf_src/pom.xml" -Dcassandra.version="$CASSANDRA_VERSION" \
      dependency:copy-dependencies -DoutputDirectory="$tmp" -DincludeScope=runtime >&2 \
    || { rm -rf "$tmp"; sg_die "cassandra: maven could not fetch cassandra-all $CASSANDRA_VERSION"; }
  [ -f "$tmp/cassandra-all-$CASSANDRA_VERSION.jar" ] || { rm -rf "$tmp"; sg_die "cassandra: cassandra-all jar missing after download"; }
  rm -rf "$lib"; mv "$tmp" "$lib"
  touch "$home/.installed"
  sg_log "cassandra: $(ls "$lib" | wc -l) jars in $lib"
}

cassandra_running() { sg_pid_alive cassandra; }

# Real CQL probe without any client library: send an OPTIONS frame (protocol v4, opcode 0x05)
# and expect a SUPPORTED response (version byte 0x84, opcode 0x06).
cassandra_ready() {
  local port hdr
  port=$(cassandra_port)
  hdr=$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x04\x00\x00\x00\x05\x00\x00\x00\x00" >&3
    od -An -tx1 -N9 <&3' _ "$port" 2>/dev/null) || return 1
  hdr=$(echo $hdr) # squeeze whitespace
  [[ "$hdr" == "84 00 00 00 06 "* ]]
}

# CASSANDRA_YAML_SET="key: value; key: value": settings over the template's (a top-level key
# is replaced, a new one added; a value may be a one-line YAML map). Used to measure settings
# side by side (bench/cassandra-settings.sh) without editing the template.
_cassandra_yaml_set() { # _cassandra_yaml_set FILE
  local entry key entries
  [ -n "${CASSANDRA_YAML_SET:-}" ] || return 0
  IFS=';' read -ra entries <<<"$CASSANDRA_YAML_SET"
  for entry in "${entries[@]}"; do
    entry="$(printf '%s' "$entry" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')"
    [ -n "$entry" ] || continue
    key="${entry%%:*}"
    [[ "$key" =~ ^[a-z0-9_]+$ && "$entry" == *:* ]] || sg_die "CASSANDRA_YAML_SET: '$entry' is not 'key: value'"
    SG_ENTRY="$entry" SG_KEY="$key" awk 'BEGIN { e = ENVIRON["SG_ENTRY"]; k = ENVIRON["SG_KEY"] ":" }
      index($0, k) == 1 { print e; done = 1; next } { print } END { if (!done) print e }' "$1" >"$1.set"
    mv "$1.set" "$1"
  done
}

_cassandra_render_conf() { # writes the yaml, prints its path
  local data conf
  data=$(sg_datadir cassandra); conf="$data/conf"
  mkdir -p "$conf" "$data"/{data,commitlog,hints,saved_caches,cdc_raw,triggers}
  sed -e "s|@DATA_DIR@|$data|g" \
      -e "s|@NATIVE_PORT@|$(cassandra_port)|g" \
      -e "s|@STORAGE_PORT@|$(_cassandra_storage_port)|g" \
      "$_cassandra_conf_src/cassandra.yaml.template" >"$conf/cassandra.yaml.tmp"
  _cassandra_yaml_set "$conf/cassandra.yaml.tmp"
  mv "$conf/cassandra.yaml.tmp" "$conf/cassandra.yaml"
  echo "$conf/cassandra.yaml"
}

cassandra_start() {
  if cassandra_running; then
    cassandra_ready && return 0
    sg_log "cassandra: already starting (pid $(cat "$(sg_pidfile cassandra)")), waiting"
    sg_wait cassandra 180; return
  fi
  cassandra_install
  sg_dirs cassandra
  local port sport jport p
  port=$(cassandra_port); sport=$(_cassandra_storage_port); jport=$(_cassandra_jmx_port)
  for p in "$port" "$sport" "$jport"; do
    sg_port_open "$p" && sg_die "cassandra: port $p is already in use by another process (set CASSANDRA_PORT / CASSANDRA_STORAGE_PORT / CASSANDRA_JMX_PORT)"
  done

  local java home data yaml log heap opts=() line words
  java=$(sg_java17); home=$(sg_installdir cassandra "$CASSANDRA_VERSION"); data=$(sg_datadir cassandra)
  yaml=$(_cassandra_render_conf); log=$(sg_logfile cassandra)
  heap="${CASSANDRA_HEAP:-2G}"
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    case "$line" in ''|'#'*) continue;; esac
    read -ra words <<<"$line"; opts+=("${words[@]}")
  done <"$_cassandra_conf_src/jvm17-server.options"

  local jamm
  jamm=$(ls "$home"/lib/jamm-*.jar 2>/dev/null | head -n1) || true
  opts+=(
    "-Xms$heap" "-Xmx$heap"
    -XX:+UseG1GC
    -Djava.net.preferIPv4Stack=true
    ${jamm:+"-javaagent:$jamm"}
    "-Dcassandra.config=file://$yaml"
    "-Dlogback.configurationFile=file://$_cassandra_conf_src/logback.xml"
    "-Dsmartgrid.cassandra.logfile=$log"
    "-Dcassandra.logdir=$SG_STATE/logs"
    "-Dcassandra.storagedir=$data"
    "-Dcassandra.triggers_dir=$data/triggers"
    -Dcassandra-foreground=yes
    # JMX only on 127.0.0.1 (registry and RMI server on the same port), no auth
    "-Dcassandra.jmx.local.port=$jport"
    "-Dcom.sun.management.jmxremote.rmi.port=$jport"
    -Dcom.sun.management.jmxremote.authenticate=false
    # single local node: don't wait for gossip/ring/superuser set-up
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    -Dcassandra.ring_delay_ms=1000
    -Dcassandra.superuser_setup_delay_ms=0
    -XX:ErrorFile="$SG_STATE/logs/cassandra-hs_err_%p.log"
    -XX:HeapDumpPath="$data"
  )

  sg_log "cassandra: starting $CASSANDRA_VERSION on port $port (storage $sport, jmx $jport), log $log"
  printf '\n===== %s starting cassandra %s =====\n' "$(date -Is)" "$CASSANDRA_VERSION" >>"$log"
  # setsid: own session, immune to the caller's terminal/Ctrl-C; nohup+setsid exec into java, so
  # $! is the JVM's pid.
  (cd "$data" && exec nohup setsid "$java" "${opts[@]}" -cp "$home/lib/*" \
      org.apache.cassandra.service.CassandraDaemon </dev/null >>"$log" 2>&1) &
  echo $! >"$(sg_pidfile cassandra)"
  sg_wait cassandra 180
}

cassandra_stop() {
  # The JVM's shutdown hook drains (flushes memtables) on TERM; give it time before KILL.
  sg_kill cassandra 60
  sg_wait_port_free "$(cassandra_port)" 30
  sg_wait_port_free "$(_cassandra_storage_port)" 30
  sg_wait_port_free "$(_cassandra_jmx_port)" 30
}
