#!/usr/bin/env bash
# How ClickHouse's answers grow with events (issue 21): for each size, synthetic events generated straight into
# ClickHouse (bench/clickhouse-generate.sh: 50 events per person over 8 weeks, in an environment of their own, e.g.
# "scale-100000000"), then the benchmark's queries through the gateway, and ClickHouse's resident memory. Against the
# platform ./flywheel up started; the environments are added to the demo project, and stay (with their events).
# GENERATE=false measures environments generated before; ONLY=paths runs the queries whose name contains "paths".
# Usage: bench/clickhouse-scale.sh SIZE...
#   bench/clickhouse-scale.sh 30000000 100000000
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . .flywheel/demo.env; set +a
for events in "$@"; do
  environment=scale-$events
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $FLYWHEEL_DEMO_ADMIN_KEY" \
    -H 'Content-Type: application/json' -d "{\"name\": \"$environment\"}" \
    "$FLYWHEEL_GATEWAY_URL/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID/environments")
  case $status in 201 | 409) ;; *) echo "adding environment $environment: HTTP $status" >&2; exit 1 ;; esac
  [ "${GENERATE:-true}" = false ] || bench/clickhouse-generate.sh "$events" $((events / 50)) "$environment"
  echo "== $events events, $((events / 50)) people"
  java -cp "bench/target/flywheel-bench.jar:bench/target/lib/*" dev.flywheel.bench.AnalyticsLoad queries \
    --gateway "$FLYWHEEL_GATEWAY_URL" --key "$FLYWHEEL_DEMO_ADMIN_KEY" --project "$FLYWHEEL_DEMO_PROJECT_ID" \
    --environment "$environment" --runs "${RUNS:-3}" --only "${ONLY:-}"
  echo "clickhouse-server resident memory: $(($(awk '/VmRSS/ {print $2}' \
    "/proc/$(cat .flywheel/pids/clickhouse.pid)/status") / 1024)) MiB"
done
