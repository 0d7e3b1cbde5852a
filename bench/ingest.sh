#!/usr/bin/env bash
# Ingest throughput and latency end to end (gateway -> event-collector -> Kafka acks=all), against a platform
# started with ./flywheel up on this machine. Usage: bench/ingest.sh [seconds]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_RUN=${1:-30}
# shellcheck disable=SC1091
source "$ROOT/.flywheel/demo.env"
# shellcheck disable=SC1091
source "$ROOT/.flywheel/secrets.env"
[ -f "$ROOT/bench/target/flywheel-bench.jar" ] || (cd "$ROOT" && ./mvnw -B -q package -pl bench -am -DskipTests)
CP="$ROOT/bench/target/flywheel-bench.jar:$ROOT/bench/target/lib/*"
limit() {
  curl -fsS -o /dev/null -X PATCH "$FLYWHEEL_GATEWAY_URL/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID" \
    -H "Authorization: Bearer $FLYWHEEL_BOOTSTRAP_ADMIN_KEY" -H 'Content-Type: application/json' \
    --data "{\"rateLimit\":{\"perSecond\":$1,\"burst\":$2}}"
}
limit 1000000 1000000
trap 'limit 1000 2000' EXIT
load() { java -XX:+UseSerialGC -cp "$CP" dev.flywheel.bench.IngestLoad "$@"; }
HTTP=(http --target "$FLYWHEEL_GATEWAY_URL" --key "$FLYWHEEL_DEMO_PRODUCTION_CLIENT_KEY")
GRPC=(grpc --target "$FLYWHEEL_EVENT_COLLECTOR_URL" --key "$FLYWHEEL_DEMO_PRODUCTION_SERVER_KEY")

echo "== warm-up (JIT), not measured"
load "${HTTP[@]}" --batch 100 --concurrency 16 --duration 30 --warmup 0 >/dev/null
load "${GRPC[@]}" --batch 100 --concurrency 2 --duration 10 --warmup 0 >/dev/null
if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || true
fi
echo "== maximum throughput, closed loop"
if command -v wrk >/dev/null 2>&1; then
  # wrk (C + LuaJIT) leaves more of the 2 cores to the platform than a JVM client does.
  echo "-- wrk, batches of 100, 16 connections"
  WRITE_KEY=$FLYWHEEL_DEMO_PRODUCTION_CLIENT_KEY BATCH=100 wrk -t1 -c16 -d"${SECONDS_RUN}s" \
    -s "$ROOT/bench/ingest-batch.lua" "$FLYWHEEL_GATEWAY_URL" | tail -2
  echo "-- wrk, single events, 16 connections"
  WRITE_KEY=$FLYWHEEL_DEMO_PRODUCTION_CLIENT_KEY BATCH=1 wrk -t1 -c16 -d"${SECONDS_RUN}s" \
    -s "$ROOT/bench/ingest-batch.lua" "$FLYWHEEL_GATEWAY_URL" | tail -2
fi
load "${HTTP[@]}" --batch 100 --concurrency 16 --duration "$SECONDS_RUN" --warmup 5
load "${GRPC[@]}" --batch 100 --concurrency 4 --duration "$SECONDS_RUN" --warmup 5
echo "== latency at a fixed rate, open loop"
load "${HTTP[@]}" --batch 100 --rate 300 --duration "$SECONDS_RUN" --warmup 5
load "${HTTP[@]}" --batch 1 --rate 1000 --duration "$SECONDS_RUN" --warmup 5
