#!/usr/bin/env bash
# Captures a core of tools/dotnet/LeakyService made by the crash path: the service dies of an
# unhandled exception (--crash-after N) and the runtime itself runs createdump because of
#   DOTNET_DbgEnableMiniDump=1  DOTNET_DbgMiniDumpType=4 (full)  DOTNET_DbgMiniDumpName=PATH
# (docs/specs/core-dumps.md §4). Writes
#
#   sample-dumps/leaky-service/crash-full.dmp          the full core (gitignored, several hundred MB)
#   sample-dumps/cores/leaky-service-crash.core        its headers and notes (make-sparse-core.py)
#   sample-dumps/cores/leaky-service-crash.readelf.txt       readelf -lnW of the full core
#   sample-dumps/cores/leaky-service-crash.gdb.txt           gdb: info threads, every thread's $sp
#   sample-dumps/cores/leaky-service-crash.gdb-mappings.txt  gdb: info proc mappings (NT_FILE)
#   sample-dumps/cores/leaky-service-crash.memory-map.truth.json  (tools/dotnet/memory-map-truth.sh)
#
# Usage: bash tools/capture-crash-core.sh [ORDERS]   (default 2,000 orders before the crash)
# Needs dotnet (SDK 10), node, python3, readelf and gdb. The service listens on 127.0.0.1 only.
set -euo pipefail

readonly ORDERS="${1:-2000}"
readonly CONCURRENCY=8
readonly DUMP_TIMEOUT_SECONDS=300

LOG_TAG=crash-core
# shellcheck source=tools/leaky-service.sh
source "$(dirname "${BASH_SOURCE[0]}")/leaky-service.sh"
full="$root/sample-dumps/leaky-service/crash-full.dmp"
cores="$root/sample-dumps/cores"
name="leaky-service-crash"

require_tools dotnet node python3 readelf gdb
[[ "$ORDERS" =~ ^[1-9][0-9]*$ ]] || die "ORDERS must be a positive number, not '$ORDERS'"
cd "$root"

build_service

mkdir -p "$(dirname "$full")"
rm -f "$full"
start_service DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=4 DOTNET_DbgMiniDumpName="$full" \
  --leak on --crash-after "$ORDERS"

# The last requests may fail: the process dies while they are in flight.
node "$load_client" "$service_url/orders" "$ORDERS" "$CONCURRENCY" POST >"$work/load.log" 2>&1 || true
log "waiting for the crash and createdump"
for _ in $(seq 1 $((DUMP_TIMEOUT_SECONDS * 10))); do
  kill -0 "$service_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$service_pid" 2>/dev/null && die "LeakyService still runs ${DUMP_TIMEOUT_SECONDS}s after $ORDERS orders"
status=0
wait "$service_pid" || status=$?
service_pid=""
grep -q "crashing on purpose" "$service_log" || { cat "$service_log" >&2; die "the service exited (status $status) without the planned crash"; }
[[ -s "$full" ]] || { cat "$service_log" >&2; die "no core at $full (did createdump run?)"; }
log "exit status $status; createdump wrote ${full#"$root/"} ($(stat -c %s "$full") bytes)"
grep -iE 'createdump|dump' "$service_log" | sed 's/^/  service: /' || true

log "reducing it to ${cores#"$root/"}/$name.core and writing the readelf/gdb truth of the full core"
python3 "$cores/make-sparse-core.py" "$full" "$cores/$name.core"
readelf -lnW "$full" >"$cores/$name.readelf.txt"
gdb -c "$full" -batch -ex 'info threads' -ex 'thread apply all p/x $sp' >"$cores/$name.gdb.txt" 2>&1
gdb -c "$full" -batch -ex 'info proc mappings' >"$cores/$name.gdb-mappings.txt" 2>&1
grep -q "^$name.core " "$cores/full-cores.txt" || echo "$name.core ${full#"$root/"}" >>"$cores/full-cores.txt"

log "regenerating the ClrMD memory-map truth"
bash "$root/tools/dotnet/memory-map-truth.sh" >"$work/truth.log" 2>&1 || { cat "$work/truth.log" >&2; die "memory-map-truth.sh failed"; }
{
  echo "# $name.core: made by tools/capture-crash-core.sh $ORDERS on $(date -u +%Y-%m-%d) (UTC)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME") $(uname -m), kernel $(uname -r)"
  echo "runtime: $runtime_version; exit status $status"
  echo "full core: $(stat -c %s "$full") bytes; sparse core: $(stat -c %s "$cores/$name.core") bytes"
} >"$cores/$name.versions.txt"
cat "$cores/$name.versions.txt"
log "done"
