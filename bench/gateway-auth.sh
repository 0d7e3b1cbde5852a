#!/usr/bin/env bash
# The gateway's authenticated-request overhead, against a platform started with ./flywheel up.
# Compares an authenticated no-op (GET /api/v1/whoami: key resolution through the Redis cache + GCRA rate limit)
# with an unauthenticated endpoint of the same process (GET /q/health/live on its management port), at a fixed rate, then finds the
# closed-loop maximum with wrk. Usage: bench/gateway-auth.sh [rate] [seconds]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATE=${1:-2000}
SECONDS_RUN=${2:-30}
# shellcheck disable=SC1091
source "$ROOT/.flywheel/demo.env"
KEY=$FLYWHEEL_DEMO_PRODUCTION_SERVER_KEY
[ -f "$ROOT/bench/target/flywheel-bench.jar" ] || (cd "$ROOT" && ./mvnw -B -q package -pl bench -DskipTests)
CP="$ROOT/bench/target/flywheel-bench.jar:$ROOT/bench/target/lib/*"
# shellcheck disable=SC1091
source "$ROOT/.flywheel/secrets.env"
# Lift the demo project's rate limit for the run (the limiter still runs on every request), restore it after.
limit() {
  curl -fsS -o /dev/null -X PATCH "$FLYWHEEL_GATEWAY_URL/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID" \
    -H "Authorization: Bearer $FLYWHEEL_BOOTSTRAP_ADMIN_KEY" -H 'Content-Type: application/json' \
    --data "{\"rateLimit\":{\"perSecond\":$1,\"burst\":$2}}"
}
limit 1000000 1000000
trap 'limit 1000 2000' EXIT
load() { java -XX:+UseSerialGC -cp "$CP" dev.flywheel.bench.FixedRateLoad --rate "$RATE" --duration "$SECONDS_RUN" --warmup 10 "$@"; }

echo "== authenticated no-op, fixed rate"
load --url "$FLYWHEEL_GATEWAY_URL/api/v1/whoami" --header "Authorization: Bearer $KEY"
echo "== unauthenticated baseline, fixed rate"
load --url "$FLYWHEEL_GATEWAY_MANAGEMENT_URL/q/health/live"

if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || true
fi
if command -v wrk >/dev/null 2>&1; then
  echo "== authenticated no-op, closed loop (wrk -t2 -c32 -d${SECONDS_RUN}s)"
  wrk -t2 -c32 -d"${SECONDS_RUN}s" --latency -H "Authorization: Bearer $KEY" "$FLYWHEEL_GATEWAY_URL/api/v1/whoami" \
    | grep -E 'Requests/sec|50%|99%|Non-2xx'
fi
