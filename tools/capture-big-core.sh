#!/usr/bin/env bash
# Makes a real ELF core of several GB of tools/dotnet/LeakyService for the browser check
# tools/bench/big-core.browser-bench.ts (issue #9: "a core of several GB opens in the browser while
# reading under 1% of its bytes"). The service runs in leak mode; every POST /orders keeps its
# request's trace context, and with it a 32 KiB body snapshot, alive for the life of the process
# (about 33 KB a request), so 100,000 requests hold about 3.3 GB. Then
# `dotnet-dump collect --type Full` (the tool pinned in .config/dotnet-tools.json) writes
#
#   sample-dumps/big/leaky-service-big.core   (gitignored: several GB; never commit it)
#
# Usage: bash tools/capture-big-core.sh [REQUESTS] [OUT]   (default 100,000 requests)
# Needs dotnet (SDK 10) and node; about as much free memory and disk as the core's size. The
# service listens on 127.0.0.1 only and is killed on exit, on failure too.
set -euo pipefail

readonly REQUESTS="${1:-100000}"
readonly CONCURRENCY=16 # as tools/capture-real-samples.sh: enough to keep both cores of a small machine busy
readonly BYTES_KEPT_PER_REQUEST=33000 # byte[32768] (32,792 bytes) plus the trace context's small objects
readonly START_TIMEOUT_SECONDS=60

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${2:-$root/sample-dumps/big/leaky-service-big.core}"
service_project="$root/tools/dotnet/LeakyService"
service_bin="$service_project/bin/Release/net10.0"
load_client="$service_project/load-client.mjs"
work="$(mktemp -d)"
service_pid=""

exec 3>&2
log() { printf '[big-core %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "error: $*" >&2; exit 1; }
cleanup() {
  local status=$?
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  [[ $status -eq 0 ]] || log "failed (exit $status); the service this script started has been stopped" >&3
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in dotnet node; do command -v "$tool" >/dev/null || die "$tool is not on PATH"; done
[[ "$REQUESTS" =~ ^[1-9][0-9]*$ ]] || die "REQUESTS must be a positive number, not '$REQUESTS'"
cd "$root"

# The process holds the leak, and the core is written while it runs: both need room.
needed_bytes=$((REQUESTS * BYTES_KEPT_PER_REQUEST))
available_bytes=$(($(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) * 1024))
((available_bytes > needed_bytes * 3 / 2)) ||
  die "$REQUESTS requests keep about $((needed_bytes / 1000000)) MB; only $((available_bytes / 1000000)) MB of memory is available"
mkdir -p "$(dirname "$out")"
free_disk_bytes=$(($(df -Pk "$(dirname "$out")" | awk 'NR == 2 { print $4 }') * 1024))
((free_disk_bytes > needed_bytes * 2)) ||
  die "the core will be larger than $((needed_bytes / 1000000)) MB; only $((free_disk_bytes / 1000000)) MB free beside $out"

log "restoring the local tools pinned in .config/dotnet-tools.json"
dotnet tool restore >/dev/null
dotnet_dump() { dotnet tool run dotnet-dump "$@"; }

log "building LeakyService (Release)"
dotnet build "$service_project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; die "build failed"; }

service_log="$work/service.log"
dotnet "$service_bin/LeakyService.dll" --contentRoot "$service_bin" --urls "http://127.0.0.1:0" --leak on \
  >"$service_log" 2>&1 &
service_pid=$!
service_url=""
for _ in $(seq 1 $((START_TIMEOUT_SECONDS * 10))); do
  service_url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$service_log" | head -1 || true)"
  [[ -n "$service_url" ]] && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$service_log" >&2; die "LeakyService exited during start"; }
  sleep 0.1
done
[[ -n "$service_url" ]] || { cat "$service_log" >&2; die "LeakyService did not start listening"; }
log "LeakyService (leak on) pid $service_pid on $service_url"

log "sending $REQUESTS POST /orders, $CONCURRENCY at a time"
node "$load_client" "$service_url/orders" "$REQUESTS" "$CONCURRENCY" POST
stats="$(node -e "fetch(process.argv[1]).then(r => r.text()).then(t => console.log(t))" "$service_url/stats")"
log "service stats: $stats"
grep -q "\"liveReloadRegistrations\":$REQUESTS," <<<"$stats" || die "expected $REQUESTS live registrations"
log "service RSS: $(awk '/^VmRSS:/ { print $2, $3 }' "/proc/$service_pid/status")"

log "dotnet-dump collect --type Full -> ${out#"$root/"}"
rm -f "$out"
started=$(date +%s)
dotnet_dump collect -p "$service_pid" --type Full -o "$out" >"$work/dump.log" 2>&1 || { cat "$work/dump.log" >&2; die "dotnet-dump collect failed"; }
log "dotnet-dump took $(($(date +%s) - started)) s"

size=$(stat -c %s "$out")
log "done: $out: $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.2f", b / 1e9 }') GB)"
echo "$size $out"
