#!/usr/bin/env bash
# flagd's ResolveBoolean (evaluation v1) straight to feature-flags' gRPC port, from a load generator in its own JVM,
# against the platform ./flywheel up started: open loop at RATE/s (latency from each call's due time), then a closed
# loop with 64 calls outstanding on one connection; RUNS rounds of each, then the medians.
# Uses a boolean flag of the environment (default: peer-flag-01, which ../shared/peers/ofrep-vs-unleash.sh imports
# into staging). Usage: bench/flagd.sh   (RUNS=3 RATE=5000 SECONDS_RUN=15 ENV_NAME=staging FLAG=peer-flag-01
# WARMUP=5 WARMUP_SERVER=30)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-3}; RATE=${RATE:-5000}; SECONDS_RUN=${SECONDS_RUN:-15}; ENV_NAME=${ENV_NAME:-staging}
FLAG=${FLAG:-peer-flag-01}; WARMUP=${WARMUP:-5}; WARMUP_SERVER=${WARMUP_SERVER:-30}
# shellcheck source=bench/lib.sh
. bench/lib.sh
KEY_VAR="FLYWHEEL_DEMO_$(echo "$ENV_NAME" | tr a-z A-Z)_SERVER_KEY"; KEY=${!KEY_VAR}
[ -f bench/target/flywheel-bench.jar ] || ./mvnw -B -q package -pl bench -am -DskipTests -Dflywheel.e2e.skip=true
SUMMARY=$(mktemp)
load() {
  java -XX:+UseSerialGC -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" dev.flywheel.bench.FlagdLoad \
    --target "127.0.0.1:${FLYWHEEL_FLAGD_PORT:-8013}" --key "$KEY" --flag "$FLAG" --duration "$SECONDS_RUN" "$@"
}
# FlagdLoad prints "sent=.. ok=.. ... achieved=N req/s" and "latency_us p50=.. p90=.. p99=.. p99.9=.. max=.."
record() {
  local scenario=$1 run=$2 out=$3 achieved latency
  achieved=$(echo "$out" | sed -n 's/.*errors=\([0-9]*\) achieved=\([0-9]*\).*/errors=\1 rps=\2/p')
  latency=$(echo "$out" | sed -n 's/^latency_us //p' | sed 's/p99\.9=/p999=/')
  echo "[$(date +%T)] flywheel $scenario run$run $achieved $latency" | tee -a "$SUMMARY"
}
# a freshly started service compiles its serving path for ~20 s: warm it once (closed loop, not recorded), so the
# rounds measure the steady state rather than the JIT (a cold service queues calls at 5,000/s and its heap balloons)
load --concurrency 16 --duration "$WARMUP_SERVER" >/dev/null 2>&1
for run in $(seq 1 "$RUNS"); do
  record "open-$RATE" "$run" "$(load --rate "$RATE" --warmup "$WARMUP" 2>&1)"
  record closed-64 "$run" "$(load --concurrency 64 --warmup "$WARMUP" 2>&1)"
done
python3 bench/medians.py "$SUMMARY"
