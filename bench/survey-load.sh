#!/usr/bin/env bash
# Survey selection through the gateway, against a platform started with ./flywheel up: "which survey should this
# person see now?" (POST /api/v1/surveys/next, client key) at a fixed rate, open loop (latency from when each
# request was due). Two cases over 5 running surveys with targeting:
#   - answered: the person has answered every survey, so nothing is shown (the common case: one history read);
#   - shown: a new person each request, so every request shows a survey (history read, one write statement, an
#     event through the outbox into Kafka and on to the metrics-aggregator).
# Usage: bench/survey-load.sh [rate] [seconds]   (bench/RESULTS.md: bench/survey-load.sh 500 20)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RATE=${1:-2000}
SECONDS_RUN=${2:-30}
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
[ -f "$ROOT/bench/target/flywheel-bench.jar" ] || (cd "$ROOT" && ./mvnw -B -q package -pl bench -DskipTests)
CP="$ROOT/bench/target/flywheel-bench.jar:$ROOT/bench/target/lib/*"
GW=$FLYWHEEL_GATEWAY_URL
ADMIN=$FLYWHEEL_DEMO_ADMIN_KEY
CLIENT=$FLYWHEEL_DEMO_PRODUCTION_CLIENT_KEY
SURVEYS="$GW/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID/environments/production/surveys"
limit 1000000 1000000
trap 'limit 1000 2000' EXIT
for i in 1 2 3 4 5; do
  curl -fsS -o /dev/null -X PUT "$SURVEYS/bench-$i" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data "{\"name\": \"Bench $i\", \"priority\": $i,
      \"questions\": [{\"id\": \"score\", \"type\": \"nps\", \"text\": \"Recommend us?\"}],
      \"targeting\": {\"condition\": {\"in\": [{\"var\": \"plan\"}, [\"pro\", \"team\"]]},
                      \"url\": {\"match\": \"contains\", \"value\": \"/app\"}, \"devices\": [\"desktop\", \"mobile\"]}}"
  curl -fsS -o /dev/null -X POST "$SURVEYS/bench-$i/status" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data '{"status": "running"}'
done
ask() {
  echo "{\"person\": {\"userId\": \"$1\"}, \"url\": \"https://example.com/app/billing\", \"device\": \"desktop\",
         \"properties\": {\"plan\": \"pro\", \"country\": \"NL\"}, \"flags\": {\"new-billing\": \"on\"}}"
}
# The answered person: answer all five once.
ANSWERED="bench-answered-$(date +%s)"
answer_every_survey "$CLIENT" "$ANSWERED" "$(ask "$ANSWERED")"
ensure_wrk || true
# Open loop at the given rate (latency from when each request was due); the Java generator itself needs about a
# core per 400 requests/s, so on a small machine the closed-loop wrk runs below say more.
load() {
  java -XX:+UseSerialGC -cp "$CP" dev.flywheel.bench.FixedRateLoad --rate "$RATE" --duration "$SECONDS_RUN" \
    --warmup 10 --url "$GW/api/v1/surveys/next" --method POST --header "Authorization: Bearer $CLIENT" \
    --header 'Content-Type: application/json' --body "$1"
}
echo "== answered: nothing to show, open loop at $RATE/s"
load "$(ask "$ANSWERED")"
if command -v wrk >/dev/null 2>&1; then
  for round in 1 2; do
    echo "== round $round, closed loop (wrk -t1 -c16 -d${SECONDS_RUN}s): answered, nothing to show"
    BODY="$(ask "$ANSWERED")" wrk -t1 -c16 -d"${SECONDS_RUN}s" --latency -s "$ROOT/bench/survey-next.lua" \
      -H "Authorization: Bearer $CLIENT" "$GW/api/v1/surveys/next" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx'
    echo "== round $round, closed loop: a new person each request, a survey shown each time"
    wrk -t1 -c16 -d"${SECONDS_RUN}s" --latency -s "$ROOT/bench/survey-next-new-person.lua" \
      -H "Authorization: Bearer $CLIENT" "$GW/api/v1/surveys/next" | grep -E 'Requests/sec|50%|90%|99%|Non-2xx'
  done
  echo "== reference: the authenticated no-op (GET /api/v1/whoami), closed loop"
  wrk -t1 -c16 -d10s --latency -H "Authorization: Bearer $CLIENT" "$GW/api/v1/whoami" | grep -E 'Requests/sec|50%|99%'
fi
