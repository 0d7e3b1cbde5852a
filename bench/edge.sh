#!/usr/bin/env bash
# The gateway's public paths, closed loop with wrk, against the platform ./flywheel up started (issue 25):
# authenticated whoami, OFREP bulk evaluation (c=50 and c=1), /api/v1/assign over the 20 experiments of
# bench/src/main/resources/assignment-workload.json, /api/v1/surveys/next over 5 running surveys (a person who has
# answered them all), the gateway's RSS under that load and every service's RSS idle after it, then ingest in Segment
# batches of 100. RUNS rounds (default 3); prints one RESULT line per path and round, then the medians.
# OFREP evaluates the environment's flags: run ../shared/peers/ofrep-vs-unleash.sh first (it imports the 20 flags
# it compares with Unleash into staging, and measures both side by side).
# Usage: bench/edge.sh   (RUNS=3 DURATION=15s CONNS=50 ENV_NAME=staging)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-3}; DURATION=${DURATION:-15s}; CONNS=${CONNS:-50}; ENV_NAME=${ENV_NAME:-staging}
# shellcheck source=bench/lib.sh
. bench/lib.sh
GW=$FLYWHEEL_GATEWAY_URL
ENV_UPPER=$(echo "$ENV_NAME" | tr a-z A-Z)
CLIENT_VAR="FLYWHEEL_DEMO_${ENV_UPPER}_CLIENT_KEY"; CLIENT=${!CLIENT_VAR}
SERVER_VAR="FLYWHEEL_DEMO_${ENV_UPPER}_SERVER_KEY"; SERVER=${!SERVER_VAR}
ensure_wrk
OUT=$(mktemp -d); SUMMARY="$OUT/summary.txt"
# The limiter still runs on every request; only its budget is lifted for the run.
limit 1000000 1000000
trap 'limit 1000 2000' EXIT

# 20 running experiments and 5 running surveys in the environment.
ENVIRONMENT_API="$GW/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID/environments/$ENV_NAME"
python3 bench/start-experiments.py "$ENVIRONMENT_API" "$FLYWHEEL_DEMO_ADMIN_KEY"
for i in 1 2 3 4 5; do
  curl -fsS -o /dev/null -X PUT "$ENVIRONMENT_API/surveys/edge-$i" -H "Authorization: Bearer $FLYWHEEL_DEMO_ADMIN_KEY" \
    -H 'Content-Type: application/json' --data "{\"name\": \"Edge $i\", \"priority\": $i,
      \"questions\": [{\"id\": \"score\", \"type\": \"nps\", \"text\": \"Recommend us?\"}],
      \"targeting\": {\"condition\": {\"in\": [{\"var\": \"plan\"}, [\"pro\", \"team\"]]}}}"
  curl -sS -o /dev/null -X POST "$ENVIRONMENT_API/surveys/edge-$i/status" -H "Authorization: Bearer $FLYWHEEL_DEMO_ADMIN_KEY" \
    -H 'Content-Type: application/json' --data '{"status": "running"}'
done
PERSON="edge-answered-$(date +%s)"
ASK="{\"person\": {\"userId\": \"$PERSON\"}, \"url\": \"https://example.com/app\", \"device\": \"desktop\", \"properties\": {\"plan\": \"pro\"}}"
answer_every_survey "$CLIENT" "$PERSON" "$ASK"

# path label, connections, duration, then MODE=... KEY=... BODY=... for edge.lua
path() {
  local label=$1 conns=$2 duration=$3 run=$4; shift 4
  local line
  line=$(export "$@"; edge_load "$conns" "$duration")
  record "$label" "$run" "${line#RESULT }"
}
# One summary line per path and round (the warm-up round, 0, is printed but not kept).
record() {
  local line
  line="[$(date +%T)] flywheel $1 run$2 $3 gateway_rss_kb=$(rss_kb gateway)"
  echo "$line"
  [ "$2" = 0 ] || echo "$line" >>"$SUMMARY"
}
ingest() {
  local run=$1 out events errors
  out=$(WRITE_KEY=$CLIENT BATCH=100 wrk -t1 -c16 -d"$DURATION" -s bench/ingest-batch.lua "$GW")
  events=$(echo "$out" | sed -n 's/^events\/s: \([0-9]*\).*/\1/p')
  errors=$(echo "$out" | sed -n 's/.*non-2xx \([0-9]*\), errors \([0-9]*\).*/\1 \2/p' | awk '{print $1 + $2}')
  record "ingest-batch100" "$run" "events_per_s=$events errors=$errors"
}
all_paths() {
  local run=$1
  path whoami "$CONNS" "$DURATION" "$run" MODE=whoami KEY="Bearer $SERVER"
  path ofrep-c$CONNS "$CONNS" "$DURATION" "$run" MODE=ofrep KEY="Bearer $CLIENT"
  path ofrep-c1 1 "$DURATION" "$run" MODE=ofrep KEY="Bearer $CLIENT"
  path assign "$CONNS" "$DURATION" "$run" MODE=assign KEY="Bearer $CLIENT"
  path surveys-next "$CONNS" "$DURATION" "$run" MODE=surveys KEY="Bearer $CLIENT" BODY="$ASK"
}
echo "== warm-up (JIT), not recorded"
DURATION=20s all_paths 0  # services started moments ago compile their paths for ~20 s
for run in $(seq 1 "$RUNS"); do all_paths "$run"; done
sleep 60  # IdleHeapReturn acts after a quiet check interval (20 s) following the load
for service in "${JAVA_COMPONENTS[@]}"; do
  echo "[$(date +%T)] $service idle run1 rss_kb=$(rss_kb "$service")" | tee -a "$SUMMARY"
done
# Ingest last: the events it writes keep the consumers busy for minutes afterwards. The collector's path alone
# (gateway -> collector -> Kafka, acks=all): the metrics-aggregator is paused meanwhile, since on two cores its
# consumers (and ClickHouse) would otherwise take the CPU the path is measured on; ./flywheel up restarts it.
./flywheel stop metrics-aggregator >/dev/null
trap 'limit 1000 2000; ./flywheel up >/dev/null' EXIT
# (one wrk thread: building batches of 100 in Lua is work the platform's two cores would otherwise lose)
WRITE_KEY=$CLIENT BATCH=100 wrk -t1 -c16 -d30s -s bench/ingest-batch.lua "$GW" >/dev/null
for run in $(seq 1 "$RUNS"); do ingest "$run"; done
python3 bench/medians.py "$SUMMARY"
