#!/usr/bin/env bash
# Issue 25's "measure both": OFREP bulk through the gateway as it ships (a proxy: one gRPC call to feature-flags)
# against the same answer evaluated inside the gateway, from bench/prototypes/ofrep-in-gateway.patch (libs/flags in
# the gateway, the environment's flagd document read from a file at start; not part of the product, see ADR 0016).
# Alternates the two paths in each round, c=50 and c=1. Needs the patched gateway running:
#   git apply bench/prototypes/ofrep-in-gateway.patch && ./mvnw -o -q install -pl gateway -DskipTests \
#     -Dflywheel.e2e.skip=true && ./flywheel stop gateway \
#     && FLYWHEEL_PROTOTYPE_FLAGD=$PWD/../shared/peers/unleash-seed.flagd.json ./flywheel up
#   (the same document imported into staging: ../shared/peers/ofrep-vs-unleash.sh does that), then
#   bench/ofrep-in-gateway.sh; afterwards git apply -R the patch and rebuild the gateway.
# Usage: bench/ofrep-in-gateway.sh   (RUNS=3 DURATION=15s ENV_NAME=staging)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-3}; DURATION=${DURATION:-15s}; ENV_NAME=${ENV_NAME:-staging}
# shellcheck source=bench/lib.sh
. bench/lib.sh
CLIENT_VAR="FLYWHEEL_DEMO_$(echo "$ENV_NAME" | tr a-z A-Z)_CLIENT_KEY"; CLIENT=${!CLIENT_VAR}
ensure_wrk
SUMMARY=$(mktemp)
limit 1000000 1000000
trap 'limit 1000 2000' EXIT
measure() { # <label> <path> <connections> <duration>
  MODE=ofrep KEY="Bearer $CLIENT" OFREP_PATH=$2 edge_load "$3" "$4" | sed "s/^RESULT/[$(date +%T)] flywheel $1/"
}
for path in /ofrep/v1/evaluate/flags /ofrep/v1/prototype-local/flags; do measure warmup "$path" 50 20s >/dev/null; done
for run in $(seq 1 "$RUNS"); do
  measure "proxy-c50 run$run" /ofrep/v1/evaluate/flags 50 "$DURATION" | tee -a "$SUMMARY"
  measure "in-gateway-c50 run$run" /ofrep/v1/prototype-local/flags 50 "$DURATION" | tee -a "$SUMMARY"
  measure "proxy-c1 run$run" /ofrep/v1/evaluate/flags 1 "$DURATION" | tee -a "$SUMMARY"
  measure "in-gateway-c1 run$run" /ofrep/v1/prototype-local/flags 1 "$DURATION" | tee -a "$SUMMARY"
done
python3 bench/medians.py "$SUMMARY"
