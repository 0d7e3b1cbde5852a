# Sourced by bench scripts run against the platform ./flywheel up started: its settings and keys, the demo
# project's rate limit lifted for a run (the limiter still runs on every request) and put back after, and wrk.
# shellcheck shell=bash
set -a
# shellcheck disable=SC1091
. "$ROOT/.flywheel/demo.env"
# shellcheck disable=SC1091
. "$ROOT/.flywheel/secrets.env"
set +a

limit() {
  curl -fsS -o /dev/null -X PATCH "$FLYWHEEL_GATEWAY_URL/api/v1/projects/$FLYWHEEL_DEMO_PROJECT_ID" \
    -H "Authorization: Bearer $FLYWHEEL_BOOTSTRAP_ADMIN_KEY" -H 'Content-Type: application/json' \
    --data "{\"rateLimit\":{\"perSecond\":$1,\"burst\":$2}}"
}

ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { echo "this benchmark needs wrk (apt-get install wrk)" >&2; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
}

# Has one person answer every running survey shown to them (so /api/v1/surveys/next then shows nothing):
# answer_every_survey <client key> <user id> <the surveys/next request body for that person>
answer_every_survey() {
  local key=$1 person=$2 ask=$3 shown survey submission
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    shown=$(curl -fsS -X POST "$FLYWHEEL_GATEWAY_URL/api/v1/surveys/next" -H "Authorization: Bearer $key" \
      -H 'Content-Type: application/json' --data "$ask")
    survey=$(echo "$shown" | sed -n 's/.*"surveyKey":"\([^"]*\)".*/\1/p')
    submission=$(echo "$shown" | sed -n 's/.*"submissionId":"\([^"]*\)".*/\1/p')
    [ -n "$survey" ] || return 0
    curl -fsS -o /dev/null -X POST "$FLYWHEEL_GATEWAY_URL/api/v1/surveys/$survey/answers" \
      -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      --data "{\"person\": {\"userId\": \"$person\"}, \"submissionId\": \"$submission\", \"answers\": [{\"questionId\": \"score\", \"value\": 9}]}"
  done
}

# The platform's Java components, as ./flywheel names them
JAVA_COMPONENTS=(gateway event-collector feature-flags experiment-assignment metrics-aggregator feedback)

# A component's resident memory in KB (0 when it is not running): rss_kb <component>
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$(cat ".flywheel/pids/$1.pid" 2>/dev/null)/status" 2>/dev/null || echo 0; }

# One closed-loop wrk run of bench/edge.lua against the gateway, its RESULT line: edge_load <connections> <duration>
# (MODE, KEY, BODY, OFREP_PATH from the caller's environment; one wrk thread for a single connection)
edge_load() { wrk -t"$(($1 < 2 ? 1 : 2))" -c"$1" -d"$2" -s bench/edge.lua "$FLYWHEEL_GATEWAY_URL" | grep '^RESULT'; }

# One statement against the platform's ClickHouse: clickhouse_sql <sql>
clickhouse_sql() { curl -fsS "${FLYWHEEL_CLICKHOUSE_URL:-http://127.0.0.1:18123}/" --data-binary "$1"; }

# Rows in a ClickHouse database's events table (0 while it does not exist yet): clickhouse_events <database>
clickhouse_events() { clickhouse_sql "SELECT count() FROM $1.events" 2>/dev/null || echo 0; }
