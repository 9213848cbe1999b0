#!/usr/bin/env bash
# Captures one real .gcdump per leak shape of tools/dotnet/LeakZoo (and a control run with everything
# disposed: all-disposed.gcdump), with the pinned dotnet-gcdump (.config/dotnet-tools.json); for the linked-token and the
# timer leaks also a full dump (gitignored) and an SOS transcript of it. Writes sample-dumps/leaks/.
#   bash tools/capture-leak-samples.sh [SCENARIO…]     (default: every scenario and the control)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/tools/dotnet/LeakZoo"
bin="$project/bin/Release/net10.0/LeakZoo.dll"
out="$root/sample-dumps/leaks"
work="$(mktemp -d)"
pid=""
log() { printf '[leak-samples %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "error: $*" >&2; exit 1; }
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  exec {keep}>&- 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$root"
gcdump() { dotnet tool run dotnet-gcdump "$@"; }
dotnet_dump() { dotnet tool run dotnet-dump "$@"; }

scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(linked-token token-register change-token event timer static-cache page audit-trail control)
with_transcript=" linked-token timer "

log "restoring the pinned diagnostics tools and building LeakZoo"
dotnet tool restore >/dev/null
dotnet build "$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; die "build failed"; }
mkdir -p "$out"

# start SCENARIO ARGS…: runs LeakZoo with a fifo as stdin (it waits for a line before exiting) and
# waits for its READY line; sets pid and ready.
start() {
  rm -f "$work/in"; mkfifo "$work/in"
  dotnet "$bin" "$@" <"$work/in" >"$work/app.log" 2>&1 &
  pid=$!
  exec {keep}>"$work/in"
  for _ in $(seq 1 600); do
    ready="$(grep -m1 '^READY' "$work/app.log" || true)"
    [[ -n "$ready" ]] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; die "LeakZoo $* exited early"; }
    sleep 0.1
  done
  die "LeakZoo $* did not get ready"
}
stop() {
  echo >&"$keep"; exec {keep}>&-
  wait "$pid" 2>/dev/null || true
  pid=""
}

sos() { dotnet_dump analyze "$1" -c "$2" -c exit </dev/null 2>&1 | grep -v '^Loading core dump: ' || true; }

: >"$work/versions"
for scenario in "${scenarios[@]}"; do
  name="$scenario"
  if [[ "$scenario" == control ]]; then start all --leak off; name=all-disposed; else start "$scenario" --leak on; fi
  log "$ready"
  echo "$scenario: $ready" >>"$work/versions"
  gcdump collect -p "$pid" -o "$out/$name.gcdump" >"$work/gcdump.log" 2>&1 || { cat "$work/gcdump.log" >&2; die "dotnet-gcdump failed"; }
  if [[ "$with_transcript" == *" $scenario "* ]]; then
    dump="$out/$scenario.dmp"
    rm -f "$dump"
    dotnet_dump collect -p "$pid" --type Full -o "$dump" >"$work/dump.log" 2>&1 || { cat "$work/dump.log" >&2; die "dotnet-dump collect failed"; }
    stop
    case "$scenario" in
      linked-token) entry="System.Threading.CancellationTokenSource+CallbackNode"; holder="LeakZoo.Scenarios" ;;
      timer) entry="System.Threading.TimerQueueTimer"; holder="System.Threading.TimerQueue" ;;
    esac
    {
      echo "\$ dotnet-dump analyze $scenario.dmp"
      echo "> dumpheap -stat"; sos "$dump" "dumpheap -stat"
      echo "> dumpheap -type $holder"; sos "$dump" "dumpheap -type $holder"
      leaked="$(sos "$dump" "dumpheap -type LeakZoo.RequestContext -short" | grep -E '^[0-9a-f]{8,16}$' | tail -1)"
      echo "> gcroot $leaked"; sos "$dump" "gcroot $leaked"
      echo "> dumpobj $leaked"; sos "$dump" "dumpobj $leaked"
    } >"$out/$scenario.sos.txt"
  else
    stop
  fi
  log "$name.gcdump: $(stat -c %s "$out/$name.gcdump") bytes"
done
# Keep the lines of scenarios not captured this time.
if [[ -f "$out/versions.txt" ]]; then
  while IFS= read -r line; do
    scenario="${line%%:*}"
    [[ "$line" == *": READY "* ]] && ! grep -q "^$scenario: " "$work/versions" && echo "$line" >>"$work/versions"
  done <"$out/versions.txt"
fi
{
  echo "LeakZoo runtime: $(grep -o 'runtime [0-9.]*' "$work/app.log" | head -1)"
  echo "dotnet-gcdump: $(gcdump --version | head -1)"
  echo "dotnet-dump: $(dotnet_dump --version | head -1)"
  echo "OS: $(uname -srm)"
  cat "$work/versions"
} >"$out/versions.txt"
log "done; run npm run truth to write the TraceEvent truth of the new files"
