# Sourced (not run) by the scripts that capture dumps of tools/dotnet/LeakyService
# (capture-real-samples.sh, capture-crash-core.sh, capture-big-core.sh): paths, logging, building,
# starting the service on 127.0.0.1 with a port the OS picks, its /stats, and a cleanup trap that
# stops the service and removes the scratch folder on every exit, failures included.
#
# Before sourcing, set LOG_TAG (the word in each log line). Afterwards: restore_tools, gcdump and
# dotnet_dump (the pinned diagnostics tools), root, service_project,
# service_bin, load_client, work, service_pid, service_url, runtime_version, stats.

readonly START_TIMEOUT_SECONDS=60

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
service_project="$root/tools/dotnet/LeakyService"
service_bin="$service_project/bin/Release/net10.0"
load_client="$service_project/load-client.mjs"
work="$(mktemp -d)"
service_pid=""
service_url=""
runtime_version=""
stats=""

# fd 3 = the script's own stderr: a trap can fire while a command's output is redirected to a log
# file, and the cleanup message must still reach the terminal.
exec 3>&2
log() { printf '[%s %s] %s\n' "$LOG_TAG" "$(date -u +%H:%M:%S)" "$*"; }
die() { log "error: $*" >&2; exit 1; }

stop_service() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  service_pid=""
}
cleanup() {
  local status=$?
  stop_service
  rm -rf "$work"
  [[ $status -eq 0 ]] || log "failed (exit $status); every process this script started has been stopped" >&3
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# require_tools TOOL…: dies naming the first one missing from PATH.
require_tools() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || die "$tool is not on PATH"; done
}

# restore_tools: the dotnet-gcdump and dotnet-dump pinned in .config/dotnet-tools.json, then
# gcdump / dotnet_dump to run them.
restore_tools() {
  log "restoring the local tools pinned in .config/dotnet-tools.json"
  (cd "$root" && dotnet tool restore >/dev/null)
}
gcdump() { dotnet tool run dotnet-gcdump "$@"; }
dotnet_dump() { dotnet tool run dotnet-dump "$@"; }

build_service() {
  log "building LeakyService (Release)"
  dotnet build "$service_project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; die "build failed"; }
}

# start_service [NAME=VALUE…] [SERVICE ARGS…]: starts LeakyService (environment assignments first,
# then its own arguments, e.g. --leak on) and waits until it listens; its output goes to
# $work/service.log. Sets service_pid, service_url, runtime_version.
start_service() {
  local env_vars=()
  while [[ $# -gt 0 && "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do env_vars+=("$1"); shift; done
  service_log="$work/service.log"
  env "${env_vars[@]}" dotnet "$service_bin/LeakyService.dll" --contentRoot "$service_bin" \
    --urls "http://127.0.0.1:0" "$@" >"$service_log" 2>&1 &
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
  log "LeakyService ($*) pid $service_pid on $service_url, runtime $runtime_version"
}

# fetch_stats: the service's /stats JSON into $stats (and the log).
fetch_stats() {
  stats="$(node -e "fetch(process.argv[1]).then(r => r.text()).then(t => console.log(t))" "$service_url/stats")"
  log "service stats: $stats"
}
