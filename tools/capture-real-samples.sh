#!/usr/bin/env bash
# Captures the real samples of issue 3 from tools/dotnet/LeakyService with Microsoft's own tools:
#
#   sample-dumps/leaky-service/runaway-cts.gcdump   dotnet-gcdump of the service after 17,812 leaking requests
#   sample-dumps/leaky-service/runaway-cts.dmp      full dump (dotnet-dump collect; gitignored, ~1 GB)
#   sample-dumps/leaky-service/runaway-cts.sos.txt  SOS transcript of that dump (dotnet-dump analyze)
#   sample-dumps/leaky-service/control.gcdump       the same traffic with the leak switched off
#   sample-dumps/leaky-service/versions.txt         tool, runtime and OS versions, and the counts seen
#
# then regenerates the TraceEvent truth (tools/dotnet/truth.sh). Usage: npm run samples:capture
# Needs dotnet (SDK 10) and node; the services listen on 127.0.0.1 only, on a port the OS picks.
# Every process started here is killed on exit, on failure too.
set -euo pipefail

readonly LEAKING_REQUESTS=17812 # the length of the incident's CallbackNode chain
readonly CONTROL_PATH_REQUESTS=300 # GET /healthz: passes no tracing middleware
readonly CONCURRENCY=16
readonly BODY_SNAPSHOT_OBJECT_SIZE=32792 # byte[32768] on x64: 24-byte array header + 32,768

LOG_TAG=capture
# shellcheck source=tools/leaky-service.sh
source "$(dirname "${BASH_SOURCE[0]}")/leaky-service.sh"
out="$root/sample-dumps/leaky-service"

require_tools dotnet node
cd "$root"

restore_tools

build_service

# send_traffic: exactly LEAKING_REQUESTS orders and CONTROL_PATH_REQUESTS health checks.
send_traffic() {
  node "$load_client" "$service_url/orders" "$LEAKING_REQUESTS" "$CONCURRENCY" POST
  node "$load_client" "$service_url/healthz" "$CONTROL_PATH_REQUESTS" 4 GET
  fetch_stats
}

mkdir -p "$out"
rm -f "$out/runaway-cts.gcdump" "$out/control.gcdump" "$out/runaway-cts.dmp" "$out/runaway-cts.sos.txt"

# ---- the leaking run -------------------------------------------------------------------------
start_service --leak on
send_traffic
grep -q "\"liveReloadRegistrations\":$LEAKING_REQUESTS," <<<"$stats" || die "expected $LEAKING_REQUESTS live registrations"
log "dotnet-gcdump collect -> ${out#"$root/"}/runaway-cts.gcdump"
gcdump collect -p "$service_pid" -o "$out/runaway-cts.gcdump" >"$work/gcdump-leak.log" 2>&1 || { cat "$work/gcdump-leak.log" >&2; die "dotnet-gcdump failed"; }
log "dotnet-dump collect --type Full -> ${out#"$root/"}/runaway-cts.dmp"
dotnet_dump collect -p "$service_pid" --type Full -o "$out/runaway-cts.dmp" >"$work/dump.log" 2>&1 || { cat "$work/dump.log" >&2; die "dotnet-dump collect failed"; }
stop_service

# ---- the SOS transcript ----------------------------------------------------------------------
# One `dotnet-dump analyze DUMP -c CMD -c exit` per command, so the transcript can show each
# command as a `> ` prompt line above its own output (dotnet-dump -c echoes no commands).
dump="$out/runaway-cts.dmp"
sos() { dotnet_dump analyze "$dump" -c "$1" -c exit </dev/null 2>&1 | grep -v '^Loading core dump: ' || true; }
# field NAME: the Value column of a dumpobj field line whose Name column is NAME (stdin: dumpobj
# output). Reads all its input, so the writer never meets a closed pipe.
field() { awk -v name="$1" '$NF == name && !found { print $(NF - 1); found = 1 }'; }

transcript="$work/sos.txt"
{
  echo "\$ dotnet-dump analyze runaway-cts.dmp"
  echo "Loading core dump: runaway-cts.dmp ..."
} >"$transcript"
record() { { echo "> $1"; sos "$1"; echo; } >>"$transcript"; }

log "analyzing the dump (SOS)"
memory_summary="maddress -summary"
if grep -qiE 'only supported under windbg|unrecognized|not supported|does not exist' <<<"$(sos "$memory_summary")"; then
  memory_summary="eeheap -gc" # dotnet-dump's SOS has no memory-region service on Linux core dumps
fi
record "$memory_summary"

sos "dumpheap -stat" >"$work/stat.txt"
byte_array_mt="$(awk '$NF == "System.Byte[]" { print $1; exit }' "$work/stat.txt")"
callback_node_mt="$(awk '$NF == "System.Threading.CancellationTokenSource+CallbackNode" { print $1; exit }' "$work/stat.txt")"
reload_token_mt="$(awk '$NF == "Microsoft.Extensions.Configuration.ConfigurationReloadToken" { print $1; exit }' "$work/stat.txt")"
[[ -n "$byte_array_mt" && -n "$callback_node_mt" && -n "$reload_token_mt" ]] || die "dumpheap -stat lacks Byte[], CallbackNode or ConfigurationReloadToken"

# The head of the longest registration list: for each ConfigurationReloadToken, its CTS's
# Registrations.Callbacks is the newest CallbackNode, whose Id counts the registrations made.
sos "dumpheap -mt $reload_token_mt -short" >"$work/tokens.txt"
head_node="" head_id=-1
while read -r token; do
  [[ "$token" =~ ^[0-9a-f]+$ ]] || continue
  cts="$(sos "dumpobj $token" | field _cts)"
  [[ -n "$cts" && ! "$cts" =~ ^0+$ ]] || continue
  registrations="$(sos "dumpobj $cts" | field _registrations)"
  [[ -n "$registrations" && ! "$registrations" =~ ^0+$ ]] || continue
  node="$(sos "dumpobj $registrations" | field Callbacks)"
  [[ -n "$node" && ! "$node" =~ ^0+$ ]] || continue
  id="$(sos "dumpobj $node" | field Id)"
  if [[ "$id" =~ ^[0-9]+$ ]] && ((id > head_id)); then head_node="$node" head_id="$id"; fi
done <"$work/tokens.txt"
[[ -n "$head_node" ]] || die "found no CallbackNode on any ConfigurationReloadToken"
log "newest CallbackNode $head_node (Id $head_id)"

# Its callback's closure holds the request's trace context, whose body snapshot is one of the
# 32,792-byte buffers: rooting that one keeps gcroot's path short (older ones sit deeper in the chain).
callback="$(sos "dumpobj $head_node" | field Callback)"
closure="$(sos "dumpobj $callback" | field _target)"
trace_context="$(sos "dumpobj $closure" | field trace)"
buffer="$(sos "dumpobj $trace_context" | field '<BodySnapshot>k__BackingField')"
[[ -n "$buffer" && ! "$buffer" =~ ^0+$ ]] || die "could not follow CallbackNode -> closure -> trace context -> body snapshot"

{ echo "> dumpheap -stat"; cat "$work/stat.txt"; echo; } >>"$transcript"
# The incident ran `-min 0x8018 -max 0x8018`; this SOS parses -min/-max as decimal only
# ("Cannot parse argument '0x8018' for option '-min'"), so the same bounds are written as 32792.
sized_command="dumpheap -mt $byte_array_mt -min $BODY_SNAPSHOT_OBJECT_SIZE -max $BODY_SNAPSHOT_OBJECT_SIZE -stat"
record "$sized_command"
sos_buffers="$(sos "$sized_command" | awk '/^Total/ { print $2 }')"
record "gcroot $buffer"
record "dumpobj $head_node"
record "dumpdelegate $callback"
record "dumpobj $(sos "dumpobj $head_node" | field CallbackState)"
cp "$transcript" "$out/runaway-cts.sos.txt"

# ---- the control run -------------------------------------------------------------------------
start_service --leak off
send_traffic
grep -q '"liveReloadRegistrations":0,' <<<"$stats" || die "the control run should keep no registration"
log "dotnet-gcdump collect -> ${out#"$root/"}/control.gcdump"
gcdump collect -p "$service_pid" -o "$out/control.gcdump" >"$work/gcdump-control.log" 2>&1 || { cat "$work/gcdump-control.log" >&2; die "dotnet-gcdump failed"; }
stop_service

# ---- what was made, with which versions ------------------------------------------------------
log "regenerating the TraceEvent truth"
bash "$root/tools/dotnet/truth.sh" >"$work/truth.log" 2>&1 || { cat "$work/truth.log" >&2; die "truth.sh failed"; }

# type_row FILE NAME: "count bytes" of a type-name row in a truth JSON file.
type_row() { node -e '
  const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const r = t.types.find((row) => row.name === process.argv[2]);
  console.log(r ? `${r.count} ${r.bytes}` : "0 0");' "$1" "$2"; }
truth_of() { echo "$root/tools/dotnet/truth/$1.truth.json"; }
sized_buffers() { # 32,792-byte Byte[] nodes in a gcdump, from GcdumpTruth's node lines
  dotnet "$root/tools/dotnet/GcdumpTruth/bin/Release/net10.0/GcdumpTruth.dll" "$1" --nodes-out "$work/nodes.txt" >/dev/null
  awk -F'\t' -v size="$BODY_SNAPSHOT_OBJECT_SIZE" '$3 == size && $2 ~ /^System\.Byte\[\]/ { n++ } END { print n + 0 }' "$work/nodes.txt"
}
leak_nodes="$(type_row "$(truth_of runaway-cts.gcdump)" CallbackNode)"
control_nodes="$(type_row "$(truth_of control.gcdump)" CallbackNode)"
leak_buffers="$(sized_buffers "$out/runaway-cts.gcdump")"
control_buffers="$(sized_buffers "$out/control.gcdump")"

{
  echo "# Made by tools/capture-real-samples.sh on $(date -u +%Y-%m-%d) (UTC)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME") $(uname -m), kernel $(uname -r)"
  echo "dotnet sdk: $(dotnet --version)"
  echo "runtime (Microsoft.NETCore.App, as the service reported): $runtime_version"
  echo "aspnetcore runtime: $(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { print $2 }' | paste -sd' ')"
  echo "dotnet-gcdump: $(gcdump --version | head -1)"
  echo "dotnet-dump: $(dotnet_dump --version | head -1)"
  echo "node (load client): $(node --version)"
  echo "requests: $LEAKING_REQUESTS POST /orders + $CONTROL_PATH_REQUESTS GET /healthz per run, $CONCURRENCY connections"
  echo "runaway-cts.gcdump: CallbackNode count/bytes: $leak_nodes; 32,792-byte Byte[]: $leak_buffers; $(stat -c %s "$out/runaway-cts.gcdump") bytes"
  echo "control.gcdump: CallbackNode count/bytes: $control_nodes; 32,792-byte Byte[]: $control_buffers; $(stat -c %s "$out/control.gcdump") bytes"
  echo "runaway-cts.dmp (not committed): $(stat -c %s "$out/runaway-cts.dmp") bytes; SOS count of 32,792-byte Byte[]: ${sos_buffers:-?}"
} >"$out/versions.txt"
cat "$out/versions.txt"
log "done"
