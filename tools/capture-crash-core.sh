#!/usr/bin/env bash
# Captures a core of tools/dotnet/LeakyService made by the crash path: the service dies of an
# unhandled exception (--crash-after N) and the runtime itself runs createdump because of
#   DOTNET_DbgEnableMiniDump=1  DOTNET_DbgMiniDumpType=4 (full)  DOTNET_DbgMiniDumpName=PATH
# (shared/specs/core-dumps.md §4). Writes
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
readonly START_TIMEOUT_SECONDS=60
readonly DUMP_TIMEOUT_SECONDS=300

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
service_project="$root/tools/dotnet/LeakyService"
service_bin="$service_project/bin/Release/net10.0"
full="$root/sample-dumps/leaky-service/crash-full.dmp"
cores="$root/sample-dumps/cores"
name="leaky-service-crash"
work="$(mktemp -d)"
service_pid=""

exec 3>&2
log() { printf '[crash-core %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "error: $*" >&2; exit 1; }
cleanup() {
  local status=$?
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -9 "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  [[ $status -eq 0 ]] || log "failed (exit $status); the service this script started has been stopped" >&3
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in dotnet node python3 readelf gdb; do command -v "$tool" >/dev/null || die "$tool is not on PATH"; done
[[ "$ORDERS" =~ ^[1-9][0-9]*$ ]] || die "ORDERS must be a positive number, not '$ORDERS'"
cd "$root"

log "building LeakyService (Release)"
dotnet build "$service_project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; die "build failed"; }

mkdir -p "$(dirname "$full")"
rm -f "$full"
service_log="$work/service.log"
DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpType=4 DOTNET_DbgMiniDumpName="$full" \
  dotnet "$service_bin/LeakyService.dll" --contentRoot "$service_bin" --urls "http://127.0.0.1:0" \
  --leak on --crash-after "$ORDERS" >"$service_log" 2>&1 &
service_pid=$!
service_url=""
for _ in $(seq 1 $((START_TIMEOUT_SECONDS * 10))); do
  service_url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$service_log" | head -1 || true)"
  [[ -n "$service_url" ]] && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$service_log" >&2; die "LeakyService exited during start"; }
  sleep 0.1
done
[[ -n "$service_url" ]] || { cat "$service_log" >&2; die "LeakyService did not start listening"; }
runtime_version="$(grep -o 'runtime [0-9][0-9.]*' "$service_log" | head -1 | cut -d' ' -f2)"
log "LeakyService pid $service_pid on $service_url, runtime $runtime_version, crashing after $ORDERS orders"

# The last requests may fail: the process dies while they are in flight.
node "$service_project/load-client.mjs" "$service_url/orders" "$ORDERS" "$CONCURRENCY" POST >"$work/load.log" 2>&1 || true
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
