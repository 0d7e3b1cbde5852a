#!/usr/bin/env bash
# The gateway's heap, collector and compiler options compared, alternating in each round (issue 25): for each
# NAME="options" given, the gateway is restarted on them (FLYWHEEL_GATEWAY_JVM_OPTIONS, in place of the launcher's
# heap and collector options), with the metrics-aggregator stopped; after 90 s its RSS at rest is read, then after
# a warm-up OFREP bulk (c=50 and c=1), /api/v1/assign and whoami are loaded for 15 s each and its RSS read after each.
# Prints one line per option set and round. Staging's flags and experiments as for bench/edge.sh.
# Usage: bench/gateway-jvm.sh shipped="" tiered-off="-Xms24m -Xmx192m -Xmn16m -XX:+UseSerialGC -XX:-TieredCompilation"
#        (ROUNDS=2; an empty option string is the launcher's own)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-2}
# shellcheck source=bench/lib.sh
. bench/lib.sh
CLIENT=$FLYWHEEL_DEMO_STAGING_CLIENT_KEY; SERVER=$FLYWHEEL_DEMO_STAGING_SERVER_KEY
[ $# -gt 0 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
ensure_wrk
limit 1000000 1000000
trap 'limit 1000 2000; ./flywheel stop gateway >/dev/null; ./flywheel up >/dev/null' EXIT
load() { # mode connections duration key -> "req/s p50=… p99=…"
  MODE=$1 KEY="Bearer $4" edge_load "$2" "$3" | sed -E 's/.*rps=([0-9.]+) p50_ms=([0-9.]+).*p99_ms=([0-9.]+).*/\1 p50=\2 p99=\3/'
}
for round in $(seq 1 "$ROUNDS"); do
  for option_set in "$@"; do
    name=${option_set%%=*}; options=${option_set#*=}
    ./flywheel stop gateway >/dev/null
    FLYWHEEL_GATEWAY_JVM_OPTIONS=$options ./flywheel up >/dev/null
    ./flywheel stop metrics-aggregator >/dev/null
    started=$(grep -o 'started in [0-9.]*s' .flywheel/logs/gateway.log | tail -1)
    sleep 90
    idle=$(rss_kb gateway)
    load ofrep 50 20s "$CLIENT" >/dev/null; load assign 50 10s "$CLIENT" >/dev/null; load whoami 50 10s "$SERVER" >/dev/null
    ofrep=$(load ofrep 50 15s "$CLIENT"); ofrep_rss=$(rss_kb gateway)
    ofrep1=$(load ofrep 1 10s "$CLIENT")
    assign=$(load assign 50 15s "$CLIENT"); assign_rss=$(rss_kb gateway)
    whoami=$(load whoami 50 15s "$SERVER"); whoami_rss=$(rss_kb gateway)
    echo "[$(date +%T)] $name round$round ($started) idle_rss_kb=$idle | ofrep-c50 $ofrep rss_kb=$ofrep_rss" \
      "| ofrep-c1 $ofrep1 | assign $assign rss_kb=$assign_rss | whoami $whoami rss_kb=$whoami_rss"
  done
done
