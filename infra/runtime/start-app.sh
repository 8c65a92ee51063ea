#!/usr/bin/env bash
# Starts a built app with its V8 heap bounded from configuration:
#   infra/runtime/start-app.sh data-processing|user-management
# MAX_HEAP_MB caps the old generation (--max-old-space-size); default 192 for data-processing,
# 128 for user-management. The process's resident memory stays below it plus ~60 MB of code,
# buffers and young generation (figures in the README). A bad value stops start-up naming it.
set -euo pipefail
app=${1:?usage: start-app.sh <app>}
case "$app" in
  data-processing) default=192 ;;
  user-management) default=128 ;;
  *) echo "start-app.sh: unknown app '$app'" >&2; exit 2 ;;
esac
heap=${MAX_HEAP_MB:-$default}
if ! [[ "$heap" =~ ^[0-9]+$ ]] || (( heap < 64 || heap > 16384 )); then
  echo "Invalid configuration: MAX_HEAP_MB must be an integer from 64 to 16384 (MiB), got '$heap'" >&2
  exit 1
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec node --max-old-space-size="$heap" -r "$root/infra/runtime/register-paths.js" "$root/dist/apps/$app/src/main.js"
