#!/usr/bin/env bash
# Cassandra settings for a small co-located node, measured side by side in one run:
#
#   npm run bench:cassandra-settings [-- --readings 100000]
#
# For each variant the local Cassandra (infra/local/stack) is restarted with
# CASSANDRA_YAML_SET=<variant> over the template's settings, then the storage bench runs its
# Cassandra write modes (raw driver, hybrid path to Cassandra alone, hybrid path to both stores)
# on a fresh keyspace, after an untimed warm-up pass. One table at the end; Cassandra is left running on the template's
# settings. Extra arguments go to the storage bench (bench/storage-bulk.ts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stack=infra/local/stack

# label | CASSANDRA_YAML_SET
variants=(
  "template (concurrent_writes 16, heap memtables, periodic commit log)|"
  "concurrent_writes 4|concurrent_writes: 4"
  "concurrent_writes 64|concurrent_writes: 64"
  "memtable_allocation_type offheap_objects|memtable_allocation_type: offheap_objects"
  "trie memtables|memtable: {configurations: {default: {class_name: TrieMemtable}}}"
  "trie memtables + offheap_objects|memtable: {configurations: {default: {class_name: TrieMemtable}}}; memtable_allocation_type: offheap_objects"
  "commit log group sync 15 ms (fsync before ack)|commitlog_sync: group; commitlog_sync_period: 0ms; commitlog_sync_group_window: 15ms"
)

npm run --silent build >/dev/null
results=()
restart() { "$stack" down cassandra >/dev/null 2>&1; CASSANDRA_YAML_SET="$1" "$stack" up cassandra >/dev/null 2>&1; }
for v in "${variants[@]}"; do
  label="${v%%|*}"; set_="${v#*|}"
  printf '[bench] %s ...\n' "$label" >&2
  if ! restart "$set_"; then
    results+=("$label|did not start (see infra/local/stack logs cassandra)|-|-"); continue
  fi
  # A fresh JVM compiles as it goes: one untimed pass first, so every variant is measured warm.
  node -r ./infra/runtime/register-paths.js dist/bench/storage-bulk.js --modes raw-cassandra,hybrid --rounds 1 --readings 50000 >/dev/null 2>&1 || true
  out=$(node -r ./infra/runtime/register-paths.js dist/bench/storage-bulk.js --modes raw-cassandra,hybrid-cassandra,hybrid --rounds 3 "$@" 2>/dev/null) || { results+=("$label|bench failed|-|-"); continue; }
  rate() { printf '%s\n' "$out" | awk -v m="$1" 'index($0, m) == 1 { print $(NF-1) }'; }
  results+=("$label|$(rate 'raw cassandra bulk')|$(rate 'hybrid cassandra only')|$(rate 'hybrid both ')")
done
restart "" || echo "[bench] WARNING: Cassandra did not come back on the template's settings" >&2

printf '\ncassandra settings (readings/s; 2 cores, all servers local; warm, best of 3 rounds each)\n'
printf '%-62s %14s %16s %12s\n' variant 'raw driver' 'hybrid cassandra' 'hybrid both'
for r in "${results[@]}"; do
  IFS='|' read -r l a b c <<<"$r"
  printf '%-62s %14s %16s %12s\n' "$l" "$a" "$b" "$c"
done
